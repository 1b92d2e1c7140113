"""Issue 9, item 12: anyone could lock any known account for 30 minutes from anywhere.

Now: 5 failures lock the account at the attacker's address only (等保 5 → 30 minutes there);
the owner still signs in from her own address; an address spraying many accounts is held by the
per-address limit; the security page shows both.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.testing import PASSWORD, Cast, login

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(ip: str, username: str, password: str = "wrong-Password1") -> int:
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password}).status_code


def test_an_attacker_cannot_lock_the_owner_out_from_elsewhere(cast: Cast) -> None:
    for _ in range(5):
        attempt("203.0.113.9", "yahe_cadre")
    # the attacker's address is locked for this account (等保 rule kept there) ...
    assert attempt("203.0.113.9", "yahe_cadre", PASSWORD) == 429
    # ... the owner at her own address is not
    assert attempt("10.1.1.20", "yahe_cadre", PASSWORD) == 302


def test_an_address_spraying_many_accounts_is_held(cast: Cast, settings) -> None:
    settings.ZHENWU_LOGIN_FAILURES_PER_ADDRESS = 8
    for name in ["yahe_cadre", "ljx_cadre", "yahe_viewer", "operator"]:
        for _ in range(2):
            attempt("198.51.100.7", name)
    # even a right password from that address waits for the cool-off
    assert attempt("198.51.100.7", "leader", PASSWORD) == 429
    assert attempt("10.1.1.21", "leader", PASSWORD) == 302


def test_the_security_page_shows_account_and_address(cast: Cast, client: Client, settings) -> None:
    settings.ZHENWU_LOGIN_FAILURES_PER_ADDRESS = 8
    for _ in range(5):
        attempt("203.0.113.9", "yahe_cadre")
    for name in ["ljx_cadre", "yahe_viewer", "operator"]:
        attempt("198.51.100.7", name)
        attempt("198.51.100.7", name)
        attempt("198.51.100.7", name)
    html = login(client, cast.secadmin).get(reverse("accounts:security")).content.decode()
    assert "203.0.113.9" in html and "丫河干部" in html
    assert "暂停登录的网络地址" in html and "198.51.100.7" in html
