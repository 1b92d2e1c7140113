"""Small view helpers shared by every app: capability gates, service errors on forms, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse

from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.parts import capability_label, has_capability

ViewFunc = Callable[..., HttpResponse]


def capability_required(*capabilities: str) -> Callable[[ViewFunc], ViewFunc]:
    """Login, then any one of the capabilities (none given: login only); else 403 with a Chinese reason."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if capabilities and not any(has_capability(request.user, c) for c in capabilities):
                raise PermissionDenied(
                    f"您没有“{capability_label(capabilities[0])}”的权限，如需办理请联系系统管理员。"
                )
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def form_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service refusal on the form (on its field when the form has it); permission refusals stay 403."""
    if isinstance(exc, PermissionDeniedError):
        raise exc
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def paginate(request: HttpRequest, queryset: Any, per_page: int) -> tuple[Page[Any], str]:
    """The requested page and the query string to prefix page links with (includes/pagination.html)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    base = querystring_without_page(request)
    return page, f"{base}&" if base else ""


def attachment_response(attachment: Any) -> FileResponse:
    """Serve a stored attachment. Images (re-encoded on upload) are shown inline; every other file
    (PDF, Office documents) is a download, never rendered by the browser. Never cached, never
    sniffed, and sandboxed should a browser render it anyway."""
    from django.utils.cache import add_never_cache_headers, patch_cache_control

    from zhenwu.core.services import IMAGE_TYPES

    inline = attachment.content_type in IMAGE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=attachment.original_name or "file",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
