"""Import of inspection results from the xlsx template zhenwu provides. All rows or none."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from zhenwu.assessment import services
from zhenwu.assessment.capabilities import CAPABILITIES as CAP
from zhenwu.assessment.models import Indicator, Scheme
from zhenwu.assessment.scoring import ASSESSED_KINDS
from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.core.exports import neutralise
from zhenwu.orgs.models import Unit

COLUMNS = ["单位编码", "单位名称(仅供核对)", "细则编码", "处数", "检查日期", "地点", "情况说明"]
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


class ImportRefused(DomainError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"导入失败，共 {len(errors)} 处错误，未导入任何数据。", field="file")
        self.errors = errors


def build_template(scheme: Scheme) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "检查结果"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="206BC4")
    for letter, width in zip("ABCDEFG", [14, 16, 14, 8, 14, 24, 30], strict=True):
        ws.column_dimensions[letter].width = width
    sample_unit = Unit.objects.filter(kind__in=ASSESSED_KINDS, is_active=True).order_by("code").first()
    sample_ind = Indicator.objects.filter(item__scheme=scheme, source="manual").select_related("item").first()
    if sample_unit and sample_ind:
        ws.append(
            [
                sample_unit.code,
                neutralise(sample_unit.name),
                f"{sample_ind.item.code}.{sample_ind.code}",
                1,
                date(scheme.year, 1, 15),
                "（示例行，导入前请删除）",
                "",
            ]
        )
    ref = wb.create_sheet("细则清单")
    ref.append(["细则编码", "考核项目", "考核细则", "类型", "每处分值", "上限"])
    for ind in Indicator.objects.filter(item__scheme=scheme, source="manual").select_related("item"):
        ref.append(
            [
                f"{ind.item.code}.{ind.code}",
                neutralise(ind.item.name),
                neutralise(ind.name),
                ind.get_kind_display(),
                float(ind.points_per_finding),
                float(ind.max_score),
            ]
        )
    ref.column_dimensions["A"].width = 14
    ref.column_dimensions["C"].width = 30
    units = wb.create_sheet("单位清单")
    units.append(["单位编码", "单位名称", "类别"])
    for u in Unit.objects.filter(kind__in=ASSESSED_KINDS, is_active=True).order_by("code"):
        units.append([u.code, neutralise(u.name), u.display_kind])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


FIELD_COLUMN = {"unit": "单位编码", "indicator": "细则编码", "count": "处数", "found_on": "检查日期"}


def import_findings(*, actor: Any, upload: Any) -> int:
    """Validate every row, then write all of them in one transaction; any error writes nothing."""
    services.require(actor, CAP.INSPECT)
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise DomainError("文件不是有效的 xlsx 表格，请使用系统提供的模板。", field="file") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][: len(COLUMNS)]] != COLUMNS:
        raise DomainError("表头与模板不一致，请下载最新模板后填写。", field="file")
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in r)]
    if not body:
        raise DomainError("表格中没有数据行。", field="file")
    if len(body) > MAX_ROWS:
        raise DomainError(f"一次最多导入 {MAX_ROWS} 行。", field="file")
    units = {u.code: u for u in Unit.objects.filter(kind__in=ASSESSED_KINDS)}
    indicators = {
        (ind.item.scheme.year, f"{ind.item.code}.{ind.code}"): ind
        for ind in Indicator.objects.select_related("item__scheme")
    }
    errors: list[RowError] = []
    created = 0
    with transaction.atomic():
        for line, raw in body:
            cells = list(raw) + [None] * (len(COLUMNS) - len(raw))
            unit_code, _name, ind_code, count, found, place, note = cells[: len(COLUMNS)]
            row_errors: list[RowError] = []
            unit = units.get(str(unit_code or "").strip())
            if unit is None:
                row_errors.append(
                    RowError(line, "单位编码", f"“{unit_code or ''}”不是村或社区的单位编码，见“单位清单”。")
                )
            try:
                found_on = _date(found)
            except (ValueError, TypeError):
                row_errors.append(RowError(line, "检查日期", f"“{found or ''}”不是日期，应写成 2026-10-15。"))
                found_on = None
            indicator = None
            if found_on is not None:
                indicator = indicators.get((found_on.year, str(ind_code or "").strip()))
                if indicator is None:
                    row_errors.append(
                        RowError(
                            line,
                            "细则编码",
                            f"“{ind_code or ''}”不是 {found_on.year} 年度方案的细则编码，见“细则清单”。",
                        )
                    )
            try:
                n = int(count)
                if n != count and not isinstance(count, str):
                    raise ValueError
            except (TypeError, ValueError):
                row_errors.append(RowError(line, "处数", f"“{count or ''}”不是整数。"))
                n = 0
            if not row_errors and unit is not None and indicator is not None and found_on is not None:
                try:
                    month = services.finding_validate(
                        unit=unit, indicator=indicator, count=n, found_on=found_on
                    )
                    services._check_veto_bonus(unit, indicator, month)
                    services._finding_create(
                        actor=actor,
                        month=month,
                        unit=unit,
                        indicator=indicator,
                        count=n,
                        found_on=found_on,
                        place=str(place or ""),
                        note=str(note or ""),
                    )
                    created += 1
                except DomainError as exc:
                    row_errors.append(RowError(line, FIELD_COLUMN.get(exc.field or "", "整行"), exc.message))
            errors.extend(row_errors)
        if errors:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action="assessment.findings_import",
                object_type="assessment.finding",
                message=f"导入检查结果 {created} 条",
            )
    if errors:
        raise ImportRefused(errors)
    return created
