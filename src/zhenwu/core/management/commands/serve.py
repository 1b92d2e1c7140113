from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "迁移数据库并在本机启动开发服务器（生产环境请使用 gunicorn，见 README）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"镇务已启动：http://{options['addrport']}/  （Ctrl+C 停止）")
        call_command("runserver", options["addrport"], use_reloader=False)
