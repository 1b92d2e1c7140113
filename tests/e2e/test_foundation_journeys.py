"""The foundation seen through a browser: a village cadre on a phone, the admins on a desktop."""

from __future__ import annotations

from typing import Any

import pytest

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def test_yahe_cadre_on_a_phone_sees_only_yahe(demo_site: Any, phone: Any, shot: Any) -> None:
    base = demo_site.url
    phone.goto(base + "/")
    assert "牛塘镇数字治理平台" in phone.content()
    shot(phone, "01-portal-phone")
    sign_in(phone, base, "yahe_cadre")
    phone.wait_for_url("**/workbench/")
    body = phone.inner_text("body")
    assert "演示·丫河村干部" in body and "丫河村" in body
    assert "卢家巷" not in body
    # The page fits a 375-pixel screen: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "02-workbench-cadre-phone")

    phone.goto(base + "/orgs/")
    tree = phone.inner_text("body")
    assert "丫河村第一网格" in tree and "丫河便民服务站" in tree
    assert "卢家巷村" not in tree and "东塘村" not in tree
    shot(phone, "03-org-tree-cadre-phone")

    # The phone menu opens and lists the cadre's pages only.
    phone.click("button.navbar-toggler")
    phone.wait_for_selector("#sidebar-menu.show")
    menu = phone.inner_text("#sidebar-menu")
    assert "组织机构" in menu and "用户管理" not in menu and "审计日志" not in menu
    shot(phone, "04-menu-cadre-phone")

    # Another village's unit is out of scope: a Chinese 404, not a stack trace.
    from zhenwu.orgs.models import Unit

    other = Unit.objects.get(code="NT-LJX")
    response = phone.goto(f"{base}/orgs/units/{other.pk}/")
    assert response.status == 404
    assert "不存在" in phone.inner_text("body")
    shot(phone, "05-out-of-scope-404-phone")


def test_system_admin_binds_totp_and_manages_users(demo_site: Any, desktop: Any, shot: Any) -> None:
    base = demo_site.url
    sign_in(desktop, base, "sysadmin")
    desktop.wait_for_url("**/accounts/2fa/setup/**")
    assert "绑定动态口令" in desktop.inner_text("body")
    shot(desktop, "06-totp-setup-desktop")
    code = desktop.inner_text("#demo-token").strip()
    desktop.fill("input[name=token]", code)
    desktop.click("button[type=submit]")
    desktop.wait_for_url("**/workbench/")
    shot(desktop, "07-workbench-sysadmin-desktop")
    desktop.goto(base + "/manage/users/")
    body = desktop.inner_text("body")
    assert "yahe_cadre" in body
    assert "13800138004" not in body  # phones are masked
    shot(desktop, "08-users-desktop")
    desktop.goto(base + "/orgs/")
    assert "卢家巷村" in desktop.inner_text("body")
    shot(desktop, "09-org-tree-desktop")


def test_audit_admin_reads_the_audit_log(demo_site: Any, desktop: Any, shot: Any) -> None:
    base = demo_site.url
    sign_in(desktop, base, "auditadmin")
    desktop.wait_for_url("**/accounts/2fa/setup/**")
    desktop.fill("input[name=token]", desktop.inner_text("#demo-token").strip())
    desktop.click("button[type=submit]")
    desktop.wait_for_url("**/workbench/")
    desktop.goto(base + "/audit/")
    body = desktop.inner_text("body")
    assert "auth.login" in body or "登录" in body
    shot(desktop, "10-audit-log-desktop")
    desktop.goto(base + "/calendar/2026/")
    assert "国庆节" in desktop.inner_text("body")
    shot(desktop, "11-calendar-desktop")
