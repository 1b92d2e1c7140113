from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.audit.services import audit_anchor_export, audit_seal, audit_verify, audit_verify_anchor


class Command(BaseCommand):
    help = (
        "审计链：verify 校验（报告第一条被修改、删除或插入的记录），seal 封存待封存记录，anchor 导出链头锚点"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "anchor"])
        parser.add_argument("--anchor", metavar="FILE", help="verify：同时核对库外锚点文件中记录的链头")
        parser.add_argument(
            "--out", metavar="FILE", help="anchor：追加写入的文件（默认 ZHENWU_AUDIT_ANCHOR_FILE）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            total = 0
            while sealed := audit_seal():
                total += sealed
            self.stdout.write(f"已封存 {total} 条审计记录。")
            return
        if options["action"] == "anchor":
            line = audit_anchor_export(options.get("out"))
            self.stdout.write(f"已导出链头锚点：序号 {line['last_seq']}，时间 {line['time']}。")
            return
        report = audit_verify_anchor(options["anchor"]) if options.get("anchor") else audit_verify()
        if report.ok:
            extra = f"，{'；'.join(report.details)}" if report.details else ""
            self.stdout.write(
                f"✓ 审计链完整：已校验 {report.checked} 条，待封存 {report.unsealed} 条{extra}。"
            )
            return
        raise CommandError(f"✗ 审计链校验失败：{report.problem}（已通过 {report.checked} 条）")
