"""The next episode's 追踪反馈: compiled from the open commitments and questions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    CommitmentStatus,
    Outcome,
)
from zhenwu.hotline.models import (
    Commitment,
    Episode,
    FollowUpItem,
    ListenerIssue,
)
from zhenwu.hotline.services._common import _require

# --------------------------------------------------------------------------- follow-up


def _open_items_before(episode: Episode) -> tuple[list[Commitment], list[ListenerIssue]]:
    earlier = Episode.objects.exclude(pk=episode.pk)
    if episode.air_date:
        earlier = earlier.filter(Q(air_date__lt=episode.air_date) | Q(air_date=None))
    else:
        earlier = earlier.filter(created_at__lt=episode.created_at)
    last_used = (
        Episode.objects.filter(pk__in=earlier.values("pk"), followups__isnull=False, air_date__isnull=False)
        .order_by("-air_date")
        .values_list("air_date", flat=True)
        .first()
    )
    commitments = list(
        Commitment.objects.filter(episode__in=earlier)
        .filter(~Q(status=CommitmentStatus.VERIFIED) | Q(completed_on__gte=last_used or date(1900, 1, 1)))
        .select_related("responsible_unit", "episode")
        .order_by("episode__air_date", "deadline", "id")
    )
    issues = list(
        ListenerIssue.objects.filter(episode__in=earlier, outcome=Outcome.WORK_ORDER).select_related(
            "episode"
        )
    )
    return commitments, issues


def _workorder_state(issue: ListenerIssue) -> tuple[str, bool, bool]:
    """(label, is_open, is_late) of the issue's work order."""
    order = getattr(issue, "work_order", None)
    if order is None:
        return "工单信息缺失", True, False
    is_open = not order.is_closed
    late = bool(is_open and order.deadline and order.deadline < timezone.now())
    return f"{order.number} {order.get_status_display()}", is_open, late


@transaction.atomic
def followup_compile(*, actor: Any, episode: Episode) -> list[FollowUpItem]:
    """(Re)build the 追踪反馈 section from earlier episodes' open commitments and orders; edits kept."""
    _require(actor, HotlineCapability.MANAGE, "编排追踪反馈")
    commitments, issues = _open_items_before(episode)
    kept: dict[tuple[int | None, int | None], FollowUpItem] = {
        (f.commitment_id, f.issue_id): f for f in episode.followups.all()
    }
    items: list[FollowUpItem] = []
    order = 0
    for c in commitments:
        last = c.reports.first()
        late = c.is_overdue and c.status != CommitmentStatus.VERIFIED
        state = c.get_status_display() + ("（已逾期）" if late else "")
        text = (
            f"【{c.episode.air_date_display} · {c.episode.unit.name}】{c.title}。责任单位：{c.responsible_unit.name}"
            f"（{c.responsible_person}），期限{c.deadline:%Y年%m月%d日}，当前进度 {c.progress}%。"
            + (f"最新进展：{last.text}" if last else "尚未报告进展。")
        )
        key: tuple[int | None, int | None] = (c.pk, None)
        if key in kept:
            item = kept.pop(key)
            item.state_label, item.is_late, item.order = state, late, order
            item.save(update_fields=["state_label", "is_late", "order", "updated_at"])
        else:
            item = FollowUpItem.objects.create(
                episode=episode,
                commitment=c,
                text=text,
                state_label=state,
                is_late=late,
                order=order,
                is_sample=c.is_sample,
            )
        items.append(item)
        order += 1
    for issue in issues:
        label, is_open, late = _workorder_state(issue)
        if not is_open:
            continue
        key = (None, issue.pk)
        text = f"【{issue.episode.air_date_display}】{issue.display_text[:80]}——已转工单 {label}。"
        if key in kept:
            item = kept.pop(key)
            item.state_label, item.is_late, item.order = label, late, order
            item.save(update_fields=["state_label", "is_late", "order", "updated_at"])
        else:
            item = FollowUpItem.objects.create(
                episode=episode, issue=issue, text=text, state_label=label, is_late=late, order=order
            )
        items.append(item)
        order += 1
    for stale in kept.values():
        stale.delete()
    audit_record(actor=actor, action="hotline.followup_compile", obj=episode, message=f"{len(items)} 项")
    return items


@transaction.atomic
def followup_update(*, actor: Any, item: FollowUpItem, text: str, included: bool) -> FollowUpItem:
    _require(actor, HotlineCapability.MANAGE, "编排追踪反馈")
    if not text.strip():
        raise DomainError("反馈内容不能为空。", field="text")
    before = snapshot(item, ["text", "included"])
    item.text = text.strip()
    item.included = included
    item.save()
    audit_record(
        actor=actor,
        action="hotline.followup_update",
        obj=item,
        before=before,
        after=snapshot(item, ["text", "included"]),
    )
    return item
