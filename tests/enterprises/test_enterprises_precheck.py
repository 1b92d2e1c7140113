"""The pre-check rules at each threshold, on both sides, from the official texts.

高企: 国科发火〔2016〕32号 第十一条 and the 工作指引 (创新能力评价, 成长性 A–F 档).
科小: 国科发政〔2017〕115号 as revised by 国科发政〔2022〕67号 (第六条–第八条).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from zhenwu.enterprises.precheck import (
    PrecheckInputError,
    growth_points,
    growth_rate,
    load_json,
    precheck_hightech,
    precheck_techsme,
)

HIGHTECH: dict[str, Any] = {
    "registered_on": "2018-03-01",
    "apply_on": "2022-06-01",
    "core_ip": True,
    "field_listed": True,
    "staff": 100,
    "tech_staff": 20,
    "sales": [4000, 4500, 5000],
    "rd": [300, 300, 300],
    "rd_domestic": [300, 300, 300],
    "hightech_income": 4000,
    "total_income": 5000,
    "net_assets": [2000, 2600, 3380],
    "innovation_points": {"ip": 25, "conversion": 22, "rd_management": 14},
    "major_violation": False,
}

TECHSME: dict[str, Any] = {
    "staff": 100,
    "tech_staff": 30,
    "sales": 5000,
    "assets": 6000,
    "total_cost": 4500,
    "rd": 300,
    "ip_class1": 1,
    "ip_class2": 0,
    "direct": [],
}


def ht(**changes: Any) -> Any:
    data = copy.deepcopy(HIGHTECH)
    data.update(changes)
    return precheck_hightech(data)


def sme(**changes: Any) -> Any:
    data = copy.deepcopy(TECHSME)
    data.update(changes)
    return precheck_techsme(data)


# --- 高企 ---------------------------------------------------------------------------------------


def test_a_complete_hightech_file_is_eligible() -> None:
    result = ht()
    assert result.eligible, [c.explain for c in result.lacking]
    assert [c.code for c in result.conditions] == [
        "registered",
        "core_ip",
        "field",
        "tech_staff",
        "rd_ratio",
        "rd_domestic",
        "hightech_income",
        "innovation",
        "no_violation",
    ]


@pytest.mark.parametrize(("apply_on", "passed"), [("2023-03-01", True), ("2023-02-28", False)])
def test_registered_needs_365_days(apply_on: str, passed: bool) -> None:
    result = ht(registered_on="2022-03-01", apply_on=apply_on)
    cond = result.condition("registered")
    assert cond.passed is passed and cond.threshold == 365
    assert result.eligible is passed


@pytest.mark.parametrize(("key", "code"), [("core_ip", "core_ip"), ("field_listed", "field")])
def test_core_ip_and_field_are_required(key: str, code: str) -> None:
    assert ht(**{key: True}).condition(code).passed
    result = ht(**{key: False})
    assert not result.condition(code).passed and not result.eligible


@pytest.mark.parametrize(("tech", "passed"), [(10, True), (9, False)])
def test_tech_staff_at_least_ten_percent(tech: int, passed: bool) -> None:
    cond = ht(staff=100, tech_staff=tech).condition("tech_staff")
    assert cond.passed is passed and cond.value == tech / 100 and cond.threshold == 0.1


@pytest.mark.parametrize(
    ("latest", "rd_total_needed"),
    [
        (5000, Decimal("0.05")),  # ≤ 5,000万: 5%
        (5001, Decimal("0.04")),  # just above 5,000万: 4%
        (20000, Decimal("0.04")),  # ≤ 2亿: 4%
        (20001, Decimal("0.03")),  # above 2亿: 3%
    ],
)
def test_rd_ratio_threshold_follows_latest_sales(latest: int, rd_total_needed: Decimal) -> None:
    sales = [latest, latest, latest]
    exact = Decimal(latest * 3) * rd_total_needed  # R&D of exactly the ratio: passes
    rd_exact = [float(exact / 3)] * 3
    on_line = ht(sales=sales, rd=rd_exact, rd_domestic=rd_exact).condition("rd_ratio")
    assert on_line.passed and on_line.threshold == float(rd_total_needed)
    below = [float(exact / 3 - Decimal("0.01"))] * 3
    assert not ht(sales=sales, rd=below, rd_domestic=below).condition("rd_ratio").passed


def test_rd_ratio_is_over_three_years_not_the_latest() -> None:
    # latest year alone is 10%, the three years together 4.6%: fails at 4,800万 (needs 5%)
    result = ht(sales=[4800, 4800, 4800], rd=[100, 100, 462.4], rd_domestic=[100, 100, 462.4])
    cond = result.condition("rd_ratio")
    assert not cond.passed and cond.value == 0.046 and "5%" in cond.explain


@pytest.mark.parametrize(("first_year", "passed"), [(60, True), (59.99, False)])
def test_domestic_rd_at_least_sixty_percent(first_year: float, passed: bool) -> None:
    # (first_year + 60 + 60) / 300 against 60%
    cond = ht(rd=[100, 100, 100], rd_domestic=[first_year, 60, 60]).condition("rd_domestic")
    assert cond.passed is passed and cond.threshold == 0.6


@pytest.mark.parametrize(("income", "passed"), [(3000, True), (2999.99, False)])
def test_hightech_income_at_least_sixty_percent(income: float, passed: bool) -> None:
    assert ht(hightech_income=income, total_income=5000).condition("hightech_income").passed is passed


def test_growth_rate_is_the_average_of_two_yearly_ratios() -> None:
    assert growth_rate([Fraction(100), Fraction(130), Fraction(169)]) == Fraction(3, 10)
    # first year 0: the last two years; second year 0: not computable (0 分)
    assert growth_rate([Fraction(0), Fraction(100), Fraction(150)]) == Fraction(1, 2)
    assert growth_rate([Fraction(100), Fraction(0), Fraction(150)]) is None
    result = ht(net_assets=[2000, 2600, 3380], sales=[4000, 4400, 4840])
    assert result.growth == {"net_assets": 0.3, "sales": 0.1}


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        ("0.35", 9),
        ("0.3499", 7),
        ("0.25", 7),
        ("0.2499", 5),
        ("0.15", 5),
        ("0.1499", 3),
        ("0.05", 3),
        ("0.0499", 1),
        ("0.0001", 1),
        ("0", 0),
        ("-0.1", 0),
    ],
)
def test_growth_bands_of_the_guideline(rate: str, points: int) -> None:
    assert growth_points(Fraction(rate)) == points


@pytest.mark.parametrize(("rd_management", "passed"), [(14, True), (13, False)])
def test_innovation_score_must_exceed_seventy(rd_management: int, passed: bool) -> None:
    # growth: net assets +30% (7) and sales +11.8% (3) = 10; 25 + 22 + rd_management + 10
    result = ht(innovation_points={"ip": 25, "conversion": 22, "rd_management": rd_management})
    cond = result.condition("innovation")
    assert cond.value == 57 + rd_management and cond.threshold == 71
    assert cond.passed is passed


def test_given_growth_points_are_used_as_is() -> None:
    points = {"ip": 30, "conversion": 30, "rd_management": 10, "growth": 1}
    assert ht(innovation_points=points).condition("innovation").value == 71
    points["growth"] = 0
    assert not ht(innovation_points=points).condition("innovation").passed


def test_a_major_violation_fails() -> None:
    result = ht(major_violation=True)
    assert not result.condition("no_violation").passed and not result.eligible


# --- 科小 ---------------------------------------------------------------------------------------


def test_a_complete_techsme_file_is_eligible() -> None:
    result = sme()
    assert result.eligible and result.score == 20 + 50 + 30
    assert [c.code for c in result.conditions] == [
        "staff",
        "sales",
        "assets",
        "tech_staff_score",
        "rd_score",
        "result_score",
        "total_score",
        "direct",
    ]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"staff": 500, "tech_staff": 150}, "staff"),
        ({"sales": 20000, "rd": 1200}, "sales"),
        ({"assets": 20000}, "assets"),
    ],
)
def test_size_limits_are_inclusive(changes: dict[str, Any], code: str) -> None:
    assert sme(**changes).condition(code).passed
    over = {k: (v + 1 if k in {"staff", "sales", "assets"} else v) for k, v in changes.items()}
    result = sme(**over)
    assert not result.condition(code).passed and not result.eligible


def test_size_limits_apply_even_with_a_direct_path() -> None:
    assert not sme(staff=501, tech_staff=160, direct=["hightech_cert"]).eligible


@pytest.mark.parametrize(
    ("tech", "points"),
    [(30, 20), (29, 16), (25, 16), (24, 12), (20, 12), (19, 8), (15, 8), (14, 4), (10, 4), (9, 0)],
)
def test_tech_staff_bands(tech: int, points: int) -> None:
    assert sme(staff=100, tech_staff=tech).condition("tech_staff_score").value == points


def test_zero_tech_staff_points_fail_even_above_sixty() -> None:
    result = sme(staff=100, tech_staff=9)  # 0 + 50 + 30 = 80
    assert result.score == 80 and not result.eligible
    assert [c.code for c in result.lacking] == ["tech_staff_score"]


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        (600, 50),
        (599, 40),
        (500, 40),
        (499, 30),
        (400, 30),
        (399, 20),
        (300, 20),
        (299, 10),
        (200, 10),
        (199, 0),
    ],
)
def test_rd_bands_by_sales(rd: int, points: int) -> None:
    # sales 10,000万; cost large so the cost basis gives less
    assert sme(sales=10000, total_cost=100000, rd=rd).condition("rd_score").value == points


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        (300, 50),
        (299, 40),
        (250, 40),
        (249, 30),
        (200, 30),
        (199, 20),
        (150, 20),
        (149, 10),
        (100, 10),
        (99, 0),
    ],
)
def test_rd_bands_by_total_cost(rd: int, points: int) -> None:
    # cost 1,000万; sales so large the sales basis gives 0
    assert sme(sales=19999, assets=100, total_cost=1000, rd=rd).condition("rd_score").value == points


def test_rd_takes_the_better_basis() -> None:
    # 3% of sales (20) but 30% of cost (50): 50
    cond = sme(sales=10000, total_cost=1000, rd=300).condition("rd_score")
    assert cond.value == 50 and "成本费用" in cond.explain


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_result_bands(class1: int, class2: int, points: int) -> None:
    assert sme(ip_class1=class1, ip_class2=class2).condition("result_score").value == points


@pytest.mark.parametrize(("rd", "eligible"), [(300, True), (299, False)])
def test_total_score_at_least_sixty(rd: int, eligible: bool) -> None:
    # 科技人员 25% -> 16; 研发 3% of sales -> 20 (2.99% -> 10); Ⅱ类 ×4 -> 24: 60 passes, 50 fails
    result = sme(staff=100, tech_staff=25, sales=10000, total_cost=100000, rd=rd, ip_class1=0, ip_class2=4)
    assert result.score == (60 if eligible else 50)
    assert result.condition("total_score").passed is eligible and result.eligible is eligible


@pytest.mark.parametrize(
    "path", ["hightech_cert", "national_award", "provincial_rd_institution", "standard_lead"]
)
def test_direct_paths_confirm_without_the_score(path: str) -> None:
    weak = {"staff": 100, "tech_staff": 5, "rd": 0, "ip_class1": 0, "ip_class2": 0}
    assert not sme(**weak).eligible
    result = sme(**weak, direct=[path])
    assert result.eligible and result.condition("direct").passed and result.lacking == []


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(HIGHTECH))
def test_every_missing_hightech_field_is_named(key: str) -> None:
    data = copy.deepcopy(HIGHTECH)
    del data[key]
    with pytest.raises(PrecheckInputError) as exc:
        precheck_hightech(data)
    assert exc.value.field == key and key in exc.value.message


@pytest.mark.parametrize("key", sorted(TECHSME))
def test_every_missing_techsme_field_is_named(key: str) -> None:
    data = copy.deepcopy(TECHSME)
    del data[key]
    with pytest.raises(PrecheckInputError) as exc:
        precheck_techsme(data)
    assert exc.value.field == key


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sales": [4000, -1, 5000]}, "sales[1]"),
        ({"rd": [1, 2]}, "rd"),
        ({"staff": "many"}, "staff"),
        ({"staff": 10.5}, "staff"),
        ({"core_ip": "yes"}, "core_ip"),
        ({"apply_on": "2022-13-01"}, "apply_on"),
        ({"hightech_income": -5}, "hightech_income"),
        ({"innovation_points": {"ip": 31, "conversion": 1, "rd_management": 1}}, "innovation_points.ip"),
        ({"innovation_points": {"ip": 1, "conversion": 1}}, "innovation_points.rd_management"),
    ],
)
def test_malformed_or_negative_hightech_fields_are_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PrecheckInputError) as exc:
        ht(**changes)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rd": -1}, "rd"),
        ({"tech_staff": 101}, "tech_staff"),
        ({"direct": ["bribe"]}, "direct"),
        ({"direct": "hightech_cert"}, "direct"),
        ({"ip_class2": True}, "ip_class2"),
    ],
)
def test_malformed_or_negative_techsme_fields_are_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(PrecheckInputError) as exc:
        sme(**changes)
    assert exc.value.field == field


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", '{"staff": NaN}'])
def test_a_file_that_is_not_a_json_object_is_refused(text: str) -> None:
    with pytest.raises(PrecheckInputError):
        load_json(text)


def test_numbers_keep_their_decimals() -> None:
    data = load_json(json.dumps({**TECHSME, "rd": 0.1}))
    assert data["rd"] == Decimal("0.1")
