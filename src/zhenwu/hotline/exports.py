"""The 听众反映事项台账 as xlsx, in the ledger layout, overdue rows highlighted."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from zhenwu.core.exports import Column, build_xlsx, xlsx_response

OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")

LEDGER_COLUMNS = [
    Column("序号", lambda r: r["n"], width=6),
    Column("编号", lambda r: r["issue"].number, width=18),
    Column("期次", lambda r: r["issue"].episode.title, width=24),
    Column("播出日期", lambda r: r["issue"].episode.air_date_display, width=14),
    Column("来源", lambda r: r["issue"].get_source_display(), width=10),
    Column("反映人", lambda r: r["issue"].caller_name, pii="name", width=10),
    Column("联系电话", lambda r: r["issue"].caller_phone, pii="phone", width=14),
    Column("反映事项", lambda r: r["issue"].display_text, width=48),
    Column("主题", lambda r: r["issue"].topic.name if r["issue"].topic else "", width=12),
    Column("处理方式", lambda r: r["issue"].get_outcome_display(), width=12),
    Column("答复/承诺", lambda r: r["issue"].answer_summary, width=40),
    Column("责任单位", lambda r: r["unit"], width=22),
    Column("办理期限", lambda r: r["deadline"], width=12),
    Column("办理状态", lambda r: r["state"], width=22),
    Column("是否办结", lambda r: r["done"], width=10),
    Column("是否逾期", lambda r: r["overdue"], width=10),
]


def ledger_xlsx(rows: list[dict[str, Any]]) -> bytes:
    numbered = [dict(r, n=i) for i, r in enumerate(rows, start=1)]
    data = build_xlsx(
        title="听众反映事项台账",
        columns=LEDGER_COLUMNS,
        rows=numbered,
        note="红色底纹为已逾期未办结事项；联系电话与姓名已脱敏。",
    )
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws is not None
    for i, r in enumerate(numbered, start=2):
        if r["overdue"]:
            for cell in ws[i]:
                cell.fill = OVERDUE_FILL
                cell.font = Font(color="9C0006")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ledger_xlsx_response(rows: list[dict[str, Any]]) -> HttpResponse:
    response = xlsx_response(
        filename="听众反映事项台账", title="听众反映事项台账", columns=LEDGER_COLUMNS, rows=[]
    )
    response.content = ledger_xlsx(rows)
    return response
