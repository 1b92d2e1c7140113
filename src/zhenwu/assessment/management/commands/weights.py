"""`zhenwu weights ahp --matrix '[[1,3,5],[0.3333,1,3],[0.2,0.3333,1]]'` and `zhenwu weights entropy --file scores.csv`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.assessment.weights import ahp, entropy_from_csv
from zhenwu.core.errors import DomainError


class Command(BaseCommand):
    help = "计算考核权重：层次分析法(ahp)或熵权法(entropy)，输出 JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="method", required=True)
        p_ahp = sub.add_parser("ahp", help="由两两比较判断矩阵(1-9 标度)计算权重、λmax、CI、CR")
        p_ahp.add_argument(
            "--matrix", required=True, help="JSON 方阵，如 [[1,3,5],[0.3333,1,3],[0.2,0.3333,1]]"
        )
        p_ent = sub.add_parser("entropy", help="由得分矩阵 CSV 计算熵权")
        p_ent.add_argument("--file", required=True, help="CSV 文件：行为单位，列为指标；可带表头和单位名称列")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["method"] == "ahp":
                try:
                    matrix = json.loads(options["matrix"])
                except json.JSONDecodeError as exc:
                    raise DomainError(f"--matrix 不是有效的 JSON：{exc.msg}") from exc
                result = ahp(matrix).as_dict()
            else:
                path = Path(options["file"])
                if not path.exists():
                    raise DomainError(f"找不到文件 {path}")
                result = entropy_from_csv(path.read_text(encoding="utf-8-sig")).as_dict()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
