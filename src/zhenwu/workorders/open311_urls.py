"""Open311 GeoReport v2 endpoints (mounted at /open311/v2/).

``staff_urlpatterns`` holds the staff page that registers applications and issues api_keys; it is
meant to be included by the lead under ``workorders/open311/apps/`` (not under the public API).
"""

from django.urls import path, re_path

from zhenwu.workorders import open311, open311_apps

FMT = r"(?P<fmt>[^/.]+)"

urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", open311.discovery, name="open311_discovery"),
    re_path(rf"^services\.{FMT}$", open311.services, name="open311_services"),
    re_path(rf"^services/(?P<code>[^/]+)\.{FMT}$", open311.service_definition, name="open311_service"),
    re_path(rf"^requests\.{FMT}$", open311.requests_, name="open311_requests"),
    re_path(rf"^requests/(?P<number>[^/]+)\.{FMT}$", open311.request_detail, name="open311_request"),
    # The community swagger.json spells the single-request path in the singular and answers it
    # with one object instead of the spec's one-element list: served as it describes.
    re_path(rf"^request/(?P<number>[^/]+)\.{FMT}$", open311.request_single, name="open311_request_single"),
    # The `open311` client (PyPI 1.1) asks for a definition at service/{code}: served the same.
    re_path(
        rf"^service/(?P<code>[^/]+)\.{FMT}$", open311.service_definition, name="open311_service_singular"
    ),
    re_path(rf"^tokens/(?P<token>[^/]+)\.{FMT}$", open311.token_detail, name="open311_token"),
    # Anything else under /open311/v2/ (a missing .json/.xml, an unknown endpoint) answers in the
    # API's own error format, not with the site's HTML 404 page.
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="open311_not_found"),
]

staff_urlpatterns = [
    path("workorders/open311/apps/", open311_apps.app_list, name="open311_apps"),
    path(
        "workorders/open311/apps/<int:pk>/<str:action>/", open311_apps.app_action, name="open311_app_action"
    ),
]
