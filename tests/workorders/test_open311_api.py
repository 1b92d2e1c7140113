"""Open311 GeoReport v2: every endpoint in json (validated against the community schemas) and xml."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from zhenwu.audit.models import AuditEvent
from zhenwu.core.actors import SYSTEM
from zhenwu.orgs.models import Unit
from zhenwu.workorders.choices import Channel, Status
from zhenwu.workorders.models import Open311App, WorkOrder

SCHEMAS = Path(__file__).parent / "open311_schemas"
KEY = "test-open311-key-aaaaaaaaaaaaaaaa"
BASE = "/open311/v2"


def _schema_validator(name: str) -> jsonschema.Draft7Validator:
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT7))
        for p in SCHEMAS.glob("*.json")
        if p.name != "swagger.json"
    ]
    registry: Registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    return jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def conforms(data: Any, schema: str) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _schema_validator(schema).iter_errors(data)]
    assert not errors, errors


def as_json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def as_xml(response: Any, status: int = 200) -> ET.Element:
    assert response.status_code == status, response.content.decode()[:500]
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def assert_error(response: Any, status: int, fmt: str = "json", contains: str = "") -> str:
    if fmt == "json":
        body = as_json(response, status)
        assert isinstance(body, list) and len(body) == 1
        assert body[0]["code"] == status and isinstance(body[0]["description"], str)
        text = body[0]["description"]
    else:
        root = as_xml(response, status)
        assert root.tag == "errors" and root[0].tag == "error"
        assert root.findtext("error/code") == str(status)
        text = root.findtext("error/description") or ""
    assert text and contains in text, text
    return text


@pytest.fixture
def app(db: Any) -> Open311App:
    return Open311App.objects.create(name="随手拍", api_key=KEY)


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)  # the API is csrf-exempt: prove it


def post(client: Client, fmt: str = "json", headers: dict[str, str] | None = None, **data: Any) -> Any:
    fields = {
        "api_key": KEY,
        "service_code": "municipal.streetlight",
        "lat": "31.7321",
        "long": "119.8902",
        "description": "丫河村村口路灯不亮，晚上很黑。",
    }
    fields.update(data)
    fields = {k: v for k, v in fields.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", fields, headers=headers or {})


# ---------------------------------------------------------------- discovery and services


@pytest.mark.django_db
def test_discovery_in_both_formats(client: Client) -> None:
    body = as_json(client.get(f"{BASE}/discovery.json"))
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    root = as_xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_lists_active_leaves_with_their_group(client: Client, cats: dict[str, Any]) -> None:
    from zhenwu.workorders.services import category_save

    category_save(actor=SYSTEM, code="old", name="停用分类", is_active=False)
    body = as_json(client.get(f"{BASE}/services.json"))
    conforms(body, "services.json")
    by_code = {s["service_code"]: s for s in body}
    assert set(by_code) == {"municipal.streetlight", "ecology.noise"}  # not the group, not the inactive one
    assert by_code["municipal.streetlight"]["group"] == "市政设施"
    assert by_code["municipal.streetlight"]["metadata"] is False
    assert by_code["ecology.noise"]["metadata"] is True
    assert all(s["type"] == "realtime" for s in body)

    root = as_xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert sorted(s.findtext("service_code") for s in root.findall("service")) == sorted(by_code)
    assert root.find("service[service_code='ecology.noise']/metadata").text == "true"  # type: ignore[union-attr]


def test_service_definition_from_extra_fields(client: Client, cats: dict[str, Any]) -> None:
    body = as_json(client.get(f"{BASE}/services/ecology.noise.json"))
    conforms(body, "service-definition.json")
    assert body["service_code"] == "ecology.noise"
    [attr] = body["attributes"]
    assert attr["code"] == "period" and attr["datatype"] == "singlevaluelist"
    assert attr["required"] is True and attr["variable"] is True and attr["order"] == 1
    assert attr["values"] == [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间"}]

    root = as_xml(client.get(f"{BASE}/services/ecology.noise.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "period"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == ["day", "night"]

    plain = as_json(client.get(f"{BASE}/services/municipal.streetlight.json"))
    conforms(plain, "service-definition.json")
    assert plain["attributes"] == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("code", ["nope", "municipal"])  # unknown, and a group that is no service
def test_unknown_service_code_is_404(client: Client, cats: dict[str, Any], fmt: str, code: str) -> None:
    assert_error(client.get(f"{BASE}/services/{code}.{fmt}"), 404, fmt, "service_code")


@pytest.mark.django_db
def test_unknown_format_is_404_with_error_list(client: Client) -> None:
    assert_error(client.get(f"{BASE}/services.yaml"), 404, "json", ".json 或 .xml")


# ---------------------------------------------------------------- POST requests


def test_post_creates_an_order_through_the_service(client: Client, cats: dict[str, Any], app: Any) -> None:
    response = post(
        client,
        service_code="ecology.noise",
        **{"attribute[period]": "night"},
        first_name="三",
        last_name="张",
        phone="13912345678",
        address_string="丫河村 12 号",
        email="a@example.com",
        device_id="dev-1",
    )
    body = as_json(response)
    assert len(body) == 1 and body[0]["account_id"] is None
    order = WorkOrder.objects.get(number=body[0]["service_request_id"])
    assert body[0]["service_notice"] and order.number in body[0]["service_notice"]
    assert order.channel == Channel.OPEN311 and order.open311_app == app
    assert order.status == Status.NEW and order.category == cats["noise"]
    assert order.extra == {"period": "night"}
    assert order.reporter_name == "张三" and order.reporter_phone == "13912345678"
    assert str(order.lat) == "31.732100" and order.address == "丫河村 12 号"
    assert AuditEvent.objects.filter(action="workorders.create", object_id=str(order.pk)).exists()


def test_post_in_xml(client: Client, cats: dict[str, Any], app: Any) -> None:
    root = as_xml(post(client, "xml", lat=None, long=None, address_string="卢家巷菜场门口"))
    assert root.tag == "service_requests" and root[0].tag == "request"
    number = root.findtext("request/service_request_id")
    assert WorkOrder.objects.filter(number=number, address="卢家巷菜场门口").exists()
    assert root.findtext("request/account_id") == ""


def test_post_accepts_address_id_alone(client: Client, cats: dict[str, Any], app: Any) -> None:
    body = as_json(post(client, lat=None, long=None, address_id="A-1024"))
    assert WorkOrder.objects.get(number=body[0]["service_request_id"]).address == "地址编号 A-1024"


def test_multivaluelist_attribute(client: Client, cats: dict[str, Any], app: Any) -> None:
    from zhenwu.workorders.services import category_save

    category_save(
        actor=SYSTEM,
        code="market.food",
        name="食品安全",
        extra_fields=[
            {
                "code": "kinds",
                "label": "问题类型",
                "datatype": "multivaluelist",
                "values": [{"key": "dirty", "name": "不卫生"}, {"key": "expired", "name": "过期"}],
            }
        ],
    )
    body = as_json(
        client.post(
            f"{BASE}/requests.json",
            {
                "api_key": KEY,
                "service_code": "market.food",
                "address_string": "菜场",
                "description": "熟食摊卫生差。",
                "attribute[kinds][]": ["dirty", "expired"],
            },
        )
    )
    assert WorkOrder.objects.get(number=body[0]["service_request_id"]).extra == {
        "kinds": ["dirty", "expired"]
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_needs_a_valid_active_api_key(client: Client, cats: dict[str, Any], app: Any, fmt: str) -> None:
    assert_error(post(client, fmt, api_key=None), 403, fmt, "api_key")
    assert_error(post(client, fmt, api_key="wrong"), 403, fmt, "api_key")
    app.is_active = False
    app.save()
    assert_error(post(client, fmt), 403, fmt, "api_key")
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_unknown_service_is_404(client: Client, cats: dict[str, Any], app: Any, fmt: str) -> None:
    assert_error(post(client, fmt, service_code="nope"), 404, fmt, "service_code")
    assert_error(post(client, fmt, service_code="municipal"), 404, fmt, "service_code")


@pytest.mark.parametrize(
    ("fields", "contains"),
    [
        ({"service_code": None}, "service_code"),
        ({"lat": "91"}, "纬度超出范围"),
        ({"long": "-181"}, "经度超出范围"),
        ({"lat": "abc"}, "纬度必须是数字"),
        ({"lat": "31.7", "long": None}, "lat"),
        ({"lat": None, "long": None}, "请提供位置"),
        ({"description": "很" * 4001}, "4000"),
        ({"description": "路灯坏了<script>alert(1)</script>"}, "HTML"),
        ({"service_code": "ecology.noise"}, "attribute[period]"),
        ({"service_code": "ecology.noise", "attribute[period]": "dawn"}, "选项无效"),
        # A foreign or malformed phone is not a 400: it is ignored with a note (test_open311_integrators).
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_400_with_a_chinese_reason(
    client: Client, cats: dict[str, Any], app: Any, fields: dict[str, Any], contains: str, fmt: str
) -> None:
    assert_error(post(client, fmt, **fields), 400, fmt, contains)
    assert not WorkOrder.objects.exists()


def test_idempotency_key_makes_one_order(client: Client, cats: dict[str, Any], app: Any) -> None:
    first = as_json(post(client, headers={"Idempotency-Key": "retry-1"}))
    again = as_json(post(client, headers={"Idempotency-Key": "retry-1"}))
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert WorkOrder.objects.count() == 1
    other = as_json(post(client, client_token="form-2"))
    assert other[0]["service_request_id"] != first[0]["service_request_id"]
    # Another application's identical key is another submission.
    Open311App.objects.create(name="另一个应用", api_key="second-key-bbbbbbbbbbbbbbbb")
    third = as_json(
        post(client, api_key="second-key-bbbbbbbbbbbbbbbb", headers={"Idempotency-Key": "retry-1"})
    )
    assert third[0]["service_request_id"] != first[0]["service_request_id"]
    assert WorkOrder.objects.count() == 3


def test_post_with_nul_character_is_400_not_a_crash(client: Client, cats: dict[str, Any], app: Any) -> None:
    assert_error(post(client, description="路灯\x00坏了"), 400, "json", "NUL")


# ---------------------------------------------------------------- GET requests


@pytest.fixture
def orders(client: Client, cats: dict[str, Any], app: Any, cast: Any) -> dict[str, WorkOrder]:
    def make(**kw: Any) -> WorkOrder:
        body = as_json(post(client, **kw))
        return WorkOrder.objects.get(number=body[0]["service_request_id"])

    light = make(phone="13912345678", first_name="三", last_name="张")
    noise = make(service_code="ecology.noise", **{"attribute[period]": "day"}, description="工地白天噪声大。")
    closed = make(description="已处理的旧问题。")
    deadline = timezone.now() + timedelta(days=3)
    WorkOrder.objects.filter(pk=light.pk).update(
        lead_unit=cast.yahe, status=Status.HANDLING, deadline=deadline
    )
    WorkOrder.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    old = make(description="半年前的诉求。")
    WorkOrder.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=180))
    secret = make(description="涉及个人隐私的保密诉求。", address_string="某小区 3 栋")
    WorkOrder.objects.filter(pk=secret.pk).update(confidential=True)
    return {k: WorkOrder.objects.get(pk=v.pk) for k, v in locals().items() if isinstance(v, WorkOrder)}


def test_get_requests_maps_orders_and_hides_the_reporter(
    client: Client, orders: dict[str, WorkOrder]
) -> None:
    response = client.get(f"{BASE}/requests.json")
    body = as_json(response)
    conforms(body, "requests.json")
    by_id = {r["service_request_id"]: r for r in body}
    assert orders["old"].number not in by_id  # default window: the last 90 days
    light = by_id[orders["light"].number]
    assert light["status"] == "open" and light["status_notes"] == "办理中"
    assert light["service_code"] == "municipal.streetlight" and light["service_name"] == "路灯/市政设施"
    assert light["agency_responsible"] == "丫河村"
    assert light["lat"] == pytest.approx(31.7321) and light["long"] == pytest.approx(119.8902)
    assert light["expected_datetime"] and light["zipcode"] is None and light["media_url"] is None
    assert by_id[orders["closed"].number]["status"] == "closed"
    assert by_id[orders["closed"].number]["status_notes"] == "已办结"
    secret = by_id[orders["secret"].number]
    assert secret["description"] is None and secret["address"] is None and secret["lat"] is None
    text = response.content.decode()
    assert "13912345678" not in text and "张三" not in text and "5678" not in text


def test_get_requests_filters(client: Client, orders: dict[str, WorkOrder]) -> None:
    def ids(query: str) -> set[str]:
        body = as_json(client.get(f"{BASE}/requests.json?{query}"))
        conforms(body, "requests.json")
        return {r["service_request_id"] for r in body}

    n = {k: v.number for k, v in orders.items()}
    assert ids("status=closed") == {n["closed"]}
    assert ids("status=open") == {n["light"], n["noise"], n["secret"]}
    assert ids("status=open,closed") == {n["light"], n["noise"], n["secret"], n["closed"]}
    assert ids("service_code=ecology.noise") == {n["noise"]}
    # service_request_id overrides every other argument, even the date window.
    assert ids(f"service_request_id={n['old']},{n['noise']}&status=closed") == {n["old"], n["noise"]}
    start = (timezone.now() - timedelta(days=200)).date().isoformat()
    end = (timezone.now() - timedelta(days=150)).date().isoformat()
    assert ids(f"start_date={start}T00:00:00Z&end_date={end}T00:00:00%2B08:00") == {n["old"]}
    assert ids(f"start_date={start}") == {n["old"]}  # an open end is start + 90 days
    assert len(ids("page_size=2")) == 2
    assert ids("page_size=2&page=3") == set()


@pytest.mark.parametrize(
    ("query", "contains"),
    [
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 天"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "不能晚于"),
        ("start_date=yesterday", "W3C"),
        ("start_date=2026-02-30T00:00:00Z", "W3C"),
        ("end_date=0001-01-01T00:00:00Z", "1900"),
        ("status=pending", "status"),
        ("page_size=5000", "page_size"),
        ("page=x", "page"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_bad_arguments_are_400(
    client: Client, db: Any, query: str, contains: str, fmt: str
) -> None:
    assert_error(client.get(f"{BASE}/requests.{fmt}?{query}"), 400, fmt, contains)


def test_get_requests_xml(client: Client, orders: dict[str, WorkOrder]) -> None:
    root = as_xml(client.get(f"{BASE}/requests.xml?status=open"))
    assert root.tag == "service_requests"
    assert {r.tag for r in root} == {"request"}
    light = root.find(f"request[service_request_id='{orders['light'].number}']")
    assert light is not None
    assert light.findtext("status") == "open" and light.findtext("agency_responsible") == "丫河村"
    assert light.findtext("zipcode") == ""


def test_get_one_request(client: Client, orders: dict[str, WorkOrder]) -> None:
    number = orders["light"].number
    body = as_json(client.get(f"{BASE}/requests/{number}.json"))
    conforms(body, "requests.json")
    assert [r["service_request_id"] for r in body] == [number]
    root = as_xml(client.get(f"{BASE}/requests/{number}.xml"))
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == number
    # The swagger's singular path answers with the object itself.
    single = as_json(client.get(f"{BASE}/request/{number}.json"))
    conforms(single, "request.json")
    assert single["service_request_id"] == number
    assert as_xml(client.get(f"{BASE}/request/{number}.xml")).tag == "request"
    # Old orders stay reachable by id.
    assert as_json(client.get(f"{BASE}/requests/{orders['old'].number}.json"))[0]["status"] == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_and_tokens_are_404(client: Client, db: Any, fmt: str) -> None:
    assert_error(client.get(f"{BASE}/requests/NT-19990101-0001.{fmt}"), 404, fmt, "service_request_id")
    assert_error(client.get(f"{BASE}/request/NT-19990101-0001.{fmt}"), 404, fmt, "service_request_id")
    assert_error(client.get(f"{BASE}/tokens/abc123.{fmt}"), 404, fmt, "token")


def test_media_url_is_the_first_photo(client: Client, orders: dict[str, WorkOrder], media: Any) -> None:
    from django.core.files.base import ContentFile

    from zhenwu.core.models import Attachment

    photo = Attachment.objects.create(
        file=ContentFile(b"\xff\xd8\xff fake", name="p.jpg"),
        original_name="p.jpg",
        content_type="image/jpeg",
        size=9,
        sha256="0" * 64,
    )
    orders["noise"].photos.add(photo)
    body = as_json(client.get(f"{BASE}/requests/{orders['noise'].number}.json"))
    conforms(body, "requests.json")
    assert body[0]["media_url"] == f"http://testserver/public/photos/{photo.pk}/"
    served = client.get(body[0]["media_url"])
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\xff\xd8\xff")


def test_reads_are_public_and_post_needs_no_session(client: Client, orders: dict[str, WorkOrder]) -> None:
    assert Unit.objects.exists()
    anonymous = Client()
    assert anonymous.get(f"{BASE}/requests.json").status_code == 200
    assert anonymous.get(f"{BASE}/services.json").status_code == 200


def test_orders_taken_by_phone_or_on_air_are_not_published(
    client: Client, orders: dict[str, WorkOrder], cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.workorders.services import workorder_create

    internal = workorder_create(
        actor=cast.operator, channel="on_air", category=cats["light"], description="直播中反映的问题"
    )
    assert as_json(client.get(f"{BASE}/requests/{internal.number}.json"), 404)
    listed = {r["service_request_id"] for r in as_json(client.get(f"{BASE}/requests.json"))}
    assert internal.number not in listed and orders["light"].number in listed
