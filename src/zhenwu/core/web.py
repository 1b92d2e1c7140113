"""Small view helpers shared by every app: capability gates, service errors on forms, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.functional import cached_property

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


class CappedPage(Page):  # type: ignore[type-arg]
    """A page of a list counted only up to its cap: whether a next page exists is read off the
    page's own query (one row more than the page holds), not off the total."""

    def __init__(self, object_list: Any, number: int, paginator: CappedPaginator, *, has_more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` + 1 rows: a list of a million orders never counts all of them.

    The count reads the keys of at most ``cap`` + 1 rows. A list that fits under the cap is then
    paged by those keys (``pk IN (…)``: a lookup by primary key whatever the filters are, so a
    rare search term never sends the database scanning the newest orders for rows that are not
    there). Past the cap the total reads ``1000+`` (``count_label``) and the pages go on for as
    long as there are rows, each asking for one row more than it shows to know if another
    follows, up to ``max_offset`` rows deep (past that the filters narrow the list instead).
    """

    def __init__(
        self, object_list: Any, per_page: int, *, cap: int = 1000, max_offset: int = 100_000
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.max_offset = max_offset

    @cached_property
    def keys(self) -> list[Any] | None:
        rows: Any = self.object_list
        if not hasattr(rows, "values_list"):
            return None
        return list(rows.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        if self.keys is None:
            return min(len(self.object_list), self.cap + 1)
        return len(self.keys)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.capped else str(self.count)

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return int(super().validate_number(number))
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if value < 1 or (value - 1) * self.per_page > self.max_offset:
            raise EmptyPage(self.error_messages["no_results"])
        return value

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        if not self.capped:
            value = self.validate_number(number)
            rows: Any = self.object_list
            if self.keys is not None:
                rows = rows.filter(pk__in=self.keys)
            bottom = (value - 1) * self.per_page
            return Page(rows[bottom : bottom + self.per_page], value, self)
        value = self.validate_number(number)
        bottom = (value - 1) * self.per_page
        found = self.rows(bottom, self.per_page + 1)
        if not found:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(found[: self.per_page], value, self, has_more=len(found) > self.per_page)

    def rows(self, start: int, size: int) -> list[Any]:
        """Rows ``start`` to ``start + size`` of a list past the cap, in its order. A subclass that
        knows the order can find them faster than OFFSET … LIMIT on the whole list."""
        return list(self.object_list[start : start + size])

    def get_page(self, number: Any) -> Page:  # type: ignore[type-arg]
        if not self.capped:
            return super().get_page(number)
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)


def paginate(
    request: HttpRequest,
    queryset: Any,
    per_page: int,
    *,
    count_cap: int | None = None,
    paginator: type[Paginator] | None = None,  # type: ignore[type-arg]
) -> tuple[Page[Any], str]:
    """The requested page and the query string to prefix page links with (includes/pagination.html).

    With ``count_cap`` the list is counted only that far (CappedPaginator): for lists that can
    hold a million rows, where an exact COUNT would cost more than the page itself. A list may
    bring its own ``paginator`` class.
    """
    if paginator is not None:
        pages = paginator(queryset, per_page)
    elif count_cap is not None:
        pages = CappedPaginator(queryset, per_page, cap=count_cap)
    else:
        pages = Paginator(queryset, per_page)
    page = pages.get_page(request.GET.get("page"))
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
