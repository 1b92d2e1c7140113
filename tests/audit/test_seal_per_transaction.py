"""A transaction that writes many audit rows schedules one seal, which seals them all after the commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from zhenwu.audit.models import AuditEvent
from zhenwu.audit.services import SEAL_BATCH, audit_build, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def test_one_seal_per_transaction_seals_every_row(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(SEAL_BATCH + 5):  # more than one batch
            audit_record(actor=None, action="test.many", object_type="t", object_id=str(i))
    assert len(callbacks) == 1
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    assert audit_verify().ok


def test_a_seal_dropped_with_a_savepoint_is_scheduled_again(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.rolled_back", object_type="t", object_id="1")
                raise RuntimeError("roll the savepoint back")
        except RuntimeError:
            pass
        audit_record(actor=None, action="test.kept", object_type="t", object_id="2")
    assert len(callbacks) == 1
    assert AuditEvent.objects.get(action="test.kept").seq is not None
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


def test_built_rows_inserted_in_bulk_are_sealed_like_recorded_ones() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from zhenwu.audit.services import audit_seal

    then = timezone.now() - timedelta(days=200)
    rows = [
        audit_build(actor=None, action="test.bulk", object_type="t", object_id=str(i), at=then)
        for i in range(3)
    ]
    AuditEvent.objects.bulk_create(rows)
    assert audit_seal() >= 3
    assert audit_verify().ok
    assert set(AuditEvent.objects.filter(action="test.bulk").values_list("created_at", flat=True)) == {then}
