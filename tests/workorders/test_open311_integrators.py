"""Issue 16: Open311 that city integrators can rely on.

Each section reproduces one numbered item of the issue: XML that stays well-formed whatever was
submitted, a changeset that changes, filters as the spec reads them, errors in the API's own
format everywhere under /open311/v2/, and what an integrator expects (CORS, a bounding area, a
foreign phone number, plain text with < and >).
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.testing import login
from zhenwu.workorders.models import Open311App, WorkOrder

from .test_open311_api import BASE, KEY, as_json, as_xml, assert_error, post

pytestmark = pytest.mark.django_db

# Characters XML 1.0 does not allow (Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | ...).
ILLEGAL = ["\x0b", "\x1b", "\x01", "\ufffe", "\x0c", "\x7f\x08", "\uffff"]


@pytest.fixture
def app(db: Any) -> Open311App:
    return Open311App.objects.create(name="随手拍", api_key=KEY)


# ---------------------------------------------------------------- 1. XML stays well-formed


def _parse_all(client: Client, numbers: list[str]) -> ET.Element:
    """requests.xml (the default 90-day list) and each requests/{id}.xml parse with an XML parser."""
    for number in numbers:
        one = client.get(f"{BASE}/requests/{number}.xml")
        assert one.status_code == 200
        ET.fromstring(one.content)  # raises ParseError on an illegal character
        ET.fromstring(client.get(f"{BASE}/request/{number}.xml").content)
    listed = client.get(f"{BASE}/requests.xml")
    assert listed.status_code == 200
    root = ET.fromstring(listed.content)
    assert {r.findtext("service_request_id") for r in root.findall("request")} >= set(numbers)
    return root


def _clean(text: str) -> bool:
    return not any(ch in text for ch in "".join(ILLEGAL))


@pytest.mark.parametrize("char", ILLEGAL)
def test_open311_posts_with_xml_illegal_characters_keep_the_xml_well_formed(
    client: Client, cats: Any, app: Any, char: str
) -> None:
    body = as_json(post(client, description=f"路灯{char}不亮", address_string=f"丫河村{char}12 号"))
    order = WorkOrder.objects.get(number=body[0]["service_request_id"])
    assert _clean(order.description) and _clean(order.address)
    assert "路灯" in order.description and "不亮" in order.description  # the text itself is kept
    root = _parse_all(client, [order.number])
    item = root.find(f"request[service_request_id='{order.number}']")
    assert item is not None and _clean(item.findtext("description") or "")
    # The POST answered in XML is well-formed too.
    ET.fromstring(post(client, "xml", description=f"井盖{char}缺失").content)


def test_h5_and_staff_intake_strip_xml_illegal_characters(client: Client, cats: Any, cast: Any) -> None:
    numbers = []
    for i, char in enumerate(ILLEGAL):
        response = client.post(
            reverse("workorders:h5_submit"),
            {
                "category": cats["light"].pk,
                "description": f"路灯{char}不亮三天了",
                "address": f"丫河村{char}村口",
                "reporter_name": f"王{char}女士",
                "reporter_phone": "13912345678",
                "client_token": f"h5-{i}",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    staff = login(Client(), cast.operator)
    for i, char in enumerate(ILLEGAL):
        response = staff.post(
            reverse("workorders:intake"),
            {
                "channel": "web",
                "category": cats["light"].pk,
                "description": f"网上反映{char}路灯不亮",
                "urgency": "normal",
                "address": f"卢家巷{char}",
                "reporter_phone": "13912345678",
                "client_token": f"staff-{i}",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    orders = list(WorkOrder.objects.all())
    assert len(orders) == 2 * len(ILLEGAL)
    for order in orders:
        assert _clean(order.description) and _clean(order.address) and _clean(order.reporter_name)
        numbers.append(order.number)
    _parse_all(client, numbers)


def test_the_xml_renderer_strips_what_is_already_stored(client: Client, cats: Any, app: Any) -> None:
    """Orders stored before intake was fixed (or written around the service) still render."""
    body = as_json(post(client))
    WorkOrder.objects.filter(number=body[0]["service_request_id"]).update(
        description="旧数据\x0b含\x1b控制\x01字符\ufffe", address="地址\x0c"
    )
    root = _parse_all(client, [body[0]["service_request_id"]])
    assert root.findtext("request/description") == "旧数据 含控制字符"
    assert root.findtext("request/address") == "地址 "


def test_notes_and_replies_strip_xml_illegal_characters(cats: Any, cast: Any) -> None:
    from zhenwu.workorders.services import workorder_create, workorder_transition

    order = workorder_create(
        actor=cast.operator, channel="phone", category=cats["light"], description="路灯不亮"
    )
    order = workorder_transition(
        actor=cast.operator, order=order, action="answer", note="已答复\x1b，谢谢\x0b。"
    )
    assert order.reply == "已答复，谢谢 。"


# ---------------------------------------------------------------- 3. repeated filters


@pytest.fixture
def three(client: Client, cats: Any, app: Any) -> dict[str, str]:
    from zhenwu.workorders.choices import Status

    light = as_json(post(client))[0]["service_request_id"]
    noise = as_json(post(client, service_code="ecology.noise", **{"attribute[period]": "day"}))[0][
        "service_request_id"
    ]
    closed = as_json(post(client))[0]["service_request_id"]
    WorkOrder.objects.filter(number=closed).update(status=Status.CLOSED)
    return {"light": light, "noise": noise, "closed": closed}


def _ids(client: Client, query: str) -> set[str]:
    return {r["service_request_id"] for r in as_json(client.get(f"{BASE}/requests.json?{query}"))}


def test_filters_declared_several_times_are_all_applied(client: Client, three: dict[str, str]) -> None:
    everything = set(three.values())
    assert _ids(client, "status=open&status=closed") == everything
    assert _ids(client, "status=open,closed") == everything
    assert _ids(client, "status=closed&status=closed") == {three["closed"]}
    assert _ids(client, "service_code=ecology.noise&service_code=municipal.streetlight") == everything
    assert _ids(client, "service_code=ecology.noise,municipal.streetlight&status=open") == {
        three["light"],
        three["noise"],
    }
    assert _ids(client, f"service_request_id={three['light']}&service_request_id={three['noise']}") == {
        three["light"],
        three["noise"],
    }
    assert_error(client.get(f"{BASE}/requests.json?status=open&status=pending"), 400, contains="status")


# ---------------------------------------------------------------- 2. the changeset changes


def _changeset(client: Client) -> str:
    body = as_json(client.get(f"{BASE}/discovery.json"))
    assert body["changeset"] == body["endpoints"][0]["changeset"]
    xml = as_xml(client.get(f"{BASE}/discovery.xml"))
    assert xml.findtext("changeset") == body["changeset"]
    return str(body["changeset"])


def test_the_changeset_moves_when_a_category_its_attributes_or_the_settings_change(
    client: Client, cats: Any, settings: Any
) -> None:
    from datetime import datetime, timedelta

    import time_machine
    from django.utils import timezone

    from zhenwu.core.actors import SYSTEM
    from zhenwu.workorders.services import category_save

    first = _changeset(client)
    assert _changeset(client) == first  # nothing changed, nothing moves
    later = timezone.now() + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        assert _changeset(client) == first
        category_save(
            actor=SYSTEM,
            code="ecology.noise",
            name="噪声扰民（含夜间施工）",
            time_limit_days=3,
            extra_fields=cats["noise"].extra_fields,
        )
        moved = _changeset(client)
    assert moved != first
    assert datetime.fromisoformat(moved) == later.replace(microsecond=0)
    assert datetime.fromisoformat(moved) > datetime.fromisoformat(first)

    fields = [dict(f) for f in cats["noise"].extra_fields]
    fields[0]["values"] = [*fields[0]["values"], {"key": "dawn", "name": "凌晨"}]
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        category_save(
            actor=SYSTEM,
            code="ecology.noise",
            name="噪声扰民（含夜间施工）",
            time_limit_days=3,
            extra_fields=fields,
        )
        attrs = _changeset(client)
    assert datetime.fromisoformat(attrs) > datetime.fromisoformat(moved)

    settings.ZHENWU_OPEN311_BOUNDS = (31.0, 119.0, 32.0, 120.5)
    with time_machine.travel(later + timedelta(hours=3), tick=False):
        endpoint = _changeset(client)
    assert datetime.fromisoformat(endpoint) > datetime.fromisoformat(attrs)


# ---------------------------------------------------------------- 4. errors in the API's own format


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("nope.json", "json"),
        ("nope.xml", "xml"),
        ("services", "json"),  # the format suffix is missing
        ("requests", "json"),
        ("", "json"),
        ("services.json/", "json"),
        ("requests/NT-20261128-0001/extra.xml", "xml"),
        ("services/a/b.xml", "xml"),
    ],
)
def test_unknown_paths_and_a_missing_format_answer_an_error_list(client: Client, path: str, fmt: str) -> None:
    text = assert_error(client.get(f"{BASE}/{path}"), 404, fmt)
    assert ".json" in text or "不存在" in text


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "services", "GET"),
        ("put", "requests", "POST"),
        ("post", "discovery", "GET"),
        ("patch", "requests/NT-20261128-0001", "GET"),
    ],
)
def test_a_wrong_method_is_405_in_the_error_list(
    client: Client, fmt: str, method: str, path: str, allowed: str
) -> None:
    response = getattr(client, method)(f"{BASE}/{path}.{fmt}")
    assert_error(response, 405, fmt, method.upper())
    assert allowed in response["Allow"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_database_outage_on_reads_is_503_in_the_error_list(client: Client, cats: Any, fmt: str) -> None:
    from unittest import mock

    from django.db import OperationalError

    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("connection refused")
    ):
        for path in ("discovery", "services", "services/ecology.noise", "requests", "requests/NT-1"):
            response = client.get(f"{BASE}/{path}.{fmt}")
            assert_error(response, 503, fmt, "稍后")
            assert response["Retry-After"] == "30"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unexpected_failure_is_500_in_the_error_list(client: Client, cats: Any, fmt: str) -> None:
    from unittest import mock

    with mock.patch("zhenwu.workorders.open311.public_services", side_effect=RuntimeError("bug")):
        assert_error(client.get(f"{BASE}/services.{fmt}"), 500, fmt, "内部错误")


# ---------------------------------------------------------------- 5. integrator expectations


def test_get_endpoints_carry_cors_headers_for_the_configured_origins(
    client: Client, cats: Any, app: Any, settings: Any
) -> None:
    origin = {"Origin": "https://map.example.org"}
    response = client.get(f"{BASE}/requests.json", headers=origin)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"  # the default
    assert client.get(f"{BASE}/services.xml", headers=origin)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in post(client, headers=origin)  # writes are not shared

    settings.ZHENWU_OPEN311_CORS_ORIGINS = ["https://map.example.org"]
    response = client.get(f"{BASE}/services.json", headers=origin)
    assert response["Access-Control-Allow-Origin"] == "https://map.example.org"
    assert "Origin" in response["Vary"]
    other = client.get(f"{BASE}/services.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other
    settings.ZHENWU_OPEN311_CORS_ORIGINS = []
    assert "Access-Control-Allow-Origin" not in client.get(f"{BASE}/services.json", headers=origin)


@pytest.mark.parametrize(
    "path", ["discovery", "services", "services/ecology.noise", "requests", "requests/X-1"]
)
def test_options_is_answered_for_a_browser_preflight(client: Client, cats: Any, path: str) -> None:
    response = client.options(
        f"{BASE}/{path}.json",
        headers={"Origin": "https://map.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert "GET" in response["Allow"] and "OPTIONS" in response["Allow"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("lat", "long"), [("0", "0"), ("39.9042", "116.4074"), ("31.7321", "121.0")])
def test_a_location_outside_the_town_is_refused(
    client: Client, cats: Any, app: Any, fmt: str, lat: str, long: str
) -> None:
    text = assert_error(post(client, fmt, lat=lat, long=long), 400, fmt, "范围")
    assert "31.65" in text and "120.0" in text  # the description says which area is accepted
    assert not WorkOrder.objects.exists()


def test_the_bounding_area_is_configurable(client: Client, cats: Any, app: Any, settings: Any) -> None:
    settings.ZHENWU_OPEN311_BOUNDS = (-1.0, -1.0, 1.0, 1.0)
    assert post(client, lat="0", long="0").status_code == 200
    assert_error(post(client), 400, contains="范围")


@pytest.mark.parametrize("phone", ["555-5555", "+1 202 555 0100", "12345", "call me"])
def test_a_foreign_or_malformed_phone_is_ignored_with_a_note(
    client: Client, cats: Any, app: Any, phone: str
) -> None:
    body = as_json(post(client, phone=phone))
    order = WorkOrder.objects.get(number=body[0]["service_request_id"])
    assert order.reporter_phone == ""
    assert "phone" in body[0]["service_notice"] and "未保存" in body[0]["service_notice"]
    assert phone not in body[0]["service_notice"]  # a number is not echoed back


def test_a_mainland_phone_with_the_country_code_is_kept(client: Client, cats: Any, app: Any) -> None:
    body = as_json(post(client, phone="+86 139 1234 5678"))
    assert WorkOrder.objects.get(number=body[0]["service_request_id"]).reporter_phone == "13912345678"
    assert "未保存" not in body[0]["service_notice"]


@pytest.mark.parametrize(
    "text", ["a < b 且 c > d", "水位<5米，但>3米", "1<2", "温度 <= 0 度 > 结冰", "<<警告>>"]
)
def test_plain_text_with_angle_brackets_is_accepted(client: Client, cats: Any, app: Any, text: str) -> None:
    body = as_json(post(client, description=text))
    assert WorkOrder.objects.get(number=body[0]["service_request_id"]).description == text
    root = as_xml(client.get(f"{BASE}/requests/{body[0]['service_request_id']}.xml"))
    assert root.findtext("request/description") == text


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "看<a href='x'>这里</a>",
        "<img src=x onerror=alert(1)>",
        "粗<b>体",
        "</div>",
    ],
)
def test_real_tags_stay_refused(client: Client, cats: Any, app: Any, text: str) -> None:
    assert_error(post(client, description=text), 400, contains="HTML")


@pytest.mark.parametrize("channel", ["phone", "on_air", "sms", "inspector"])
def test_internal_channels_never_appear_as_documented(
    client: Client, cats: Any, cast: Any, channel: str
) -> None:
    from zhenwu.workorders.services import workorder_create

    actor = cast.operator  # the operator registers every internal channel, inspectors' finds included
    order = workorder_create(
        actor=actor, channel=channel, category=cats["light"], description="内部渠道的诉求"
    )
    assert_error(client.get(f"{BASE}/requests/{order.number}.json"), 404)
    assert order.number not in {r["service_request_id"] for r in as_json(client.get(f"{BASE}/requests.json"))}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_singular_service_path_of_the_open311_client_is_served(
    client: Client, cats: Any, fmt: str
) -> None:
    """The `open311` client (PyPI 1.1) asks for service/{code} instead of the spec's services/{code}."""
    assert client.get(f"{BASE}/service/ecology.noise.{fmt}").content == (
        client.get(f"{BASE}/services/ecology.noise.{fmt}").content
    )
    assert_error(client.get(f"{BASE}/service/nope.{fmt}"), 404, fmt, "service_code")


@pytest.mark.parametrize("channel", ["phone", "on_air", "sms", "inspector", "web", "h5", "open311"])
def test_every_channel_goes_through_the_one_intake_that_strips(cats: Any, cast: Any, channel: str) -> None:
    """Hotline (on_air, via hotline.workorder_link), SMS import and the rest all call workorder_create."""
    from zhenwu.workorders.services import workorder_create

    order = workorder_create(
        actor=cast.operator,
        channel=channel,
        category=cats["noise"],
        description="夜间\x1b施工\ufffe噪声",
        address="卢家巷\x0c",
        reporter_name="李\x01先生",
        reporter_phone="13912345678",
        title="噪声\x0b投诉",
        extra={"period": "night"},
    )
    order.refresh_from_db()
    assert (order.description, order.address, order.reporter_name, order.title) == (
        "夜间施工噪声",
        "卢家巷",
        "李先生",
        "噪声 投诉",
    )
