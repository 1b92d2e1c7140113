"""Django's deploy checks plus zhenwu's own: DEBUG off, real keys, demo accounts disabled."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def zhenwu_deploy_problems() -> list[str]:
    problems: list[str] = []
    if settings.DEBUG:
        problems.append("DEBUG 处于开启状态：生产环境请不要设置 ZHENWU_DEBUG=1。")
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        problems.append("ZHENWU_SECRET_KEY 未设置或过短（至少 40 个字符的随机串）。")
    if settings.ZHENWU_DATA_KEY == settings.DEV_DATA_KEY:
        problems.append("ZHENWU_DATA_KEY 仍是开发默认值：请生成新的 SM4 密钥（格式 编号:32位十六进制）。")
    if settings.ZHENWU_INDEX_KEY == settings.DEV_INDEX_KEY:
        problems.append("ZHENWU_INDEX_KEY 仍是开发默认值。")
    if settings.ZHENWU_AUDIT_KEY == settings.DEV_AUDIT_KEY:
        problems.append("ZHENWU_AUDIT_KEY 仍是开发默认值。")
    if getattr(settings, "ZHENWU_LICENCE_PRIVATE_KEY", "") == getattr(
        settings, "DEV_LICENCE_PRIVATE_KEY", None
    ):
        problems.append("ZHENWU_LICENCE_PRIVATE_KEY 仍是开发默认值：请生成新的 SM2 证照签名密钥对。")
    if settings.ZHENWU_DEMO_ACCOUNTS:
        problems.append("演示账号处于启用状态：生产环境请设置 ZHENWU_DEMO_ACCOUNTS=0。")
    try:
        from zhenwu.accounts.models import User

        demo_active = User.objects.filter(is_demo=True, is_active=True).count()
        if demo_active and settings.ZHENWU_DEMO_ACCOUNTS:
            problems.append(f"数据库中有 {demo_active} 个可登录的演示账号。")
    except Exception as exc:  # noqa: BLE001 - the database may not be reachable yet
        problems.append(f"无法读取数据库：{exc}")
    try:
        from zhenwu.core.selectors import next_year_missing

        missing = next_year_missing()
        if missing:
            problems.append(
                f"{missing} 年的节假日安排尚未录入：相关办理时限按法定节假日暂算（暂定）。"
                f"请运行 zhenwu calendar sync --year {missing}，或在“节假日日历”页面导入或录入。"
            )
    except Exception as exc:  # noqa: BLE001 - the database may not be reachable yet
        problems.append(f"无法读取工作日历：{exc}")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append("正在使用 SQLite：生产环境请设置 DATABASE_URL 指向 PostgreSQL。")
    if not settings.REDIS_URL:
        problems.append("未设置 REDIS_URL：异步任务将在请求内同步执行，生产环境请配置 Redis 与 Celery。")
    return problems


class Command(BaseCommand):
    help = "上线前检查：Django 部署检查 + 镇务自身的安全检查"

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        try:
            call_command("check", deploy=True, fail_level="WARNING")
        except (CommandError, SystemExit) as exc:
            failed = True
            self.stderr.write(f"Django 部署检查未通过：{exc}")
        problems = zhenwu_deploy_problems()
        for p in problems:
            self.stderr.write(f"✗ {p}")
        if failed or problems:
            raise CommandError(f"上线前检查未通过（{len(problems)} 项镇务检查问题）。")
        self.stdout.write("✓ 上线前检查全部通过。")
