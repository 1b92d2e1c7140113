from typing import Any

from django.core.management.base import BaseCommand

from zhenwu.accounts.town_demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_descriptions, load_demo


class Command(BaseCommand):
    help = "载入牛塘镇演示数据（可重复执行，不会重复创建）"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_demo()
        self.stdout.write(
            f"演示数据已就绪：新增单位 {counts['units']} 个、账号 {counts['users']} 个、任职 {counts['memberships']} 条。"
        )
        self.stdout.write(
            f"演示账号（密码均为 {DEMO_PASSWORD}，仅在演示模式 ZHENWU_DEMO_ACCOUNTS=1 下可登录）："
        )
        for a in DEMO_ACCOUNTS:
            self.stdout.write(f"  {a.username:<12} {a.label}")
        for line in demo_descriptions():
            self.stdout.write(line)
