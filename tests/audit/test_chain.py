"""The audit chain: sealing, verification of modified / deleted / inserted rows, fail-closed writes.

AuditEvent.save/delete refuse changes by design, so tampering here goes around the model, the way an
attacker with database access would: queryset .update(), bulk_create and raw SQL.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from zhenwu.audit.models import AuditChainHead, AuditEvent
from zhenwu.audit.services import audit_record, audit_seal, audit_verify
from zhenwu.core.errors import DomainError
from zhenwu.core.models import CalendarYear

pytestmark = pytest.mark.django_db

FAKE_MAC = "f" * 64


def _record(n: int, prefix: str = "事件") -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="test.chain", object_repr=f"{prefix}{i}", message=f"{prefix}{i}")
        for i in range(n)
    ]


def _sealed_chain(n: int = 5) -> list[AuditEvent]:
    events = _record(n)
    audit_seal()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("seq"))


def _raw_delete(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [pk])  # noqa: S608


def _forge(*, seq: int, prev_mac: str, message: str = "伪造的记录") -> AuditEvent:
    forged = AuditEvent(
        action="user.update",
        actor_name="冒名者",
        object_repr="伪造对象",
        message=message,
        seq=seq,
        prev_mac=prev_mac,
        mac=FAKE_MAC,
    )
    AuditEvent.objects.bulk_create([forged])
    return AuditEvent.objects.get(seq=seq)


# --------------------------------------------------------------------------- intact chain


def test_a_sealed_chain_verifies() -> None:
    events = _record(5)
    assert all(e.seq is None for e in events)
    assert audit_seal() >= 5
    report = audit_verify()
    assert report.ok, report.problem
    assert report.checked == AuditEvent.objects.filter(seq__isnull=False).count()
    assert report.unsealed == 0
    sealed = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in sealed] == list(range(1, len(sealed) + 1))
    assert sealed[0].prev_mac == ""
    assert all(b.prev_mac == a.mac for a, b in zip(sealed, sealed[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert head.last_mac == sealed[-1].mac and head.last_event_id == sealed[-1].pk


def test_sealing_in_batches_continues_the_chain_and_unsealed_rows_are_counted() -> None:
    _sealed_chain(3)
    _record(4, "第二批")
    report = audit_verify()
    assert report.ok and report.unsealed == 4
    assert audit_seal(batch=2) == 2
    assert audit_seal(batch=2) == 2
    assert audit_seal() == 0
    report = audit_verify()
    assert report.ok and report.unsealed == 0 and report.checked == 7


def test_an_empty_log_verifies() -> None:
    report = audit_verify()
    assert report.ok and report.checked == 0


# --------------------------------------------------------------------------- modified


def test_a_modified_row_is_found() -> None:
    events = _sealed_chain(5)
    victim = events[2]
    AuditEvent.objects.filter(pk=victim.pk).update(message="被悄悄改过的说明")
    report = audit_verify()
    assert not report.ok
    assert report.kind == "modified"
    assert report.event_id == victim.pk
    assert f"#{victim.pk}" in report.problem
    assert report.checked == 2


@pytest.mark.parametrize(
    "field,value",
    [
        ("actor_name", "别人"),
        ("result", "failure"),
        ("object_id", "999"),
        ("changes", {"diff": {"x": [1, 2]}}),
        ("ip", "10.0.0.9"),
        ("action", "user.create"),
    ],
)
def test_every_content_field_is_covered_by_the_mac(field: str, value: Any) -> None:
    events = _sealed_chain(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(**{field: value})
    report = audit_verify()
    assert not report.ok and report.kind == "modified" and report.event_id == events[1].pk


def test_a_modified_last_row_is_found() -> None:
    events = _sealed_chain(4)
    AuditEvent.objects.filter(pk=events[-1].pk).update(object_repr="改过")
    report = audit_verify()
    assert not report.ok and report.kind == "modified" and report.event_id == events[-1].pk


def test_a_modified_first_row_is_found() -> None:
    events = _sealed_chain(4)
    AuditEvent.objects.filter(pk=events[0].pk).update(message="改过")
    report = audit_verify()
    assert not report.ok and report.kind == "modified" and report.event_id == events[0].pk


def test_a_row_whose_mac_was_recomputed_without_the_key_is_found() -> None:
    events = _sealed_chain(4)
    AuditEvent.objects.filter(pk=events[1].pk).update(message="改过", mac=FAKE_MAC)
    report = audit_verify()
    assert not report.ok and report.event_id == events[1].pk


# --------------------------------------------------------------------------- deleted


def test_a_deleted_middle_row_is_found() -> None:
    events = _sealed_chain(5)
    _raw_delete(events[2].pk)
    report = audit_verify()
    assert not report.ok
    assert report.kind == "deleted"
    assert report.event_id == events[3].pk  # the first row after the gap
    assert f"#{events[1].pk}" in report.problem  # ... named after the last good row


def test_a_deleted_first_row_is_found() -> None:
    events = _sealed_chain(4)
    _raw_delete(events[0].pk)
    report = audit_verify()
    assert not report.ok and report.kind == "deleted" and report.event_id == events[1].pk
    assert "链首" in report.problem


def test_a_deleted_last_row_is_found() -> None:
    events = _sealed_chain(5)
    _raw_delete(events[-1].pk)
    report = audit_verify()
    assert not report.ok
    assert report.kind == "deleted"
    assert report.event_id == events[-2].pk
    assert report.checked == 4


def test_several_deleted_last_rows_are_found() -> None:
    events = _sealed_chain(6)
    for ev in events[3:]:
        _raw_delete(ev.pk)
    report = audit_verify()
    assert not report.ok and report.kind == "deleted" and report.event_id == events[2].pk


def test_a_row_pushed_back_to_unsealed_leaves_a_gap() -> None:
    events = _sealed_chain(4)
    AuditEvent.objects.filter(pk=events[1].pk).update(seq=None, prev_mac="", mac="", message="改过")
    report = audit_verify()
    assert not report.ok and report.kind == "deleted" and report.event_id == events[2].pk


# --------------------------------------------------------------------------- inserted


def test_a_forged_row_after_the_tail_is_found() -> None:
    events = _sealed_chain(4)
    forged = _forge(seq=events[-1].seq + 1, prev_mac=events[-1].mac)
    report = audit_verify()
    assert not report.ok
    assert report.kind == "inserted"
    assert report.event_id == forged.pk


def test_a_forged_row_between_two_rows_is_found() -> None:
    events = _sealed_chain(5)
    # Opening a gap means renumbering past the keyed head, which is itself reported ...
    AuditEvent.objects.filter(seq__gt=events[1].seq).update(seq=F("seq") + 1000)
    assert not audit_verify().ok
    # ... and a row slipped into the gap cannot carry a valid MAC either.
    forged = _forge(seq=events[1].seq + 1, prev_mac=events[1].mac)
    report = audit_verify()
    assert not report.ok
    assert report.kind == "inserted"
    assert report.event_id == forged.pk
    assert report.checked == 2


def test_a_forged_row_before_the_first_row_is_found() -> None:
    _sealed_chain(3)
    forged = _forge(seq=0, prev_mac="")
    report = audit_verify()
    assert not report.ok and report.kind == "inserted" and report.event_id == forged.pk


def test_a_copied_row_is_found_because_the_mac_covers_the_id() -> None:
    events = _sealed_chain(3)
    AuditEvent.objects.filter(seq__gt=events[1].seq).update(seq=F("seq") + 1000)
    original = events[1]
    copy = AuditEvent(
        created_at=original.created_at,
        action=original.action,
        object_repr=original.object_repr,
        message=original.message,
        changes=original.changes,
        seq=original.seq + 1,
        prev_mac=original.mac,
        mac=original.mac,
    )
    AuditEvent.objects.bulk_create([copy])
    copy_pk = AuditEvent.objects.get(seq=original.seq + 1).pk
    report = audit_verify()
    # Found and located; classified "modified" because the copy carries the mac the next row points to.
    assert not report.ok and report.event_id == copy_pk and report.kind in {"inserted", "modified"}


def test_reordered_rows_are_found() -> None:
    events = _sealed_chain(4)
    a, b = events[1], events[2]
    AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    assert not audit_verify().ok


# --------------------------------------------------------------------------- the chain head


def test_a_tampered_head_is_found() -> None:
    _sealed_chain(3)
    AuditChainHead.objects.update(last_seq=F("last_seq") - 1)
    report = audit_verify()
    assert not report.ok and report.kind == "head"


def test_a_deleted_head_is_found_while_sealed_rows_exist() -> None:
    _sealed_chain(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditChainHead._meta.db_table}")  # noqa: S608
    report = audit_verify()
    assert not report.ok and report.kind == "head"


# --------------------------------------------------------------------------- append-only, fail closed


def test_audit_record_in_a_failed_transaction_leaves_no_row() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rollback", message="回滚")
        raise RuntimeError("业务写入失败")
    assert not AuditEvent.objects.filter(action="test.rollback").exists()


def test_a_business_write_rolls_back_when_its_audit_row_cannot_be_written(cast: Any) -> None:
    with (
        mock.patch("zhenwu.audit.services.insert", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        from zhenwu.core.services import calendar_year_add

        calendar_year_add(actor=cast.sysadmin, year=2099)
    assert not CalendarYear.objects.filter(year=2099).exists()


def test_audit_rows_cannot_be_deleted_or_changed_through_the_orm() -> None:
    (event,) = _record(1)
    with pytest.raises(DomainError, match="只能追加"):
        event.delete()
    with pytest.raises(DomainError, match="只能追加"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DomainError, match="只能追加"):
        AuditEvent.objects.all().delete()
    event.message = "改过"
    with pytest.raises(DomainError, match="不可修改"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).message == "事件0"


# --------------------------------------------------------------------------- management command


def test_the_verify_command_passes_on_an_intact_chain(capsys: Any) -> None:
    _sealed_chain(3)
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out


def test_the_seal_command_seals_everything(capsys: Any) -> None:
    _record(3)
    call_command("audit", "seal")
    assert "已封存 3 条" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()


def test_the_verify_command_fails_on_tampering() -> None:
    events = _sealed_chain(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(message="改过")
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("audit", "verify")


# --------------------------------------------------------------------------- whole-log wipes and races


def test_wiping_the_whole_log_and_its_head_is_found() -> None:
    events = _sealed_chain(3)
    for ev in events:
        _raw_delete(ev.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditChainHead._meta.db_table}")  # noqa: S608
    assert not audit_verify().ok


def test_a_seal_running_during_verification_is_not_reported_as_tampering() -> None:
    _sealed_chain(3)
    real_filter = AuditChainHead.objects.filter
    calls = {"n": 0}

    class _Stale:
        def __init__(self, head: AuditChainHead | None) -> None:
            self.head = head

        def first(self) -> AuditChainHead | None:
            return self.head

    def filter_then_seal(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        if calls["n"] > 1:
            return qs
        stale = qs.first()  # audit_verify has read the head ...
        _record(1, "并发写入")  # ... then a writer and the beat sealer run
        audit_seal()
        return _Stale(stale)

    with mock.patch.object(AuditChainHead.objects, "filter", side_effect=filter_then_seal):
        report = audit_verify()
    assert report.ok, report.problem


def test_deleting_every_sealed_row_but_keeping_the_head_is_found() -> None:
    events = _sealed_chain(3)
    for ev in events:
        _raw_delete(ev.pk)
    report = audit_verify()
    assert not report.ok and report.kind == "deleted"
