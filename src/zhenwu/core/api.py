from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zhenwu.core.errors import DomainError, NotFoundError, PermissionDeniedError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        status = (
            404 if isinstance(exc, NotFoundError) else 403 if isinstance(exc, PermissionDeniedError) else 400
        )
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status)
    return drf_exception_handler(exc, context)
