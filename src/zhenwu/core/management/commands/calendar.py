"""`zhenwu calendar ...`: deadlines on the working-day calendar, and the official years.

zhenwu calendar deadline --from 2026-12-20 --days 10   {"deadline": "...", "provisional": true}
zhenwu calendar status                                 which years are official / provisional
zhenwu calendar sync --year 2027                       take 2027 from the installed chinesecalendar
zhenwu calendar import --year 2027 FILE.xlsx           take 2027 from a spreadsheet (日期 | 类型 | 名称)
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.core.errors import DomainError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，应写成 YYYY-MM-DD。", returncode=2) from None


class Command(BaseCommand):
    help = (
        "工作日历：计算办理时限（deadline），查看年度状态（status），同步（sync）或导入（import）正式年度安排"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deadline = sub.add_parser("deadline", help="第 N 个工作日（起算日当天不计）")
        deadline.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        deadline.add_argument("--days", type=int, required=True)
        sub.add_parser("status", help="各年度是正式还是暂定")
        sync = sub.add_parser("sync", help="从已安装的 chinesecalendar 同步正式安排")
        sync.add_argument("--year", type=int, required=True)
        imp = sub.add_parser("import", help="从 xlsx 导入正式安排（日期、类型、名称三列）")
        imp.add_argument("--year", type=int, required=True)
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        from zhenwu.core.actors import SYSTEM
        from zhenwu.core.selectors import get_work_calendar

        action = options["action"]
        try:
            if action == "deadline":
                if options["days"] < 0:
                    raise CommandError("--days 不能为负数。", returncode=2)
                calendar = get_work_calendar()
                result = calendar.add_working_days(_date(options["start"]), options["days"])
                out = {"deadline": result.isoformat(), "provisional": calendar.is_provisional(result)}
                self.stdout.write(json.dumps(out))
                return
            if action == "status":
                from zhenwu.core.selectors import calendar_years

                for row in calendar_years():
                    self.stdout.write(f"{row['year']} 年：{row['label']}")
                return
            if action == "sync":
                from zhenwu.core.services import calendar_sync

                moved = calendar_sync(actor=SYSTEM, year=options["year"])
                self.stdout.write(f"已同步 {options['year']} 年正式安排；重算了 {moved} 个未办结事项的时限。")
                return
            if action == "import":
                from zhenwu.core.services import calendar_import_xlsx

                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"找不到文件：{path}", returncode=2)
                moved = calendar_import_xlsx(actor=SYSTEM, year=options["year"], content=path.read_bytes())
                self.stdout.write(f"已导入 {options['year']} 年正式安排；重算了 {moved} 个未办结事项的时限。")
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2 if action == "deadline" else 1) from exc
