from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenwu.dashboard import selectors
from zhenwu.orgs.models import Unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.my_memberships(user=request.user))
    units_in_scope = Unit.objects.visible_to(request.user).filter(is_active=True)
    return render(
        request,
        "dashboard/home.html",
        {
            "memberships": memberships,
            "today": selectors.today_info(),
            "cards": selectors.admin_cards(user=request.user),
            "units_in_scope": units_in_scope.count(),
            "grids_in_scope": units_in_scope.filter(kind="grid").count(),
            "stations_in_scope": units_in_scope.filter(kind="station").count(),
        },
    )
