"""System-admin pages for users, roles and account security. (Being written.)"""
from django.http import HttpRequest, HttpResponse


def user_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_reset_password(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_reveal_phone(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def membership_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def membership_remove(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def role_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def role_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def security(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def user_unlock(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError

