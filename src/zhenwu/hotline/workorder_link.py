"""Turning an on-air question into a work order (channel 政风热线直播), linked both ways."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import Outcome
from zhenwu.hotline.forms import StyledForm, unit_choices
from zhenwu.hotline.models import ListenerIssue
from zhenwu.hotline.services import _next_show_order, _require, _require_open_outcome
from zhenwu.orgs.models import Unit
from zhenwu.workorders.dispatching import suggest as dispatch_suggest
from zhenwu.workorders.forms import CategoryChoiceField, category_queryset
from zhenwu.workorders.models import Category


class WorkOrderForm(StyledForm):
    category = CategoryChoiceField(
        label="诉求分类", queryset=Category.objects.none(), empty_label="请选择诉求分类"
    )
    unit = forms.ModelChoiceField(
        label="派往单位（主办）",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（暂不派单）",
        help_text="留空则由派单员稍后派单",
    )
    address = forms.CharField(label="地点", max_length=200, required=False)
    note = forms.CharField(
        label="节目中答复", max_length=300, required=False, help_text="例如：请城管办三个工作日内处理"
    )

    def __init__(self, *args: Any, issue: ListenerIssue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = category_queryset()  # Chinese names in tree order, never the code
        self.fields["unit"].queryset = unit_choices().filter(handles_requests=True)
        if not self.is_bound:
            category, unit = suggest(issue.text)
            self.initial.setdefault("category", category)
            self.initial.setdefault("unit", unit)
            if category is not None:
                field.help_text = "已按问题内容预选，请确认"


def suggest(text: str) -> tuple[Category | None, Unit | None]:
    """A first guess for the operator to confirm: the category whose name or keywords occur most in the
    question, and the unit the work orders' one dispatch suggester ranks first for it."""
    best: tuple[int, Category | None] = (0, None)
    for category in Category.objects.filter(is_active=True):
        words = {w for w in re.split(r"[,，、/\s]+", f"{category.name} {category.keywords}") if len(w) >= 2}
        score = sum(1 for w in words if w in text)
        if score > best[0]:
            best = (score, category)
    category = best[1]
    if category is None:
        return None, None  # nothing recognised: the operator chooses, no guess is better than a wrong one
    try:
        suggestions = dispatch_suggest(text=text, category=category, limit=1)
    except DomainError:
        return category, None
    return category, suggestions[0].unit if suggestions else None


@transaction.atomic
def issue_to_workorder(
    *,
    actor: Any,
    issue: ListenerIssue,
    category: Category,
    unit: Unit | None = None,
    address: str = "",
    note: str = "",
    is_sample: bool = False,
) -> Any:
    """Create the order through the work-order service, dispatch it if a unit is given, link both ways.

    ``is_sample`` marks the order as sample data (the demo's 政风热线 history)."""
    from zhenwu.workorders.services import workorder_create, workorder_transition

    _require(actor, HotlineCapability.OPERATE, "在直播控制台处理问题")
    issue = ListenerIssue.objects.select_for_update().select_related("episode").get(pk=issue.pk)
    _require_open_outcome(issue)
    order = workorder_create(
        actor=actor,
        channel="on_air",
        category=category,
        description=f"【{issue.episode.title}】{issue.text}",
        reporter_name=issue.caller_name,
        reporter_phone=issue.caller_phone,
        address=address.strip(),
        anonymous=not issue.caller_name,
        client_token=f"hotline-{issue.pk}",
        is_sample=is_sample,
    )
    if unit is not None:
        workorder_transition(
            actor=actor, order=order, action="dispatch", unit=unit, note=note or "政风热线转办"
        )
        order.refresh_from_db()
    issue.work_order = order
    issue.outcome = Outcome.WORK_ORDER
    issue.answer_summary = (note.strip() or f"转为工单 {order.number}")[:300]
    issue.answered_at = timezone.now()
    issue.show_order = issue.show_order or _next_show_order(issue.episode)
    issue.save()
    audit_record(actor=actor, action="hotline.issue_to_workorder", obj=issue, message=order.number)
    if not order.pk:
        raise DomainError("工单创建失败。")
    return order
