"""Helpers shared by the hotline services: permission, scope, snapshots, today, phones."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenwu.audit.services import snapshot
from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError
from zhenwu.core.pii import normalize_phone
from zhenwu.orgs.scope import user_has_capability

# --------------------------------------------------------------------------- helpers


def _require(actor: Any, capability: str, what: str) -> None:
    if not user_has_capability(actor, capability):
        raise PermissionDeniedError(f"您没有{what}的权限。")


def _changeable(model: type[Any], actor: Any, obj: Any) -> None:
    """Out of the actor's scope is 404; visible but read-only is 403."""
    if not model.objects.visible_to(actor, "view").filter(pk=obj.pk).exists():
        raise NotFoundError()
    if not model.objects.visible_to(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDeniedError("您对该记录只有查看权限。")


def _snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit snapshot with times of day as text (the audit encoder knows dates, not times)."""
    return {k: (v.isoformat() if isinstance(v, time) else v) for k, v in snapshot(obj, fields).items()}


def _today() -> date:
    return timezone.localdate()


def clean_phone(value: str) -> str:
    """Mobile or landline, compacted ('' when empty); DomainError on the caller_phone field if malformed."""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="caller_phone") from exc
