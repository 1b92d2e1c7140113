"""智能制造能力成熟度: GB/T 39116 domains and a configurable level rule (pure, no database).

GB/T 39116-2020 (智能制造能力成熟度模型) has 4 要素 and 20 能力子域 and five levels (一级 规划级 …
五级 引领级). A diagnosis stores the raw rating of every requirement per 子域 and level. The level
is computed by a rule; the default follows the scoring commonly described for GB/T 39117-2020
(智能制造能力成熟度评估方法): each requirement is rated 全部满足 1, 大部分满足 0.8, 部分满足 0.5,
不满足 0; a 子域's score at a level is the mean of its requirements; a level's score is the
(weighted) mean of its 子域; a level is reached when its score and those of all lower levels reach
the threshold (0.8); the maturity score is the reached level plus the score of the next level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zhenwu.core.errors import DomainError

# (要素, 能力域, 子域 code, 子域 name)
DOMAINS: list[tuple[str, str, str, str]] = [
    ("人员", "组织战略", "org_strategy", "组织战略"),
    ("人员", "人员技能", "staff_skills", "人员技能"),
    ("技术", "数据", "data", "数据"),
    ("技术", "集成", "integration", "集成"),
    ("技术", "信息安全", "infosec", "信息安全"),
    ("资源", "装备", "equipment", "装备"),
    ("资源", "网络", "network", "网络"),
    ("制造", "设计", "product_design", "产品设计"),
    ("制造", "设计", "process_design", "工艺设计"),
    ("制造", "生产", "procurement", "采购"),
    ("制造", "生产", "planning", "计划与调度"),
    ("制造", "生产", "operations", "生产作业"),
    ("制造", "生产", "equipment_mgmt", "设备管理"),
    ("制造", "生产", "safety_env", "安全环保"),
    ("制造", "生产", "warehousing", "仓储配送"),
    ("制造", "生产", "energy", "能源管理"),
    ("制造", "物流", "logistics", "物流"),
    ("制造", "销售", "sales", "销售"),
    ("制造", "服务", "customer_service", "客户服务"),
    ("制造", "服务", "product_service", "产品服务"),
]
DOMAIN_CODES = [d[2] for d in DOMAINS]
DOMAIN_NAMES = {d[2]: d[3] for d in DOMAINS}
ELEMENTS = ["人员", "技术", "资源", "制造"]
LEVEL_NAMES = {
    0: "未达一级",
    1: "一级（规划级）",
    2: "二级（规范级）",
    3: "三级（集成级）",
    4: "四级（优化级）",
    5: "五级（引领级）",
}
RATING_LABELS = {"1": "全部满足", "0.8": "大部分满足", "0.5": "部分满足", "0": "不满足"}
ALLOWED_RATINGS = {0.0, 0.5, 0.8, 1.0}


@dataclass(frozen=True)
class MaturityRuleSpec:
    name: str = "GB/T 39117 常见评分方法（默认）"
    threshold: float = 0.8
    weights: Mapping[str, float] = field(default_factory=dict)  # 子域 code -> weight; empty = equal


@dataclass(frozen=True)
class MaturityResult:
    level: int
    score: float
    level_scores: dict[int, float]
    domain_scores: dict[str, dict[int, float]]

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def validate_ratings(ratings: Any) -> dict[str, dict[str, list[float]]]:
    """``{子域: {"1": [ratings…], "2": […]}}``; refuses unknown 子域, levels and rating values."""
    if not isinstance(ratings, Mapping):
        raise DomainError("评分数据格式不正确。", field="ratings")
    clean: dict[str, dict[str, list[float]]] = {}
    for code, levels in ratings.items():
        if code not in DOMAIN_NAMES:
            raise DomainError(f"不认识的能力子域「{str(code)[:20]}」。", field="ratings")
        if not isinstance(levels, Mapping):
            raise DomainError(f"能力子域「{DOMAIN_NAMES[code]}」的评分格式不正确。", field="ratings")
        clean[code] = {}
        for level, values in levels.items():
            if str(level) not in {"1", "2", "3", "4", "5"}:
                raise DomainError(f"能力子域「{DOMAIN_NAMES[code]}」的等级应为 1–5。", field="ratings")
            if not isinstance(values, list) or not values:
                raise DomainError(f"能力子域「{DOMAIN_NAMES[code]}」第 {level} 级没有评分。", field="ratings")
            row = []
            for v in values:
                if isinstance(v, bool) or not isinstance(v, int | float) or float(v) not in ALLOWED_RATINGS:
                    raise DomainError(
                        f"能力子域「{DOMAIN_NAMES[code]}」第 {level} 级的评分只能是 1、0.8、0.5 或 0。",
                        field="ratings",
                    )
                row.append(float(v))
            clean[code][str(level)] = row
    return clean


def compute_maturity(
    ratings: Mapping[str, Mapping[str, list[float]]], rule: MaturityRuleSpec
) -> MaturityResult:
    domain_scores: dict[str, dict[int, float]] = {}
    for code, levels in ratings.items():
        domain_scores[code] = {int(lv): sum(vals) / len(vals) for lv, vals in levels.items() if vals}
    level_scores: dict[int, float] = {}
    for level in range(1, 6):
        rated = [(c, s[level]) for c, s in domain_scores.items() if level in s]
        if not rated:
            continue
        weights = [float(rule.weights.get(c, 1.0)) for c, _ in rated]
        total_w = sum(weights)
        level_scores[level] = (
            sum(w * s for w, (_, s) in zip(weights, rated, strict=True)) / total_w if total_w else 0.0
        )
    reached = 0
    for level in range(1, 6):
        if level_scores.get(level, 0.0) >= rule.threshold:
            reached = level
        else:
            break
    score = reached + (level_scores.get(reached + 1, 0.0) if reached < 5 else 0.0)
    return MaturityResult(
        level=reached,
        score=round(score, 2),
        level_scores={k: round(v, 4) for k, v in level_scores.items()},
        domain_scores=domain_scores,
    )
