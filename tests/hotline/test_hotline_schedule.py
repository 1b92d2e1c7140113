from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection

from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.hotline import services
from zhenwu.hotline.choices import LeaveStatus, ReminderStatus, SlotStatus
from zhenwu.hotline.models import ReminderLog


def test_a_slot_is_scheduled_with_encrypted_contact_phone(hl):
    slot = hl.slot(date(2026, 12, 10))
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM hotline_onairslot WHERE id = %s", [slot.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("sm4g")
    assert slot.contact_phone_masked == "138****8123"


def test_it_refuses_a_holiday(hl):
    with pytest.raises(DomainError) as exc:
        hl.slot(date(2026, 10, 1))
    assert exc.value.field == "date"
    assert "节假日或休息日" in exc.value.message


def test_it_refuses_a_weekend(hl):
    with pytest.raises(DomainError, match="节假日或休息日"):
        hl.slot(date(2026, 12, 12))


def test_it_refuses_two_units_in_one_slot(hl):
    hl.slot(date(2026, 12, 10))
    with pytest.raises(DomainError) as exc:
        hl.slot(date(2026, 12, 10), unit=hl.cast.lujiaxiang, start=time(9, 30), end=time(10, 30))
    assert "时段冲突" in exc.value.message and "丫河村" in exc.value.message
    # the next hour is free
    hl.slot(date(2026, 12, 10), unit=hl.cast.lujiaxiang, start=time(10, 0), end=time(11, 0))


def test_it_refuses_a_date_outside_the_plan_year(hl):
    with pytest.raises(DomainError, match="2026 年内"):
        hl.slot(date(2025, 12, 10))


def test_only_the_programme_office_schedules(hl):
    with pytest.raises(PermissionDeniedError):
        services.slot_create(
            actor=hl.cast.yahe_cadre,
            plan=hl.plan,
            date=date(2026, 12, 10),
            start_time=time(9),
            end_time=time(10),
            channel="radio",
            unit=hl.cast.yahe,
            head_name="甲",
            head_title="书记",
            contact_name="乙",
        )


def test_a_leave_request_three_working_days_ahead_is_accepted_and_approved(hl):
    slot = hl.slot(date(2026, 12, 2))  # Mon 30, Tue 1, Wed 2: exactly 3 working days
    leave = services.leave_request_create(
        actor=hl.cast.yahe_cadre,
        slot=slot,
        substitute_name="张主任",
        substitute_title="村委会主任",
        reason="赴市里开会",
    )
    with pytest.raises(PermissionDeniedError):
        services.leave_decide(actor=hl.cast.town_admin, leave=leave, approve=True)
    services.leave_decide(actor=hl.leader, leave=leave, approve=True)
    slot.refresh_from_db()
    leave.refresh_from_db()
    assert leave.status == LeaveStatus.APPROVED
    assert slot.status == SlotStatus.SUBSTITUTE


def test_a_leave_request_later_than_the_rule_allows_is_refused(hl):
    slot = hl.slot(date(2026, 12, 1))  # only 2 working days away
    with pytest.raises(DomainError) as exc:
        services.leave_request_create(
            actor=hl.cast.yahe_cadre,
            slot=slot,
            substitute_name="张主任",
            substitute_title="主任",
            reason="开会",
        )
    assert exc.value.code == "leave_too_late"
    assert "至少提前 3 个工作日" in exc.value.message and "仅 2 个工作日" in exc.value.message
    assert not slot.leaves.exists()


def test_another_village_cannot_ask_leave_for_a_slot(hl):
    from zhenwu.core.errors import NotFoundError

    slot = hl.slot(date(2026, 12, 10))
    with pytest.raises(NotFoundError):
        services.leave_request_create(
            actor=hl.cast.ljx_cadre, slot=slot, substitute_name="甲", substitute_title="乙", reason="丙"
        )


def test_reminders_are_queued_n_working_days_before_and_sent_once(hl):
    near = hl.slot(date(2026, 12, 10))  # 9 working days away, plan says 10
    far = hl.slot(date(2026, 12, 24), unit=hl.cast.lujiaxiang)  # 19 working days away
    assert services.reminders_queue() == 1
    assert services.reminders_queue() == 0  # idempotent
    log = ReminderLog.objects.get()
    assert log.slot == near and "2026年12月10日" in log.message and "丫河村" in log.recipient
    assert not far.reminders.exists()
    assert services.reminders_dispatch() == 1
    assert services.reminders_dispatch() == 0
    log.refresh_from_db()
    assert log.status == ReminderStatus.SENT and log.sent_at is not None
    # Delivered through the notification outbox: a notice to the unit (and an SMS when a phone is on file).
    from zhenwu.core.models import Notification

    notices = Notification.objects.filter(object_type="hotline.reminderlog", object_id=str(log.pk))
    assert notices.filter(channel="inbox", recipient_unit=near.unit).count() == 1
    assert notices.filter(channel="sms").count() == (1 if near.contact_phone else 0)


def test_the_beat_task_runs_queue_and_dispatch(hl):
    from zhenwu.hotline.beat import SCHEDULE
    from zhenwu.hotline.tasks import send_on_air_reminders

    hl.slot(date(2026, 12, 10))
    assert send_on_air_reminders() == 1
    assert SCHEDULE["hotline-on-air-reminders"]["task"] == send_on_air_reminders.name


def test_schedule_page_shows_the_conflict_message(hl, client):
    from zhenwu.testing import login

    hl.slot(date(2026, 12, 10))
    c = login(client, hl.cast.town_admin)
    response = c.post(
        "/hotline/schedule/?year=2026",
        {
            "date": "2026-12-10",
            "start_time": "09:00",
            "end_time": "10:00",
            "channel": "radio",
            "unit": hl.cast.lujiaxiang.pk,
            "head_title": "书记",
            "head_name": "甲",
            "contact_name": "乙",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "时段冲突" in body and 'value="甲"' in body


def test_the_reminder_window_is_configurable(hl, client):
    from zhenwu.testing import login

    hl.slot(date(2026, 12, 10))  # 9 working days away
    c = login(client, hl.cast.town_admin)
    c.post("/hotline/schedule/?year=2026", {"update_plan": "1", "reminder_working_days": "5"})
    hl.plan.refresh_from_db()
    assert hl.plan.reminder_working_days == 5
    assert services.reminders_queue() == 0
    with pytest.raises(DomainError, match="1 至 60"):
        services.plan_update(actor=hl.cast.town_admin, plan=hl.plan, reminder_working_days=0)


def test_a_leader_approves_a_leave_on_the_slot_page(hl, client):
    from zhenwu.testing import login

    slot = hl.slot(date(2026, 12, 10))
    page = login(client, hl.cast.yahe_cadre)
    page.post(
        slot.get_absolute_url(),
        {"leave": "1", "substitute_title": "村委会主任", "substitute_name": "张主任", "reason": "赴市里开会"},
    )
    leave = slot.leaves.get()
    assert (
        page.post(f"/hotline/schedule/leaves/{leave.pk}/decide/", {"decision": "approve"}).status_code == 403
    )
    login(client, hl.leader).post(f"/hotline/schedule/leaves/{leave.pk}/decide/", {"decision": "approve"})
    slot.refresh_from_db()
    assert slot.status == SlotStatus.SUBSTITUTE
