"""`zhenwu plan backward`: 倒排节点 on the working-day calendar.

zhenwu plan backward --end 2026-12-31 --steps '[{"name": "摸底", "days": 5}, {"name": "整治", "days": 10}]'
prints [{"name": "摸底", "start": "…", "finish": "…"}, …] in step order (ISO dates).
A year the calendar does not know (neither official nor provisional) is an error with exit status 2.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.core.errors import DomainError


def parse_steps(text: str) -> list[tuple[str, int]]:
    """The --steps JSON as (name, days) pairs, or a Chinese CommandError naming what is wrong."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise CommandError("--steps 不是合法的 JSON 列表。", returncode=2) from None
    if not isinstance(raw, list) or not raw:
        raise CommandError('--steps 应为非空列表，每项形如 {"name": "步骤", "days": 5}。', returncode=2)
    steps: list[tuple[str, int]] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise CommandError(f"第 {i} 个步骤缺少名称（name）。", returncode=2)
        days = item.get("days")
        if isinstance(days, bool) or not isinstance(days, int):
            raise CommandError(f"第 {i} 个步骤“{item['name']}”的工期（days）必须是整数。", returncode=2)
        steps.append((item["name"].strip(), days))
    return steps


class Command(BaseCommand):
    help = "倒排节点：给定截止日期和按顺序排列的步骤（工作日工期），计算每一步最迟的开始和完成日期"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        backward = sub.add_parser("backward", help="从截止日期倒排各步骤")
        backward.add_argument("--end", required=True, metavar="YYYY-MM-DD")
        backward.add_argument("--steps", required=True, help='JSON：[{"name": "步骤", "days": 5}, …]')

    def handle(self, *args: Any, **options: Any) -> None:
        from zhenwu.core.selectors import get_work_calendar

        try:
            end = date.fromisoformat(options["end"])
        except ValueError:
            raise CommandError(f"日期“{options['end']}”格式不对，应写成 YYYY-MM-DD。", returncode=2) from None
        steps = parse_steps(options["steps"])
        try:
            planned = get_work_calendar().plan_backward(end, steps)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps([p.as_dict() for p in planned], ensure_ascii=False))
