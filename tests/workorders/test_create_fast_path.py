"""workorder_create writes its rows with core.db.insert and, when it owns the transaction on
PostgreSQL, in pipeline mode (issue 15). These tests run without the test-case transaction
(transaction=True), so the service really owns its transaction: the pipelined path is the one run
on PostgreSQL, the plain one on SQLite."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection

from zhenwu.audit.models import AuditEvent
from zhenwu.audit.services import audit_seal, audit_verify
from zhenwu.core.models import Notification
from zhenwu.workorders.models import OrderEvent, WorkOrder
from zhenwu.workorders.search import search_text
from zhenwu.workorders.services import workorder_create

pytestmark = pytest.mark.django_db(transaction=True)


def _create(cats: dict[str, Any], **kw: Any) -> WorkOrder:
    fields: dict[str, Any] = {
        "actor": None,
        "channel": "open311",
        "category": cats["noise"],
        "description": "丫河村工地夜里打桩，吵得睡不着。",
        "reporter_name": "张三",
        "reporter_phone": "13912345678",
        "address": "丫河村",
        "lat": "31.72",
        "long": "119.91",
        "extra": {"period": "night"},
    }
    fields.update(kw)
    return workorder_create(**fields)


def test_the_rows_read_back_as_the_orm_would_have_written_them(cast: Any, cats: dict[str, Any]) -> None:
    order = _create(cats)
    again = WorkOrder.objects.get(pk=order.pk)
    assert again.number == order.number and again.number.startswith("NT-")
    assert again.reporter_phone == "13912345678" and again.reporter_name == "张三"  # decrypted
    assert again.extra == {"period": "night"}
    assert again.created_at is not None and again.updated_at is not None
    assert again.status == "new" and str(again.lat) == "31.720000"
    # The search column WorkOrder.save() keeps is written by the insert path too.
    assert again.search_text == search_text(order.number, "", "丫河村工地夜里打桩，吵得睡不着。", "丫河村")
    assert "打桩" in again.search_text.split()
    # Stored encrypted, never in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM workorders_workorder WHERE id = %s", [order.pk])
        assert "13912345678" not in str(cursor.fetchone()[0])
    event = OrderEvent.objects.get(order=order)
    assert event.action == "create" and event.to_status == "new" and event.created_at is not None
    audit = AuditEvent.objects.get(action="workorders.create", object_id=str(order.pk))
    assert audit.object_repr and audit.changes["diff"]["channel"] == [None, "open311"]
    # The on-commit hooks ran after the commit (here, without a broker, the seal itself).
    assert audit.seq is not None
    sms = Notification.objects.get(object_type="workorders.workorder", object_id=str(order.pk))
    assert order.number in sms.body and sms.recipient_phone == "13912345678"
    audit_seal()
    assert audit_verify().ok


def test_a_failure_at_commit_rolls_back_every_row_and_returns_the_number(
    cast: Any, cats: dict[str, Any]
) -> None:
    first = _create(cats)
    taken = AuditEvent.objects.filter(action="workorders.create").values_list("nonce", flat=True).first()
    orders, events, audits = WorkOrder.objects.count(), OrderEvent.objects.count(), AuditEvent.objects.count()
    # The audit row's nonce is unique: a repeated nonce fails the last insert of the transaction
    # (in pipeline mode only when it commits).
    with (
        mock.patch("zhenwu.audit.services.secrets.token_hex", return_value=taken),
        pytest.raises(IntegrityError),
    ):
        _create(cats, description="第二件：路灯不亮。")
    assert (WorkOrder.objects.count(), OrderEvent.objects.count(), AuditEvent.objects.count()) == (
        orders,
        events,
        audits,
    )
    assert not Notification.objects.filter(body__contains="第二件").exists()
    after = _create(cats, description="第三件：路灯不亮。")
    assert int(after.number[-4:]) == int(first.number[-4:]) + 1  # gap-free: the failed number came back


def test_a_concurrent_twin_with_the_same_token_returns_the_first_order(
    cast: Any, cats: dict[str, Any]
) -> None:
    first = _create(cats, client_token="twin-1")
    # The twin passed the early look-up before the first committed: only the unique index stops it.
    real_filter = WorkOrder.objects.filter
    calls = {"n": 0}

    def filter_missing_once(*args: Any, **kwargs: Any) -> Any:
        qs = real_filter(*args, **kwargs)
        if kwargs.get("client_token") == "twin-1" and calls["n"] == 0:
            calls["n"] += 1
            return qs.none()
        return qs

    with mock.patch.object(WorkOrder.objects, "filter", side_effect=filter_missing_once):
        twin = _create(cats, client_token="twin-1")
    assert twin.pk == first.pk and twin.duplicate_submission
    assert WorkOrder.objects.filter(client_token="twin-1").count() == 1
    nxt = _create(cats, description="另一件：井盖松动。")
    assert int(nxt.number[-4:]) == int(first.number[-4:]) + 1
