"""Issue 16, item 6: an independently written Open311 client against the live test server.

`georeport` (PyPI, a dev extra) reads services, a service definition, the request list and one
request by id, in JSON and in XML (it parses XML with xmltodict). It cannot post, so the orders
are posted with `requests` the way a city app would, one of them with characters XML 1.0 forbids.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from georeport import GeoReport

from zhenwu.workorders.choices import Status
from zhenwu.workorders.models import Open311App, WorkOrder

KEY = "georeport-client-key-cccccccccccccccc"

pytestmark = pytest.mark.django_db(transaction=True)


def _items(value: Any) -> list[dict[str, Any]]:
    """xmltodict gives a dict for one element and a list for several."""
    return value if isinstance(value, list) else [value]


@pytest.fixture
def site(live_server: Any, cats: dict[str, Any]) -> dict[str, Any]:
    Open311App.objects.create(name="georeport", api_key=KEY)
    root = f"{live_server.url}/open311/v2"
    numbers = []
    for fields in (
        {
            "service_code": "municipal.streetlight",
            "description": "村口路灯不亮\x0b\x1b",
            "lat": "31.73",
            "long": "119.89",
        },
        {"service_code": "ecology.noise", "attribute[period]": "night", "address_string": "卢家巷\x0c菜场"},
    ):
        response = requests.post(f"{root}/requests.json", data={"api_key": KEY, **fields}, timeout=10)
        assert response.status_code == 200, response.text
        numbers.append(response.json()[0]["service_request_id"])
    WorkOrder.objects.filter(number=numbers[1]).update(status=Status.CLOSED)
    return {"root": root, "light": numbers[0], "noise": numbers[1]}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(site: dict[str, Any], fmt: str) -> None:
    client = GeoReport(site["root"], output_format=fmt)

    services = {s["service_code"]: s for s in _items(client.get_service_list())}
    assert set(services) == {"municipal.streetlight", "ecology.noise"}
    assert services["municipal.streetlight"]["service_name"] == "路灯/市政设施"
    assert str(services["ecology.noise"]["metadata"]).lower() == "true"

    definition = client.get_service_definition("ecology.noise")
    assert definition["service_code"] == "ecology.noise"
    attributes = definition["attributes"]
    attribute = attributes[0] if fmt == "json" else attributes["attribute"]
    assert attribute["code"] == "period"
    values = attribute["values"] if fmt == "json" else _items(attribute["values"]["value"])
    assert [v["key"] for v in values] == ["day", "night"]

    listed = {r["service_request_id"]: r for r in _items(client.get_service_requests())}
    assert set(listed) == {site["light"], site["noise"]}
    assert listed[site["light"]]["description"] == "村口路灯不亮"  # the control characters are gone
    assert listed[site["noise"]]["status"] == "closed"
    assert {r["service_request_id"] for r in _items(client.get_service_requests(status="open"))} == {
        site["light"]
    }
    both = client.get_service_requests(service_request_id=f"{site['light']},{site['noise']}")
    assert len(_items(both)) == 2
    by_code = _items(client.get_service_requests(service_code="ecology.noise"))
    assert [r["service_request_id"] for r in by_code] == [site["noise"]]

    one = client.get_service_request(site["noise"])
    assert one["service_request_id"] == site["noise"] and one["service_code"] == "ecology.noise"
    assert one["address"] == "卢家巷 菜场"


def test_georeport_sees_an_error_as_an_http_error(site: dict[str, Any]) -> None:
    client = GeoReport(site["root"])
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_definition("nope")
    assert caught.value.response.status_code == 404
    assert caught.value.response.json()[0]["code"] == 404
