from __future__ import annotations

import pytest

from zhenwu.audit.models import AuditEvent
from zhenwu.audit.services import audit_record
from zhenwu.cli import main

pytestmark = pytest.mark.django_db


def test_the_zhenwu_command_maps_check_deploy(capsys, settings):
    settings.ZHENWU_DEMO_ACCOUNTS = True
    with pytest.raises(SystemExit) as exc:
        main(["zhenwu", "check-deploy"])
    assert exc.value.code != 0
    assert "演示账号处于启用状态" in capsys.readouterr().err


def test_the_zhenwu_command_verifies_the_audit_chain(capsys):
    main(["zhenwu", "audit", "verify"])
    assert "审计链完整" in capsys.readouterr().out


def test_the_celery_task_seals_pending_audit_rows(cast):
    from zhenwu.audit.tasks import seal_audit_chain

    audit_record(actor=cast.sysadmin, action="test.event", message="待封存")
    assert AuditEvent.objects.filter(seq__isnull=True).exists()
    sealed = seal_audit_chain.delay().get()
    assert sealed >= 1
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
