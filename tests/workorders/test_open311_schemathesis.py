"""schemathesis (v4) against the Open311 community swagger.json, calling zhenwu's WSGI app in process.

Every generated case must pass two checks: ``not_a_server_error`` (no 5xx, whatever the input) and
``response_schema_conformance`` (a documented status answers with the documented shape).

The official swagger.json (copied unchanged to open311_schemas/) has quirks; this test adapts the
loaded copy in memory as follows, and only so:

1. ``basePath`` is set to ``/open311/v2`` (the file names no server), and the shared
   ``response_format`` path parameter gets ``enum: [json, xml]``: the file types it as any string,
   so nearly every generated case would only test the 404 for an unknown format.
2. Swagger 2.0 has no ``null``, yet the GeoReport v2 spec and the community's own JSON schemas
   (request.json, service.json, service-definition.json) allow null for every optional field
   (``zipcode``, ``media_url``, ``account_id``, ``datatype_description`` ...). Optional properties
   of Request, RequestResponse, Service and ServiceAttribute get ``x-nullable: true`` (the Swagger
   2.0 vendor keyword schemathesis understands). Without this, response_schema_conformance fails on
   every request without a photo, which is a defect of the description, not of the server.
3. The swagger spells the single-request path ``/request/{id}`` (singular) and describes its answer
   as one object, while the spec's ``/requests/{id}`` answers a one-element list. zhenwu serves both
   as described, so no adaptation is needed there; ``/requests/{id}`` is covered by
   test_open311_api.py against the community JSON schema (requests.json).
4. ``POST /requests`` declares its fields ``in: query`` although the spec posts them form-encoded;
   zhenwu accepts both, so the generated query strings are exercised as they are.

``api_key`` is added to every POST (the swagger declares it as an apiKey security scheme), and half
of the POST cases get a real service_code and a valid location so the 200 path is reached too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from zhenwu.workorders.models import Open311App, WorkOrder
from zhenwu.workorders.services import workorder_create

SWAGGER = Path(__file__).parent / "open311_schemas" / "swagger.json"
KEY = "schemathesis-key-cccccccccccccccc"
NULLABLE_IN = ["Request", "RequestResponse", "Service", "ServiceAttribute"]


def adapted_swagger() -> dict[str, Any]:
    doc = json.loads(SWAGGER.read_text())
    doc["basePath"] = "/open311/v2"
    doc["parameters"]["response_format"]["enum"] = ["json", "xml"]
    for name in NULLABLE_IN:
        definition = doc["definitions"][name]
        for prop, spec in definition["properties"].items():
            if prop not in definition.get("required", []):
                spec["x-nullable"] = True
    return doc


schema = schemathesis.openapi.from_dict(adapted_swagger())
schema.app = WSGIHandler()


@pytest.fixture
def open311_data(cats: dict[str, Any], cast: Any) -> Any:
    Open311App.objects.create(name="schemathesis", api_key=KEY)
    # Orders to find: one without photo, lead unit or deadline (null fields), one closed.
    first = workorder_create(
        actor=None, channel="open311", category=cats["light"], description="路灯不亮。", address="丫河村"
    )
    closed = workorder_create(
        actor=None,
        channel="h5",
        category=cats["noise"],
        description="夜间噪声。",
        lat="31.7",
        long="119.9",
        reporter_phone="13912345678",
        extra={"period": "night"},
    )
    WorkOrder.objects.filter(pk=closed.pk).update(status="closed", lead_unit=cast.yahe)
    assert first.pk
    # The WSGI app runs in this thread inside the test's transaction: keep Django from closing
    # that connection at the end of each request (what django.test.Client does as well).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_open311_conforms_to_the_community_swagger(case: Any, open311_data: Any) -> None:
    if case.method.upper() == "POST":
        query = dict(case.query or {})
        query["api_key"] = KEY
        if len(str(query.get("service_code", ""))) % 2 == 0:
            query.update(service_code="municipal.streetlight", lat="31.73", long="119.89")
        case.query = query
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


def test_the_adapted_swagger_still_describes_the_same_api() -> None:
    original = json.loads(SWAGGER.read_text())
    adapted = adapted_swagger()
    assert adapted["paths"] == original["paths"]
    assert adapted["definitions"]["Request"]["required"] == original["definitions"]["Request"]["required"]
    assert adapted["definitions"]["Request"]["properties"]["zipcode"]["x-nullable"] is True
    assert "x-nullable" not in adapted["definitions"]["Request"]["properties"]["service_request_id"]


@pytest.mark.django_db
def test_schemathesis_reaches_the_create_path(cats: dict[str, Any], cast: Any) -> None:
    """A sanity check of the harness: a conforming POST case really creates an order."""
    Open311App.objects.create(name="schemathesis", api_key=KEY)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        operation = schema["/requests.{response_format}"]["POST"]
        case = operation.Case(
            path_parameters={"response_format": "json"},
            query={
                "jurisdiction_id": "niutang",
                "service_code": "municipal.streetlight",
                "lat": 31.73,
                "long": 119.89,
                "api_key": KEY,
            },
        )
        response = case.call()
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert response.status_code == 200
    number = response.json()[0]["service_request_id"]
    assert WorkOrder.objects.filter(number=number, channel="open311").exists()
