"""(Being written.)"""
from django.http import HttpRequest, HttpResponse


def event_list(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_export(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def chain_verify(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def event_detail(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError


def login_list(request: HttpRequest, pk: int = 0, year: int = 0) -> HttpResponse:
    raise NotImplementedError

