from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhenwu.core.parts import portal_entries
from zhenwu.dashboard.selectors import today_info


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard:home")
    return render(request, "portal/index.html", {"today": today_info(), "entries": portal_entries()})
