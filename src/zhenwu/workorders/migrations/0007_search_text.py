"""诉求工单检索: the search_text column, filled for existing orders, and its GIN index on PostgreSQL.

Not atomic: the fill commits batch by batch (at a million orders a single transaction would hold
every row lock for minutes) and only fills rows still empty, so an interrupted run resumes.
"""

from django.db import migrations, models, transaction

BATCH = 5000
GIN_INDEX = "wo_search_tokens"

# string_to_array(search_text, ' ') under a name of its own, declared with its real cost (the
# planner otherwise takes splitting a few hundred bytes for one operator) and kept from being
# inlined (the SET clause), so that cost is what the planner sees. The index and the queries
# (workorders/search.py) both call it.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION workorder_search_tokens(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100 SET search_path = pg_catalog
    AS $$ SELECT string_to_array($1, ' ') $$
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS workorder_search_tokens(text)"


def fill_search_text(apps, schema_editor):
    from zhenwu.workorders.search import search_text

    connection = schema_editor.connection
    table = connection.ops.quote_name(apps.get_model("workorders", "WorkOrder")._meta.db_table)
    select = (
        f"SELECT id, number, title, description, address FROM {table} "  # noqa: S608 - table from the model
        "WHERE id > %s AND search_text = '' ORDER BY id LIMIT %s"
    )
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                break
            ids = [r[0] for r in rows]
            texts = [search_text(r[1] or "", r[2] or "", r[3] or "", r[4] or "") for r in rows]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS t SET search_text = v.s "  # noqa: S608
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, s) WHERE t.id = v.id",
                    [ids, texts],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET search_text = %s WHERE id = %s",  # noqa: S608
                    list(zip(texts, ids, strict=True)),
                )
            last = ids[-1]


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("workorders", "WorkOrder")._meta.db_table)
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute("SET maintenance_work_mem = '256MB'")  # a GIN build sorts its entries in memory
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON {table} USING gin (workorder_search_tokens(search_text))"
    )
    schema_editor.execute("RESET maintenance_work_mem")
    # The planner estimates a term's share of orders from the statistics of the index expression.
    schema_editor.execute(f"ANALYZE {table}")


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workorders", "0006_open311_changeset"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="检索词"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_gin_index, drop_gin_index),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("status__in", ["closed", "invalid", "merged"]), _negated=True),
                fields=["-created_at", "-id"],
                name="wo_list_open_created",
            ),
        ),
    ]
