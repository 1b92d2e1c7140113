"""Issue 9, item 3: a row inserted straight into the audit table must never be sealed as genuine.

The attack: an INSERT with seq NULL, backdated, claiming the audit administrator exported
everything; the next audited write sealed it and `zhenwu audit verify` said the chain was intact.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zhenwu.audit.models import AuditChainHead, AuditEvent
from zhenwu.audit.services import (
    audit_anchor_export,
    audit_record,
    audit_seal,
    audit_verify,
    audit_verify_anchor,
)

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _insert_forged_row(**overrides: Any) -> int:
    """What an attacker with database access but without the audit key does."""
    row = {
        "created_at": timezone.now() - timedelta(days=30),
        "actor_name": "审计管理员",
        "ip": None,
        "user_agent": "",
        "request_id": "",
        "action": "audit.export",
        "object_type": "",
        "object_id": "",
        "object_repr": "全部审计日志",
        "result": "success",
        "message": "导出全部审计日志",
        "changes": json.dumps({}),
        "nonce": "f" * 32,
        "row_mac": "0" * 64,
        "prev_mac": "",
        "mac": "",
    }
    row.update(overrides)
    columns = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({columns}) VALUES ({marks})", list(row.values()))  # noqa: S608
    return int(AuditEvent.objects.get(nonce=row["nonce"]).pk)


def test_a_row_inserted_without_the_key_is_not_sealed_and_verify_names_it() -> None:
    audit_record(actor=None, action="test.before", message="之前")
    forged = _insert_forged_row()
    audit_record(actor=None, action="test.after", message="之后")  # seals what is pending
    audit_seal()
    assert AuditEvent.objects.get(pk=forged).seq is None
    report = audit_verify()
    assert not report.ok
    assert report.event_id == forged and report.kind == "inserted"
    with pytest.raises(CommandError, match=f"#{forged}"):
        call_command("audit", "verify")


def test_a_forged_row_without_any_mac_is_named_too() -> None:
    audit_record(actor=None, action="test.before")
    forged = _insert_forged_row(row_mac="")
    audit_seal()
    report = audit_verify()
    assert not report.ok and report.event_id == forged


def test_genuine_rows_written_through_the_service_verify() -> None:
    for i in range(5):
        audit_record(actor=None, action="test.ok", message=f"正常{i}", extra={"n": i, "x": 1.5, "s": "中文"})
    audit_seal()
    report = audit_verify()
    assert report.ok and report.checked >= 5 and report.unsealed == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger lives in PostgreSQL")
def test_postgresql_refuses_update_and_delete_of_audit_rows() -> None:
    event = audit_record(actor=None, action="test.trigger", message="原文")
    audit_seal()
    for sql in (
        f"UPDATE {TABLE} SET message = 'changed' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET seq = NULL WHERE id = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).message == "原文"


def test_anchor_detects_a_chain_cut_back_to_an_older_head(tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.jsonl"
    for i in range(3):
        audit_record(actor=None, action="test.anchor", message=f"{i}")
    audit_seal()
    old_head = AuditChainHead.objects.values().get()
    for i in range(3):
        audit_record(actor=None, action="test.anchor", message=f"later {i}")
    audit_seal()
    audit_anchor_export(str(anchor))
    assert audit_verify_anchor(str(anchor)).ok
    call_command("audit", "verify", "--anchor", str(anchor))
    # The attacker (owner rights) deletes the later rows and restores the older, genuinely keyed head.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > %s", [old_head["last_seq"]])  # noqa: S608
    AuditChainHead.objects.filter(pk=1).update(
        last_seq=old_head["last_seq"],
        last_mac=old_head["last_mac"],
        head_mac=old_head["head_mac"],
        last_event_id=old_head["last_event_id"],
    )
    assert audit_verify().ok  # inside the database everything looks keyed and consistent ...
    report = audit_verify_anchor(str(anchor))
    assert not report.ok and report.kind == "anchor"  # ... but not against the anchor outside it
    with pytest.raises(CommandError, match="锚点"):
        call_command("audit", "verify", "--anchor", str(anchor))
