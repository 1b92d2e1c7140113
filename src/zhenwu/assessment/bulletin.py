"""The monthly 通报: a Word document in the GB/T 9704-2012 layout and an xlsx with every detail.

GB/T 9704-2012 (党政机关公文格式), as applied here:
- A4 (210 × 297 mm); 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 156 × 225 mm, so the
  right margin is 26 mm and the bottom margin 35 mm.
- 22 lines of 28 characters per page: body in 三号 (16 pt) 仿宋, exact line spacing 28.9 pt
  (22 × 28.9 pt ≈ 224 mm fills the 225 mm 版心).
- 标题 二号 (22 pt) 方正小标宋, centred; 一级标题 三号黑体 (一、), 二级 三号楷体 (（一）).
- 发文机关标志 red 小标宋, red separator line under the 发文字号; 成文日期 in Arabic numerals.
- 页码 四号半角宋体 Arabic numerals between dashes (— 1 —), odd pages right, even pages left.
The 公文 font names are written into the document (eastAsia); a machine without them renders with
its installed CJK fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zhenwu.assessment import xlsxstream
from zhenwu.assessment.choices import (
    AwardKind,
    Board,
    FindingStatus,
    IndicatorKind,
    RectificationStatus,
    ResultCategory,
)
from zhenwu.assessment.models import AssessmentMonth, Finding
from zhenwu.assessment.scoring import award_rules_text, q2

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xE6, 0x00, 0x12)
LINE_PITCH = Pt(28.9)
SIZE_3 = Pt(16)  # 三号
SIZE_5 = Pt(10.5)  # 五号 (tables)
ISSUER = "牛塘镇城市管理融合考核工作领导小组办公室"
ISSUER_SHORT = "牛塘镇城市管理融合考核办公室"  # 规范化简称
ISSUER_MARK = f"{ISSUER_SHORT}文件"  # 发文机关标志, one line at 26 pt
FULL_TABLE_LIMIT = 50  # above this many units the document lists the top and bottom, the xlsx lists all


@dataclass
class BulletinContent:
    number: str
    title: str
    issued_on: date
    month_label: str
    item_names: list[str]
    ranking: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    awards: dict[str, list[str]]
    red_board: list[str]
    black_board: list[str]
    rules_text: list[str]
    top_deductions: list[tuple[str, int, Decimal]]
    demands: list[str]
    notes: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _signed(value: Any) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else (f"{value}" if value < 0 else "持平")


def bulletin_content(month: AssessmentMonth) -> BulletinContent:
    rules = month.rules_snapshot or {}
    items = rules.get("items", [])
    results = list(month.results.select_related("unit").order_by("category", "rank", "unit__code"))
    areas = [r for r in results if r.category == ResultCategory.AREA]
    ranking = [
        {
            "rank": r.rank,
            "unit": r.unit.name,
            "total": r.total,
            "items": [r.items.get(i["code"], {}).get("score", "") for i in items],
            "change": _signed(r.score_change),
            "rank_change": _signed(r.rank_change) if r.rank_change is not None else "—",
            "deductions": r.deduction_total,
        }
        for r in areas
    ]
    departments = [
        {"rank": r.rank, "unit": r.unit.name, "total": r.total, "change": _signed(r.score_change)}
        for r in results
        if r.category == ResultCategory.DEPARTMENT
    ]
    awards: dict[str, list[str]] = {k.label: [] for k in AwardKind}
    for a in month.awards.select_related("unit"):
        awards[AwardKind(a.kind).label].append(f"{a.unit.name}（{a.reason}）")
    rolls = list(month.honour_rolls.select_related("unit"))
    active = Finding.objects.filter(month=month, status=FindingStatus.ACTIVE)
    top = list(
        active.values("indicator__name", "indicator__item__name")
        .annotate(n=Sum("count"), pts=Sum("points"))
        .order_by("-n", "indicator__name")[:5]
    )
    stats = active.aggregate(findings=Count("id"), places=Sum("count"), points=Sum("points"))
    top_deductions = [
        (f"{t['indicator__item__name']} · {t['indicator__name']}", t["n"], q2(t["pts"])) for t in top
    ]
    demands = [
        "各村（社区）要对照本通报所列问题逐项整改，整改情况于规定期限内通过镇务平台上传整改照片，由考核组现场核验。",
    ]
    if top_deductions:
        demands.append(
            f"针对“{top_deductions[0][0]}”等共性问题，各责任部门要加强日常巡查，建立长效管理机制。"
        )
    snail = awards.get(AwardKind.SNAIL.label) or []
    if snail:
        demands.append("获评蜗牛奖的单位要在点评会上作表态发言，并于 5 个工作日内报送书面整改方案。")
    demands.append("对整改逾期未完成的问题，考核组将在下月考核中加倍扣分并予以通报。")
    issued = timezone.localdate()
    label = f"{month.month.year}年{month.month.month}月份"
    return BulletinContent(
        number=f"牛塘考办〔{month.month.year}〕{month.month.month}号",
        title=f"关于{label}城市管理融合考核情况的通报",
        issued_on=issued,
        month_label=label,
        item_names=[i["name"] for i in items],
        ranking=ranking,
        departments=departments,
        awards=awards,
        red_board=[f"{r.unit.name}（{r.total}分）" for r in rolls if r.board == Board.RED],
        black_board=[f"{r.unit.name}（{r.total}分）" for r in rolls if r.board == Board.BLACK],
        rules_text=award_rules_text(rules.get("award_rules", {})) + [rules.get("tie_rule", "")],
        top_deductions=top_deductions,
        demands=demands,
        notes=rules.get("notes", []),
        stats={
            "findings": stats["findings"] or 0,
            "places": stats["places"] or 0,
            "points": q2(stats["points"] or 0),
        },
    )


# ---------------------------------------------------------------- docx


def _set_fonts(
    run: Any, east_asia: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None
) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = "Times New Roman"
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    r_fonts.set(qn("w:eastAsia"), east_asia)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(
    doc: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = SIZE_3,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
    color: RGBColor | None = None,
    spacing: Any = LINE_PITCH,
) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = spacing
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # 首行缩进二字
    run = p.add_run(text)
    _set_fonts(run, font, size, bold=bold, color=color)
    return p


def _border(paragraph: Any, side: str, color: str = "E60012", size: int = 12) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _bottom_border(paragraph: Any, color: str = "E60012", size: int = 12) -> None:
    _border(paragraph, "bottom", color=color, size=size)


def _page_number(footer: Any, align: Any) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else None
    fmt.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
    _set_fonts(p.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    run = p.add_run()
    _set_fonts(run, PAGE_NUMBER_FONT, Pt(14))
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _set_fonts(p.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def _cell(cell: Any, text: str, *, bold: bool = False, size: Pt = SIZE_5) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    _set_fonts(run, HEADING_FONT if bold else BODY_FONT, size)


def build_docx(content: BulletinContent) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.right_margin, section.bottom_margin = Mm(26), Mm(35)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(24)  # 页码 sits about 7 mm below the 版心
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr()

    # 版头: 发文机关标志 (red), 发文字号, red separator line.
    _paragraph(
        doc,
        ISSUER_MARK,
        font=TITLE_FONT,
        size=Pt(26),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=RED,
        spacing=Pt(40),
    )
    _paragraph(doc, "", indent=False)
    number = _paragraph(doc, content.number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _bottom_border(number)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "", indent=False)  # 标题 two lines below the red separator
    # 标题, 主送机关.
    _paragraph(
        doc,
        content.title,
        font=TITLE_FONT,
        size=Pt(22),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        spacing=Pt(35),
    )
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "各村（社区）、各部门：", indent=False)
    stats = content.stats
    _paragraph(
        doc,
        f"根据《{content.issued_on.year}年度城市管理融合考核方案》，镇考核组对{content.month_label}各村（社区）"
        f"城市长效管理、文明城市、农村人居环境、绿化管护、小区物业管理等工作开展了检查考核。本月共记录有效问题"
        f" {stats.get('findings', 0)} 条、{stats.get('places', 0)} 处，经申诉审核后合计扣分 {stats.get('points', 0)} 分。"
        "现将考核情况通报如下：",
    )
    _paragraph(doc, "一、综合排名情况", font=HEADING_FONT, indent=True)
    ranking = content.ranking
    shown = ranking
    if len(ranking) > FULL_TABLE_LIMIT:
        shown = ranking[:20] + ranking[-10:]
        _paragraph(doc, f"本月参加考核单位 {len(ranking)} 个，下表列出前 20 名和后 10 名，完整排名见明细表。")
    headers = ["名次", "单位", *content.item_names, "综合得分", "较上月"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True)
    for row in shown:
        cells = table.add_row().cells
        values = [str(row["rank"]), row["unit"], *row["items"], str(row["total"]), row["change"]]
        for cell, text in zip(cells, values, strict=True):
            _cell(cell, str(text))
    if content.departments:
        _paragraph(
            doc,
            "责任部门得分（所牵头考核项目的全镇平均分）："
            + "；".join(
                f"第{d['rank']}名 {d['unit']} {d['total']}分（{d['change']}）" for d in content.departments
            )
            + "。",
        )
    _paragraph(doc, "二、评比结果", font=HEADING_FONT)
    for label, names in content.awards.items():
        _paragraph(doc, f"{label}：{'、'.join(names) if names else '本月空缺'}。")
    _paragraph(doc, f"红榜：{'、'.join(content.red_board) or '无'}。")
    _paragraph(doc, f"黑榜：{'、'.join(content.black_board) or '无'}。")
    _paragraph(doc, "评比规则：" + "".join(content.rules_text), font=SUBHEADING_FONT)
    _paragraph(doc, "三、主要扣分问题", font=HEADING_FONT)
    if content.top_deductions:
        for i, (name, n, pts) in enumerate(content.top_deductions, start=1):
            _paragraph(doc, f"{i}. {name}：共 {n} 处，扣 {pts} 分。")
    else:
        _paragraph(doc, "本月未发现扣分问题。")
    for note in content.notes:
        _paragraph(doc, f"说明：{note}")
    _paragraph(doc, "四、整改要求", font=HEADING_FONT)
    for i, demand in enumerate(content.demands, start=1):
        _paragraph(doc, f"（{'一二三四五六七八九十'[i - 1]}）{demand}")
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "附件：考核明细表（电子表格）")
    _paragraph(doc, "", indent=False)
    # 不加盖印章: 署名 and 成文日期 each 右空二字, the date on the line below the 署名.
    sign = _paragraph(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    sign.paragraph_format.right_indent = Pt(32)
    issued = content.issued_on
    when = _paragraph(
        doc, f"{issued.year}年{issued.month}月{issued.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False
    )
    when.paragraph_format.right_indent = Pt(32)
    _paragraph(doc, "", indent=False)
    # 版记: 印发机关 左空一字, 印发日期 右空一字 on one line (四号), between separator lines.
    imprint = _paragraph(
        doc,
        f"{ISSUER_SHORT}\t{issued.year}年{issued.month}月{issued.day}日印发",
        size=Pt(14),
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent=False,
    )
    imprint.paragraph_format.left_indent = Pt(14)
    imprint.paragraph_format.right_indent = Pt(14)
    imprint.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _border(imprint, "top", color="000000", size=8)
    _border(imprint, "bottom", color="000000", size=8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- xlsx with every detail


def _sheet(
    wb: xlsxstream.Workbook, title: str, headers: list[str], rows: Any, widths: list[int] | None = None
) -> None:
    wb.add_sheet(title, headers, rows, widths)


def build_detail_xlsx(month: AssessmentMonth) -> bytes:
    rules = month.rules_snapshot or {}
    items = rules.get("items", [])
    wb = xlsxstream.Workbook()
    results = list(month.results.select_related("unit").order_by("category", "rank", "unit__code"))
    _sheet(
        wb,
        "综合排名",
        [
            "名次",
            "单位编码",
            "单位",
            "综合得分",
            "扣分合计",
            "上月得分",
            "上月名次",
            "得分变化",
            "名次变化",
            "权重来源",
        ],
        (
            [
                r.rank,
                r.unit.code,
                r.unit.name,
                r.total,
                r.deduction_total,
                r.previous_total,
                r.previous_rank,
                r.score_change,
                r.rank_change,
                r.weights.get("source", ""),
            ]
            for r in results
            if r.category == ResultCategory.AREA
        ),
        [8, 14, 18, 12, 12, 12, 10, 10, 10, 28],
    )
    item_headers = []
    for i in items:
        item_headers += [f"{i['name']}得分", f"{i['name']}扣分", f"{i['name']}权重"]
    _sheet(
        wb,
        "分项得分",
        ["名次", "单位", *item_headers],
        (
            [r.rank, r.unit.name]
            + [
                v
                for i in items
                for v in (
                    float(r.items.get(i["code"], {}).get("score", 0)),
                    float(r.items.get(i["code"], {}).get("deductions", 0)),
                    r.items.get(i["code"], {}).get("weight", 0),
                )
            ]
            for r in results
            if r.category == ResultCategory.AREA
        ),
    )
    _sheet(
        wb,
        "责任部门",
        ["名次", "部门", "得分", "牵头项目"],
        (
            [r.rank, r.unit.name, r.total, "、".join(v.get("name", "") for v in r.items.values())]
            for r in results
            if r.category == ResultCategory.DEPARTMENT
        ),
    )
    # values_list, not model instances: a big town's month has tens of thousands of rows.
    findings = (
        Finding.objects.filter(month=month)
        .order_by("unit__code", "found_on", "id")
        .values_list(
            "number",
            "unit__name",
            "indicator__item__name",
            "indicator__name",
            "indicator__kind",
            "count",
            "points",
            "found_on",
            "place",
            "note",
            "status",
            "rectification",
            "rectify_deadline",
            "inspector__real_name",
            "inspector__username",
            "is_sample",
        )
    )
    kinds, statuses, rectifications = (
        dict(IndicatorKind.choices),
        dict(FindingStatus.choices),
        dict(RectificationStatus.choices),
    )
    _sheet(
        wb,
        "扣分明细",
        [
            "编号",
            "单位",
            "考核项目",
            "考核细则",
            "类型",
            "处数",
            "分值",
            "检查日期",
            "地点",
            "情况说明",
            "状态",
            "整改",
            "整改期限",
            "检查人",
            "示例数据",
        ],
        (
            [
                number,
                unit,
                item,
                indicator,
                kinds.get(kind, kind),
                count,
                points,
                found_on,
                place,
                note,
                statuses.get(status, status),
                rectifications.get(rect, rect),
                deadline,
                real_name or username or "",
                "是" if sample else "否",
            ]
            for (
                number,
                unit,
                item,
                indicator,
                kind,
                count,
                points,
                found_on,
                place,
                note,
                status,
                rect,
                deadline,
                real_name,
                username,
                sample,
            ) in findings.iterator(chunk_size=5000)
        ),
        [20, 14, 14, 24, 10, 8, 8, 12, 20, 30, 14, 12, 12, 12, 8],
    )
    _sheet(
        wb,
        "奖项与红黑榜",
        ["类别", "单位", "说明"],
        [[a.get_kind_display(), a.unit.name, a.reason] for a in month.awards.select_related("unit")]
        + [
            [h.get_board_display(), h.unit.name, f"第{h.position}位 {h.total}分"]
            for h in month.honour_rolls.select_related("unit")
        ],
        [12, 18, 40],
    )
    rule_lines = (
        award_rules_text(rules.get("award_rules", {})) + [rules.get("tie_rule", "")] + rules.get("notes", [])
    )
    _sheet(wb, "评比规则", ["规则"], ([line] for line in rule_lines), [100])
    return wb.save()
