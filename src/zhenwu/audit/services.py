"""Writing and verifying the audit log.

Writers call `audit_record` inside their own transaction (fail closed: if the audit row cannot be
written, the business write rolls back). Rows are written unsealed; `audit_seal` later chains them
in batches under a lock that only sealers take, so the audit chain never serialises the town's
requests. Each sealed row stores prev_mac and mac = HMAC-SM3(key, prev_mac | canonical(row)).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from zhenwu.audit.models import AuditChainHead, AuditEvent, AuditResult
from zhenwu.core import crypto
from zhenwu.core.context import current_request
from zhenwu.core.db import insert
from zhenwu.core.pii import mask_value

HEAD_ID = 1
SEAL_BATCH = 2000


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of `obj` for an audit diff; PII fields (model.PII_FIELDS) are masked."""
    pii: dict[str, str] = getattr(obj, "PII_FIELDS", {})
    secret: set[str] = set(getattr(obj, "AUDIT_EXCLUDE", set())) | {"password"}
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        name = f.name
        if fields is not None and name not in fields:
            continue
        if name in secret or name.endswith("_index"):
            continue
        value = getattr(obj, f.attname)
        if name in pii and value:
            value = mask_value(pii[name], str(value))
        data[name] = _jsonable(value)
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    before = before or {}
    after = after or {}
    keys = sorted(set(before) | set(after))
    changed = {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
    return changed


def audit_build(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    result: str = AuditResult.SUCCESS,
    message: str = "",
    extra: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """The row ``audit_record`` writes, not yet saved, with its write MAC.

    ``at`` is the event's time (default now). A loader that writes many rows at once (the demo's
    history) builds them here, inserts them with ``bulk_create`` and seals them like any other row.
    """
    ctx = current_request.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        changes["diff"] = diff(before, after)
    if extra:
        changes["extra"] = _jsonable(extra)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    actor_name = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if is_user else ""
    if actor is not None and not is_user and getattr(actor, "username", "") == "system":
        actor_name = "系统"
    event = AuditEvent(
        created_at=at or timezone.now(),
        actor=actor if is_user else None,
        actor_name=actor_name[:80],
        # Stored forms, so the MAC computed now matches the row read back later.
        ip=AuditEvent._meta.get_field("ip").get_prep_value(ctx.ip or None),
        user_agent=(ctx.user_agent or "")[:300],
        request_id=(ctx.request_id or "")[:32],
        action=action[:60],
        object_type=object_type[:60],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        result=result,
        message=message[:500],
        changes=json.loads(json.dumps(changes, ensure_ascii=False)),
        nonce=secrets.token_hex(16),
    )
    event.row_mac = row_mac(event)
    return event


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    result: str = AuditResult.SUCCESS,
    message: str = "",
    extra: dict[str, Any] | None = None,
    with_pk: bool = True,
) -> AuditEvent:
    """Append one audit row (in the caller's transaction). ``with_pk=False`` does not read the new
    row's id back, so a pipelined transaction (core.db.atomic_pipelined) need not wait for it."""
    event = audit_build(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        result=result,
        message=message,
        extra=extra,
    )
    insert(event, returning_pk=with_pk)
    seal_after_commit()
    return event


_SEAL_ENTRY = "_zhenwu_audit_seal_entry"


def seal_after_commit() -> None:
    """Seal once the current transaction commits: one seal per transaction, not one per row.

    A transaction that writes thousands of rows (the demo, an import) would otherwise run thousands
    of seals at its commit. The callback Django keeps for this transaction is remembered on the
    connection; while it is still pending (not dropped by a savepoint rollback) no other is added.
    """
    connection = transaction.get_connection()
    entry = getattr(connection, _SEAL_ENTRY, None)
    if connection.in_atomic_block and entry is not None and entry in connection.run_on_commit:
        return
    transaction.on_commit(schedule_seal)
    if connection.in_atomic_block:
        setattr(connection, _SEAL_ENTRY, connection.run_on_commit[-1])


def schedule_seal() -> None:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        while audit_seal() >= SEAL_BATCH:  # a full batch: more rows may be waiting
            pass
    # With a broker, Celery beat seals every few seconds (see CELERY_BEAT_SCHEDULE).


def canonical(event: AuditEvent) -> bytes:
    created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    row = [
        event.pk,
        created,
        event.actor_id,
        event.actor_name,
        event.ip or "",
        event.user_agent,
        event.request_id,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.result,
        event.message,
        event.changes,
    ]
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_canonical(event: AuditEvent) -> bytes:
    """The row as written, without its id (unknown before the insert) but with its unique nonce."""
    created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    row = [
        event.nonce,
        created,
        event.actor_id,
        event.actor_name,
        event.ip or "",
        event.user_agent,
        event.request_id,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.result,
        event.message,
        event.changes,
    ]
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_mac(event: AuditEvent) -> str:
    return crypto.audit_mac("row", row_canonical(event))


def row_is_genuine(event: AuditEvent) -> bool:
    return bool(event.nonce) and bool(event.row_mac) and event.row_mac == row_mac(event)


def _head_mac(last_seq: int, last_mac: str) -> str:
    return crypto.audit_mac("head", f"{last_seq}|{last_mac}".encode())


def ensure_chain_head() -> AuditChainHead:
    """The head exists from the first migrate on, so a missing head always means tampering."""
    head, _ = AuditChainHead.objects.get_or_create(pk=HEAD_ID, defaults={"head_mac": _head_mac(0, "")})
    return head


def audit_seal(*, batch: int = SEAL_BATCH) -> int:
    """Chain pending rows. Only sealers lock the head row; concurrent sealers skip instead of waiting."""
    sealed = 0
    with transaction.atomic():
        ensure_chain_head()
        qs = AuditChainHead.objects.filter(pk=HEAD_ID)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        head = qs.first()
        if head is None:
            return 0
        waiting = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
        # A row written without the audit key (straight into the database) is never sealed as
        # genuine: it stays unsealed and `audit verify` reports it by id.
        pending = [e for e in waiting if row_is_genuine(e)]
        if len(pending) < len(waiting):
            import logging

            logging.getLogger("zhenwu.audit").error(
                "审计事件 %s 没有有效的写入校验值，拒绝封存（疑似被直接插入数据库）。",
                ", ".join(f"#{e.pk}" for e in waiting if not row_is_genuine(e)),
            )
        if not pending:
            return 0
        for event in pending:
            head.last_seq += 1
            event.seq = head.last_seq
            event.prev_mac = head.last_mac
            event.mac = crypto.audit_mac(event.prev_mac, canonical(event))
            head.last_mac = event.mac
            head.last_event_id = event.pk
            sealed += 1
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            # executemany is pipelined by psycopg 3; much faster than bulk_update's CASE expressions.
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_mac = %s, mac = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
                [(e.seq, e.prev_mac, e.mac, e.pk) for e in pending],
            )
        head.head_mac = _head_mac(head.last_seq, head.last_mac)
        head.sealed_at = timezone.now()
        head.save()
    return sealed


@dataclass
class VerifyReport:
    ok: bool
    checked: int
    unsealed: int
    problem: str = ""
    event_id: int | None = None
    kind: str = ""  # modified / inserted / deleted / head
    details: list[str] = field(default_factory=list)


def audit_verify() -> VerifyReport:
    """Walk the sealed chain in seq order and report the first modified, deleted or inserted row."""
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    if head is None:
        return VerifyReport(False, 0, unsealed, "链头记录缺失：审计链可能被整体删除或重建。", None, "head")
    if head.head_mac != _head_mac(head.last_seq, head.last_mac):
        return VerifyReport(False, 0, unsealed, "链头记录被篡改。", None, "head")

    # Walk only what the head we read covers: a seal running meanwhile only adds rows after it.
    rows = (
        AuditEvent.objects.filter(seq__isnull=False, seq__lte=head.last_seq)
        .order_by("seq")
        .iterator(chunk_size=2000)
    )
    prev_mac = ""
    prev_id: int | None = None
    checked = 0
    pending: AuditEvent | None = None

    def intact(ev: AuditEvent) -> bool:
        return ev.mac == crypto.audit_mac(ev.prev_mac, canonical(ev))

    for ev in rows:
        if pending is not None:
            bad = pending
            if ev.prev_mac == bad.mac:
                return VerifyReport(
                    False, checked, unsealed, f"审计事件 #{bad.pk} 的内容被修改。", bad.pk, "modified"
                )
            if ev.prev_mac == prev_mac:
                return VerifyReport(
                    False, checked, unsealed, f"审计事件 #{bad.pk} 是被插入的记录。", bad.pk, "inserted"
                )
            return VerifyReport(
                False, checked, unsealed, f"审计事件 #{bad.pk} 被修改或插入。", bad.pk, "modified"
            )
        if not intact(ev):
            pending = ev
            continue
        if ev.prev_mac != prev_mac:
            where = f"审计事件 #{prev_id} 之后、" if prev_id else "链首、"
            return VerifyReport(
                False, checked, unsealed, f"{where}审计事件 #{ev.pk} 之前的记录被删除。", ev.pk, "deleted"
            )
        if not row_is_genuine(ev):
            return VerifyReport(False, checked, unsealed, _not_written_by_zhenwu(ev.pk), ev.pk, "inserted")
        prev_mac = ev.mac
        prev_id = ev.pk
        checked += 1
    if pending is not None:
        bad = pending
        if head.last_mac == bad.mac:
            return VerifyReport(
                False, checked, unsealed, f"审计事件 #{bad.pk} 的内容被修改。", bad.pk, "modified"
            )
        return VerifyReport(
            False, checked, unsealed, f"审计事件 #{bad.pk} 是被插入的记录。", bad.pk, "inserted"
        )
    if prev_mac != head.last_mac:
        where = f"审计事件 #{prev_id} 之后的记录" if prev_id else "链中全部已封存记录"
        return VerifyReport(
            False, checked, unsealed, f"{where}被删除（链尾与链头不符）。", prev_id, "deleted"
        )
    # Rows beyond the head are only genuine if a seal that finished meanwhile moved the head past them.
    latest = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_seq", flat=True).first() or 0
    forged = AuditEvent.objects.filter(seq__gt=max(latest, head.last_seq)).order_by("seq").first()
    if forged is not None:
        return VerifyReport(
            False,
            checked,
            unsealed,
            f"审计事件 #{forged.pk} 是被插入的记录（在链头之后）。",
            forged.pk,
            "inserted",
        )
    for ev in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        if not row_is_genuine(ev):
            return VerifyReport(False, checked, unsealed, _not_written_by_zhenwu(ev.pk), ev.pk, "inserted")
    return VerifyReport(True, checked, unsealed)


def _not_written_by_zhenwu(pk: int) -> str:
    return f"审计事件 #{pk} 是被插入的记录：没有写入时的有效校验值，不是由系统写入的。"


# --------------------------------------------------------------------------- anchor outside the database


def anchor_line() -> dict[str, Any]:
    """The chain head as a record to keep outside the database (a file, syslog)."""
    head = ensure_chain_head()
    return {
        "last_seq": head.last_seq,
        "last_mac": head.last_mac,
        "head_mac": head.head_mac,
        "time": timezone.now().isoformat(timespec="seconds"),
    }


def audit_anchor_export(path: str | None = None) -> dict[str, Any]:
    """Append the chain head to the anchor file and to the syslog logger (Celery beat, every minute)."""
    import logging
    from pathlib import Path

    line = anchor_line()
    target = Path(path or settings.ZHENWU_AUDIT_ANCHOR_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    logging.getLogger("zhenwu.audit.anchor").info("audit-anchor %s", json.dumps(line))
    return line


def audit_verify_anchor(path: str) -> VerifyReport:
    """Verify the chain, then check that it still holds every head recorded in the anchor file.

    A chain cut back to an older state (rows deleted with an old head restored) passes the keyed
    checks inside the database but not this one: the anchored heads live outside it.
    """
    from pathlib import Path

    report = audit_verify()
    if not report.ok:
        return report
    try:
        lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
        anchors = [json.loads(ln) for ln in lines]
    except (OSError, ValueError) as exc:
        return VerifyReport(
            False, report.checked, report.unsealed, f"无法读取锚点文件：{exc}", None, "anchor"
        )
    head = ensure_chain_head()
    for anchor in anchors:
        seq, mac = int(anchor.get("last_seq", 0)), str(anchor.get("last_mac", ""))
        if anchor.get("head_mac") != _head_mac(seq, mac):
            return VerifyReport(
                False,
                report.checked,
                report.unsealed,
                f"锚点记录（{anchor.get('time')}）本身无效。",
                None,
                "anchor",
            )
        if seq == 0:
            continue
        if seq > head.last_seq or not AuditEvent.objects.filter(seq=seq, mac=mac).exists():
            return VerifyReport(
                False,
                report.checked,
                report.unsealed,
                f"审计链与 {anchor.get('time')} 的锚点不符：序号 {seq} 的记录已不在链中（链被截断或回滚）。",
                None,
                "anchor",
            )
    report.details.append(f"与 {len(anchors)} 个锚点一致")
    return report
