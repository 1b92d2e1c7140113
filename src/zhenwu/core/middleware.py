from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhenwu.core.errors import NotFoundError, PermissionDeniedError
from zhenwu.core.errorviews import page_not_found, permission_denied


class DomainErrorMiddleware:
    """A service's PermissionDeniedError is a 403 page and NotFoundError a 404, for every view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDeniedError):
            return permission_denied(request, exception)
        if isinstance(exception, NotFoundError):
            return page_not_found(request, exception)
        return None


class BadPathMiddleware:
    """A control character in the path (`/workorders/NT-%00/`) is a 404 before any view looks it up:
    PostgreSQL refuses NUL in a text parameter, and no record's code or number contains one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in request.path):
            return page_not_found(request, NotFoundError("记录不存在或不在您的数据范围内。"))
        return self.get_response(request)
