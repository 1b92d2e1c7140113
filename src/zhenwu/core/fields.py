"""PII model fields: values stored SM4-encrypted, found through an HMAC-SM3 blind index."""

from __future__ import annotations

from typing import Any

from django.db import models

from zhenwu.core import crypto


class EncryptedTextField(models.TextField):
    """Stores `sm4g1:<keyid>:<token>`; Python code sees plain text. Not searchable: use a BlindIndexField."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return crypto.decrypt_text(value)

    def to_python(self, value: Any) -> str:
        if not value:
            return ""
        if isinstance(value, str) and value.startswith("sm4g"):
            return crypto.decrypt_text(value)
        return str(value)

    def get_prep_value(self, value: Any) -> str:
        if not value:
            return ""
        return crypto.encrypt_text(str(value))


class BlindIndexField(models.CharField):
    """Keyed SM3 digest of another field, recomputed on save; equality search without decryption."""

    def __init__(self, *args: Any, source: str = "", kind: str = "", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        raw = getattr(model_instance, self.source, "") or ""
        value = crypto.blind_index(str(raw), kind=self.kind) if raw else ""
        setattr(model_instance, self.attname, value)
        return value
