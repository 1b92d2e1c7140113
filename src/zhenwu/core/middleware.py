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
        # Open311 answers bad input in its own error format (workorders.open311.open311_view).
        if not request.path.startswith("/open311/") and any(
            ord(ch) < 32 or ord(ch) == 127 for ch in request.path
        ):
            return page_not_found(request, NotFoundError("记录不存在或不在您的数据范围内。"))
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """A request declaring a body above ZHENWU_REQUEST_MAX_BYTES gets a Chinese 413 page before a
    byte of the body is read (first in the chain: nothing has touched request.POST yet)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.template import loader

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.ZHENWU_REQUEST_MAX_BYTES
        if length > limit:
            body = loader.render_to_string(
                "413.html", {"size_mb": length / 1048576, "limit_mb": limit / 1048576}
            )
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"  # the unread body must not be taken as the next request
            return response
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in person (staff pages, exports, photos) are never stored by a browser
    or proxy cache: `Cache-Control: no-store, private`. Public pages keep their own headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import add_never_cache_headers, patch_cache_control

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


SESSION_RENEWED_KEY = "_zw_renewed"


class SessionRenewalMiddleware:
    """The idle timeout without a session write on every request.

    A session row expires SESSION_COOKIE_AGE (30 minutes) after it was last saved. Instead of saving
    it on every request (SESSION_SAVE_EVERY_REQUEST), a request renews it only when its last renewal
    is more than ZHENWU_SESSION_RENEW_SECONDS old: a session still ends 30 minutes after its last
    renewal, i.e. between 29 and 30 minutes after the last request, and someone at work writes the
    session row once a minute instead of on every page and partial. Visitors without a session get
    none. Placed after SessionMiddleware, so the session is saved after this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.every = int(getattr(settings, "ZHENWU_SESSION_RENEW_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return response
        renewed = session.get(SESSION_RENEWED_KEY)
        if not session.session_key:  # the cookie named no live session (expired or unknown)
            return response
        now = int(time.time())
        if session.modified or not isinstance(renewed, int) or now - renewed >= self.every:
            session[SESSION_RENEWED_KEY] = now
        return response
