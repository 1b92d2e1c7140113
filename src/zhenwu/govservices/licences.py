"""电子证照: canonical JSON text signed with SM2 (SM3 digest, default user ID 1234567812345678).

The key pair lives in settings (ZHENWU_LICENCE_PRIVATE_KEY / ZHENWU_LICENCE_PUBLIC_KEY), never in the
database. Anyone can verify a licence from ``/public/licences/<code>.json`` with any SM2 implementation.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core import crypto
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.services import next_number
from zhenwu.govservices.capabilities import CAPABILITIES as CAP
from zhenwu.govservices.choices import LicenceStatus
from zhenwu.govservices.models import Application, Licence
from zhenwu.orgs.scope import user_has_capability


def public_key() -> str:
    """The published public key: uncompressed point, 130 hex characters starting 04."""
    key = str(settings.ZHENWU_LICENCE_PUBLIC_KEY).lower()
    return key if key.startswith("04") and len(key) == 130 else "04" + key[-128:]


def canonical_text(data: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 characters as they are: the exact text that is signed."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sign(text: str) -> str:
    return crypto.sm2_sign(str(settings.ZHENWU_LICENCE_PRIVATE_KEY), public_key(), text.encode("utf-8"))


def verify(canonical: str, signature: str, key: str) -> bool:
    """Verify with a per-content cache: any change of text, signature or key is a new cache key."""
    digest = hashlib.sha256(f"{canonical}\x00{signature}\x00{key}".encode()).hexdigest()
    cache_key = f"zw:gs:licverify:{digest}"
    cached = cache.get(cache_key)
    if cached is not None:
        return bool(cached)
    ok = crypto.sm2_verify(key, canonical.encode("utf-8"), signature)
    cache.set(cache_key, ok, 86400)
    return ok


def licence_issue(*, actor: Any, application: Application, today: date) -> Licence:
    """Issue the licence of a completed application (called inside its completion transaction)."""
    version = application.version
    n = next_number("GS-LIC", today)
    # Date, sequence and a random tail: codes cannot be enumerated from the public page.
    code = f"NTZZ{today:%Y%m%d}{n:04d}{secrets.token_hex(3).upper()}"
    valid_until = (
        today.replace(year=today.year + version.result_valid_years) if version.result_valid_years else None
    )
    submission = application.submission
    holder = str(submission.form_data.get("entity_name") or submission.applicant_name)
    data = {
        "code": code,
        "name": version.result_name,
        "holder": holder,
        "holder_code": str(submission.form_data.get("entity_uscc") or ""),
        "item": version.name,
        "item_code": application.item.impl_code,
        "issuer": version.agency_name,
        "issuer_code": version.agency_uscc,
        "issued_on": today.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else "长期",
        "application": application.number,
    }
    text = canonical_text(data)
    licence = Licence.objects.create(
        code=code,
        application=application,
        name=version.result_name,
        holder=holder,
        canonical=text,
        signature=sign(text),
        public_key=public_key(),
        issued_on=today,
        valid_until=valid_until,
        is_sample=application.is_sample,
    )
    audit_record(
        actor=actor,
        action="govservices.licence_issue",
        obj=licence,
        extra={"application": application.number},
    )
    return licence


@transaction.atomic
def licence_revoke(*, actor: Any, licence: Licence, reason: str) -> Licence:
    if not user_has_capability(actor, CAP.REVOKE):
        raise PermissionDeniedError("只有镇领导可以注销电子证照。")
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.status == LicenceStatus.REVOKED:
        raise DomainError("该证照已注销，不能重复注销。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写注销原因。", field="reason")
    licence.status = LicenceStatus.REVOKED
    licence.revoked_reason = reason[:200]
    licence.revoked_at = timezone.now()
    licence.revoked_by = actor
    licence.save()
    audit_record(
        actor=actor,
        action="govservices.licence_revoke",
        obj=licence,
        before={"status": LicenceStatus.VALID},
        after={"status": LicenceStatus.REVOKED},
        message=reason,
    )
    return licence


def public_document(licence: Licence) -> dict[str, str]:
    """The exact public JSON interface."""
    return {
        "canonical": licence.canonical,
        "signature": licence.signature,
        "public_key": licence.public_key,
        "status": licence.status,
    }
