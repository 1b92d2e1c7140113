from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenwu.accounts.models import User
from zhenwu.accounts.town_demo import DEMO_ACCOUNTS, load_demo
from zhenwu.audit.models import AuditEvent
from zhenwu.orgs.models import Membership, Unit

pytestmark = pytest.mark.django_db


def counts():
    return (
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_loads_niutang_and_is_idempotent():
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    town = Unit.objects.get(code="NT")
    assert town.name == "牛塘镇"
    assert Unit.objects.filter(name="丫河便民服务站", parent__name="丫河村").exists()
    assert Unit.objects.filter(name="卢家巷便民服务站", parent__name="卢家巷村").exists()
    # Units not in the source text are labelled as sample data.
    assert Unit.objects.get(name="东塘村").is_sample
    assert not Unit.objects.get(name="丫河村").is_sample
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) == {
        a.username for a in DEMO_ACCOUNTS
    }
    roles = set(Membership.objects.values_list("role__code", flat=True))
    assert {
        "operator",
        "dept_staff",
        "village_cadre",
        "grid_worker",
        "inspector",
        "leader",
        "citizen",
        "sys_admin",
        "sec_admin",
        "audit_admin",
    } <= roles


def test_demo_command_prints_the_accounts(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "yahe_cadre" in out and "Niutang@2026" in out


def test_check_deploy_refuses_development_defaults(settings):
    settings.DEBUG = False
    settings.ZHENWU_DEMO_ACCOUNTS = True
    with pytest.raises(CommandError) as exc:
        call_command("check_deploy")
    assert "上线前检查未通过" in str(exc.value)


def test_check_deploy_lists_each_problem(settings):
    from zhenwu.accounts.management.commands.check_deploy import zhenwu_deploy_problems

    settings.ZHENWU_DEMO_ACCOUNTS = False
    settings.SECRET_KEY = "x" * 50
    settings.ZHENWU_DATA_KEY = "2:00112233445566778899aabbccddeeff"
    settings.ZHENWU_INDEX_KEY = "aa" * 32
    settings.ZHENWU_AUDIT_KEY = "bb" * 32
    settings.ZHENWU_LICENCE_PRIVATE_KEY = "cc" * 32
    settings.DEBUG = False
    problems = zhenwu_deploy_problems()
    assert not any("KEY" in p for p in problems)
    assert not any("演示账号" in p for p in problems)
    settings.ZHENWU_AUDIT_KEY = settings.DEV_AUDIT_KEY
    assert any("ZHENWU_AUDIT_KEY" in p for p in zhenwu_deploy_problems())


def test_security_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies.get("csrftoken") is not None


def test_unknown_pages_get_a_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.content.decode()
