from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _attacker_with_owner_rights(request: pytest.FixtureRequest) -> None:
    """The tamper tests here act as the table owner would: on PostgreSQL the owner can switch the
    append-only trigger off (rolled back with the test). The MACs must still catch what follows."""
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("db")
    if connection.vendor == "postgresql":
        from zhenwu.audit.models import AuditEvent

        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {AuditEvent._meta.db_table} DISABLE TRIGGER USER")
