"""Episodes (期): creation, going on air and closing, topics."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    EPISODE_MACHINE,
    Channel,
    ReminderStatus,
    SlotStatus,
)
from zhenwu.hotline.models import (
    PROGRAMME_NAME,
    Episode,
    Guest,
    OnAirSlot,
    ReminderLog,
    Topic,
)
from zhenwu.hotline.services._common import _require, _today
from zhenwu.orgs.models import Unit

# --------------------------------------------------------------------------- episodes


def _parse_guests(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result = []
    for title, name in lines:
        if title.strip() and name.strip():
            result.append((title.strip(), name.strip()))
    return result


@transaction.atomic
def episode_create(
    *,
    actor: Any,
    unit: Unit,
    title: str = "",
    air_date: date | None = None,
    air_date_note: str = "",
    channel: str = Channel.RADIO,
    host: str = "",
    slot: OnAirSlot | None = None,
    guests: list[tuple[str, str]] | None = None,
    topics: list[str] | None = None,
    is_sample: bool = False,
) -> Episode:
    """Open an episode, usually from a slot; guests are (title, name) pairs, e.g. ("镇长", "汤枫")."""
    _require(actor, HotlineCapability.MANAGE, "管理节目期次")
    if slot is not None:
        if hasattr(slot, "episode") and Episode.objects.filter(slot=slot).exists():
            raise DomainError("该上线安排已建立节目期次。", field="slot")
        unit = slot.unit
        air_date = slot.date
        channel = slot.channel
    episode = Episode.objects.create(
        slot=slot,
        unit=unit,
        title=title.strip() or f"{unit.name}上线{PROGRAMME_NAME}",
        air_date=air_date,
        air_date_note=air_date_note,
        channel=channel,
        host=host.strip(),
        is_sample=is_sample,
    )
    head = slot.head_name if slot and slot.status == SlotStatus.SCHEDULED else None
    for i, (g_title, g_name) in enumerate(_parse_guests(guests or [])):
        Guest.objects.create(
            episode=episode, title=g_title, name=g_name, unit=unit, order=i, is_head=(g_name == head)
        )
    for i, name in enumerate(t.strip() for t in (topics or []) if t.strip()):
        Topic.objects.get_or_create(episode=episode, name=name, defaults={"order": i})
    audit_record(actor=actor, action="hotline.episode_create", obj=episode, after=snapshot(episode))
    return episode


def _cancel_reminders(slot_id: int | None) -> int:
    """The programme has run: a reminder still waiting to be sent would tell the unit to come on air."""
    if not slot_id:
        return 0
    return ReminderLog.objects.filter(slot_id=slot_id, status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.CANCELLED
    )


@transaction.atomic
def episode_transition(*, actor: Any, episode: Episode, action: str, reason: str = "") -> Episode:
    """开始直播 / 结束本期. Going on air before the scheduled date needs a reason (recorded)."""
    _require(actor, HotlineCapability.OPERATE, "控制节目")
    episode = Episode.objects.select_for_update(of=("self",)).get(pk=episode.pk)  # no stale status
    before = episode.status
    episode.status = str(EPISODE_MACHINE.check(episode, action).target)
    reason = "".join(ch for ch in (reason or "") if ch.isprintable()).strip()[:200]
    early = action == "go_live" and episode.air_date is not None and episode.air_date > _today()
    if early and not reason:
        raise DomainError(
            f"本期节目定于{episode.air_date_display}播出，今天开播属于提前开播，请确认并填写提前开播的理由。",
            field="reason",
            code="early_air",
        )
    episode.save(update_fields=["status", "updated_at"])
    _cancel_reminders(episode.slot_id)
    if action == "close" and episode.slot_id:
        # Whether the 一把手 came in person stays readable from the slot's approved leave requests.
        OnAirSlot.objects.filter(
            pk=episode.slot_id, status__in=[SlotStatus.SCHEDULED, SlotStatus.SUBSTITUTE]
        ).update(status=SlotStatus.DONE)
    audit_record(
        actor=actor,
        action=f"hotline.episode_{action}",
        obj=episode,
        before={"status": before},
        after={"status": episode.status, **({"early_reason": reason} if early else {})},
        message=f"提前开播（原定{episode.air_date_display}）：{reason}" if early else "",
    )
    return episode


@transaction.atomic
def topic_add(*, actor: Any, episode: Episode, name: str) -> Topic:
    _require(actor, HotlineCapability.MANAGE, "管理节目期次")
    if not name.strip():
        raise DomainError("请填写主题。", field="name")
    topic, _ = Topic.objects.get_or_create(
        episode=episode, name=name.strip(), defaults={"order": episode.topics.count()}
    )
    audit_record(actor=actor, action="hotline.topic_add", obj=episode, message=topic.name)
    return topic
