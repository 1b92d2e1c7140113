"""Issue 9, item 10: citizens' names and phones are never stored in plain text.

Reproduces the finding (`hotline_listenerissue.caller_name` was plaintext) and checks every model
that holds a citizen's name or phone by reading the raw database row.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳娜娜", "13912345678"


def raw_row(model: Any, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return " ".join(str(v) for v in cursor.fetchone())


def test_listener_name_and_phone_are_encrypted_at_rest(hl: Any) -> None:
    from zhenwu.hotline import services
    from zhenwu.hotline.models import ListenerIssue

    issue = services.issue_create(
        actor=hl.operator,
        episode=hl.episode(),
        text="村口路灯坏了三天",
        source="phone",
        caller_name=NAME,
        caller_phone=PHONE,
    )
    stored = raw_row(ListenerIssue, issue.pk)
    assert NAME not in stored and PHONE not in stored
    fresh = ListenerIssue.objects.get(pk=issue.pk)
    assert fresh.caller_name == NAME and fresh.caller_name_masked != NAME


def test_work_order_reporter_is_encrypted_at_rest(cast: Any) -> None:
    from zhenwu.workorders.models import WorkOrder
    from zhenwu.workorders.services import workorder_create

    order = workorder_create(
        actor=cast.operator,
        channel="phone",
        category=None,
        description="井盖缺失",
        reporter_name=NAME,
        reporter_phone=PHONE,
    )
    stored = raw_row(WorkOrder, order.pk)
    assert NAME not in stored and PHONE not in stored


def test_user_phone_is_encrypted_at_rest(cast: Any) -> None:
    from zhenwu.accounts.models import User

    assert "13912345678" not in raw_row(User, cast.citizen.pk)
