"""PII at rest: SM4-encrypted in the database, found through the blind index, masked on pages."""

from __future__ import annotations

import pytest
from django.db import connection

from zhenwu.accounts.models import User
from zhenwu.core.crypto import blind_index
from zhenwu.testing import login

pytestmark = pytest.mark.django_db


def raw_phone_column(user_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user_id])
        return str(cursor.fetchone()[0])


def test_phone_is_stored_encrypted_and_read_back_plain(cast):
    stored = raw_phone_column(cast.citizen.pk)
    assert "13912345678" not in stored
    assert stored.startswith("sm4g1:")
    assert User.objects.get(pk=cast.citizen.pk).phone == "13912345678"


def test_phone_is_found_through_the_blind_index(cast):
    found = User.objects.filter(phone_index=blind_index("13912345678", kind="phone"))
    assert list(found) == [cast.citizen]
    assert not User.objects.filter(phone_index=blind_index("13912345679", kind="phone")).exists()


def test_same_phone_encrypts_differently_each_time(cast):
    cast.citizen.save()
    first = raw_phone_column(cast.citizen.pk)
    cast.citizen.save()
    assert raw_phone_column(cast.citizen.pk) != first


def test_unit_page_shows_phones_masked(client, cast):
    body = login(client, cast.yahe_cadre).get(f"/orgs/units/{cast.yahe.pk}/").content.decode()
    assert "138****8004" in body
    assert "13800138004" not in body


def test_audit_diff_masks_the_phone(cast):
    from zhenwu.accounts.services import user_update
    from zhenwu.audit.models import AuditEvent

    user_update(actor=cast.sysadmin, user=cast.citizen, real_name="张三", phone="13700001111", is_active=True)
    event = AuditEvent.objects.filter(action="user.update").latest("id")
    assert event.changes["diff"]["phone"] == ["139****5678", "137****1111"]
    assert "13700001111" not in str(event.changes)
