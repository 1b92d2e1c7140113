"""`zhenwu suggest-dispatch "诉求文本" [--category CODE]`: the top 3 units as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.core.errors import DomainError
from zhenwu.core.parts import dispatch_category_names
from zhenwu.dispatch.engine import suggest_units


class Command(BaseCommand):
    help = "按派单目录和历史工单给出前三名承办单位建议（JSON）"
    # Read-only: the system checks would import every URL and view first (about a second).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="诉求文本")
        parser.add_argument("--category", default=None, help="工单分类编码，如 municipal.streetlight")
        parser.add_argument("--reasons", action="store_true", help="同时输出理由和单位ID")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            code = options["category"]
            suggestions = suggest_units(
                text=options["text"], category_code=code, category_names=dispatch_category_names(code)
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        data = [s.as_dict(with_reasons=options["reasons"]) for s in suggestions]
        self.stdout.write(json.dumps(data, ensure_ascii=False))
