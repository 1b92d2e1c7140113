"""Chinese error pages; the 403/404 message from the raising code is shown when it is ours."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader


def _render(request: HttpRequest, template: str, status: int, exception: Any = None) -> HttpResponse:
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        text = exception.args[0]
        # Only our own Chinese messages are shown; Django's English internals are not.
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            message = text
    body = loader.render_to_string(template, {"exception": message}, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, "403.html", 403, exception)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, "404.html", 404, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponse(loader.render_to_string("csrf_failure.html", {}, request), status=403)
