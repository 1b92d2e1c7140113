"""The security admin's page (账号安全): policy in words, locked accounts, recent failures, unlock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhenwu.accounts.validators import POLICY_TEXT
from zhenwu.audit.models import AuditEvent
from zhenwu.testing import PASSWORD, Cast, login

pytestmark = pytest.mark.django_db


def page(response: Any) -> str:
    return str(response.content.decode())


def fail(
    username: str, failures: int, *, ip: str = "10.0.0.8", agent: str = "pytest", minutes_ago: int = 0
) -> Any:
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent=agent,
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )
    if minutes_ago:
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return attempt


def test_it_states_the_password_and_lockout_policy_in_words(client: Client, cast: Cast) -> None:
    response = login(client, cast.secadmin).get(reverse("accounts:security"))
    html = page(response)
    assert response.status_code == 200
    assert POLICY_TEXT in html
    assert "同一账号在同一网络地址连续 5 次登录失败，该账号在该地址锁定 30 分钟" in html
    assert "累计失败 20 次，该地址暂停登录 30 分钟" in html
    assert "没有被锁定的账号" in html


@pytest.mark.parametrize("who", ["sysadmin", "auditadmin", "yahe_cadre", "town_admin"])
def test_it_refuses_the_security_page_and_unlocking_to_everyone_else(
    client: Client, cast: Cast, who: str
) -> None:
    fail("yahe_viewer", 5)
    c = login(client, getattr(cast, who))
    response = c.get(reverse("accounts:security"))
    assert response.status_code == 403
    assert "管理安全策略与解锁账号" in page(response)
    assert c.post(reverse("accounts:user_unlock", args=[cast.yahe_viewer.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username="yahe_viewer").exists()


def test_it_lists_a_locked_account_and_unlocks_it(client: Client, cast: Cast) -> None:
    fail("yahe_cadre", 5)
    c = login(client, cast.secadmin)
    html = page(c.get(reverse("accounts:security")))
    assert "丫河干部" in html and "连续失败 5 次" in html and "10.0.0.8" in html
    unlock_url = reverse("accounts:user_unlock", args=[cast.yahe_cadre.pk])
    assert f'action="{unlock_url}"' in html

    assert c.get(unlock_url).status_code == 405
    response = c.post(unlock_url, follow=True)
    assert response.status_code == 200
    assert "已解除“丫河干部”的登录锁定" in page(response)
    assert "没有被锁定的账号" in page(response)
    assert not AccessAttempt.objects.filter(username="yahe_cadre").exists()
    assert AuditEvent.objects.filter(
        action="user.unlock", object_id=str(cast.yahe_cadre.pk), actor=cast.secadmin
    ).exists()


def test_failures_from_different_addresses_do_not_lock_an_account(client: Client, cast: Cast) -> None:
    fail("ljx_cadre", 3, ip="10.0.0.1")
    fail("ljx_cadre", 2, ip="10.0.0.2")
    fail("yahe_cadre", 5, ip="10.0.0.3")
    fail("yahe_cadre", 5, ip="10.0.0.4")
    html = page(login(client, cast.secadmin).get(reverse("accounts:security")))
    assert reverse("accounts:user_unlock", args=[cast.ljx_cadre.pk]) not in html
    assert reverse("accounts:user_unlock", args=[cast.yahe_cadre.pk]) in html
    assert "10.0.0.3、10.0.0.4" in html or "10.0.0.4、10.0.0.3" in html


def test_it_does_not_call_an_expired_lockout_locked(client: Client, cast: Cast) -> None:
    c = login(client, cast.secadmin)  # axes clears expired attempts at every login, so sign in first
    fail("yahe_cadre", 5, minutes_ago=31)
    fail("ljx_cadre", 2)
    html = page(c.get(reverse("accounts:security")))
    assert "没有被锁定的账号" in html
    assert "yahe_cadre" in html and "ljx_cadre" in html  # still listed among the recent failures
    assert "已锁定" not in html and "未锁定" in html


def test_it_shows_a_locked_unknown_username_without_an_unlock_button(client: Client, cast: Cast) -> None:
    fail("nobody", 6)
    html = page(login(client, cast.secadmin).get(reverse("accounts:security")))
    assert "nobody" in html
    assert "不是您数据范围内的账号" in html
    assert "/manage/security/unlock/" not in html


def test_it_unlocks_a_person_locked_out_by_real_failed_logins(client: Client, cast: Cast) -> None:
    visitor = Client()
    for _ in range(5):
        visitor.post(reverse("accounts:login"), {"username": "yahe_viewer", "password": "wrong-Password1"})
    assert (
        visitor.post(reverse("accounts:login"), {"username": "yahe_viewer", "password": PASSWORD}).status_code
        == 429
    )

    admin = login(client, cast.secadmin)
    assert "丫河查看员" in page(admin.get(reverse("accounts:security")))
    admin.post(reverse("accounts:user_unlock", args=[cast.yahe_viewer.pk]))

    response = visitor.post(reverse("accounts:login"), {"username": "yahe_viewer", "password": PASSWORD})
    assert response.status_code == 302
