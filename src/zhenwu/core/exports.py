"""One way to export a scoped list to xlsx. PII columns are masked unless the caller may reveal them."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhenwu.core.pii import mask_value


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    pii: str = ""  # "phone" / "id_number" / "name": masked in the export
    width: int = 16


# OWASP CSV/formula injection: a cell whose text begins with one of these is read as a formula
# (or a DDE command) by Excel, WPS or LibreOffice once the cell is edited or the file re-saved.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text: str) -> str:
    """Text that a spreadsheet must show as text: a leading formula trigger gets a ' in front."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    if isinstance(value, date | int | float):
        return value
    return neutralise(str(value))


def build_xlsx(*, title: str, columns: list[Column], rows: Iterable[Any], note: str = "") -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    header_font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="206BC4")
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.title)
        cell.font = header_font
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    r = 1
    for r, obj in enumerate(rows, start=2):
        for i, col in enumerate(columns, start=1):
            value = col.value(obj)
            if col.pii and value:
                value = mask_value(col.pii, str(value))
            cell = ws.cell(row=r, column=i, value=_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: openpyxl would store "=..." as a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    if note:
        ws.cell(row=r + 2, column=1, value=neutralise(note)).data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, title: str, columns: list[Column], rows: Iterable[Any], note: str = ""
) -> HttpResponse:
    from urllib.parse import quote

    data = build_xlsx(title=title, columns=columns, rows=rows, note=note)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.xlsx')}"
    return response
