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
