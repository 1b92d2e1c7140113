"""The 经发局 science officer's journey in the browser (JOURNEYS.md §9).

She imports the 统计局 list (a first file refused with row and column named, nothing written; the
corrected one accepted), runs the 高企 pre-check over the 培育库 and exports who is ready and what
each lacks, opens an enterprise, records its 高企 certificate and sees 有效高企 change on the year
page; the 2022 page shows the source figures with the 38 behind 认定; 康普瑞 shows its systems,
honours and diagnosis. Screenshots go to docs/screenshots/enterprises-*.png.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from zhenwu.accounts.town_demo import DEMO_PASSWORD
from zhenwu.enterprises.demo import uscc_with_check
from zhenwu.enterprises.imports import COLUMNS

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def doc_shot(page: Any, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"enterprises-{name}.png"), full_page=True)


def statistics_bureau_file(path: Path, *, with_errors: bool) -> Path:
    good1 = uscc_with_check("91320412MA2E2E001")
    good2 = uscc_with_check("91320412MA2E2E002")
    third = uscc_with_check("91320412MA2E2E003")
    if with_errors:
        third = third[:-1] + ("0" if third[-1] != "0" else "1")  # a wrong check character
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(COLUMNS)
    ws.append(
        [
            good1,
            "常州旅程精工有限公司",
            "C3484",
            "机械零部件加工",
            "NT-YH",
            "NT-YH-G01",
            "丫河村",
            "是",
            "2012-05-01",
            160,
            "王强",
            "13900000001",
            "",
        ]
    )
    ws.append(
        [
            good2,
            "常州旅程新能源有限公司",
            "C3819",
            "其他电机制造",
            "NT-DT",
            "",
            "东塘村",
            "是",
            "2016-08-08",
            90,
            "李娜",
            "13900000002",
            "",
        ]
    )
    ws.append(
        [
            third,
            "常州旅程软件有限公司",
            "I6513",
            "应用软件开发",
            "NT-XH" if not with_errors else "NT-??",
            "",
            "西河村",
            "否",
            "2019-01-01",
            40,
            "赵敏",
            "13900000003",
            "",
        ]
    )
    wb.save(path)
    return path


def test_the_science_officer_journey(
    demo_site: Any, desktop: Any, phone: Any, shot: Any, tmp_path: Path
) -> None:
    base = demo_site.url
    page = desktop
    sign_in(page, base, "town_admin")

    # 1. import: the first file is refused, row and column named, nothing written
    page.goto(f"{base}/enterprises/import/")
    page.set_input_files(
        "input[name=file]", str(statistics_bureau_file(tmp_path / "bad.xlsx", with_errors=True))
    )
    page.get_by_role("button", name="导入").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("第 4 行「统一社会信用代码」")
    expect(errors).to_contain_text("第 4 行「村(社区)编码」")
    expect(page.locator(".card-title.text-danger")).to_contain_text("未导入任何数据")
    doc_shot(page, "import-errors")
    page.goto(f"{base}/enterprises/?q=旅程")
    expect(page.locator("table")).to_contain_text("没有符合条件的企业")
    page.goto(f"{base}/enterprises/import/")
    page.set_input_files(
        "input[name=file]", str(statistics_bureau_file(tmp_path / "good.xlsx", with_errors=False))
    )
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".alert-success")).to_contain_text("已导入 3 家企业")

    # 2. the 培育库 batch pre-check and its export
    page.goto(f"{base}/enterprises/pool/?year=2026")
    expect(page.locator("#pool")).to_contain_text("研发费用占比 4.6%，需 ≥5%")
    ready = int(page.locator("#ready-count").inner_text())
    assert 0 < ready < page.locator("#pool tbody tr").count()
    doc_shot(page, "pool-precheck")
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    verdicts = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] and r[3]]
    assert verdicts.count("达标") == ready and "未达标" in verdicts

    # 3. open an imported enterprise, put it through the 2026 pipeline, see 有效高企 change
    page.goto(f"{base}/enterprises/figures/2026/")
    valid_before = int(re.sub(r"\D", "", page.locator("#fig-hightech_valid .h1").inner_text()))
    page.goto(f"{base}/enterprises/?q=旅程精工")
    page.get_by_role("link", name="常州旅程精工有限公司").click()
    expect(page.locator("h1.page-title")).to_contain_text("常州旅程精工有限公司")
    page.get_by_role("button", name="加入培育库").click()
    expect(page.locator(".alert-success")).to_contain_text("培育库")
    page.locator("#hightech").get_by_role("button", name="申报").click()
    expect(page.locator("#hightech")).to_contain_text("已申报")
    form = page.locator("#hightech form.hightech-action")
    form.get_by_label("证书编号").fill("GR202632009999")
    form.get_by_label("发证日期").fill("2026-11-02")
    form.get_by_role("button", name="登记认定").click()
    expect(page.locator("#hightech")).to_contain_text("GR202632009999")
    expect(page.locator("#hightech")).to_contain_text("2029-11-01")
    doc_shot(page, "enterprise-certified")
    page.goto(f"{base}/enterprises/figures/2026/")
    expect(page.locator("#fig-hightech_valid .h1")).to_contain_text(str(valid_before + 1))

    # 4. the 2022 page: the source figures, each a link to the enterprises behind it
    page.goto(f"{base}/enterprises/figures/2022/")
    for fig_id, value in (
        ("hightech_applied", "52"),
        ("hightech_certified", "38"),
        ("hightech_net_increase", "31"),
        ("hightech_valid", "92"),
        ("techsme_registered", "110"),
        ("sme_attracted", "6"),
        ("sme_city_filed", "4"),
        ("iur", "22"),
        ("diagnoses", "57"),
    ):
        expect(page.locator(f"#fig-{fig_id} .h1")).to_contain_text(value)
    expect(page.locator("#fig-techsme_registered")).to_contain_text("超额完成")
    expect(page.locator("#fig-talents")).to_contain_text("“龙城英才计划”创业类")
    doc_shot(page, "year-2022")
    page.locator("#fig-hightech_certified").click()
    expect(page.locator("h1.page-title")).to_contain_text("通过认定")
    expect(page.locator(".page-header")).to_contain_text("共 38 家")
    expect(page.locator("#drilldown tbody tr")).to_have_count(38)
    page.goto(f"{base}/enterprises/figures/2022/techsme_registered/")
    expect(page.locator("body")).to_contain_text("共 110 家")

    # 5. 康普瑞: systems, honours, diagnosis
    page.goto(f"{base}/enterprises/?q=康普瑞")
    page.get_by_role("link", name="常州康普瑞汽车空调有限公司").click()
    for system in ("ERP", "MES", "WMS", "SRM"):
        expect(page.locator("#diagnoses .systems")).to_contain_text(system)
    expect(page.locator("#honours")).to_contain_text("国家级专精特新“小巨人”企业")
    expect(page.locator("#honours")).to_contain_text("江苏省示范智能车间")
    doc_shot(page, "kangpurui")
    page.locator("#diagnoses a").first.click()
    expect(page.locator("#maturity-level")).to_contain_text("级")
    expect(page.locator("body")).to_contain_text("GB/T 39117")
    doc_shot(page, "kangpurui-diagnosis")

    # the year page on a phone
    sign_in(phone, base, "town_admin")
    phone.goto(f"{base}/enterprises/figures/2022/")
    expect(phone.locator("#fig-hightech_valid .h1")).to_contain_text("92")
    doc_shot(phone, "year-2022-phone")
    shot(phone, "enterprises-year-phone")
