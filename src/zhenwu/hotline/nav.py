"""The 政风热线 section of the side navigation and its workbench cards."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.hotline.capabilities import HotlineCapability as Cap
from zhenwu.orgs.scope import user_grants, user_has_capability


def section(user: Any) -> NavSection | None:
    if not user_grants(user):
        return None
    s = NavSection("政风热线")
    s.items.append(NavItem("节目期次", reverse("hotline:episode_list"), "microphone"))
    s.items.append(NavItem("上线安排", reverse("hotline:schedule"), "calendar-event"))
    s.items.append(NavItem("反映事项台账", reverse("hotline:ledger"), "list"))
    s.items.append(NavItem("承诺事项", reverse("hotline:commitment_list"), "checklist"))
    if user_has_capability(user, Cap.MANAGE) or user_has_capability(user, Cap.APPROVE):
        s.items.append(NavItem("上线评价", reverse("hotline:evaluation"), "chart-bar"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    from zhenwu.hotline.choices import CommitmentStatus, LeaveStatus
    from zhenwu.hotline.models import Commitment, LeaveRequest

    cards: list[dict[str, Any]] = []
    mine = Commitment.objects.visible_to(user, "change").filter(
        status__in=[CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS]
    )
    count = mine.count()
    if count:
        cards.append(
            {
                "title": "待报告进展的热线承诺",
                "value": count,
                "url": reverse("hotline:commitment_list"),
                "hint": "政风热线上作出的承诺，请按期报告进展并上传佐证",
            }
        )
    if user_has_capability(user, Cap.APPROVE):
        from zhenwu.hotline.choices import ArticleStatus
        from zhenwu.hotline.models import Article

        waiting = (
            Article.objects.visible_to(user)
            .filter(status=ArticleStatus.PENDING)
            .select_related("episode")
            .order_by("updated_at", "id")
        )
        for article in waiting[:5]:
            cards.append(
                {
                    "title": f"待审核的节目文章：{article.title}",
                    "value": "审核",
                    "url": reverse("hotline:article", args=[article.episode_id]),
                    "hint": f"{article.episode.air_date_display}一期，审核通过后方可发布",
                    "badge": "bg-orange",
                }
            )
        pending = LeaveRequest.objects.visible_to(user).filter(status=LeaveStatus.PENDING).count()
        if pending:
            cards.append(
                {
                    "title": "待审批的上线请假",
                    "value": pending,
                    "url": reverse("hotline:schedule"),
                    "hint": "一把手不能本人上线的请假申请",
                }
            )
    return cards
