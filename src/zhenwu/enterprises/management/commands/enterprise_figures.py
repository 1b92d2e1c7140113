"""`zhenwu enterprise-figures --year 2022`: the year's 科技创新 figures, computed from records, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.enterprises.selectors import year_figures


class Command(BaseCommand):
    help = "输出某年度科技创新与智改数转的各项数字（由台账记录计算），JSON 格式"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("年度应在 2000 至 2100 之间。", returncode=2)
        self.stdout.write(json.dumps(year_figures(year).as_json(), ensure_ascii=False))
