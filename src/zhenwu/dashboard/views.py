from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenwu.dashboard import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_counts(user=request.user)
    return render(
        request,
        "dashboard/home.html",
        {
            "memberships": list(selectors.my_memberships(user=request.user)),
            "today": selectors.today_info(),
            "cards": selectors.admin_cards(user=request.user),
            "todo_cards": selectors.todo_cards(user=request.user),
            "notices": selectors.notices(user=request.user),
            "calendar_notice": selectors.calendar_notice(user=request.user),
            "units_in_scope": units["total"],
            "grids_in_scope": units["grids"],
            "stations_in_scope": units["stations"],
        },
    )


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱: read from the rollup tables; if beat has not run for a while, catch up incrementally first."""
    from datetime import timedelta

    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit as build
    from zhenwu.orgs.choices import Capability
    from zhenwu.orgs.scope import user_has_capability

    if not user_has_capability(request.user, Capability.VIEW_DASHBOARD):
        raise PermissionDenied("您没有“查看驾驶舱”的权限，如需查看请联系系统管理员。")
    refreshed = rollups.refreshed_at()
    if refreshed is None or timezone.now() - refreshed > timedelta(minutes=rollups.STALE_MINUTES):
        rollups.refresh()
        refreshed = rollups.refreshed_at()
    data = build(user=request.user)
    from zhenwu.campaigns.selectors import report_list

    reports = report_list(user=request.user)[:5]  # the latest five, by index: a list, not a figure
    return render(
        request, "dashboard/cockpit.html", {"c": data, "refreshed_at": refreshed, "reports": reports}
    )


PART_LABELS = {
    "workorders": "诉求工单",
    "hotline": "政风热线",
    "assessment": "融合考核",
    "govservices": "政务服务",
    "enterprises": "科技创新与智改数转",
    "campaigns": "专项行动",
}


@login_required
def metric_definitions(request: HttpRequest) -> HttpResponse:
    """Every figure a part offers to the others (metrics hook), with its definition in words."""
    from zhenwu.core.parts import metrics

    rows = [
        {
            "label": m.label,
            "unit": m.unit,
            "definition": m.definition,
            "direction": "越高越好" if m.higher_is_better else "越低越好",
            "part": PART_LABELS.get(m.key.split(".")[0], "其他"),
        }
        for m in metrics().values()
    ]
    return render(request, "dashboard/metric_definitions.html", {"rows": rows})
