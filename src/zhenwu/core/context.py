"""The current request's who/where, carried in a ContextVar so services can audit without a request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


current_request: ContextVar[RequestContext] = ContextVar("zhenwu_request", default=RequestContext())  # noqa: B039 - frozen
