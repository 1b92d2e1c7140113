"""`zhenwu precheck hightech --json FILE` and `zhenwu precheck techsme --json FILE`.

Prints ``{"eligible", "score", "conditions": [...], "growth"}`` (growth for hightech only).
A missing, malformed or negative field is an error naming it, exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenwu.enterprises.precheck import PRECHECKS, PrecheckInputError, load_json


class Command(BaseCommand):
    help = "按官方条件预检：高新技术企业(hightech)或科技型中小企业(techsme)，输出 JSON"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind, text in (("hightech", "高新技术企业认定条件预检"), ("techsme", "科技型中小企业评价预检")):
            p = sub.add_parser(kind, help=text)
            p.add_argument(
                "--json",
                required=True,
                dest="file",
                help="企业数据 JSON 文件（金额单位万元；- 表示标准输入）",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            if name == "-":
                text = sys.stdin.read()
            else:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"找不到文件 {path}", returncode=2)
                text = path.read_text(encoding="utf-8-sig")
            result = PRECHECKS[options["kind"]](load_json(text))
        except PrecheckInputError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码的文本。", returncode=2) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
