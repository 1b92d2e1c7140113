"""The monthly assessment end to end: an inspector on a phone, a village objecting, the reviewer,
the leader closing the month and approving the 通报, the public 红黑榜."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG (a stand-in for a phone photo), written without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PNG = png(320, 200, (120, 150, 90))


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")


def test_monthly_assessment_journey(
    demo_site: Any, browser: Any, phone: Any, desktop: Any, shot: Any, settings: Any, tmp_path: Path
) -> None:
    from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator, Objection
    from zhenwu.orgs.models import Unit

    settings.MEDIA_ROOT = tmp_path / "media"
    base = demo_site.url
    ljx = Unit.objects.get(code="NT-LJX")

    # 1. The inspector records four rubbish heaps in 卢家巷村 on her phone, with a photo.
    sign_in(phone, base, "inspector")
    phone.goto(base + "/assessment/inspect/")
    indicator = Indicator.objects.filter(code="ljlf").order_by("-item__scheme__year").first()
    assert indicator is not None
    phone.select_option("select[name=unit]", str(ljx.pk))
    phone.select_option("select[name=indicator]", str(indicator.pk))
    phone.fill("input[name=count]", "4")
    phone.fill("input[name=place]", "河桥北侧")
    phone.fill("textarea[name=note]", "桥下垃圾堆放")
    phone.set_input_files(
        "input[name=photos]", files=[{"name": "heap.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "assessment-01-inspector-form-phone")
    phone.click("#finding-form button[type=submit]")
    phone.wait_for_selector(".alert-success")
    assert "卢家巷村 垃圾乱堆乱放 4 处，4.00 分" in phone.inner_text(".alert-success")
    shot(phone, "assessment-02-inspector-saved-phone")
    finding = Finding.objects.filter(unit=ljx, place="河桥北侧").latest("id")
    assert finding.photos.count() == 1
    month = finding.month

    # 2. The 卢家巷村 cadre sees the deduction the same day and objects with evidence.
    cadre_ctx = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    cadre = cadre_ctx.new_page()
    sign_in(cadre, base, "ljx_cadre")
    cadre.goto(f"{base}/assessment/findings/?month={month.pk}")
    assert "丫河村" not in cadre.inner_text("#finding-list")
    cadre.click(f"a[href='/assessment/findings/{finding.pk}/']")
    # photos are never cached (no-store): wait until this one has really loaded, then check it
    cadre.wait_for_function(
        "() => { const i = document.querySelector(\"img[alt='检查照片 1']\"); return i && i.complete; }"
    )
    assert cadre.locator("img[alt='检查照片 1']").evaluate("img => img.naturalWidth") == 320
    cadre.fill("#objection-form textarea[name=reason]", "桥下垃圾为县道养护范围，不属本村保洁区域")
    cadre.set_input_files(
        "#objection-form input[name=evidence]",
        files=[{"name": "map.png", "mimeType": "image/png", "buffer": PNG}],
    )
    shot(cadre, "assessment-03-village-objection-phone")
    cadre.click("#objection-form button[type=submit]")
    cadre.wait_for_selector(".alert-success")
    assert "申诉已提交" in cadre.inner_text("body")
    shot(cadre, "assessment-04-village-objected-phone")
    objection = Objection.objects.get(finding=finding)

    # 3. The assessment office reviews it: the photos show the heap on the village's side, rejected.
    sign_in(desktop, base, "town_admin")
    desktop.goto(base + "/assessment/objections/")
    card = desktop.locator(f"#objection-{objection.pk}")
    assert "县道养护范围" in card.inner_text()
    card.locator("input[value=reject]").check()
    card.locator("textarea[name=reason]").fill("照片显示垃圾位于本村保洁区域内，维持扣分")
    shot(desktop, "assessment-05-reviewer-desktop")
    card.locator("button[type=submit]").click()
    desktop.wait_for_selector(".alert-success")
    objection.refresh_from_db()
    assert objection.status == "rejected"
    desktop.context.clear_cookies()

    # 4. The leader closes the month, generates the 通报 and approves it.
    leader_ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    leader = leader_ctx.new_page()
    leader.on("dialog", lambda dialog: dialog.accept())
    sign_in(leader, base, "leader")
    leader.goto(f"{base}/assessment/months/{month.pk}/")
    assert "关账预览" in leader.inner_text("body")
    shot(leader, "assessment-06-close-preview-desktop")
    # The findings were recorded today: still inside their objection window, the page names them
    # and only the leader's override (with a reason, audited) closes the month now.
    assert "暂不能关账" in leader.inner_text("#close-blockers")
    leader.fill("#override-reason", "县里要求本周通报，申诉期内的发现已与各村核对")
    leader.click("#close-blockers button[type=submit]")
    leader.wait_for_selector("#ranking")
    body = leader.inner_text("body")
    assert "红旗奖" in body and "名次规则" in body and "卢家巷村" in leader.inner_text("#ranking")
    assert AssessmentMonth.objects.get(pk=month.pk).is_closed
    shot(leader, "assessment-07-ranking-desktop")
    leader.click("text=生成通报")
    leader.wait_for_selector("#bulletin-docx")
    leader.click("text=审批发布通报")
    leader.wait_for_selector("text=已审批发布")
    shot(leader, "assessment-08-bulletin-approved-desktop")
    with leader.expect_download() as info:
        leader.click("#bulletin-docx")
    docx_path = tmp_path / "bulletin.docx"
    info.value.save_as(docx_path)
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"关于{month.month.year}年{month.month.month}月份城市管理融合考核情况的通报" in text
    assert "农村人居环境 · 垃圾乱堆乱放" in text
    assert "卢家巷村" in "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)
    with leader.expect_download() as info:
        leader.click("#bulletin-xlsx")
    xlsx_path = tmp_path / "detail.xlsx"
    info.value.save_as(xlsx_path)
    wb = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    details = [r for r in wb["扣分明细"].iter_rows(min_row=2, values_only=True) if r[0] == finding.number]
    assert details and details[0][5] == 4 and details[0][10] == "有效"

    # 5. The public 红黑榜 shows this month, without a login.
    public_ctx = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN")
    public = public_ctx.new_page()
    public.goto(base + "/public/assessment/")
    page_text = public.inner_text("body")
    assert month.label in page_text and "红榜" in page_text and "黑榜" in page_text
    assert public.locator("#red-board .list-group-item").count() >= 1
    assert public.locator("#black-board .list-group-item").count() >= 1
    shot(public, "assessment-09-public-board-phone")
    for ctx in (cadre_ctx, leader_ctx, public_ctx):
        ctx.close()
