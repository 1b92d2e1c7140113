"""Version stamps of what processes keep in memory, changed in the transaction of every write.

A part that memoises something read from the database (the dispatch engine its catalogue and
resolved units, the work-order forms their rendered unit and category options) keys the memo by
``read(*keys)``: one small query per use, and a rebuild as soon as any write of another process
commits. ``watch(Model, key)`` bumps ``key`` on every save and delete of a model (connected in the
owning app's ``ready``); a write that sends no signal (``QuerySet.update``, ``bulk_create``, raw
SQL) calls ``bump(key)`` itself.

Stamps are random, not counters: a change rolled back after a process built its memo from it
leaves the old stamp, and the next change gets a new one, so no memo outlives its data. This is
in the database rather than Redis so that a change made while Redis is down is still seen.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, connections, router, transaction
from django.db.models.signals import post_delete, post_save

from zhenwu.core.models import VersionStamp


def _new_stamp() -> int:
    return secrets.randbits(62) + 1


def bump(*keys: str, using: str | None = None) -> None:
    """Give each key a new stamp (inside the caller's transaction when there is one)."""
    manager = VersionStamp.objects.db_manager(using) if using else VersionStamp.objects
    for key in keys:
        if manager.filter(key=key).update(stamp=_new_stamp()):
            continue
        try:
            with transaction.atomic(using=manager.db):
                manager.create(key=key, stamp=_new_stamp())
        except IntegrityError:  # created meanwhile by another writer
            manager.filter(key=key).update(stamp=_new_stamp())


def read(*keys: str) -> tuple[int, ...]:
    """The current stamps of ``keys`` (0 for a key never bumped), in one query.

    Plain SQL: it runs before every memoised read (each suggestion), where building the ORM
    query cost four times the round trip."""
    if not keys:
        return ()
    connection = connections[router.db_for_read(VersionStamp)]
    quote = connection.ops.quote_name
    table, key_column, stamp_column = (quote(n) for n in (VersionStamp._meta.db_table, "key", "stamp"))
    placeholders = ", ".join(["%s"] * len(keys))
    # Quoted identifiers and placeholders only: the keys travel as parameters.
    sql = f"SELECT {key_column}, {stamp_column} FROM {table} WHERE {key_column} IN ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(keys))
        found = dict(cursor.fetchall())
    return tuple(int(found.get(key, 0)) for key in keys)


def watch(model: type[Any], key: str) -> None:
    """Bump ``key`` on every save and delete of ``model`` (call from the owning app's ``ready``)."""

    def changed(sender: Any, using: str | None = None, raw: bool = False, **kwargs: Any) -> None:
        if not raw:  # fixtures being loaded: the table may not be ready yet
            bump(key, using=using)

    uid = f"zhenwu.versions:{model._meta.label}:{key}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
