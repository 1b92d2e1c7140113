from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhenwu.orgs import selectors
from zhenwu.orgs.choices import Capability
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import get_scoped_object, user_has_capability


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.unit_tree(user=request.user)
    return render(request, "orgs/unit_tree.html", {"roots": roots})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_object(Unit.objects.select_related("parent"), request.user, pk=pk)
    children = Unit.objects.visible_to(request.user).filter(parent=unit).order_by("sort_order", "code")
    members = selectors.unit_members(user=request.user, unit=unit)
    can_change = Unit.objects.visible_to(request.user, "change").filter(pk=unit.pk).exists()
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "members": members,
            "can_change": can_change,
            "can_manage_units": user_has_capability(request.user, Capability.MANAGE_UNITS),
        },
    )
