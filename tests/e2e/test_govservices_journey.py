"""The shop owner's journey (JOURNEYS.md §8) in real pages on a phone: 我要开服装店 from questionnaire to
licence, 补正 with the clock stopped, QR verification, and a 差评 that lands on the station's workbench."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PDF = b"%PDF-1.4\n% journey material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snap(page: Any, shot: Any, name: str) -> None:
    shot(page, f"govservices-{name}")
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"govservices-{name}.png"), full_page=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def pdf_file(name: str) -> dict[str, Any]:
    return {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF}


def act(page: Any, action: str, note: str = "") -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.get_by_role("button").click()
    page.wait_for_load_state()


def test_a_shop_owner_opens_a_clothes_shop(demo_site: Any, phone: Any, desktop: Any, shot: Any) -> None:
    base = demo_site.url
    citizen = phone

    # 1. The citizen, on a phone: home page → 办事指南 → 我要开服装店 → the 情形 questions.
    citizen.goto(f"{base}/")
    citizen.get_by_role("link", name=re.compile("办事指南")).first.click()
    citizen.get_by_role("link", name=re.compile("我要开服装店")).click()
    citizen.locator("input[name=q_area][value=yes]").check()
    citizen.locator("input[name=q_sign][value=yes]").check()
    citizen.locator("input[name=q_food][value=no]").check()
    citizen.get_by_role("button", name="查看要办的事项和材料").click()
    expect(citizen.get_by_text("公共场所卫生许可（新办）")).to_be_visible()
    expect(citizen.get_by_text("3 个事项共用").first).to_be_visible()  # the lease, needed by three items
    snap(citizen, shot, "01-questionnaire")

    # 2. One merged form; each shared material uploaded once.
    citizen.get_by_role("link", name="一表申请").click()
    citizen.fill("input[name=applicant_name]", "王小丫")
    citizen.fill("input[name=applicant_phone]", "13912345678")
    citizen.locator("select[name=unit]").select_option(label="丫河便民服务站")
    citizen.fill("input[name=f_entity_name]", "小丫服装店")
    citizen.fill("input[name=f_operator_name]", "王小丫")
    citizen.fill("input[name=f_address]", "牛塘镇丫河村丫河路8号")
    citizen.fill("textarea[name=f_business_scope]", "服装零售")
    file_inputs = citizen.locator("input[type=file]")
    names = [file_inputs.nth(i).get_attribute("name") for i in range(file_inputs.count())]
    assert names.count("m_lease") == 1 and names.count("m_id_card") == 1
    for name in names:
        citizen.set_input_files(f"input[name={name}]", pdf_file(name))
    snap(citizen, shot, "02-merged-form")
    citizen.get_by_role("button", name="提交申请").click()
    number = citizen.locator("#gs-number").inner_text().strip()
    code = citizen.locator("#gs-code").inner_text().strip()
    assert number.startswith("XNB-")
    snap(citizen, shot, "03-submitted")

    # 3. The 丫河村 grid worker (全能网格员 at the 丫河 station) accepts each item on a phone.
    grid = phone.context.browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    ).new_page()
    sign_in(grid, base, "yahe_grid")
    for _ in range(3):
        grid.goto(f"{base}/govservices/?status=received")
        grid.locator("a.list-group-item", has_text=number).first.click()
        act(grid, "accept")
        expect(grid.locator(".alert-success")).to_contain_text("已受理")
    snap(grid, shot, "04-grid-accepts")

    # 4. The window asks for 补正 on the 卫生许可: the clock stops.
    window = desktop
    sign_in(window, base, "town_admin")
    window.goto(f"{base}/govservices/?q={number}")
    window.locator("a.list-group-item", has_text="公共场所卫生许可").click()
    act(window, "review")
    act(window, "request_supplement", note="平面布局图缺少第二页")
    expect(window.get_by_text("计时暂停").first).to_be_visible()
    detail_url = window.url
    snap(window, shot, "05-supplement-requested")

    # 5. The citizen completes it at home.
    citizen.goto(f"{base}/public/services/track/")
    citizen.fill("input[name=number]", number)
    citizen.fill("input[name=code]", code)
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.get_by_text("平面布局图缺少第二页").first).to_be_visible()
    citizen.set_input_files("form[action$='/supplement/'] input[type=file]", pdf_file("floor-plan-page2"))
    citizen.get_by_role("button", name="提交补正材料").click()
    expect(citizen.locator(".alert-success")).to_contain_text("补正材料已提交")

    # 6. The window completes it; the 卫生许可证 is issued.
    window.goto(detail_url)
    act(window, "complete", note="准予许可")
    expect(window.get_by_text("卫生许可证").first).to_be_visible()
    licence_url = window.get_by_role("link", name="核验页").get_attribute("href")
    snap(window, shot, "06-done-licence")

    # 7. Scanning the QR code (opening its URL) shows 有效.
    citizen.goto(f"{base}{licence_url}")
    expect(citizen.locator("#licence-status")).to_have_text("有效")
    snap(citizen, shot, "07-licence-valid")

    # 8. The citizen rates it 差评 …
    citizen.goto(f"{base}/public/services/track/{number}/")
    card = citizen.locator(".card", has_text="公共场所卫生许可（新办）")
    card.get_by_text("非常不满意").click()
    card.locator("textarea[name=comment]").fill("补正要求没有一次说清楚")
    card.get_by_role("button", name="提交评价").click()
    expect(citizen.locator(".alert-success")).to_contain_text("感谢您的评价")
    snap(citizen, shot, "08-rated")

    # 9. … and the rectification task appears on the station's workbench.
    grid.goto(f"{base}/workbench/")
    expect(grid.get_by_text("差评待整改")).to_be_visible()
    snap(grid, shot, "09-workbench-rectification")
    grid.get_by_text("差评待整改").click()
    expect(grid.get_by_text("补正要求没有一次说清楚")).to_be_visible()
    snap(grid, shot, "10-rectification")
