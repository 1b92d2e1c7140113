"""Writes on the 事项 catalogue: items with versioned elements, delegation, bundles.

实施编码 shape (after GB/T 39554.1 and the national 实施清单): 基本编码, the 12-digit 区划代码 of the
implementing area, "000", the 18-character 统一社会信用代码 of the 实施主体, "1", and a 3-digit 办理项.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.pii import normalize_uscc, validate_uscc
from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.choices import (
    ExerciseLevel,
    HandlingForm,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    ProcessingKind,
    ResultType,
    ServiceScope,
    TimeUnit,
)
from zhenwu.govservices.models import Bundle, ItemType, ItemVersion, ServiceItem
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.scope import user_has_capability

BASE_CODE_RE = re.compile(r"^[0-9A-Z]{10,14}$")
IMPL_CODE_RE = re.compile(
    r"^(?P<base>[0-9A-Z]{10,14})(?P<region>\d{12})000(?P<uscc>[0-9A-Z]{18})1(?P<item>\d{3})$"
)
IMPL_CODE_HINT = (
    "实施编码应为：基本编码 + 12位区划代码 + 000 + 18位实施主体统一社会信用代码 + 1 + 3位办理项编码。"
)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# Element name -> (label, required). The version model's field names are the keys.
TEXT_ELEMENTS: dict[str, tuple[str, bool]] = {
    "name": ("事项名称", True),
    "agency_name": ("实施主体", True),
    "agency_uscc": ("实施主体统一社会信用代码", True),
    "legal_basis": ("设定依据", True),
    "conditions": ("受理条件", True),
    "service_object": ("服务对象", True),
    "location": ("办理地点", True),
    "hours": ("办理时间", True),
    "consult_channel": ("咨询方式", True),
    "complaint_channel": ("投诉方式", True),
    "result_name": ("审批结果名称", True),
    "visits_reason": ("必须现场办理原因", False),
    "fee_basis": ("收费依据", False),
}
CHOICE_ELEMENTS: dict[str, tuple[str, Any]] = {
    "level": ("行使层级", ExerciseLevel),
    "limit_unit": ("时限单位", TimeUnit),
    "processing_kind": ("办件类型", ProcessingKind),
    "handling_form": ("办理形式", HandlingForm),
    "result_type": ("审批结果类型", ResultType),
    "online_depth": ("网上办理深度", OnlineDepth),
    "service_scope": ("通办范围", ServiceScope),
}
INT_ELEMENTS: dict[str, str] = {
    "legal_limit": "法定办结时限",
    "promised_limit": "承诺办结时限",
    "visits": "到办事现场次数",
    "result_valid_years": "证照有效期（年）",
}
VERSIONED = [*TEXT_ELEMENTS, *CHOICE_ELEMENTS, *INT_ELEMENTS, "item_type", "charges", "fee_lines",
             "process_steps", "materials", "fields"]  # fmt: skip


def require(actor: Any, capability: str, what: str) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有{what}的权限。")


def normalize_impl_code(value: str) -> str:
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def validate_impl_code(value: str, *, base_code: str, agency_uscc: str) -> str:
    """The 实施编码 without separators, or a DomainError naming what is wrong."""
    code = normalize_impl_code(value)
    match = IMPL_CODE_RE.match(code)
    if not match:
        raise DomainError(f"实施编码格式不正确。{IMPL_CODE_HINT}", field="impl_code")
    if match["base"] != base_code:
        raise DomainError(f"实施编码开头应为本事项的基本编码 {base_code}。", field="impl_code")
    try:
        validate_uscc(match["uscc"])
    except ValidationError as exc:
        raise DomainError(f"实施编码中的实施主体信用代码有误：{exc.messages[0]}", field="impl_code") from None
    if match["uscc"] != normalize_uscc(agency_uscc):
        raise DomainError("实施编码中的信用代码与实施主体的统一社会信用代码不一致。", field="impl_code")
    return code


def _clean_materials(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise DomainError("请至少列出一项申请材料。", field="materials")
    seen: set[str] = set()
    cleaned = []
    for i, m in enumerate(raw, start=1):
        if not isinstance(m, dict):
            raise DomainError(f"第{i}项申请材料格式不正确。", field="materials")
        key, name = str(m.get("key", "")).strip(), str(m.get("name", "")).strip()
        if not KEY_RE.match(key) or not name:
            raise DomainError(
                f"第{i}项申请材料缺少名称或标识（标识为小写字母、数字、下划线）。", field="materials"
            )
        if key in seen:
            raise DomainError(f"申请材料“{name}”重复列出。", field="materials")
        seen.add(key)
        necessity = m.get("necessity", Necessity.REQUIRED)
        form = m.get("form", MaterialForm.ELECTRONIC)
        source = m.get("source", MaterialSource.APPLICANT)
        if (
            necessity not in Necessity.values
            or form not in MaterialForm.values
            or source not in MaterialSource.values
        ):
            raise DomainError(f"申请材料“{name}”的必要性、形式或来源渠道不在可选范围内。", field="materials")
        copies = m.get("copies", 1)
        if not isinstance(copies, int) or not 0 <= copies <= 20:
            raise DomainError(f"申请材料“{name}”的份数应为 0 至 20。", field="materials")
        cleaned.append(
            {
                "key": key,
                "name": name[:120],
                "necessity": necessity,
                "form": form,
                "copies": copies,
                "source": source,
                "standard": str(m.get("standard", ""))[:300],
                "blank_form": bool(m.get("blank_form", False)),
                "sample_form": bool(m.get("sample_form", False)),
            }
        )
    return cleaned


def _clean_fields(raw: Any) -> list[dict[str, str]]:
    cleaned, seen = [], set()
    for i, f in enumerate(raw or [], start=1):
        key, label = str(f.get("key", "")).strip(), str(f.get("label", "")).strip()
        if not KEY_RE.match(key) or not label:
            raise DomainError(f"第{i}个申请表字段缺少名称或数据元标识。", field="fields")
        if key in seen:
            continue
        seen.add(key)
        kind = f.get("kind", "text")
        cleaned.append(
            {
                "key": key,
                "label": label[:60],
                "kind": kind if kind in {"text", "textarea", "number"} else "text",
            }
        )
    return cleaned


def clean_elements(data: dict[str, Any]) -> dict[str, Any]:
    """The national element set, checked; raises DomainError naming the element."""
    out: dict[str, Any] = {}
    for key, (label, required) in TEXT_ELEMENTS.items():
        value = str(data.get(key) or "").strip()
        if required and not value:
            raise DomainError(f"请填写“{label}”。", field=key)
        out[key] = value
    for key, (label, choices) in CHOICE_ELEMENTS.items():
        value = str(data.get(key) or "")
        if value not in choices.values:
            raise DomainError(f"“{label}”不在可选范围内。", field=key)
        out[key] = value
    for key, label in INT_ELEMENTS.items():
        value = data.get(key, 0)
        try:
            number = int(value or 0)
        except (TypeError, ValueError):
            raise DomainError(f"“{label}”应为整数。", field=key) from None
        if not 0 <= number <= 3650:
            raise DomainError(f"“{label}”应在 0 至 3650 之间。", field=key)
        out[key] = number
    try:
        validate_uscc(out["agency_uscc"])
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="agency_uscc") from None
    out["agency_uscc"] = normalize_uscc(out["agency_uscc"])
    if out["promised_limit"] > out["legal_limit"]:
        raise DomainError("承诺办结时限不能长于法定办结时限。", field="promised_limit")
    if out["processing_kind"] == ProcessingKind.COMMITTED and out["promised_limit"] == 0:
        raise DomainError("承诺件须填写承诺办结时限。", field="promised_limit")
    if out["visits"] > 0 and not out["visits_reason"]:
        raise DomainError("到办事现场次数大于 0 时，须说明必须现场办理的原因。", field="visits_reason")
    item_type = data.get("item_type")
    if not isinstance(item_type, ItemType):
        item_type = (
            ItemType.objects.filter(code=str(item_type or "")).first()
            or ItemType.objects.filter(name=str(item_type or "")).first()
        )
    if item_type is None:
        raise DomainError("“事项类型”不在代码表中。", field="item_type")
    out["item_type"] = item_type
    out["charges"] = bool(data.get("charges"))
    fee_lines = data.get("fee_lines") or []
    if out["charges"] and (not fee_lines or not out["fee_basis"]):
        raise DomainError("收费事项须填写收费依据和收费项目。", field="fee_basis")
    out["fee_lines"] = [
        {"name": str(f.get("name", ""))[:60], "amount": str(f.get("amount", ""))[:40]} for f in fee_lines
    ]
    steps = [str(s).strip() for s in data.get("process_steps") or [] if str(s).strip()]
    if not steps:
        raise DomainError("请填写办理流程。", field="process_steps")
    out["process_steps"] = steps
    out["materials"] = _clean_materials(data.get("materials"))
    out["fields"] = _clean_fields(data.get("fields"))
    return out


def _version_dict(version: ItemVersion) -> dict[str, Any]:
    return {k: getattr(version, k) for k in VERSIONED}


@transaction.atomic
def item_create(
    *,
    actor: Any,
    base_code: str,
    impl_code: str,
    elements: dict[str, Any],
    delegated_units: Sequence[Any] = (),
    is_sample: bool = False,
    sort_order: int = 0,
) -> ServiceItem:
    require(actor, CAP.CATALOGUE, "维护事项目录")
    base_code = (base_code or "").strip().upper()
    if not BASE_CODE_RE.match(base_code):
        raise DomainError("基本编码应为 10 至 14 位数字或大写字母。", field="base_code")
    clean = clean_elements(elements)
    code = validate_impl_code(impl_code, base_code=base_code, agency_uscc=clean["agency_uscc"])
    if ServiceItem.objects.filter(impl_code=code).exists():
        raise DomainError("该实施编码已在目录中。", field="impl_code")
    item = ServiceItem.objects.create(
        base_code=base_code, impl_code=code, name=clean["name"], is_sample=is_sample, sort_order=sort_order
    )
    version = ItemVersion.objects.create(item=item, number=1, created_by=actor, note="首次发布", **clean)
    item.current = version
    item.save(update_fields=["current"])
    _set_delegation(item, delegated_units)
    audit_record(
        actor=actor, action="govservices.item_create", obj=item, after={"impl_code": code, "version": 1}
    )
    catalogue_changed()
    return item


@transaction.atomic
def item_revise(*, actor: Any, item: ServiceItem, elements: dict[str, Any], note: str = "") -> ItemVersion:
    """A change of any element makes a new version; existing applications keep the one they were made under."""
    require(actor, CAP.CATALOGUE, "维护事项目录")
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    assert item.current is not None
    clean = clean_elements(elements)
    if clean["agency_uscc"] not in item.impl_code:
        raise DomainError(
            "实施主体的统一社会信用代码与实施编码不一致；更换实施主体须新建事项。", field="agency_uscc"
        )
    old = _version_dict(item.current)
    changed = [k for k in VERSIONED if old[k] != clean[k]]
    if not changed:
        raise DomainError("事项要素没有变化，无需生成新版本。")
    number = item.current.number + 1
    version = ItemVersion.objects.create(
        item=item, number=number, created_by=actor, note=note.strip()[:200], **clean
    )
    item.current = version
    item.name = clean["name"]
    item.save(update_fields=["current", "name", "updated_at"])
    audit_record(
        actor=actor,
        action="govservices.item_revise",
        obj=item,
        message=note,
        extra={"version": number, "changed": changed},
    )
    catalogue_changed()
    return version


def _set_delegation(item: ServiceItem, units: Iterable[Any]) -> list[str]:
    units = list(units)
    for unit in units:
        if unit.kind not in {UnitKind.STATION, UnitKind.GRID}:
            raise DomainError(f"“{unit.name}”不是便民服务站或网格，不能下放事项。", field="units")
    item.delegated_units.set(units)
    return [u.name for u in units]


@transaction.atomic
def item_delegate(*, actor: Any, item: ServiceItem, units: Sequence[Any]) -> ServiceItem:
    require(actor, CAP.CATALOGUE, "维护事项目录")
    before = sorted(item.delegated_units.values_list("name", flat=True))
    after = _set_delegation(item, units)
    audit_record(
        actor=actor,
        action="govservices.item_delegate",
        obj=item,
        before={"units": before},
        after={"units": sorted(after)},
    )
    catalogue_changed()
    return item


@transaction.atomic
def item_set_active(*, actor: Any, item: ServiceItem, active: bool) -> ServiceItem:
    require(actor, CAP.CATALOGUE, "维护事项目录")
    item.is_active = active
    item.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="govservices.item_active", obj=item, after={"is_active": active})
    catalogue_changed()
    return item


def _clean_questions(questions: Any, allowed: set[int]) -> list[dict[str, Any]]:
    cleaned = []
    for q in questions or []:
        options = []
        for o in q.get("options", []):
            items = [int(i) for i in o.get("items", [])]
            if not set(items) <= allowed:
                raise DomainError(f"情形“{q.get('text')}”的选项引用了一件事之外的事项。", field="questions")
            options.append({"value": str(o["value"]), "label": str(o["label"]), "items": items})
        if not q.get("key") or not q.get("text") or len(options) < 2:
            raise DomainError("每个情形问题须有标识、题目和至少两个选项。", field="questions")
        cleaned.append({"key": str(q["key"]), "text": str(q["text"]), "options": options})
    return cleaned


@transaction.atomic
def bundle_create(
    *,
    actor: Any,
    code: str,
    name: str,
    description: str,
    items: Sequence[ServiceItem],
    base_items: Sequence[ServiceItem],
    questions: list[dict[str, Any]],
    committed_days: int | None = None,
    is_sample: bool = False,
    sort_order: int = 0,
) -> Bundle:
    require(actor, CAP.CATALOGUE, "维护一件事")
    if Bundle.objects.filter(code=code).exists():
        raise DomainError("该一件事编码已存在。", field="code")
    allowed = {i.pk for i in items}
    if not {i.pk for i in base_items} <= allowed:
        raise DomainError("必办事项须在涉及事项之中。", field="base_items")
    bundle = Bundle.objects.create(
        code=code,
        name=name,
        description=description,
        questions=_clean_questions(questions, allowed),
        committed_days=committed_days,
        is_sample=is_sample,
        sort_order=sort_order,
    )
    bundle.items.set(items)
    bundle.base_items.set(base_items)
    audit_record(actor=actor, action="govservices.bundle_create", obj=bundle)
    catalogue_changed()
    return bundle


CATALOGUE_VERSION_KEY = "zhenwu:govservices:catalogue"


def catalogue_changed() -> None:
    """Bump the catalogue version (the 蓝皮书 PDF is regenerated when it changes)."""
    from django.core.cache import cache

    try:
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache.set(CATALOGUE_VERSION_KEY, 1, None)
