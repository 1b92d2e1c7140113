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

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT_ONLY = os.environ.get("ZHENWU_AXE_REPORT") == "1"
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
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
        # axe lets an aria-describedby that names a missing id pass; a hint or an error then goes unheard.
        dangling = page.evaluate(
            "[...document.querySelectorAll('[aria-describedby]')].flatMap((el) => el.getAttribute('aria-describedby')"
            ".split(/\\s+/).filter((id) => id && !document.getElementById(id)).map((id) => el.name + ' → #' + id))"
        )
        if dangling:
            result.append({"id": "describedby-points-nowhere", "impact": "serious", "targets": dangling})
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
    expect(page.locator("html")).to_have_class(
        re.compile(r"\bzw-large\b") if on else re.compile(r"^(?!.*\bzw-large\b)")
    )


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
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (label, path)
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
        done, preparing = (
            Episode.objects.filter(status="closed").first(),
            Episode.objects.exclude(status="closed").first(),
        )
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
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (label, path)
        audit.check(page, label)
        if path == "/assessment/dashboard/":  # the charts' text alternative
            for button in page.locator("[data-zw-chart-table]").all():
                button.click()
            audit.check(page, label + "·表格")
        elif path.endswith("/console/") and page.locator("#hl-list .hl-issue").count():
            page.locator("#hl-list .hl-issue").first.click()
            expect(page.locator("#hl-panel h3")).to_be_visible()
            audit.check(page, label + "·选中问题")


def test_large_text_mode_is_remembered_applied_before_paint_and_fits_200_percent_zoom(
    demo_site: Any, browser: Any
) -> None:
    base = demo_site.url
    page = new_page(browser, PHONE)
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => { window.zwClassAtReady = document.documentElement.className; });"
    )
    page.goto(base + "/accounts/login/")
    assert page.title() == "登录 · 镇务 · 牛塘镇"  # the platform's name, never the host
    set_large_text(page, True)
    page.goto(base + "/public/h5/")
    # Set by the <head> script (zhenwu.js, at the end of <body>, only syncs the switch): no flash.
    assert "zw-large" in page.evaluate("window.zwClassAtReady")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px"
    small = page.evaluate(
        """() => [...document.querySelectorAll('main button, main select, main input:not([type=hidden]), main textarea, header button')]
          .filter((el) => el.offsetParent && !el.classList.contains('visually-hidden') && !el.closest('.zw-hp'))
          .filter((el) => el.type === 'checkbox' ? el.closest('label').getBoundingClientRect().height < 44
                                                 : el.getBoundingClientRect().height < 44)
          .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert small == [], small
    # 200 % zoom on a 375 px phone is a 188 px wide layout: no page may scroll sideways.
    page.set_viewport_size({"width": 188, "height": 406})
    for label, path in public_paths(base, page):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 188, label
    page.set_viewport_size({"width": 375, "height": 812})
    set_large_text(page, False)
    page.goto(base + "/public/h5/")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "14px"
    page.context.close()


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
    if device == "phone":  # the menu button on the dark bar shows its focus too
        tab_to(page, ".navbar-toggler")
        assert_visible_focus(page)
    audit = Audit()
    audit_staff(demo_site.url, page, audit, admin=username == "town_admin")
    if not REPORT_ONLY:
        set_large_text(page, True)
        audit_staff(demo_site.url, page, audit, admin=username == "town_admin")
    page.context.close()
    audit.finish(f"{username} {device}")


# ---- keyboard only -------------------------------------------------------------------------------

FOCUS_RING_JS = """(sel) => {
  const el = sel ? document.querySelector(sel) : document.activeElement;
  const s = getComputedStyle(el);
  const rgba = (c) => c.match(/\\d+(\\.\\d+)?/g).map(Number);
  const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const L = (rgb) => 0.2126 * lum(rgb[0]) + 0.7152 * lum(rgb[1]) + 0.0722 * lum(rgb[2]);
  // the ring is drawn over the nearest opaque background around the element
  let bg = [255, 255, 255], node = el.parentElement;
  while (node) {
    const c = rgba(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] === 1) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  const ring = rgba(s.outlineColor);
  const [a, b] = [L(ring.slice(0, 3)), L(bg)];
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), alpha: ring.length > 3 ? ring[3] : 1,
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def assert_visible_focus(page: Any, selector: str | None = None) -> None:
    """A solid ring of at least 2 px at 3:1 against the background it sits on (WCAG 1.4.11, 2.4.7)."""
    ring = page.evaluate(FOCUS_RING_JS, selector)
    assert ring["style"] != "none" and ring["width"] >= 2 and ring["alpha"] == 1, ring
    assert ring["contrast"] >= 3, ring


def tab_to(page: Any, selector: str, limit: int = 80, back: bool = False, text: str = "") -> None:
    """Press Tab (or Shift+Tab) until the focused element matches selector (and has text)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(
            "([s, t]) => { const a = document.activeElement; return !!a && a.matches(s) && a.textContent.includes(t); }",
            [selector, text],
        ):
            return
    pytest.fail(f"Tab never reached {selector} {text}")


def press_and_wait(page: Any, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_h5_form_by_keyboard_only(demo_site: Any, browser: Any, shot: Any) -> None:
    base = demo_site.url
    page = new_page(browser, PHONE)
    page.goto(base + "/public/h5/")
    # The skip link comes first, is visible when focused, and lands in <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Submitting empty: the summary is announced and focused, the title says so, fields are marked.
    tab_to(page, "button[type=submit]")
    assert_visible_focus(page)
    press_and_wait(page, "Enter")
    assert page.evaluate("document.activeElement.hasAttribute('data-zw-error-summary')")
    assert page.title().startswith("提交未成功")
    assert page.get_by_role("alert").filter(has_text="提交未成功").is_visible()
    invalid = page.locator("[aria-invalid=true]").first
    described = invalid.get_attribute("aria-describedby") or ""
    messages = [page.locator(f"[id='{i}']").inner_text() for i in described.split()]
    assert any(m.strip() for m in messages), "aria-describedby must point at the error text"
    border = invalid.evaluate("el => getComputedStyle(el).borderTopColor")
    assert border in ("rgb(175, 47, 47)",), border
    shot(page, "a11y-h5-errors-phone")

    # The first entry of the summary takes the keyboard to its field.
    tab_to(page, "[data-zw-error-summary] a")
    target = page.evaluate("document.activeElement.getAttribute('href').slice(1)")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == target

    # Fill the form with keys only (the field the summary led to is the description); the hidden photo
    # input shows its focus on the 添加照片 button.
    assert target == "id_description"
    page.keyboard.type("丫河村村口路灯不亮，晚上很黑，请尽快修理。")
    tab_to(page, "#id_category", back=True)
    page.keyboard.press("ArrowDown")
    tab_to(page, "input[type=file]")
    assert_visible_focus(page, "input[type=file] + label")
    page.screenshot(path=str(ARTIFACTS / "a11y-h5-focus-phone.png"))
    tab_to(page, "#id_address")
    assert_visible_focus(page)
    page.keyboard.type("丫河村村口")
    tab_to(page, "button[type=submit]")
    press_and_wait(page, "Enter")
    expect(page.locator("body")).to_contain_text("查询码")
    page.context.close()


def test_live_console_by_keyboard_only(demo_site: Any, browser: Any) -> None:
    from zhenwu.hotline.models import Episode

    base = demo_site.url
    episode = Episode.objects.exclude(status="closed").order_by("pk").first()
    assert episode is not None
    page = new_page(browser, DESKTOP)
    sign_in(page, base, "town_admin")
    page.goto(f"{base}/hotline/episodes/{episode.pk}/console/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    if page.get_by_role("button", name="开始直播").count():
        if page.locator("#hl-early-reason").count():  # before the scheduled date: a reason, then confirm
            page.on("dialog", lambda dialog: dialog.accept())
            tab_to(page, "#hl-early-reason")
            page.keyboard.type("嘉宾日程调整，提前开播")
        tab_to(page, "button[value=go_live]")
        press_and_wait(page, "Enter")
    # Register a call with keys only.
    tab_to(page, "#hl-take textarea, #hl-take [name$=text]")
    page.keyboard.type("村口垃圾桶满了没人清理，能不能增加清运次数？")
    tab_to(page, "#hl-take button")
    page.keyboard.press("Enter")
    expect(page.locator("#hl-list")).to_contain_text("村口垃圾桶满了")

    # An item of the queue is a button; focus stays on it while the list refreshes every 3 s.
    tab_to(page, "#hl-list .hl-issue")
    focused = page.evaluate("document.activeElement.id")
    stamp = page.locator("#hl-list .card-footer").inner_text()
    expect(page.locator("#hl-list .card-footer")).not_to_have_text(stamp, timeout=8000)
    assert page.evaluate("document.activeElement.id") == focused
    assert_visible_focus(page)

    # Enter opens it; the keyboard continues at the question in the panel.
    page.keyboard.press("Enter")
    expect(page.locator("#hl-panel-title")).to_be_focused()

    # The refresh can be paused (WCAG 2.2.2) and resumed.
    tab_to(page, "#hl-pause", back=True)
    page.keyboard.press("Space")
    expect(page.locator("#hl-pause")).to_have_attribute("aria-pressed", "true")
    stamp = page.locator("#hl-list .card-footer").inner_text()
    page.wait_for_timeout(4500)
    assert page.locator("#hl-list .card-footer").inner_text() == stamp
    page.keyboard.press("Space")
    expect(page.locator("#hl-pause")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#hl-list .card-footer")).not_to_have_text(stamp, timeout=8000)
    page.context.close()


# ---- charts --------------------------------------------------------------------------------------


def test_chart_tooltip_and_table_show_a_tagged_unit_name_as_text(demo_site: Any, browser: Any) -> None:
    """Issue 9 item 9: a unit named with tags is text in the heat-map tooltip, never HTML."""
    from zhenwu.orgs.models import Unit

    assert Unit.objects.filter(name="丫河村").update(name=TAGGED_NAME) == 1
    base = demo_site.url
    page = new_page(browser, DESKTOP)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, base, "town_admin")
    page.goto(base + "/assessment/dashboard/")
    page.wait_for_load_state("networkidle")
    shown = page.evaluate(
        """(name) => {
          const chart = echarts.getInstanceByDom(document.getElementById('chart-heat'));
          const option = chart.getOption();
          const y = option.yAxis[0].data.indexOf(name);
          const index = option.series[0].data.findIndex((d) => d[1] === y);
          chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: index});
          return index;
        }""",
        TAGGED_NAME,
    )
    assert shown >= 0, "the tagged unit is on the heat map"
    tooltip = page.locator("#chart-heat > div", has_text="丫河村").last
    expect(tooltip).to_be_visible()
    assert TAGGED_NAME in tooltip.inner_text()
    assert page.locator("#chart-heat img, #heat-table img, main img[src=x]").count() == 0
    assert dialogs == []

    # The data table is the text alternative; the unit's name is a link: drill-down by keyboard.
    tab_to(page, "[aria-controls=heat-table]")
    page.keyboard.press("Enter")
    expect(page.locator("#heat-table")).to_be_visible()
    assert page.locator("#heat-table th a", has_text="丫河村").inner_text() == TAGGED_NAME
    tab_to(page, "#heat-table th a", text="丫河村")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessment/months/*/units/*/")
    page.context.close()
