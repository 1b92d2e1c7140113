"""The full path of a citizen request in a browser (issue 3, "Done means"):

a citizen submits on a phone → the operator sees it and dispatches to 丫河村 → the village cadre
signs and replies on a phone → the citizen looks it up by number and code and rates it → closed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")


def test_a_request_goes_from_a_phone_to_closed(
    demo_site: Any, browser: Any, phone: Any, desktop: Any, shot: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    base = demo_site.url
    photo = tmp_path / "lamp.png"
    photo.write_bytes(PNG)

    # 1. The citizen, on a phone.
    phone.goto(f"{base}/public/h5/")
    light = phone.locator("#id_category option", has_text="路灯/市政设施").first  # Chinese names, tree order
    phone.select_option("#id_category", value=light.get_attribute("value"))
    phone.fill("#id_description", "丫河村村口公交站旁的路灯坏了，一到晚上黑漆漆的，老人走路不安全。")
    phone.set_input_files("#id_photos", str(photo))
    assert "已选择 1 个" in phone.inner_text("#id_photos_names")
    phone.fill("#id_address", "丫河村村口公交站")
    phone.fill("#id_reporter_name", "王女士")
    phone.fill("#id_reporter_phone", "13912345678")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "wo-01-h5-form-phone")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/public/h5/done/")
    number = phone.inner_text("#zw-number").strip()
    code = phone.inner_text("#zw-code").strip()
    assert re.fullmatch(r"NT-\d{8}-\d{4}", number) and len(code) == 6
    shot(phone, "wo-02-h5-done-phone")

    # 2. The operator, on a desktop: the new request waits in 待受理派单; dispatch it to 丫河村.
    sign_in(desktop, base, "operator")
    desktop.goto(f"{base}/workorders/inbox/?tab=desk")
    assert number in desktop.inner_text("body")
    desktop.click(f"text={number}")
    desktop.wait_for_url(f"**/workorders/{number}/")
    body = desktop.inner_text("body")
    assert "139****5678" in body and "13912345678" not in body
    form = desktop.locator("#act-dispatch form")
    # The dispatch suggestion: the top 3 units with their reasons.
    desktop.wait_for_selector("#act-dispatch input[name=lead_unit]")
    suggestions = form.locator("input[name=lead_unit]")
    assert suggestions.count() == 3
    # 丫河村 is named in the address, so the village is among the suggestions: the operator takes it.
    yahe = form.locator("label:has-text('丫河村') input[name=lead_unit]")
    assert yahe.count() == 1
    yahe.check()
    shot(desktop, "wo-03-dispatch-desktop")
    form.locator("button[type=submit]").click()
    desktop.wait_for_selector("text=已派单")
    assert "待签收" in desktop.inner_text("body")

    # 3. The village cadre, on her phone: sign, then reply.
    cadre = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    ).new_page()
    sign_in(cadre, base, "yahe_cadre")
    assert "待签收工单" in cadre.inner_text("body")
    cadre.goto(f"{base}/workorders/inbox/")
    assert number in cadre.inner_text("body")
    shot(cadre, "wo-04-inbox-cadre-phone")
    cadre.locator(f"a.list-group-item:has-text('{number}')").click()  # phones get the card list
    cadre.wait_for_url(f"**/workorders/{number}/")
    cadre.locator("#act-sign button[type=submit]").click()
    cadre.wait_for_selector("text=已签收")
    # After signing, 回复 is the first action and already open on the phone.
    assert cadre.locator("#act-reply").is_visible()
    cadre.fill("#id_reply-note", "已联系村电工更换灯泡，路灯已恢复照明。")
    cadre.locator("#act-reply button[type=submit]").click()
    cadre.wait_for_selector("text=已回复")
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 375
    shot(cadre, "wo-05-replied-cadre-phone")
    cadre.context.close()

    # 4. The citizen looks it up from the done page's button (it carries the number and code) and is
    # not satisfied: the order goes back to 丫河村 for a second round (重办) with a new 办结时限.
    phone.goto(f"{base}/public/h5/done/")
    phone.click("#zw-track")
    assert "已恢复照明" in phone.inner_text("#zw-reply")
    phone.check("input[name=satisfaction][value=unsatisfied]")
    phone.fill("textarea[name=note]", "只亮了一晚，第二天又不亮了。")
    phone.click("text=提交评价")
    phone.wait_for_selector("text=重新办理")
    timeline = phone.inner_text("body")
    assert "评价（不满意）" in timeline and "重办（第 1 次）" in timeline and "新的办结时限为" in timeline
    shot(phone, "wo-06-rework-phone")

    # 5. The cadre is told on her workbench, replies again with a photo of the new lamp.
    cadre = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    ).new_page()
    sign_in(cadre, base, "yahe_cadre")
    cadre.goto(f"{base}/workbench/")
    assert f"重办：工单 {number}" in cadre.inner_text("body")
    cadre.goto(f"{base}/workorders/{number}/")
    assert "重办（第 1 次）" in cadre.inner_text("body")
    cadre.fill("#id_reply-note", "已更换整套灯具并检查线路，连续三晚正常。")
    cadre.set_input_files("#act-reply input[type=file]", str(photo))
    cadre.locator("#act-reply button[type=submit]").click()
    cadre.wait_for_selector("text=已回复")
    cadre.context.close()

    # 6. The citizen sees both answers and the photo, each step in words, and rates it.
    phone.goto(f"{base}/public/h5/done/")
    phone.click("#zw-track")
    body = phone.inner_text("body")
    assert "已恢复照明" in body and "连续三晚正常" in body and "丫河村已签收，开始办理。" in body
    assert phone.locator("img[alt=办理照片]").count() == 1
    phone.check("input[name=satisfaction][value=satisfied]")
    shot(phone, "wo-07-rate-phone")
    phone.click("text=提交评价")
    phone.wait_for_selector("text=感谢您的评价")
    assert phone.inner_text("#zw-status").strip() == "已办结"
    shot(phone, "wo-08-closed-phone")

    from zhenwu.workorders.models import WorkOrder

    order = WorkOrder.objects.get(number=number)
    assert order.status == "closed" and order.satisfaction == "satisfied" and order.photos.count() == 1
    assert order.rework_count == 1
    assert list(order.events.values_list("action", flat=True)) == [
        "create",
        "dispatch",
        "sign",
        "reply",
        "rate",
        "rework",
        "reply",
        "rate",
    ]
