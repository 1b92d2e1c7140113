"""The 通报 (docx in the 公文 layout and xlsx with every detail), its approval, and the demo."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from zhenwu.assessment import services
from zhenwu.assessment.choices import BulletinStatus
from zhenwu.assessment.models import AssessmentMonth, Finding, Indicator, MonthlyResult, Scheme
from zhenwu.core.errors import DomainError, PermissionDeniedError

# Closing happens after the findings' objection window (3 working days from 2026-11-10).
AFTER_WINDOW = date(2026, 11, 16)


def closed_month(cast: Any, staff: Any, scheme: Any) -> AssessmentMonth:
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    services.finding_record(
        actor=staff.inspector,
        unit=cast.lujiaxiang,
        indicator=ljlf,
        count=4,
        found_on=date(2026, 10, 20),
        place="河桥北侧",
    )
    services.finding_record(
        actor=staff.inspector, unit=cast.yahe, indicator=ljlf, count=1, found_on=date(2026, 10, 21)
    )
    month = AssessmentMonth.objects.get(month=date(2026, 10, 1))
    return services.month_close(actor=staff.leader, month=month, today=AFTER_WINDOW)


def test_bulletin_docx_follows_the_official_layout(cast: Any, staff: Any, scheme: Any) -> None:
    month = closed_month(cast, staff, scheme)
    bulletin = services.bulletin_generate(actor=cast.town_admin, month=month)
    doc = Document(io.BytesIO(bulletin.docx.read()))
    section = doc.sections[0]

    def mm(length: Any) -> float:
        return round(int(length) / 36000, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    assert mm(section.top_margin) == 37 and mm(section.left_margin) == 28  # 天头, 订口
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156  # 版心宽
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225  # 版心高
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2026年10月份城市管理融合考核情况的通报" in text and "牛塘考办〔2026〕10号" in text
    assert "红旗奖" in text and "蜗牛奖" in text and "评比规则" in text and "整改要求" in text
    assert "农村人居环境 · 垃圾乱堆乱放：共 5 处，扣 5.00 分" in text
    title = next(p for p in doc.paragraphs if p.text.startswith("关于"))
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert (
        run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )
    body = next(p for p in doc.paragraphs if p.text.startswith("根据"))
    assert body.runs[0].font.size == Pt(16) and body.paragraph_format.line_spacing == Pt(28.9)
    assert (
        body.runs[0]._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "仿宋_GB2312"
    )
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["名次", "单位", "城市长效管理"]
    assert table.rows[-1].cells[1].text == "卢家巷村"


def test_bulletin_xlsx_has_every_detail(cast: Any, staff: Any, scheme: Any) -> None:
    month = closed_month(cast, staff, scheme)
    bulletin = services.bulletin_generate(actor=cast.town_admin, month=month)
    wb = load_workbook(io.BytesIO(bulletin.xlsx.read()))
    assert wb.sheetnames == ["综合排名", "分项得分", "责任部门", "扣分明细", "奖项与红黑榜", "评比规则"]
    details = list(wb["扣分明细"].iter_rows(min_row=2, values_only=True))
    assert len(details) == 2 and {r[1] for r in details} == {"卢家巷村", "丫河村"}
    ranking = list(wb["综合排名"].iter_rows(min_row=2, values_only=True))
    assert ranking[-1][2] == "卢家巷村"


def test_bulletin_needs_a_closed_month_and_a_leader_to_approve(cast: Any, staff: Any, scheme: Any) -> None:
    ljlf = Indicator.objects.get(item__scheme=scheme, code="ljlf")
    f = services.finding_record(
        actor=staff.inspector, unit=cast.yahe, indicator=ljlf, count=1, found_on=date(2026, 11, 2)
    )
    with pytest.raises(DomainError, match="请先关账"):
        services.bulletin_generate(actor=cast.town_admin, month=f.month)
    month = services.month_close(actor=cast.town_admin, month=f.month, today=AFTER_WINDOW)
    bulletin = services.bulletin_generate(actor=cast.town_admin, month=month)
    with pytest.raises(PermissionDeniedError):
        services.bulletin_approve(actor=cast.town_admin, bulletin=bulletin)
    services.bulletin_approve(actor=staff.leader, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.APPROVED and bulletin.approved_by == staff.leader


@pytest.mark.django_db
def test_demo_has_a_year_of_sample_results_and_is_idempotent() -> None:
    from zhenwu.accounts.models import User
    from zhenwu.accounts.town_demo import load_demo
    from zhenwu.assessment.demo import load_demo as load_assessment_demo

    # How long the demo takes to load is measured by bench/, not asserted here (the machine's speed drifts).
    load_demo()
    admin = User.objects.get(username="sysadmin")
    assert load_assessment_demo(admin) == {"assessment_findings": 0}  # already loaded: nothing to do
    months = AssessmentMonth.objects.filter(status="closed")
    assert months.count() == 12
    assert MonthlyResult.objects.filter(category="area").values("unit").distinct().count() == 6
    assert not Finding.objects.filter(is_sample=False).exists()
    assert list(Scheme.objects.get(year=2026).items.values_list("name", flat=True)) == [
        "城市长效管理",
        "文明城市",
        "农村人居环境",
        "绿化管护",
        "小区物业管理",
    ]
    before = Finding.objects.count()
    load_demo()
    assert Finding.objects.count() == before
