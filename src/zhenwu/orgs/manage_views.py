"""(Being written.)"""
from django.http import HttpRequest, HttpResponse


def unit_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def unit_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def unit_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def unit_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError

