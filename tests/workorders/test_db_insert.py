"""core.db.insert writes exactly the row Model.save() writes (issue 15 hot path)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from zhenwu.core.db import insert
from zhenwu.core.models import Notification
from zhenwu.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

SKIP = {
    "id",
    "created_at",
    "updated_at",
    "number",
    "client_token",
    "search_text",
}  # search_text: save() fills it, the service sets it before insert


def _raw(model: Any, pk: int) -> dict[str, Any]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _order(number: str, token: str | None, cats: dict[str, Any]) -> WorkOrder:
    return WorkOrder(
        number=number,
        channel="h5",
        category=cats["noise"],
        description="夜里工地打桩。",
        address="丫河村",
        lat=Decimal("31.720000"),
        long=Decimal("119.910000"),
        extra={"period": "night", "数": [1, 2]},
        reporter_name="张三",
        reporter_phone="13912345678",
        anonymous=False,
        status="new",
        client_token=token,
        query_code_hash="abc",
    )


def test_a_work_order_row_is_the_same_as_save_writes(cast: Any, cats: dict[str, Any]) -> None:
    saved = _order("NT-20990101-0001", "t1", cats)
    saved.save()
    fast = _order("NT-20990101-0002", None, cats)
    insert(fast, returning_pk=True)
    assert fast.pk and fast.pk != saved.pk and not fast._state.adding
    a, b = _raw(WorkOrder, saved.pk), _raw(WorkOrder, fast.pk)
    for column in a:
        if column in SKIP or column in {"reporter_name", "reporter_phone"}:
            continue  # encrypted columns differ by their random IV; compared decrypted below
        assert a[column] == b[column], column
    again = WorkOrder.objects.get(pk=fast.pk)
    assert (again.reporter_name, again.reporter_phone, again.extra) == ("张三", "13912345678", saved.extra)
    assert again.reporter_phone_index == WorkOrder.objects.get(pk=saved.pk).reporter_phone_index != ""
    assert again.created_at is not None and again.updated_at is not None


def test_nulls_and_values_of_another_type_take_the_fields_own_path(cast: Any) -> None:
    n = Notification(channel="sms", recipient_phone="", subject="主题", body="正文", object_id=5)  # type: ignore[misc]
    insert(n, returning_pk=True)
    row = _raw(Notification, n.pk)
    assert row["object_id"] == "5" and row["recipient_user_id"] is None and row["recipient_phone"] == ""
