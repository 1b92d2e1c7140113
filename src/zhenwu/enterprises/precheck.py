"""Eligibility pre-checks for 高新技术企业 and 科技型中小企业: pure functions, no database.

Sources (the thresholds below carry over from them; see docs/enterprises.md):

- 高新技术企业认定管理办法 (国科发火〔2016〕32号) 第十一条 and the 高新技术企业认定管理工作指引
  (企业创新能力评价: 知识产权 ≤30, 科技成果转化能力 ≤30, 研究开发组织管理水平 ≤20, 企业成长性 ≤20;
  综合得分 70 分以上(不含 70 分); growth rate = ½(Y2/Y1 + Y3/Y2) − 1, scored per 档 A–F).
- 科技型中小企业评价办法 (国科发政〔2017〕115号, revised by 国科发政〔2022〕67号) 第六条、第七条、第八条.

Money is in 万元; lists of years are oldest first. Ratios are exact (``Fraction``) so a value on a
threshold is judged as the texts say ("不低于" passes on the line, "以下" fails on it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from zhenwu.core.errors import DomainError

WAN_5000 = Fraction(5000)
WAN_20000 = Fraction(20000)  # 2 亿元 in 万元


class PrecheckInputError(DomainError):
    """A missing, malformed or negative input figure; ``field`` names it."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"字段 {field_name}：{problem}", field=field_name, code="precheck_input")


@dataclass(frozen=True)
class Condition:
    code: str
    passed: bool
    value: Any
    threshold: Any
    explain: str
    blocking: bool = True  # when it fails, the enterprise is not eligible (unless a direct path)

    @property
    def short(self) -> str:
        """What is lacking, in one short Chinese phrase (for lists and the batch export)."""
        v, t = self.value, self.threshold
        pct = lambda x: f"{round(float(x) * 100, 2):g}%"  # noqa: E731
        texts = {
            "registered": lambda: f"注册满 {v} 天，需满 365 天",
            "core_ip": lambda: "缺少核心自主知识产权",
            "field": lambda: "技术不属于国家重点支持的高新技术领域",
            "tech_staff": lambda: f"科技人员占比 {pct(v)}，需 ≥10%",
            "rd_ratio": lambda: f"研发费用占比 {pct(v)}，需 ≥{pct(t)}",
            "rd_domestic": lambda: f"境内研发费用占比 {pct(v)}，需 ≥60%",
            "hightech_income": lambda: f"高新技术产品(服务)收入占比 {pct(v)}，需 ≥60%",
            "innovation": lambda: f"创新能力评价 {v} 分，需 ≥71 分",
            "no_violation": lambda: "申请前一年内发生重大安全、质量事故或严重环境违法行为",
            "staff": lambda: f"职工 {v} 人，需 ≤500 人",
            "sales": lambda: f"年销售收入 {v:,}万元，需 ≤2亿元",
            "assets": lambda: f"资产总额 {v:,}万元，需 ≤2亿元",
            "tech_staff_score": lambda: "科技人员占比不足 10%，科技人员指标为 0 分",
            "rd_score": lambda: "研发投入指标 0 分",
            "result_score": lambda: "科技成果指标 0 分",
            "total_score": lambda: f"综合评价 {v} 分，需 ≥60 分",
            "direct": lambda: "无直接确认条件",
        }
        return texts[self.code]() if self.code in texts else self.explain

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "passed": self.passed,
            "value": self.value,
            "threshold": self.threshold,
            "explain": self.explain,
        }


@dataclass(frozen=True)
class PrecheckResult:
    kind: str  # "hightech" / "techsme"
    eligible: bool
    score: float | None
    conditions: list[Condition]
    growth: dict[str, float | None] | None = None
    lacking: list[Condition] = field(default_factory=list)  # what stands between it and eligibility

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "eligible": self.eligible,
            "score": self.score,
            "conditions": [c.as_dict() for c in self.conditions],
        }
        if self.growth is not None:
            out["growth"] = self.growth
        return out

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)


# --- input parsing ------------------------------------------------------------------------------


def _number(data: Mapping[str, Any], key: str, *, label: str | None = None) -> Fraction:
    name = label or key
    if key not in data or data[key] is None:
        raise PrecheckInputError(name, "缺少此项数据。")
    return _to_fraction(data[key], name)


def _to_fraction(raw: Any, name: str) -> Fraction:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise PrecheckInputError(name, "应为数字。")
    value = Decimal(str(raw))
    if not value.is_finite():
        raise PrecheckInputError(name, "应为有限的数字。")
    if value < 0:
        raise PrecheckInputError(name, "不能为负数。")
    return Fraction(value)


def _integer(data: Mapping[str, Any], key: str) -> int:
    value = _number(data, key)
    if value.denominator != 1:
        raise PrecheckInputError(key, "应为整数。")
    return int(value)


def _staff(data: Mapping[str, Any]) -> tuple[int, int]:
    staff = _integer(data, "staff")
    tech_staff = _integer(data, "tech_staff")
    if staff == 0:
        raise PrecheckInputError("staff", "职工总数应大于 0。")
    if tech_staff > staff:
        raise PrecheckInputError("tech_staff", "科技人员数不能多于职工总数。")
    return staff, tech_staff


def _series(data: Mapping[str, Any], key: str, length: int = 3) -> list[Fraction]:
    if key not in data or data[key] is None:
        raise PrecheckInputError(key, "缺少此项数据。")
    raw = data[key]
    if not isinstance(raw, list) or len(raw) != length:
        raise PrecheckInputError(key, f"应为 {length} 个年度的数字列表（由早到晚）。")
    return [_to_fraction(v, f"{key}[{i}]") for i, v in enumerate(raw)]


def _flag(data: Mapping[str, Any], key: str) -> bool:
    if key not in data or data[key] is None:
        raise PrecheckInputError(key, "缺少此项数据。")
    if not isinstance(data[key], bool):
        raise PrecheckInputError(key, "应为 true 或 false。")
    return bool(data[key])


def _date(data: Mapping[str, Any], key: str) -> date:
    if key not in data or data[key] is None:
        raise PrecheckInputError(key, "缺少此项数据。")
    raw = data[key]
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise PrecheckInputError(key, "应为日期，格式如 2022-05-31。") from None


def _object(data: Any, name: str = "输入") -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise PrecheckInputError(name, "应为 JSON 对象。")
    return data


def load_json(text: str) -> Mapping[str, Any]:
    """Parse a pre-check input file; numbers keep their decimal digits, NaN/Infinity are refused."""

    def refuse(token: str) -> Any:
        raise PrecheckInputError("输入", f"不接受 {token}。")

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise PrecheckInputError(
            "输入", f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。"
        ) from None
    return _object(data)


# --- helpers ------------------------------------------------------------------------------------


def _ratio(numerator: Fraction, denominator: Fraction) -> Fraction:
    return numerator / denominator if denominator else Fraction(0)


def _r4(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _pct(value: Fraction) -> str:
    text = f"{float(value) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _num(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else round(float(value), 4)


def _wan(value: Fraction) -> str:
    return f"{_num(value):,}万元"


def _band(value: Fraction, bands: list[tuple[Fraction, int]]) -> int:
    """Points of the first band whose lower bound (inclusive) the value reaches; else 0."""
    for lower, points in bands:
        if value >= lower:
            return points
    return 0


def _pc(n: int) -> Fraction:
    return Fraction(n, 100)


# --- 高新技术企业 -------------------------------------------------------------------------------

# 工作指引 企业成长性: each rate scored A ≥35% 9–10, B ≥25% 7–8, C ≥15% 5–6, D ≥5% 3–4, E >0 1–2,
# F ≤0 0. The pre-check takes the lower end of each 档 (a conservative estimate).
GROWTH_BANDS: list[tuple[Fraction, int]] = [(_pc(35), 9), (_pc(25), 7), (_pc(15), 5), (_pc(5), 3)]
GROWTH_BAND_TEXT = "≥35% 得 9–10 分，≥25% 得 7–8 分，≥15% 得 5–6 分，≥5% 得 3–4 分，>0 得 1–2 分，≤0 得 0 分"
INNOVATION_CAPS = {"ip": 30, "conversion": 30, "rd_management": 20, "growth": 20}
INNOVATION_LABELS = {
    "ip": "知识产权",
    "conversion": "科技成果转化能力",
    "rd_management": "研究开发组织管理水平",
}


def growth_rate(values: list[Fraction]) -> Fraction | None:
    """½(Y2/Y1 + Y3/Y2) − 1; Y1 = 0: on the last two years; Y2 = 0: not computable (0 分)."""
    y1, y2, y3 = values
    if y2 == 0:
        return None
    if y1 == 0:
        return y3 / y2 - 1
    return (y2 / y1 + y3 / y2) / 2 - 1


def growth_points(rate: Fraction | None) -> int:
    if rate is None or rate <= 0:
        return 0
    return _band(rate, GROWTH_BANDS) or 1


def rd_ratio_threshold(latest_sales: Fraction) -> Fraction:
    """第十一条（五）: ≤5,000万元 5%; 5,000万元–2亿元 4%; >2亿元 3%."""
    if latest_sales <= WAN_5000:
        return _pc(5)
    if latest_sales <= WAN_20000:
        return _pc(4)
    return _pc(3)


def precheck_hightech(data: Mapping[str, Any]) -> PrecheckResult:
    data = _object(data)
    registered_on = _date(data, "registered_on")
    apply_on = _date(data, "apply_on")
    core_ip = _flag(data, "core_ip")
    field_listed = _flag(data, "field_listed")
    staff, tech_staff = _staff(data)
    sales = _series(data, "sales")
    rd = _series(data, "rd")
    rd_domestic = _series(data, "rd_domestic")
    for i in range(3):
        if rd_domestic[i] > rd[i]:
            raise PrecheckInputError(f"rd_domestic[{i}]", "境内研发费用不能大于研发费用总额。")
    hightech_income = _number(data, "hightech_income")
    total_income = _number(data, "total_income")
    if hightech_income > total_income:
        raise PrecheckInputError("hightech_income", "高新技术产品(服务)收入不能大于总收入。")
    net_assets = _series(data, "net_assets")
    points_raw = data.get("innovation_points")
    if points_raw is None:
        raise PrecheckInputError("innovation_points", "缺少此项数据。")
    points_in = _object(points_raw, "innovation_points")
    points: dict[str, Fraction] = {}
    for key, cap in INNOVATION_CAPS.items():
        if key == "growth" and key not in points_in:
            continue
        value = _number(points_in, key, label=f"innovation_points.{key}")
        if value > cap:
            raise PrecheckInputError(f"innovation_points.{key}", f"不能超过 {cap} 分。")
        points[key] = value
    major_violation = _flag(data, "major_violation")

    conditions: list[Condition] = []
    days = (apply_on - registered_on).days
    conditions.append(
        Condition(
            "registered",
            days >= 365,
            days,
            365,
            f"申请认定时须注册成立一年以上（365 个日历天以上）；自 {registered_on:%Y-%m-%d} 注册至 "
            f"{apply_on:%Y-%m-%d} 申请为 {days} 天。",
        )
    )
    conditions.append(
        Condition(
            "core_ip",
            core_ip,
            core_ip,
            True,
            "须通过自主研发、受让、受赠、并购等方式，获得对其主要产品(服务)在技术上发挥核心支持作用的知识产权所有权。"
            + ("" if core_ip else "目前未填报核心知识产权。"),
        )
    )
    conditions.append(
        Condition(
            "field",
            field_listed,
            field_listed,
            True,
            "对主要产品(服务)发挥核心支持作用的技术须属于《国家重点支持的高新技术领域》规定的范围。"
            + ("" if field_listed else "目前所填技术领域不在目录内。"),
        )
    )
    tech_share = Fraction(tech_staff, staff)
    conditions.append(
        Condition(
            "tech_staff",
            tech_share >= _pc(10),
            _r4(tech_share),
            0.1,
            f"从事研发和相关技术创新活动的科技人员占职工总数的比例不低于 10%；目前 {tech_staff}/{staff} = {_pct(tech_share)}。",
        )
    )
    rd_share = _ratio(sum(rd, Fraction(0)), sum(sales, Fraction(0)))
    need = rd_ratio_threshold(sales[-1])
    conditions.append(
        Condition(
            "rd_ratio",
            rd_share >= need,
            _r4(rd_share),
            float(need),
            f"近三个会计年度研究开发费用总额占同期销售收入总额的比例：最近一年销售收入 {_wan(sales[-1])}，"
            f"适用不低于 {_pct(need)}（≤5,000万元 5%，5,000万元至2亿元 4%，2亿元以上 3%）；目前为 {_pct(rd_share)}。",
        )
    )
    domestic_share = _ratio(sum(rd_domestic, Fraction(0)), sum(rd, Fraction(0)))
    conditions.append(
        Condition(
            "rd_domestic",
            domestic_share >= _pc(60),
            _r4(domestic_share),
            0.6,
            f"在中国境内发生的研究开发费用占全部研究开发费用的比例不低于 60%；目前为 {_pct(domestic_share)}。",
        )
    )
    income_share = _ratio(hightech_income, total_income)
    conditions.append(
        Condition(
            "hightech_income",
            income_share >= _pc(60),
            _r4(income_share),
            0.6,
            f"近一年高新技术产品(服务)收入占企业同期总收入的比例不低于 60%；目前 {_wan(hightech_income)}/"
            f"{_wan(total_income)} = {_pct(income_share)}。",
        )
    )
    na_rate = growth_rate(net_assets)
    sales_rate = growth_rate(sales)
    if "growth" in points:
        growth_score = points["growth"]
        growth_text = f"企业成长性按已评分值 {_num(growth_score)} 分"
    else:
        growth_score = Fraction(growth_points(na_rate) + growth_points(sales_rate))
        growth_text = (
            f"企业成长性按净资产增长率 {_rate_text(na_rate)}、销售收入增长率 {_rate_text(sales_rate)} 计 "
            f"{_num(growth_score)} 分（每项 {GROWTH_BAND_TEXT}，取各档下限）"
        )
    total = points["ip"] + points["conversion"] + points["rd_management"] + growth_score
    parts = "，".join(f"{label} {_num(points[k])} 分" for k, label in INNOVATION_LABELS.items())
    conditions.append(
        Condition(
            "innovation",
            total > 70,
            _num(total),
            71,
            f"企业创新能力评价综合得分须在 70 分以上（不含 70 分）；{parts}，{growth_text}，合计 {_num(total)} 分。",
        )
    )
    conditions.append(
        Condition(
            "no_violation",
            not major_violation,
            major_violation,
            False,
            "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为。"
            + ("已填报发生此类事项。" if major_violation else ""),
        )
    )
    lacking = [c for c in conditions if not c.passed]
    return PrecheckResult(
        kind="hightech",
        eligible=not lacking,
        score=_num(total),
        conditions=conditions,
        growth={"net_assets": _r4(na_rate), "sales": _r4(sales_rate)},
        lacking=lacking,
    )


def _rate_text(rate: Fraction | None) -> str:
    return "无法计算（第二年为 0）" if rate is None else _pct(rate)


# --- 科技型中小企业 -----------------------------------------------------------------------------

TECH_STAFF_BANDS = [(_pc(30), 20), (_pc(25), 16), (_pc(20), 12), (_pc(15), 8), (_pc(10), 4)]
RD_SALES_BANDS = [(_pc(6), 50), (_pc(5), 40), (_pc(4), 30), (_pc(3), 20), (_pc(2), 10)]
RD_COST_BANDS = [(_pc(30), 50), (_pc(25), 40), (_pc(20), 30), (_pc(15), 20), (_pc(10), 10)]
CLASS2_POINTS = {0: 0, 1: 6, 2: 12, 3: 18}  # 4 项及以上 24
DIRECT_PATHS = {
    "hightech_cert": "有效期内的高新技术企业资格",
    "national_award": "近五年内获得过国家级科技奖励，并在获奖单位中排名前三",
    "provincial_rd_institution": "拥有经认定的省部级以上研发机构",
    "standard_lead": "近五年内主导制定过国际标准、国家标准或行业标准",
}


def precheck_techsme(data: Mapping[str, Any]) -> PrecheckResult:
    data = _object(data)
    staff, tech_staff = _staff(data)
    sales = _number(data, "sales")
    assets = _number(data, "assets")
    total_cost = _number(data, "total_cost")
    rd = _number(data, "rd")
    ip_class1 = _integer(data, "ip_class1")
    ip_class2 = _integer(data, "ip_class2")
    direct_raw = data.get("direct")
    if direct_raw is None:
        raise PrecheckInputError("direct", "缺少此项数据（没有直接确认条件时填 []）。")
    if not isinstance(direct_raw, list) or any(not isinstance(d, str) for d in direct_raw):
        raise PrecheckInputError("direct", "应为直接确认条件代码的列表。")
    unknown = [d for d in direct_raw if d not in DIRECT_PATHS]
    if unknown:
        raise PrecheckInputError(
            "direct", f"不认识的直接确认条件「{unknown[0][:30]}」，可选：{'、'.join(DIRECT_PATHS)}。"
        )
    direct = list(dict.fromkeys(direct_raw))

    conditions = [
        Condition("staff", staff <= 500, staff, 500, f"职工总数不超过 500 人；目前 {staff} 人。"),
        Condition(
            "sales", sales <= WAN_20000, _num(sales), 20000, f"年销售收入不超过 2 亿元；目前 {_wan(sales)}。"
        ),
        Condition(
            "assets",
            assets <= WAN_20000,
            _num(assets),
            20000,
            f"资产总额不超过 2 亿元；目前 {_wan(assets)}。",
        ),
    ]
    tech_share = Fraction(tech_staff, staff)
    tech_points = _band(tech_share, TECH_STAFF_BANDS)
    conditions.append(
        Condition(
            "tech_staff_score",
            tech_points > 0,
            tech_points,
            4,
            f"科技人员指标（满分 20 分，得分不得为 0）：科技人员占比 {_pct(tech_share)}，得 {tech_points} 分"
            "（≥30% 20 分，25%–30% 16 分，20%–25% 12 分，15%–20% 8 分，10%–15% 4 分，<10% 0 分）。",
        )
    )
    by_sales = _ratio(rd, sales)
    by_cost = _ratio(rd, total_cost)
    p_sales = _band(by_sales, RD_SALES_BANDS)
    p_cost = _band(by_cost, RD_COST_BANDS)
    rd_points = max(p_sales, p_cost)
    basis = "占销售收入" if p_sales >= p_cost else "占成本费用支出"
    conditions.append(
        Condition(
            "rd_score",
            rd_points > 0,
            rd_points,
            10,
            f"研发投入指标（满分 50 分，两种口径取高）：研发费用占销售收入 {_pct(by_sales)} 得 {p_sales} 分，"
            f"占成本费用支出 {_pct(by_cost)} 得 {p_cost} 分，按{basis}计 {rd_points} 分。",
            blocking=False,
        )
    )
    result_points = 30 if ip_class1 >= 1 else (24 if ip_class2 >= 4 else CLASS2_POINTS[ip_class2])
    conditions.append(
        Condition(
            "result_score",
            result_points > 0,
            result_points,
            6,
            f"科技成果指标（满分 30 分）：Ⅰ类知识产权 {ip_class1} 项、Ⅱ类 {ip_class2} 项，得 {result_points} 分"
            "（有Ⅰ类 30 分；Ⅱ类 4 项及以上 24 分、3 项 18 分、2 项 12 分、1 项 6 分；没有 0 分）。",
            blocking=False,
        )
    )
    total = tech_points + rd_points + result_points
    conditions.append(
        Condition(
            "total_score",
            total >= 60,
            total,
            60,
            f"综合评价得分不低于 60 分，且科技人员指标不得为 0 分；目前合计 {total} 分。",
        )
    )
    direct_text = "、".join(DIRECT_PATHS[d] for d in direct)
    conditions.append(
        Condition(
            "direct",
            bool(direct),
            direct,
            list(DIRECT_PATHS),
            (
                f"符合直接确认条件：{direct_text}，可不看评分（规模条件仍须满足）。"
                if direct
                else "无直接确认条件，按评分认定。"
            ),
            blocking=False,
        )
    )
    size_ok = all(c.passed for c in conditions[:3])
    scored_ok = tech_points > 0 and total >= 60
    eligible = size_ok and (bool(direct) or scored_ok)
    lacking = [c for c in conditions[:3] if not c.passed]
    if not direct:
        lacking += [c for c in conditions[3:] if c.blocking and not c.passed]
        if not scored_ok and rd_points == 0:
            lacking.append(conditions[4])
    return PrecheckResult(
        kind="techsme", eligible=eligible, score=total, conditions=conditions, lacking=lacking
    )


PRECHECKS: dict[str, Callable[[Mapping[str, Any]], PrecheckResult]] = {
    "hightech": precheck_hightech,
    "techsme": precheck_techsme,
}
