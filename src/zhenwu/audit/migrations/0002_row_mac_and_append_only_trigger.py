"""Every audit row carries a MAC from the moment it is written; on PostgreSQL a trigger refuses
UPDATE (except the one-time sealing of seq/prev_mac/mac) and DELETE on the audit table."""

import json
import secrets
from datetime import UTC

import django.utils.timezone
from django.db import migrations, models

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION zhenwu_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '审计日志只能追加，不能删除';
  END IF;
  IF OLD.seq IS NOT NULL OR NEW.seq IS NULL
     OR (to_jsonb(NEW) - 'seq' - 'prev_mac' - 'mac') IS DISTINCT FROM (to_jsonb(OLD) - 'seq' - 'prev_mac' - 'mac') THEN
    RAISE EXCEPTION '审计日志不可修改（只允许封存一次）';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS zhenwu_audit_append_only ON audit_auditevent;
CREATE TRIGGER zhenwu_audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION zhenwu_audit_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS zhenwu_audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS zhenwu_audit_append_only();
"""


def sign_existing_rows(apps, schema_editor):
    """Rows written before this migration get their nonce and row MAC now (they are already in the chain)."""
    from zhenwu.core import crypto

    AuditEvent = apps.get_model("audit", "AuditEvent")
    for event in AuditEvent.objects.filter(nonce__isnull=True).iterator():
        nonce = secrets.token_hex(16)
        created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        row = [nonce, created, event.actor_id, event.actor_name, event.ip or "", event.user_agent,
               event.request_id, event.action, event.object_type, event.object_id, event.object_repr,
               event.result, event.message, event.changes]
        canonical = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        AuditEvent.objects.filter(pk=event.pk).update(nonce=nonce, row_mac=crypto.audit_mac("row", canonical))


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="nonce",
            field=models.CharField(max_length=32, null=True, verbose_name="写入随机数"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="写入校验值"),
            preserve_default=False,
        ),
        migrations.RunPython(sign_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="nonce",
            field=models.CharField(max_length=32, unique=True, verbose_name="写入随机数"),
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
