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
