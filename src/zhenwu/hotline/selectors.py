"""Reads of the 政风热线 programme, always scoped to the user (public reads only show published data)."""

from __future__ import annotations

from datetime import date
from typing import Any

import jieba
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from zhenwu.hotline.choices import (
    ArticleStatus,
    CommitmentStatus,
    EpisodeStatus,
    LeaveStatus,
    Outcome,
    SlotStatus,
)
from zhenwu.hotline.models import (
    AnnualPlan,
    Article,
    Commitment,
    Episode,
    EvaluationRule,
    ListenerIssue,
    OnAirSlot,
)
from zhenwu.orgs.models import Unit
from zhenwu.workorders.selectors import unit_metrics


def plan_list(*, user: Any) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.visible_to(user).select_related("owner_unit")


def slot_list(*, user: Any, year: int | None = None) -> QuerySet[OnAirSlot]:
    qs = OnAirSlot.objects.visible_to(user).select_related("unit", "plan", "episode")
    if year:
        qs = qs.filter(date__year=year)
    return qs.prefetch_related("leaves")


def episode_list(*, user: Any) -> QuerySet[Episode]:
    return (
        Episode.objects.visible_to(user)
        .select_related("unit", "slot")
        .annotate(issue_count=Count("issues", distinct=True))
        .order_by("-air_date", "-id")
    )


def issue_list(
    *, user: Any, episode: Episode | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[ListenerIssue]:
    qs = ListenerIssue.objects.visible_to(user).select_related(
        "episode",
        "episode__unit",
        "topic",
        "commitment",
        "commitment__responsible_unit",
        "work_order",
        "work_order__lead_unit",
    )
    if episode is not None:
        qs = qs.filter(episode=episode)
    filters = filters or {}
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    if filters.get("episode"):
        episode_id = str(filters["episode"])
        qs = qs.filter(episode_id=int(episode_id)) if episode_id.isdigit() else qs.none()
    if filters.get("q"):
        qs = qs.filter(Q(text__icontains=filters["q"]) | Q(number__icontains=filters["q"]))
    return qs.order_by("-episode__air_date", "episode_id", "show_order", "id")


def commitment_list(*, user: Any, action: str = "view") -> QuerySet[Commitment]:
    return Commitment.objects.visible_to(user, action).select_related(  # type: ignore[arg-type]
        "responsible_unit", "episode", "episode__unit", "issue"
    )


def ledger_row(issue: ListenerIssue) -> dict[str, Any]:
    """One line of the 听众反映事项台账: outcome, work order or commitment state, overdue flag."""
    from django.utils import timezone

    state = ""
    unit = ""
    deadline: Any = None
    overdue = False
    done = issue.outcome == Outcome.ANSWERED
    commitment = getattr(issue, "commitment", None) if issue.outcome == Outcome.COMMITMENT else None
    order = getattr(issue, "work_order", None) if issue.outcome == Outcome.WORK_ORDER else None
    if commitment is not None:
        state = f"{commitment.get_status_display()} · 进度 {commitment.progress}%"
        unit = f"{commitment.responsible_unit.name}（{commitment.responsible_person}）"
        deadline = commitment.deadline
        done = commitment.status == CommitmentStatus.VERIFIED
        overdue = commitment.is_overdue and commitment.status not in (CommitmentStatus.VERIFIED,)
    elif order is not None:
        state = f"{order.number} · {order.get_status_display()}"
        unit = order.lead_unit.name if order.lead_unit else "待派单"
        deadline = timezone.localtime(order.deadline).date() if order.deadline else None
        done = bool(order.is_closed)
        overdue = bool(not done and order.deadline and order.deadline < timezone.now())
    return {
        "issue": issue,
        "state": state,
        "unit": unit,
        "deadline": deadline,
        "overdue": overdue,
        "done": done,
    }


# --------------------------------------------------------------------------- public


def public_articles(*, q: str = "") -> QuerySet[Article]:
    """Published articles; `q` is segmented with jieba and every word must match (Chinese full text)."""
    qs = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("episode", "episode__unit")
    for word in search_words(q):
        qs = (
            qs.filter(search_tokens__contains=f" {word} ")
            if len(word) > 1
            else qs.filter(search_tokens__contains=word)
        )
    return qs.order_by("-published_at")


def search_words(q: str) -> list[str]:
    words = [w.strip().lower() for w in jieba.cut(q or "") if w.strip()]
    return [
        w for w in words if w not in {"的", "了", "和", "与", "在", "是", "吗", "呢", "？", "?", "，", ","}
    ][:8]


def public_article(*, pk: int) -> Article:
    return Article.objects.select_related("episode", "episode__unit").get(
        pk=pk, status=ArticleStatus.PUBLISHED
    )


def article_pairs(article: Article) -> list[ListenerIssue]:
    return list(
        article.episode.issues.filter(in_article=True)
        .exclude(outcome=Outcome.PENDING)
        .select_related("topic", "commitment")
        .order_by("show_order", "id")
    )


def public_commitments(*, unit_id: int | None = None, status: str = "") -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(is_public=True).select_related(
        "responsible_unit", "episode", "episode__unit"
    )
    if unit_id:
        qs = qs.filter(responsible_unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "deadline")


# --------------------------------------------------------------------------- evaluation


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _workorder_metrics(units: list[Unit], year: int) -> dict[int, dict[str, Any]]:
    """The units' work-order rates for the year (hotline sits above work orders: a plain read)."""
    return unit_metrics(units=units, start=date(year, 1, 1), end=date(year, 12, 31))


def evaluation_rule(year: int) -> EvaluationRule:
    return EvaluationRule.objects.filter(year=year).first() or EvaluationRule(year=year)


def unit_evaluation(
    *, year: int, units: list[Unit] | QuerySet[Unit] | None = None
) -> dict[int, dict[str, Any]]:
    """Per on-air unit and year: attendance, answered-on-air share, on-time completion, satisfaction, score.

    The assessment part reads this. Rates are 0..1 or None when there is nothing to measure; the
    score (0..100) re-weights the measurable components so a missing source never counts as zero.
    """
    rule = evaluation_rule(year)
    slots = OnAirSlot.objects.filter(date__year=year).exclude(status=SlotStatus.CANCELLED)
    if units is not None:
        unit_ids = [u.pk for u in units]
        slots = slots.filter(unit_id__in=unit_ids)
    else:
        unit_ids = sorted(set(slots.values_list("unit_id", flat=True)))
        unit_ids += sorted(
            set(Commitment.objects.filter(deadline__year=year).values_list("responsible_unit_id", flat=True))
            - set(unit_ids)
        )
    unit_map = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    result: dict[int, dict[str, Any]] = {}
    today = timezone.localdate()
    wo = _workorder_metrics(list(unit_map.values()), year)
    # A slot has aired when its date has come, or earlier when its episode already went on air
    # (提前开播) or the slot is marked done: 上线评价 agrees with 上线安排.
    ran = set(
        slots.filter(
            Q(status=SlotStatus.DONE) | Q(episode__status__in=[EpisodeStatus.LIVE, EpisodeStatus.CLOSED])
        ).values_list("pk", flat=True)
    )
    for uid in unit_ids:
        unit_slots = [s for s in slots if s.unit_id == uid and (s.date <= today or s.pk in ran)]
        aired = len(unit_slots)
        substitutes = sum(
            1 for s in unit_slots if any(lv.status == LeaveStatus.APPROVED for lv in s.leaves.all())
        )
        issues = ListenerIssue.objects.filter(episode__unit_id=uid, episode__air_date__year=year)
        total_issues = issues.exclude(outcome=Outcome.PENDING).count()
        answered = issues.filter(outcome=Outcome.ANSWERED).count()
        due = Commitment.objects.filter(responsible_unit_id=uid, deadline__year=year, deadline__lt=today)
        due_count = (
            due.count()
            + Commitment.objects.filter(
                responsible_unit_id=uid, deadline__year=year, deadline__gte=today, completed_on__isnull=False
            ).count()
        )
        on_time = Commitment.objects.filter(
            responsible_unit_id=uid,
            deadline__year=year,
            completed_on__isnull=False,
            completed_on__lte=F("deadline"),
        ).count()
        commitment_rate = _ratio(on_time, due_count)
        metrics = wo.get(uid, {})
        order_rate = metrics.get("on_time_close_rate")
        rates = [r for r in (commitment_rate, order_rate) if r is not None]
        on_time_rate = sum(rates) / len(rates) if rates else None
        components: dict[str, tuple[float | None, int]] = {
            "attendance": (_ratio(aired - substitutes, aired), rule.weight_attendance),
            "answered": (_ratio(answered, total_issues), rule.weight_answered),
            "on_time": (on_time_rate, rule.weight_on_time),
            "satisfaction": (metrics.get("satisfaction_rate"), rule.weight_satisfaction),
        }
        measured = [(r, w) for r, w in components.values() if r is not None]
        weight = sum(w for _, w in measured)
        # Only a unit that has been on air is evaluated as an on-air unit.
        score = round(sum(r * w for r, w in measured) * 100 / weight, 1) if weight and aired else None
        result[uid] = {
            "unit": unit_map.get(uid),
            "aired": aired,
            "in_person": aired - substitutes,
            "attendance_rate": components["attendance"][0],
            "issues": total_issues,
            "answered_on_air": answered,
            "answered_rate": components["answered"][0],
            "commitments_due": due_count,
            "commitments_on_time": on_time,
            "commitment_on_time_rate": commitment_rate,
            "order_on_time_rate": order_rate,
            "on_time_rate": on_time_rate,
            "satisfaction_rate": components["satisfaction"][0],
            "score": score,
            "rule": {k: w for k, (_, w) in components.items()},
        }
    return result


def open_counts(*, user: Any) -> dict[str, int]:
    commitments = Commitment.objects.visible_to(user).exclude(status=CommitmentStatus.VERIFIED)
    return {
        "open_commitments": commitments.count(),
        "pending_leaves": 0,
    }
