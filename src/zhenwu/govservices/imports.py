"""xlsx export and import of the 事项 catalogue. Import is all rows or none; errors name row and column."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhenwu.core.errors import DomainError
from zhenwu.core.exports import Column
from zhenwu.govservices import catalogue
from zhenwu.govservices.catalogue import CHOICE_ELEMENTS
from zhenwu.govservices.choices import MaterialForm, MaterialSource, Necessity
from zhenwu.govservices.models import ServiceItem

MAX_ROWS = 2000
NECESSITY = {label: value for value, label in Necessity.choices}
SOURCE = {label: value for value, label in MaterialSource.choices}

# (column title, element key or special)
LAYOUT: list[tuple[str, str]] = [
    ("基本编码", "base_code"),
    ("实施编码", "impl_code"),
    ("事项名称", "name"),
    ("事项类型", "item_type"),
    ("行使层级", "level"),
    ("实施主体", "agency_name"),
    ("实施主体统一社会信用代码", "agency_uscc"),
    ("设定依据", "legal_basis"),
    ("受理条件", "conditions"),
    ("法定办结时限", "legal_limit"),
    ("承诺办结时限", "promised_limit"),
    ("时限单位", "limit_unit"),
    ("办件类型", "processing_kind"),
    ("办理形式", "handling_form"),
    ("到办事现场次数", "visits"),
    ("必须现场办理原因", "visits_reason"),
    ("是否收费", "charges"),
    ("收费依据", "fee_basis"),
    ("收费项目", "fee_lines"),
    ("服务对象", "service_object"),
    ("办理流程", "process_steps"),
    ("办理地点", "location"),
    ("办理时间", "hours"),
    ("咨询方式", "consult_channel"),
    ("投诉方式", "complaint_channel"),
    ("审批结果类型", "result_type"),
    ("审批结果名称", "result_name"),
    ("证照有效期（年）", "result_valid_years"),
    ("网上办理深度", "online_depth"),
    ("通办范围", "service_scope"),
    ("申请材料", "materials"),
    ("申请表字段", "fields"),
]
TITLE_OF = {key: title for title, key in LAYOUT}


FORM = {str(label): str(value) for value, label in MaterialForm.choices}


def _material_text(materials: list[dict[str, Any]]) -> str:
    """One material a line: 标识|名称|必要性|来源|份数|形式|受理标准|空白表格、样表."""
    lines = []
    for m in materials:
        flags = "、".join(
            f for f, on in (("空白表格", m.get("blank_form")), ("样表", m.get("sample_form"))) if on
        )
        lines.append(
            f"{m['key']}|{m['name']}|{Necessity(m['necessity']).label}|{MaterialSource(m['source']).label}"
            f"|{m.get('copies', 1)}|{MaterialForm(m.get('form', 'electronic')).label}|{m.get('standard', '')}|{flags}"
        )
    return "\n".join(lines)


def _cell(item: ServiceItem, key: str) -> Any:
    v = item.current
    assert v is not None
    if key in {"base_code", "impl_code"}:
        return getattr(item, key)
    if key == "item_type":
        return v.item_type.name
    if key in CHOICE_ELEMENTS:
        return getattr(v, f"get_{key}_display")()
    if key == "charges":
        return "是" if v.charges else "否"
    if key == "fee_lines":
        return "\n".join(f"{f['name']}|{f['amount']}" for f in v.fee_lines)
    if key == "process_steps":
        return "→".join(v.process_steps)
    if key == "materials":
        return _material_text(v.materials)
    if key == "fields":
        return "\n".join(f"{f['key']}|{f['label']}|{f['kind']}" for f in v.fields)
    return getattr(v, key)


def export_columns() -> list[Column]:
    return [Column(title, (lambda item, k=key: _cell(item, k)), width=18) for title, key in LAYOUT]


def export_rows() -> Any:
    return ServiceItem.objects.select_related("current", "current__item_type").order_by("sort_order", "id")


class ImportFailed(DomainError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"导入失败，共 {len(errors)} 处错误，未导入任何数据。", field="file")
        self.errors = errors


def _parse_row(values: dict[str, Any]) -> dict[str, Any]:
    """Text cells -> the element dict ``catalogue.clean_elements`` expects; DomainError names the column."""
    data: dict[str, Any] = {}
    for title, key in LAYOUT:
        raw = values.get(title)
        text = "" if raw is None else str(raw).strip()
        if key in CHOICE_ELEMENTS:
            label, choices = CHOICE_ELEMENTS[key]
            by_label = {lbl: val for val, lbl in choices.choices}
            if text not in by_label and text not in choices.values:
                raise DomainError(f"“{text or '空'}”不在可选范围内（{'、'.join(by_label)}）。", field=key)
            data[key] = by_label.get(text, text)
        elif key == "charges":
            data[key] = text in {"是", "收费", "1", "True"}
        elif key == "fee_lines":
            data[key] = [
                dict(zip(("name", "amount"), (line.split("|") + [""])[:2], strict=True))
                for line in text.splitlines()
                if line.strip()
            ]
        elif key == "process_steps":
            data[key] = [s for s in text.replace("->", "→").split("→") if s.strip()]
        elif key == "materials":
            materials = []
            for n, line in enumerate(text.splitlines(), start=1):
                parts = [p.strip() for p in line.split("|")]
                if len(parts) < 4:
                    raise DomainError(
                        f"第{n}项材料应为“标识|名称|必要性|来源|份数|形式|受理标准”。", field=key
                    )
                if parts[2] not in NECESSITY or parts[3] not in SOURCE:
                    raise DomainError(f"第{n}项材料的必要性或来源不在可选范围内。", field=key)
                parts += [""] * (8 - len(parts))
                copies = parts[4] or "1"
                if not copies.isdigit():
                    raise DomainError(f"第{n}项材料的份数应为整数。", field=key)
                if parts[5] and parts[5] not in FORM:
                    raise DomainError(f"第{n}项材料的形式应为：{'、'.join(FORM)}。", field=key)
                materials.append(
                    {
                        "key": parts[0],
                        "name": parts[1],
                        "necessity": NECESSITY[parts[2]],
                        "source": SOURCE[parts[3]],
                        "copies": int(copies),
                        "form": FORM.get(parts[5], "electronic"),
                        "standard": parts[6],
                        "blank_form": "空白表格" in parts[7],
                        "sample_form": "样表" in parts[7],
                    }
                )
            data[key] = materials
        elif key == "fields":
            data[key] = [
                dict(zip(("key", "label", "kind"), (line.split("|") + ["", "text"])[:3], strict=True))
                for line in text.splitlines()
                if line.strip()
            ]
        else:
            data[key] = text
    return data


def import_catalogue(*, actor: Any, upload: UploadedFile) -> int:
    if (upload.size or 0) > 5 * 1024 * 1024:
        raise DomainError("文件过大，上限 5 MB。", field="file")
    try:
        wb = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, Exception):  # noqa: BLE001 - any unreadable file
        raise DomainError("无法读取该文件，请上传由本系统导出的 xlsx 表格。", field="file") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    header_row = 1
    while header is not None and (header[0] or "") != "基本编码":  # tolerate note rows above the header
        header = next(rows, None)
        header_row += 1
    if header is None:
        raise DomainError("表格中没有找到表头“基本编码”，请使用本系统导出的模板。", field="file")
    titles = [str(h or "").strip() for h in header]
    missing = [t for t, _ in LAYOUT if t not in titles]
    if missing:
        raise DomainError(f"表头缺少列：{'、'.join(missing)}。", field="file")
    errors: list[str] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for row_number, row in enumerate(rows, start=header_row + 1):
        if row_number > MAX_ROWS + header_row:
            errors.append(f"超过 {MAX_ROWS} 行，请分批导入。")
            break
        values = dict(zip(titles, row, strict=False))
        if not any(v not in (None, "") for v in values.values()):
            continue
        try:
            data = _parse_row(values)
            catalogue.clean_elements(dict(data))
            if not catalogue.BASE_CODE_RE.match(str(data["base_code"]).upper()):
                raise DomainError("基本编码应为 10 至 14 位数字或大写字母。", field="base_code")
            catalogue.validate_impl_code(
                data["impl_code"], base_code=data["base_code"].upper(), agency_uscc=data["agency_uscc"]
            )
        except DomainError as exc:
            column = TITLE_OF.get(exc.field or "", "")
            errors.append(f"第 {row_number} 行{f'「{column}」' if column else ''}：{exc.message}")
            continue
        parsed.append((row_number, data))
    if errors:
        raise ImportFailed(errors)
    count = 0
    with transaction.atomic():
        for row_number, data in parsed:
            code = catalogue.normalize_impl_code(data.pop("impl_code"))
            base = str(data.pop("base_code")).upper()
            item = ServiceItem.objects.filter(impl_code=code).first()
            try:
                if item is None:
                    catalogue.item_create(actor=actor, base_code=base, impl_code=code, elements=data)
                else:
                    try:
                        catalogue.item_revise(actor=actor, item=item, elements=data, note="表格导入")
                    except DomainError as exc:
                        if "没有变化" not in exc.message:
                            raise
                        continue
            except DomainError as exc:
                column = TITLE_OF.get(exc.field or "", "")
                raise ImportFailed(
                    [f"第 {row_number} 行{f'「{column}」' if column else ''}：{exc.message}"]
                ) from None
            count += 1
    return count
