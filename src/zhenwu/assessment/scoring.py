"""Monthly scoring: item scores, weighted totals, ranks with the tie rule, awards and the 红黑榜.

Everything here works from a rules snapshot (a dict), so a closed month is always explained by
the rules it was scored with, even after the scheme is edited.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum

from zhenwu.assessment import computed as indicators
from zhenwu.assessment.choices import (
    AwardKind,
    Board,
    FindingStatus,
    IndicatorKind,
    IndicatorSource,
)
from zhenwu.assessment.models import AssessmentMonth, Finding, Scheme, WeightProfile
from zhenwu.orgs.choices import UnitKind
from zhenwu.orgs.models import Unit

TWO = Decimal("0.01")
ZERO = Decimal("0")
ASSESSED_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)
TIE_RULE = (
    "名次规则：按综合得分（保留两位小数）从高到低排列；得分相同者并列同一名次，其后名次顺延"
    "（如 1、2、2、4）；并列单位按扣分合计少者在前、再按单位编码排列。"
)


def q2(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def rules_snapshot(scheme: Scheme) -> dict[str, Any]:
    items = []
    for item in scheme.items.prefetch_related("indicators").select_related("responsible_unit"):
        items.append(
            {
                "id": item.pk,
                "code": item.code,
                "name": item.name,
                "cap": str(item.cap),
                "bonus_cap": str(item.bonus_cap),
                "responsible_unit_id": item.responsible_unit_id,
                "responsible_unit": item.responsible_unit.name if item.responsible_unit else "",
                "indicators": [
                    {
                        "id": ind.pk,
                        "code": ind.code,
                        "name": ind.name,
                        "kind": ind.kind,
                        "source": ind.source,
                        "max_score": str(ind.max_score),
                        "points_per_finding": str(ind.points_per_finding),
                        "metric_key": ind.metric_key,
                        "formula": ind.formula,
                    }
                    for ind in item.indicators.all()
                ],
            }
        )
    return {
        "scheme_id": scheme.pk,
        "year": scheme.year,
        "items": items,
        "award_rules": dict(scheme.award_rules),
        "tie_rule": TIE_RULE,
    }


def weights_for_units(
    scheme: Scheme, units: list[Unit], month: date
) -> dict[int, tuple[dict[str, float], str]]:
    """The weights each unit is scored with: its own profile, else its kind's, else equal weights."""
    profiles = list(
        WeightProfile.objects.filter(scheme=scheme, valid_from__lte=month).order_by("-valid_from", "-id")
    )
    by_unit: dict[int, WeightProfile] = {}
    by_kind: dict[str, WeightProfile] = {}
    for p in profiles:
        if p.unit_id is not None:
            by_unit.setdefault(p.unit_id, p)
        elif p.unit_kind:
            by_kind.setdefault(p.unit_kind, p)
    codes = list(scheme.items.values_list("code", flat=True))
    equal = {c: 1 / len(codes) for c in codes} if codes else {}
    result: dict[int, tuple[dict[str, float], str]] = {}
    for u in units:
        profile = by_unit.get(u.pk) or by_kind.get(u.kind)
        if profile is None:
            result[u.pk] = (equal, "等权(未设定一村一策)")
        else:
            source = "一村一策" if profile.unit_id else f"按{profile.get_unit_kind_display()}统一"
            result[u.pk] = (
                {k: float(v) for k, v in profile.weights.items()},
                f"{source}({profile.valid_from:%Y-%m}起)",
            )
    return result


@dataclass
class UnitScore:
    unit: Unit
    total: Decimal
    deduction_total: Decimal
    items: dict[str, Any]
    weights: dict[str, float]
    weight_source: str
    rank: int = 0
    previous_total: Decimal | None = None
    previous_rank: int | None = None


@dataclass
class MonthScores:
    areas: list[UnitScore]
    departments: list[UnitScore]
    notes: list[str] = field(default_factory=list)


def assessed_units() -> list[Unit]:
    return list(Unit.objects.filter(kind__in=ASSESSED_KINDS, is_active=True).order_by("code"))


def compute_month(month: AssessmentMonth, rules: dict[str, Any] | None = None) -> MonthScores:
    scheme = month.scheme
    rules = rules or rules_snapshot(scheme)
    units = assessed_units()
    sums: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in (
        Finding.objects.filter(month=month, status=FindingStatus.ACTIVE)
        .values("unit_id", "indicator_id")
        .annotate(points=Sum("points"))
    ):
        sums[(row["unit_id"], row["indicator_id"])] = row["points"] or ZERO

    notes: list[str] = []
    computed: dict[int, dict[int, float]] = {}
    start, end = month.month, month_end(month.month)
    for item in rules["items"]:
        for ind in item["indicators"]:
            if ind["source"] != IndicatorSource.COMPUTED:
                continue
            try:
                computed[ind["id"]] = indicators.fetch(ind["metric_key"], units, start, end)
            except indicators.MetricUnavailable as exc:
                notes.append(f"“{item['name']} · {ind['name']}”：{exc}，本月不计分。")

    weights = weights_for_units(scheme, units, month.month)
    areas: list[UnitScore] = []
    for u in units:
        unit_weights, weight_source = weights[u.pk]
        item_rows: dict[str, Any] = {}
        total = ZERO
        deduction_total = ZERO
        for item in rules["items"]:
            cap = Decimal(item["cap"])
            deductions = bonus = computed_points = ZERO
            veto = False
            details = []
            for ind in item["indicators"]:
                if ind["source"] == IndicatorSource.COMPUTED:
                    values = computed.get(ind["id"])
                    if values is None or u.pk not in values:
                        details.append({"code": ind["code"], "name": ind["name"], "computed": None})
                        continue
                    pts = q2(indicators.apply_formula(ind["formula"], values[u.pk]))
                    pts = min(pts, Decimal(ind["max_score"]))
                    computed_points += pts
                    details.append(
                        {
                            "code": ind["code"],
                            "name": ind["name"],
                            "value": values[u.pk],
                            "computed": str(pts),
                        }
                    )
                    continue
                raw = sums.get((u.pk, ind["id"]), ZERO)
                if not raw:
                    continue
                if ind["kind"] == IndicatorKind.VETO:
                    veto = True
                    details.append({"code": ind["code"], "name": ind["name"], "veto": True})
                elif ind["kind"] == IndicatorKind.BONUS:
                    pts = min(raw, Decimal(ind["max_score"]))
                    bonus += pts
                    details.append({"code": ind["code"], "name": ind["name"], "bonus": str(pts)})
                else:
                    pts = min(raw, Decimal(ind["max_score"]))
                    deductions += pts
                    details.append({"code": ind["code"], "name": ind["name"], "deduction": str(pts)})
            bonus = min(bonus, Decimal(item["bonus_cap"]))
            score = ZERO if veto else max(ZERO, cap - deductions) + computed_points + bonus
            weight = Decimal(str(unit_weights.get(item["code"], 0)))
            total += weight * score
            deduction_total += deductions
            item_rows[item["code"]] = {
                "name": item["name"],
                "score": str(q2(score)),
                "deductions": str(q2(deductions)),
                "bonus": str(q2(bonus)),
                "computed": str(q2(computed_points)),
                "veto": veto,
                "weight": float(weight),
                "details": details,
            }
        areas.append(UnitScore(u, q2(total), q2(deduction_total), item_rows, unit_weights, weight_source))
    rank_scores(areas)

    departments: list[UnitScore] = []
    by_dept: dict[int, list[str]] = defaultdict(list)
    for item in rules["items"]:
        if item["responsible_unit_id"]:
            by_dept[item["responsible_unit_id"]].append(item["code"])
    dept_units = {u.pk: u for u in Unit.objects.filter(pk__in=by_dept)}
    for dept_id, codes in by_dept.items():
        if dept_id not in dept_units or not areas:
            continue
        per_item = {}
        for code in codes:
            scores = [Decimal(a.items[code]["score"]) for a in areas]
            per_item[code] = {
                "name": areas[0].items[code]["name"],
                "score": str(q2(sum(scores, ZERO) / len(scores))),
                "deductions": str(q2(sum((Decimal(a.items[code]["deductions"]) for a in areas), ZERO))),
            }
        total = q2(sum((Decimal(v["score"]) for v in per_item.values()), ZERO) / len(per_item))
        ded = q2(sum((Decimal(v["deductions"]) for v in per_item.values()), ZERO))
        departments.append(UnitScore(dept_units[dept_id], total, ded, per_item, {}, "所牵头项目的全镇平均分"))
    rank_scores(departments)
    return MonthScores(areas, departments, notes)


def rank_scores(scores: list[UnitScore]) -> None:
    """Competition ranking on the rounded total (1, 2, 2, 4); ties listed by fewer deductions, then code."""
    scores.sort(key=lambda s: (-s.total, s.deduction_total, s.unit.code))
    for i, s in enumerate(scores):
        s.rank = scores[i - 1].rank if i and s.total == scores[i - 1].total else i + 1


@dataclass(frozen=True)
class AwardDecision:
    unit: Unit
    kind: str
    reason: str


def award_rules_text(rules: dict[str, Any]) -> list[str]:
    r = rules
    lines = [
        f"红旗奖：综合得分第 1 名{'至第 ' + str(r['red_flag_top_n']) + ' 名' if r['red_flag_top_n'] > 1 else ''}（并列同获）。"
    ]
    lines.append(
        "骏马奖：与上月相比"
        + ("综合得分提高最多" if r.get("steed_by", 1) == 1 else "名次上升最多")
        + "的单位（须有提高；并列同获）。"
    )
    snail = []
    if r.get("snail_bottom_months", 0):
        n = r["snail_bottom_months"]
        snail.append("综合得分末位" if n == 1 else f"连续 {n} 个月综合得分末位")
    if r.get("snail_overdue_rectifications", 0):
        snail.append(f"整改逾期未完成 {r['snail_overdue_rectifications']} 处及以上")
    lines.append("蜗牛奖：" + ("或".join(snail) if snail else "本年度不评") + "。")
    lines.append(
        f"红榜：综合得分前 {r['red_board_top_n']} 名；黑榜：综合得分后 {r['black_board_bottom_m']} 名（不与红榜重复）。"
    )
    return lines


def decide_awards(
    scores: list[UnitScore],
    rules: dict[str, Any],
    *,
    bottom_history: dict[int, int],
    overdue: dict[int, int],
) -> tuple[list[AwardDecision], list[tuple[UnitScore, str, int]]]:
    """Awards and the 红黑榜 by the configured rules.

    bottom_history: unit id -> consecutive earlier months at last place (ending last month).
    overdue: unit id -> rectifications past their deadline.
    """
    awards: list[AwardDecision] = []
    if not scores:
        return awards, []
    for s in scores:
        if s.rank <= rules["red_flag_top_n"]:
            awards.append(AwardDecision(s.unit, AwardKind.RED_FLAG, f"综合得分 {s.total}，第 {s.rank} 名"))
    by_rank = rules.get("steed_by", 1) == 2
    gains = []
    for s in scores:
        if by_rank and s.previous_rank is not None:
            gains.append((Decimal(s.previous_rank - s.rank), s))
        elif not by_rank and s.previous_total is not None:
            gains.append((s.total - s.previous_total, s))
    if gains:
        best = max(g for g, _ in gains)
        if best > 0:
            for g, s in gains:
                if g == best:
                    what = f"名次上升 {int(g)} 位" if by_rank else f"得分提高 {q2(g)} 分"
                    awards.append(AwardDecision(s.unit, AwardKind.STEED, f"较上月{what}"))
    last_rank = max(s.rank for s in scores)
    months_needed = rules.get("snail_bottom_months", 0)
    overdue_needed = rules.get("snail_overdue_rectifications", 0)
    for s in scores:
        reasons = []
        if months_needed and s.rank == last_rank and len(scores) > 1:
            streak = 1 + bottom_history.get(s.unit.pk, 0)
            if streak >= months_needed:
                reasons.append("综合得分末位" if streak == 1 else f"连续 {streak} 个月末位")
        if overdue_needed and overdue.get(s.unit.pk, 0) >= overdue_needed:
            reasons.append(f"整改逾期 {overdue[s.unit.pk]} 处")
        if reasons:
            awards.append(AwardDecision(s.unit, AwardKind.SNAIL, "；".join(reasons)))
    boards: list[tuple[UnitScore, str, int]] = []
    red = scores[: rules["red_board_top_n"]]
    for i, s in enumerate(red, start=1):
        boards.append((s, Board.RED, i))
    red_ids = {s.unit.pk for s in red}
    black = [s for s in reversed(scores) if s.unit.pk not in red_ids][: rules["black_board_bottom_m"]]
    for i, s in enumerate(black, start=1):
        boards.append((s, Board.BLACK, i))
    return awards, boards
