"""Dispatch and knowledge in a browser: the town admin tries a suggestion and maintains the
catalogue; an operator on a phone searches the knowledge base and inserts a standard answer."""

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
    page.wait_for_url("**/workbench/")


def test_town_admin_tries_a_suggestion_and_sees_the_catalogue(
    demo_site: Any, desktop: Any, shot: Any
) -> None:
    base = demo_site.url
    sign_in(desktop, base, "town_admin")
    desktop.click("text=派单目录")
    desktop.wait_for_url("**/dispatch/catalogue/")
    assert "吵得睡不着" in desktop.content()  # the catalogue lists the colloquial phrases citizens use
    desktop.fill("#dispatch-try-text", "小区门口的路灯坏了一个月，晚上黑灯瞎火的")
    desktop.click("text=获取建议")
    desktop.wait_for_selector("input[name=lead_unit]")
    cards = desktop.locator(".zw-suggestion")
    assert cards.count() == 3
    assert "城市管理办公室" in cards.first.inner_text()
    assert "路灯" in cards.first.inner_text()
    shot(desktop, "dispatch-01-catalogue-suggest-desktop")
    desktop.click("text=编辑 >> nth=0")
    desktop.wait_for_selector("textarea[name=synonyms]")
    shot(desktop, "dispatch-02-catalogue-edit-desktop")
    desktop.goto(base + "/dispatch/model/")
    assert "重新训练" in desktop.inner_text("body")
    shot(desktop, "dispatch-03-model-status-desktop")


def test_operator_inserts_a_standard_answer_on_a_phone(demo_site: Any, phone: Any, shot: Any) -> None:
    base = demo_site.url
    sign_in(phone, base, "operator")
    phone.goto(base + "/knowledge/?q=停水")
    assert "停水咨询" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "dispatch-04-knowledge-search-phone")
    phone.goto(base + "/knowledge/")
    phone.fill("#kb-try-q", "停水")
    phone.wait_for_selector("[data-knowledge-insert]")
    phone.locator("[data-knowledge-insert]").first.click()
    value = phone.input_value("#kb-try-reply")
    assert "停水" in value
    full = shot(phone, "dispatch-05-knowledge-picker-phone")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(full.with_name("dispatch-06-knowledge-picker-viewport-phone.png")))
    from zhenwu.knowledge.models import Article

    phone.wait_for_timeout(300)
    assert Article.objects.get(title="停水咨询").hit_count == 1
