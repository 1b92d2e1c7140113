"""Hot-path inserts: one row of a model written from a parameter list, and pipelined round trips.

Django's ``Model.save()`` compiles an INSERT through the query compiler on every call (about a
millisecond of CPU for a wide row) and always reads back the new key. A service that writes a few
rows per request on a hot path (a work order, its timeline event, its audit row, its SMS) uses
``insert`` instead: the statement text is built once per model, the values come from each field's
own ``pre_save``/``get_db_prep_save`` (so encryption, JSON and ``auto_now`` behave exactly as in
``save()``), and the key is read back only when asked for.

``atomic_pipelined()`` sends the statements of one transaction to PostgreSQL without waiting for
each answer (psycopg 3 pipeline mode): the BEGIN and the first statement whose answer is needed
travel together, the rest of the inserts with the COMMIT in one more round trip. On SQLite, or
inside a caller's transaction, it is ``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction


@cache
def _statement(
    model: type[models.Model], with_pk: bool, vendor: str
) -> tuple[str, tuple[tuple[models.Field[Any, Any], bool, type | None], ...]]:
    """The INSERT text and, per column: its field, whether the field computes its value on save
    (``pre_save`` overridden: auto_now, blind indexes) rather than reading the attribute, and the
    Python type that passes through unchanged (see _PASS_THROUGH)."""
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if with_pk or not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model
    plain = models.Field.pre_save
    return sql, tuple((f, type(f).pre_save is not plain, _PASS_THROUGH.get(type(f))) for f in fields)


# Field classes (exactly these, not subclasses such as the encrypted ones) whose value goes to the
# database unchanged when it already has this Python type; any other value takes the field's own path.
_PASS_THROUGH: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
    models.ForeignKey: int,
    models.OneToOneField: int,
}


@contextmanager
def hot_cursor() -> Iterator[Any]:
    """A cursor for statements run on every request of a hot path.

    On PostgreSQL: a server-side-binding psycopg cursor on Django's connection, whose statements
    are prepared by the server once per connection (psycopg prepares a query text after a few
    executions) instead of being parsed and planned on every call; errors come out as Django's.
    Elsewhere: Django's own cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def insert(instance: models.Model, *, returning_pk: bool = False) -> None:
    """INSERT ``instance`` as ``save(force_insert=True)`` would, without the query compiler.

    With ``instance.pk`` already set (e.g. from ``next_id``) the key is written as given; otherwise
    ``returning_pk=True`` reads it back into the instance. No signals are sent (the models written
    this way have no receivers; see tests/core/test_db_insert.py)."""
    with_pk = instance.pk is not None
    sql, fields = _statement(type(instance), with_pk, connection.vendor)
    real = connections[DEFAULT_DB_ALIAS]  # not the proxy: fields consult it once per column
    values = []
    for f, computes, kind in fields:
        value = f.pre_save(instance, True) if computes else getattr(instance, f.attname)
        if kind is not None and (value is None or type(value) is kind):
            values.append(value)  # what get_db_prep_save would return, without the calls
        else:
            values.append(f.get_db_prep_save(value, real))
    want_pk = returning_pk and not with_pk
    if want_pk:
        sql += f" RETURNING {connection.ops.quote_name(instance._meta.pk.column)}"
    with hot_cursor() as cursor:
        cursor.execute(sql, values)
        if want_pk:
            instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias


@cache
def _sequence_of(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return str(cursor.fetchone()[0])


def id_sequence(model: type[models.Model]) -> str | None:
    """The PostgreSQL sequence behind the model's key (for ``nextval`` in a statement that is run
    anyway); None on SQLite, where the key comes back from the INSERT."""
    if connection.vendor != "postgresql":
        return None
    return _sequence_of(model._meta.db_table, model._meta.pk.column)


@contextmanager
def atomic_pipelined() -> Iterator[None]:
    """``transaction.atomic()`` whose statements and COMMIT travel pipelined (PostgreSQL only).

    When the block owns the transaction (the outermost atomic block), its statements are sent in
    psycopg 3 pipeline mode: a statement whose result is read (``fetchone``) still waits for its
    answer, the others do not, and the COMMIT goes with them, so a row lock taken in the block (a
    gap-free counter) is held for one round trip fewer. An error surfaces at the latest at the
    commit, as Django's IntegrityError/DatabaseError, and everything rolls back. The on-commit hooks
    registered in the block run after it, outside pipeline mode, as Django runs them.
    Inside a caller's transaction (or the test suite's) it is a plain savepoint."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql" or conn.in_atomic_block:
        with transaction.atomic():
            yield
        return
    conn.ensure_connection()
    with transaction.atomic(), conn.wrap_database_errors, conn.connection.pipeline():
        yield
        # COMMIT goes out with the pending statements (one sync); Django's own commit at the end of
        # the atomic block then finds the transaction closed and only runs the on-commit hooks.
        conn.connection.commit()
