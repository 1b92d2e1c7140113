"""Import of enterprises from an xlsx list (the 统计局 spreadsheet in zhenwu's columns). All rows or none."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhenwu.core.errors import DomainError
from zhenwu.core.exports import Column, build_xlsx
from zhenwu.core.pii import normalize_phone, normalize_uscc
from zhenwu.enterprises import services
from zhenwu.enterprises.models import Enterprise
from zhenwu.orgs.models import Unit

COLUMNS = [
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "行业名称",
    "村(社区)编码",
    "网格编码",
    "地址",
    "规上企业",
    "成立日期",
    "职工人数",
    "联系人",
    "联系电话",
    "校验例外说明",
]
REQUIRED = {"统一社会信用代码", "企业名称", "村(社区)编码"}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


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


def build_template() -> bytes:
    sample = {
        "统一社会信用代码": "91320412MA1KPRAC0（18位）",
        "企业名称": "常州示例机械有限公司",
        "行业代码": "C3484",
        "行业名称": "机械零部件加工",
        "村(社区)编码": "NT-YH",
        "网格编码": "NT-YH-G01",
        "地址": "牛塘镇……",
        "规上企业": "是",
        "成立日期": "2015-04-10",
        "职工人数": 120,
        "联系人": "张三",
        "联系电话": "13800000000",
        "校验例外说明": "",
    }
    return build_xlsx(
        title="企业名单",
        columns=[Column(c, _getter(c), width=18) for c in COLUMNS],
        rows=[sample],
        note="示例行导入前请删除；村(社区)编码见“组织机构”页。任何一行有错，整表不导入。",
    )


def _getter(column: str) -> Any:
    return lambda row: row[column]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _bool(value: Any) -> bool | None:
    text = _text(value)
    if text in {"", "否", "N", "n", "0", "FALSE", "false"}:
        return False
    if text in {"是", "Y", "y", "1", "TRUE", "true"}:
        return True
    return None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    return date.fromisoformat(text) if text else None


def parse(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    if len(content) > MAX_BYTES:
        raise DomainError("文件超过 5MB，请拆分后再导入。", field="file")
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        table = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except (InvalidFileException, BadZipFile, OSError, ValueError, KeyError, TypeError, IndexError):
        raise DomainError("无法读取文件：请上传 Excel（.xlsx）格式的企业名单。", field="file") from None
    rows = iter(table)
    header = [_text(h) for h in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused([RowError(1, c, "缺少此列（请使用导入模板）") for c in missing])
    out = []
    for n, values in enumerate(rows, start=2):
        if n - 1 > MAX_ROWS:
            raise DomainError(f"一次最多导入 {MAX_ROWS} 行。", field="file")
        row = {h: v for h, v in zip(header, values, strict=False) if h}
        if all(_text(v) == "" for v in row.values()):
            continue
        out.append((n, row))
    return out


def validate(actor: Any, rows: list[tuple[int, dict[str, Any]]]) -> list[services.EnterpriseInput]:
    """Every row checked; all errors reported at once with row and column."""
    errors: list[RowError] = []
    units = {
        u.code: u
        for u in Unit.objects.visible_to(actor, "change").filter(kind__in=["village", "community", "grid"])
    }
    existing = set(
        Enterprise.objects.filter(
            uscc__in=[normalize_uscc(_text(r.get("统一社会信用代码"))) for _, r in rows]
        ).values_list("uscc", flat=True)
    )
    seen: dict[str, int] = {}
    inputs: list[services.EnterpriseInput] = []
    for n, row in rows:
        before = len(errors)

        def err(column: str, message: str, n: int = n) -> None:
            errors.append(RowError(n, column, message))

        code = normalize_uscc(_text(row.get("统一社会信用代码")))
        override = _text(row.get("校验例外说明"))
        if not code:
            err("统一社会信用代码", "必填")
        else:
            problem = services.uscc_problem(code)
            if problem and (len(code) != 18 or not override):
                err("统一社会信用代码", problem)
            elif code in existing:
                err("统一社会信用代码", f"{code} 已在企业库中，不能重复导入")
            elif code in seen:
                err("统一社会信用代码", f"与第 {seen[code]} 行重复")
            seen.setdefault(code, n)
        name = _text(row.get("企业名称"))
        if not name:
            err("企业名称", "必填")
        elif len(name) > 120:
            err("企业名称", "不能超过 120 个字")
        unit = units.get(_text(row.get("村(社区)编码")))
        if unit is None or unit.kind == "grid":
            err("村(社区)编码", "不是您数据范围内的村(社区)编码")
        grid_code = _text(row.get("网格编码"))
        grid = units.get(grid_code) if grid_code else None
        if grid_code and (grid is None or grid.kind != "grid" or (unit and grid.parent_id != unit.pk)):
            err("网格编码", "不是该村(社区)下的网格编码")
        industry = _text(row.get("行业代码")).upper()
        if industry and not services._industry_ok(industry):
            err("行业代码", "应为 GB/T 4754 门类字母加 2–4 位数字，如 C3670")
        above = _bool(row.get("规上企业"))
        if above is None:
            err("规上企业", "请填“是”或“否”")
        try:
            registered_on = _date(row.get("成立日期"))
        except ValueError:
            registered_on = None
            err("成立日期", "日期格式应为 2015-04-10")
        if registered_on and registered_on > timezone.localdate():
            err("成立日期", "不能晚于今天")
        staff_text = _text(row.get("职工人数"))
        staff = int(staff_text) if staff_text.isdigit() and len(staff_text) < 8 else None
        if staff_text and staff is None:
            err("职工人数", "应为非负整数")
        phone = _text(row.get("联系电话"))
        try:
            phone = normalize_phone(phone)
        except Exception:  # noqa: BLE001 - ValidationError: the message is ours
            err("联系电话", "格式不正确：手机号 11 位，固话如 0519-86123456")
        if len(errors) == before and unit is not None:
            inputs.append(
                services.EnterpriseInput(
                    uscc=code,
                    name=name,
                    unit=unit,
                    grid=grid,
                    industry_code=industry,
                    industry_name=_text(row.get("行业名称"))[:60],
                    address=_text(row.get("地址"))[:200],
                    above_scale=bool(above),
                    registered_on=registered_on,
                    staff=staff,
                    contact_name=_text(row.get("联系人"))[:40],
                    contact_phone=phone,
                    override_reason=override[:200],
                )
            )
    if errors:
        raise ImportRefused(errors)
    if not inputs:
        raise DomainError("文件中没有企业数据。", field="file")
    return inputs


def import_enterprises(*, actor: Any, content: bytes) -> int:
    services.require(actor)
    inputs = validate(actor, parse(content))
    try:
        return len(services.enterprises_import(actor=actor, rows=inputs))
    except DomainError as exc:
        raise ImportRefused([RowError(0, exc.field or "文件", exc.message)]) from None
