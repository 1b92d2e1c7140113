"""Issue 13's journey: the 空中线缆治理 lead department reports with a photo on a phone (amber → green),
the town leader sees it on the 驾驶舱 and drills into the report, a citizen reaches every public
service from `/` on a phone in one tap each."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def keep(shot: Any, page: Any, name: str) -> None:
    path = shot(page, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"{name}.png")


def photo_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 200)).save(buf, format="JPEG")
    return buf.getvalue()


def test_report_cockpit_and_front_door(demo_site: Any, desktop: Any, phone: Any, shot: Any) -> None:
    base = demo_site.url

    # 1. The lead department (城市管理办公室) files a report with a photo on a phone.
    sign_in(phone, base, "cgb_staff")
    phone.goto(f"{base}/campaigns/")
    phone.get_by_role("link", name="空中线缆治理").click()
    badge = phone.locator(".zw-rag").first
    expect(badge).to_have_attribute("data-rag", "amber")
    expect(phone.locator(".zw-rag-reason").first).to_contain_text("已过计划完成日期")
    phone.get_by_label("本期工作进展").fill(
        "背街小巷空中线缆已全部规整入管，拆除废弃线缆 3.2 公里，现场复查无反弹。"
    )
    phone.get_by_label("里程碑“查漏补缺、巩固提升”进度(%)").fill("100")
    phone.locator("input[name=photos]").set_input_files(
        files=[{"name": "线缆整治后.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    keep(shot, phone, "campaigns-01-report-form-phone")
    phone.get_by_role("button", name="提交进展").click()
    expect(phone.locator(".alert-success")).to_contain_text("进展已报送")
    expect(phone.locator(".zw-rag").first).to_have_attribute("data-rag", "green")
    keep(shot, phone, "campaigns-02-green-after-report-phone")

    # 2. The town leader sees it on the 驾驶舱 and drills into the report.
    sign_in(desktop, base, "leader")
    desktop.goto(f"{base}/cockpit/")
    expect(desktop.locator("h1.page-title")).to_contain_text("领导驾驶舱")
    report_link = desktop.locator(".zw-cockpit-report", has_text="空中线缆治理").first
    expect(report_link).to_contain_text("背街小巷空中线缆")
    expect(desktop.get_by_text("以表格查看").first).to_be_visible()
    keep(shot, desktop, "campaigns-03-cockpit-desktop")
    desktop.locator(".zw-cockpit-rag[data-rag=green]").click()
    expect(desktop.locator("table")).to_contain_text("空中线缆治理")
    desktop.go_back()
    report_link.click()
    expect(desktop.locator("body")).to_contain_text("背街小巷空中线缆已全部规整入管")
    image = desktop.locator("img[alt^='佐证照片']")
    expect(image).to_be_visible()
    # Loaded and decoded (waits for the download on a busy machine; a broken image times out).
    desktop.wait_for_function(
        "() => { const i = document.querySelector(\"img[alt^='佐证照片']\"); "
        "return i && i.complete && i.naturalWidth > 0; }",
        timeout=15_000,
    )
    keep(shot, desktop, "campaigns-04-report-detail-desktop")

    # 3. A citizen at the front door, one tap each.
    phone.context.clear_cookies()
    phone.goto(f"{base}/")
    keep(shot, phone, "campaigns-05-front-door-phone")
    for link, landing in [
        ("我要反映", "/public/h5/"),
        ("最新一期政风热线", "/public/hotline/articles/"),
        ("红黑榜", "/public/assessment/"),
    ]:
        phone.goto(f"{base}/")
        phone.get_by_role("link", name=link).first.click()
        phone.wait_for_load_state()
        assert landing in phone.url, (link, phone.url)
        expect(phone.locator("a[href='/']").first).to_be_attached()
    phone.goto(f"{base}/")
    phone.get_by_role("link", name="空中线缆治理").click()
    expect(phone.locator("h1")).to_contain_text("空中线缆治理")
    expect(phone.locator(".zw-rag").first).to_have_attribute("data-rag", "green")
    expect(phone.get_by_role("link", name="← 返回首页")).to_be_visible()
    keep(shot, phone, "campaigns-06-public-progress-phone")
