"""The town's front door at ``/``: every public service one tap away, the QR code for posters,
the latest 红黑榜 and the published 专项行动 at a glance; staff login one click away."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from zhenwu.core.parts import portal_entries
from zhenwu.dashboard.selectors import today_info


def _honour_board() -> dict[str, Any] | None:
    from zhenwu.assessment.selectors import published_months

    month = published_months().first()
    if month is None:
        return None
    rolls = list(month.honour_rolls.select_related("unit").order_by("board", "position"))
    return {
        "month": month,
        "red": [r.unit.name for r in rolls if r.board == "red"],
        "black": [r.unit.name for r in rolls if r.board == "black"],
    }


def _campaigns() -> dict[str, Any]:
    from zhenwu.campaigns.selectors import public_campaigns

    rows: list[Any] = public_campaigns()
    counts = {k: sum(1 for c in rows if c.rag.colour == k) for k in ("green", "amber", "red", "done")}
    return {"rows": rows[:5], "total": len(rows), "counts": counts}


def _latest_article() -> Any:
    from zhenwu.hotline.selectors import public_articles

    return public_articles().order_by("-published_at").first()


def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.GET.get("public"):
        return redirect("dashboard:home")
    return render(
        request,
        "portal/index.html",
        {
            "today": today_info(),
            "entries": portal_entries(),
            "board": _honour_board(),
            "article": _latest_article(),
            "campaigns": _campaigns(),
            "h5_url": request.build_absolute_uri(reverse("workorders:h5_submit")),
        },
    )


@cache_control(max_age=3600)
def h5_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the H5 form as SVG, for posters and the home page (scales without blurring)."""
    import qrcode
    import qrcode.image.svg

    url = request.build_absolute_uri(reverse("workorders:h5_submit"))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = 'attachment; filename="h5-qrcode.svg"'
    return response
