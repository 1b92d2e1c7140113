"""(Being written.)"""
from django.http import HttpRequest, HttpResponse


def calendar(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def calendar_year_add(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def calendar_day_set(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def healthz(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError

