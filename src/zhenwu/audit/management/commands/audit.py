from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = "审计链：verify 校验（报告第一条被修改、删除或插入的记录），seal 封存待封存记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            total = 0
            while sealed := audit_seal():
                total += sealed
            self.stdout.write(f"已封存 {total} 条审计记录。")
            return
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"✓ 审计链完整：已校验 {report.checked} 条，待封存 {report.unsealed} 条。")
            return
        raise CommandError(f"✗ 审计链校验失败：{report.problem}（已通过 {report.checked} 条）")
