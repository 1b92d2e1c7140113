"""Open311 GeoReport v2 endpoints (mounted at /open311/v2/)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
