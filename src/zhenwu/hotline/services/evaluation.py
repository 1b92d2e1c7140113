"""The yearly rule that weighs each on-air unit's evaluation."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.models import (
    EvaluationRule,
)
from zhenwu.hotline.services._common import _require

# --------------------------------------------------------------------------- evaluation rule


@transaction.atomic
def evaluation_rule_set(
    *, actor: Any, year: int, attendance: int, answered: int, on_time: int, satisfaction: int
) -> EvaluationRule:
    _require(actor, HotlineCapability.MANAGE, "设置上线评价规则")
    total = attendance + answered + on_time + satisfaction
    if min(attendance, answered, on_time, satisfaction) < 0 or total != 100:
        raise DomainError(f"四项权重之和应为 100 分，现为 {total} 分。", field="weight_attendance")
    rule, _ = EvaluationRule.objects.update_or_create(
        year=year,
        defaults={
            "weight_attendance": attendance,
            "weight_answered": answered,
            "weight_on_time": on_time,
            "weight_satisfaction": satisfaction,
        },
    )
    audit_record(actor=actor, action="hotline.evaluation_rule_set", obj=rule, after=snapshot(rule))
    return rule
