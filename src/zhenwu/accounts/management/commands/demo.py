from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhenwu.accounts.town_demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    HISTORY_MONTHS,
    demo_descriptions,
    load_demo,
)


class Command(BaseCommand):
    help = "载入牛塘镇演示数据（可重复执行，不会重复创建）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=HISTORY_MONTHS,
            help=f"生成今天之前多少个月的示例历史（工单、热线节目与承诺），默认 {HISTORY_MONTHS}；0 表示不生成",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = max(0, min(int(options["months"]), 24))
        counts = load_demo(history_months=months)
        self.stdout.write(
            f"演示数据已就绪：新增单位 {counts['units']} 个、账号 {counts['users']} 个、任职 {counts['memberships']} 条。"
        )
        if counts.get("history_orders"):
            self.stdout.write(
                f"示例历史：近 {months} 个月工单 {counts['history_orders']} 件"
                f"（已办结 {counts.get('history_closed', 0)} 件、在办 {counts.get('history_open', 0)} 件），"
                f"均标注为示例数据。"
            )
        self.stdout.write(
            f"演示账号（密码均为 {DEMO_PASSWORD}，仅在演示模式 ZHENWU_DEMO_ACCOUNTS=1 下可登录）："
        )
        for a in DEMO_ACCOUNTS:
            self.stdout.write(f"  {a.username:<12} {a.label}")
        for line in demo_descriptions():
            self.stdout.write(line)
