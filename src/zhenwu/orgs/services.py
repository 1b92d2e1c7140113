"""Writes on the organisation tree."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.orgs.choices import ALLOWED_CHILD_KINDS, Capability, UnitKind, UnitType
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import require_capability

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def _validate(
    *,
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    unit_type: str,
    handles_requests: bool,
    unit: Unit | None = None,
) -> None:
    if not CODE_RE.match(code):
        raise DomainError("单位编码只能使用字母、数字、连字符和下划线，最长 40 位。", field="code")
    same_code = Unit.objects.filter(code=code)
    if unit is not None:
        same_code = same_code.exclude(pk=unit.pk)
    if same_code.exists():
        raise DomainError(f"单位编码“{code}”已存在。", field="code")
    if not name.strip():
        raise DomainError("请填写单位名称。", field="name")
    if kind not in UnitKind.values:
        raise DomainError("请选择单位类别。", field="kind")
    if parent is None and kind != UnitKind.TOWN:
        raise DomainError("只有“镇”可以作为顶级单位，请选择上级单位。", field="parent")
    if parent is not None:
        allowed = ALLOWED_CHILD_KINDS.get(parent.kind, set())
        if kind not in allowed:
            raise DomainError(
                f"{UnitKind(parent.kind).label}下不能设立{UnitKind(kind).label}。", field="kind"
            )
        if unit is not None and parent.path.startswith(unit.path):
            raise DomainError("不能把单位移动到它自己或它的下级单位之下。", field="parent")
    if unit_type and unit_type not in UnitType.values:
        raise DomainError("职能类型无效。", field="unit_type")
    if handles_requests and not unit_type:
        raise DomainError("承办群众诉求的单位须选择职能类型。", field="unit_type")


def _check_scope(actor: Any, parent: Unit | None) -> None:
    if parent is None:
        if (
            Unit.objects.visible_to(actor, "change").filter(parent__isnull=True).count()
            != Unit.objects.filter(parent__isnull=True).count()
        ):
            raise PermissionDeniedError("只有全局管理员可以创建顶级单位。")
        return
    if not Unit.objects.visible_to(actor, "change").filter(pk=parent.pk).exists():
        raise PermissionDeniedError("上级单位不在您的管理范围内。")


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    parent: Unit | None,
    code: str,
    name: str,
    kind: str,
    unit_type: str = "",
    handles_requests: bool = False,
    short_name: str = "",
    is_sample: bool = False,
    sort_order: int = 0,
    contact_phone: str = "",
    address: str = "",
) -> Unit:
    require_capability(actor, Capability.MANAGE_UNITS)
    code = code.strip()
    _validate(
        parent=parent, code=code, name=name, kind=kind, unit_type=unit_type, handles_requests=handles_requests
    )
    _check_scope(actor, parent)
    unit = Unit(
        parent=parent,
        code=code,
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        unit_type=unit_type,
        handles_requests=handles_requests,
        is_sample=is_sample,
        sort_order=sort_order,
        contact_phone=contact_phone.strip(),
        address=address.strip(),
        path=f"{parent.path if parent else '/'}{code}/",
        depth=(parent.depth + 1) if parent else 0,
    )
    unit.save()
    audit_record(actor=actor, action="unit.create", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: Any,
    unit: Unit,
    parent: Unit | None,
    name: str,
    kind: str,
    unit_type: str,
    handles_requests: bool,
    is_active: bool,
    short_name: str = "",
    sort_order: int = 0,
    contact_phone: str = "",
    address: str = "",
) -> Unit:
    """Edit a unit; moving it re-roots the paths of its whole subtree in one statement."""
    require_capability(actor, Capability.MANAGE_UNITS)
    if not Unit.objects.visible_to(actor, "change").filter(pk=unit.pk).exists():
        raise PermissionDeniedError("该单位不在您的管理范围内。")
    _validate(
        parent=parent,
        code=unit.code,
        name=name,
        kind=kind,
        unit_type=unit_type,
        handles_requests=handles_requests,
        unit=unit,
    )
    if parent is not None and parent.pk != unit.parent_id:
        _check_scope(actor, parent)
    if kind != unit.kind:
        allowed_children = ALLOWED_CHILD_KINDS.get(kind, set())
        clash = unit.children.exclude(kind__in=allowed_children).first()
        if clash is not None:
            raise DomainError(
                f"不能改为{UnitKind(kind).label}：下级单位“{clash.name}”（{UnitKind(clash.kind).label}）不能设在{UnitKind(kind).label}之下。",
                field="kind",
            )
    if not is_active and unit.children.filter(is_active=True).exists():
        raise DomainError("该单位还有启用中的下级单位，请先停用下级单位。", field="is_active")
    before = snapshot(unit)
    old_path, old_depth = unit.path, unit.depth
    unit.parent = parent
    unit.name, unit.short_name, unit.kind = name.strip(), short_name.strip(), kind
    unit.unit_type, unit.handles_requests, unit.is_active = unit_type, handles_requests, is_active
    unit.sort_order, unit.contact_phone, unit.address = sort_order, contact_phone.strip(), address.strip()
    unit.path = f"{parent.path if parent else '/'}{unit.code}/"
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save()
    if unit.path != old_path:
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (unit.depth - old_depth),
        )
    audit_record(actor=actor, action="unit.update", obj=unit, before=before, after=snapshot(unit))
    return unit
