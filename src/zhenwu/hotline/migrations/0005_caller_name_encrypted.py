"""A listener's name is personal data: stored SM4-encrypted like the phone number (issue 9, item 10)."""

from django.db import migrations

import zhenwu.core.fields


def encrypt_names(apps, schema_editor):
    from zhenwu.core import crypto

    table = "hotline_listenerissue"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, caller_name FROM {table} WHERE caller_name <> ''")  # noqa: S608
        rows = [(pk, name) for pk, name in cursor.fetchall() if name and not name.startswith("sm4g")]
        for pk, name in rows:
            cursor.execute(f"UPDATE {table} SET caller_name = %s WHERE id = %s", [crypto.encrypt_text(name), pk])  # noqa: S608


def decrypt_names(apps, schema_editor):
    from zhenwu.core import crypto

    table = "hotline_listenerissue"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, caller_name FROM {table} WHERE caller_name LIKE 'sm4g%%'")  # noqa: S608
        for pk, token in cursor.fetchall():
            cursor.execute(f"UPDATE {table} SET caller_name = %s WHERE id = %s", [crypto.decrypt_text(token)[:40], pk])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("hotline", "0004_builtin_role_grants")]

    operations = [
        migrations.AlterField(
            model_name="listenerissue",
            name="caller_name",
            field=zhenwu.core.fields.EncryptedTextField(blank=True, verbose_name="反映人"),
        ),
        migrations.RunPython(encrypt_names, decrypt_names),
    ]
