"""How the work-order part shows in the side navigation and on the workbench."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.orgs.scope import user_grants, user_has_capability
from zhenwu.workorders.capabilities import Cap


def section(user: Any) -> NavSection | None:
    if not user_grants(user):
        return None
    s = NavSection("诉求工单")
    s.items.append(NavItem("我的工单", reverse("workorders:inbox"), "inbox"))
    s.items.append(NavItem("全部工单", reverse("workorders:list"), "list"))
    if user_has_capability(user, Cap.INTAKE):
        s.items.append(NavItem("登记诉求", reverse("workorders:intake"), "plus"))
    if user_has_capability(user, Cap.SUPERVISE):
        s.items.append(NavItem("督办", reverse("workorders:supervision"), "alert"))
    if user_has_capability(user, Cap.VIEW_METRICS):
        s.items.append(NavItem("办理指标", reverse("workorders:metrics"), "chart"))
    if user_has_capability(user, Cap.MANAGE):
        s.items.append(NavItem("诉求分类", reverse("workorders:categories"), "tags"))
        s.items.append(NavItem("Open311应用", reverse("workorders:open311_apps"), "plug"))
    return s


def todo_cards(user: Any) -> list[dict[str, Any]]:
    if not user_grants(user):
        return []
    from zhenwu.workorders.selectors import inbox_counts

    counts = inbox_counts(user=user)
    url = reverse("workorders:inbox")
    cards = []
    desk = user_has_capability(user, Cap.DISPATCH)
    if desk:
        cards.append(
            {
                "title": "待受理派单",
                "value": counts["desk"],
                "url": f"{url}?tab=desk",
                "hint": "群众提交、尚未派单的诉求",
            }
        )
        cards.append(
            {
                "title": "退单待审定",
                "value": counts["returned"],
                "url": f"{url}?tab=returned",
                "hint": "承办单位退回，需改派或维持",
            }
        )
    if user_has_capability(user, Cap.HANDLE):
        cards.append(
            {
                "title": "待签收工单",
                "value": counts["to_sign"],
                "url": f"{url}?tab=to_sign",
                "hint": "请在签收时限内签收",
            }
        )
        cards.append(
            {
                "title": "办理中工单",
                "value": counts["handling"],
                "url": f"{url}?tab=handling",
                "hint": "签收后请在办结时限内回复",
            }
        )
    cards.append(
        {
            "title": "即将超期",
            "value": counts["due_soon"],
            "url": f"{url}?tab=due_soon",
            "hint": "已进入最后一个工作日",
            "badge": "bg-orange",
        }
    )
    cards.append(
        {
            "title": "已超期",
            "value": counts["overdue"],
            "url": f"{url}?tab=overdue",
            "hint": "超期工单已自动督办",
            "badge": "bg-red",
        }
    )
    if user_has_capability(user, Cap.CALLBACK):
        cards.append(
            {
                "title": "待回访",
                "value": counts["callback"],
                "url": f"{url}?tab=callback",
                "hint": "已回复，待回访诉求人",
            }
        )
    if user_has_capability(user, Cap.APPROVE_EXTENSION):
        cards.append(
            {
                "title": "延期待审批",
                "value": counts["extension"],
                "url": f"{url}?tab=extension",
                "hint": "承办单位申请延长办结时限",
            }
        )
    return cards
