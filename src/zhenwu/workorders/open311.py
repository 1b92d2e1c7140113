"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the work-order part.

Every endpoint answers in ``.json`` or ``.xml``. Reads are public and show no personal data of the
reporter; ``POST requests`` needs the ``api_key`` of an active registered application and creates
the order through ``services.workorder_create`` (channel Open311). Errors are always a list of
``{"code": <HTTP status>, "description": <Chinese text>}``.

Mapping of a work order to a GeoReport request:

- ``service_request_id`` = the order number; ``status`` = ``closed`` for 已办结/已并单/不予受理,
  else ``open``; ``status_notes`` = the Chinese status label;
- ``agency_responsible`` = the lead unit; ``expected_datetime`` = the handling deadline;
- ``media_url`` = the first photo; reporter name and phone never leave the server; confidential
  orders show neither description nor location.

Extensions: ``page`` / ``page_size`` on ``GET requests``; an ``Idempotency-Key`` header (or a
``client_token`` field) on ``POST requests`` makes a retried submission return the first order.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import re
import time as clock
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from zhenwu.core import crypto
from zhenwu.core.db import hot_cursor
from zhenwu.core.errors import DomainError
from zhenwu.core.models import Attachment
from zhenwu.core.pii import normalize_phone
from zhenwu.core.ratelimit import hit
from zhenwu.core.selectors import get_work_calendar
from zhenwu.core.text import xml_safe
from zhenwu.workorders.choices import CLOSED_STATES, Channel
from zhenwu.workorders.models import Category, Open311App, Open311Changeset, WorkOrder
from zhenwu.workorders.services import workorder_create

log = logging.getLogger("zhenwu.open311")
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
FIELD_LABELS = {
    "lat": "lat（纬度）",
    "long": "long（经度）",
    "description": "description（诉求内容）",
    "phone": "phone（电话）",
    "reporter_phone": "phone（电话）",
    "service_code": "service_code（服务编码）",
    "category": "service_code（服务编码）",
    "photos": "media（照片）",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


# ---------------------------------------------------------------- rendering


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # intake strips them too; this covers rows written before or around it


# Element names of list items in XML: the GeoReport v2 examples use these singular forms.
XML_ITEM = {
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_fill(parent: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        node = ET.SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                child = ET.SubElement(node, XML_ITEM.get(key, "item"))
                if isinstance(item, dict):
                    _xml_fill(child, item)
                else:
                    child.text = _xml_text(item)
        elif isinstance(value, dict):
            _xml_fill(node, value)
        else:
            node.text = _xml_text(value)


def render(fmt: str, data: Any, *, root: str, item: str = "", status: int = 200) -> HttpResponse:
    """A list (``item`` elements under ``root``) or a single object (``root`` itself) in json or xml."""
    if fmt == "xml":
        top = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                _xml_fill(ET.SubElement(top, item), entry)
        else:
            _xml_fill(top, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            top, encoding="utf-8", xml_declaration=False
        )
        return HttpResponse(body, content_type=FORMATS["xml"], status=status)
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FORMATS["json"], status=status)


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        fmt if fmt in FORMATS else "json",
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A browser app may read the public GET endpoints from the configured origins ("*": any)."""
    origin = request.headers.get("Origin", "")
    allowed = settings.ZHENWU_OPEN311_CORS_ORIGINS
    if not origin or request.method not in READ_METHODS:
        return response
    if "*" in allowed:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])
    else:
        return response
    response["Access-Control-Expose-Headers"] = "Retry-After"
    if request.method == "OPTIONS":
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
        response["Access-Control-Max-Age"] = "86400"
    return response


def fmt_of(path: str) -> str:
    """The format a client asked for by its path's suffix (json when it gave none)."""
    return "xml" if path.rstrip("/").lower().endswith(".xml") else "json"


def open311_view(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """An endpoint answering `methods` (OPTIONS always): checks the format suffix and the method,
    adds CORS headers to reads, and answers every failure in the spec's error list
    (Open311Error, 405, a database outage as 503, anything unexpected as 500)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            return _cors(request, _answer(request, view, methods, args, fmt, kwargs))

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped)

    return decorate


def _answer(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    methods: tuple[str, ...],
    args: tuple[Any, ...],
    fmt: str,
    kwargs: dict[str, Any],
) -> HttpResponse:
    if fmt not in FORMATS:
        return error_response("json", 404, f"不支持的响应格式“{fmt[:20]}”，请使用 .json 或 .xml。")
    allow = ", ".join([*methods, "OPTIONS"])
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = allow
        return response
    if request.method not in methods:
        response = error_response(
            fmt, 405, f"该地址不支持 {str(request.method)[:10]} 请求，可用的方法：{allow}。"
        )
        response["Allow"] = allow
        return response
    values = [*kwargs.values(), *request.GET.values()]
    if request.method == "POST":
        values += list(request.POST.values())
    if any("\x00" in str(v) for v in values):
        return error_response(fmt, 400, "参数中含有不允许的控制字符（NUL）。")
    try:
        return view(request, *args, fmt=fmt, **kwargs)
    except Open311Error as exc:
        response = error_response(fmt, exc.status, exc.description)
        if exc.retry_after is not None:
            response["Retry-After"] = str(exc.retry_after)
        return response
    except DatabaseError:
        log.exception("Open311: database unavailable")
        response = error_response(
            fmt, 503, "服务暂时不可用（数据库无法访问），请稍后重试；已提交的诉求不会丢失。"
        )
        response["Retry-After"] = "30"
        return response
    except Exception:
        log.exception("Open311: unexpected failure")
        return error_response(fmt, 500, "服务器内部错误，已记录，请稍后重试或联系镇政务服务中心。")


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every other path under /open311/v2/: the error list, in the format its suffix asks for."""
    fmt = fmt_of(request.path)
    if not rest.lower().endswith((".json", ".xml")):
        text = "缺少响应格式：请在地址末尾加 .json 或 .xml，如 /open311/v2/services.json。"
    else:
        text = (
            "该地址不存在。可用的端点：discovery、services、services/{service_code}、requests、"
            "requests/{service_request_id}，均以 .json 或 .xml 结尾。"
        )
    return _cors(request, error_response(fmt, 404, text))


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# ---------------------------------------------------------------- public reads


def public_services() -> list[Category]:
    """Active leaf categories (a root with active children is a group, not a service)."""
    cats = list(Category.objects.filter(is_active=True).select_related("parent").order_by("sort", "code"))
    parents = {c.parent_id for c in cats if c.parent_id}
    return [c for c in cats if c.pk not in parents and (c.parent is None or c.parent.is_active)]


# The POST path is hot and categories change rarely: each process keeps the categories it looked
# up for a few seconds. Applications (keys) are never cached: a disabled key stops at once.
HOT_CACHE_SECONDS = 10.0
_hot: dict[tuple[str, str], tuple[float, Any]] = {}


def _cached(kind: str, key: str, load: Any) -> Any:
    now = clock.monotonic()
    hit = _hot.get((kind, key))
    if hit is not None and now - hit[0] < HOT_CACHE_SECONDS:
        return hit[1]
    value = load()
    if len(_hot) > 1000:
        _hot.clear()
    _hot[(kind, key)] = (now, value)
    return value


def forget_hot() -> None:
    """Drop this process's cached lookups (called when a category or an application changes)."""
    _hot.clear()


def service_for_code(code: str) -> Category | None:
    """The active leaf category with this service_code (cached briefly per process)."""
    return _cached("service", code, lambda: _service_for_code(code))  # type: ignore[no-any-return]


def _service_for_code(code: str) -> Category | None:
    """The tree has two levels, so a category with a parent is always a leaf."""
    found = list(Category.objects.filter(code=code, is_active=True).select_related("parent")[:1])
    if not found:
        return None
    category = found[0]
    if category.parent is not None:
        return category if category.parent.is_active else None
    has_children = Category.objects.filter(parent_id=category.pk, is_active=True).exists()
    return None if has_children else category


# Orders raised by citizens through a public channel are public (FixMyStreet-style); calls to the
# operator, on-air questions, SMS imports and inspectors' findings stay internal.
PUBLIC_CHANNELS = (Channel.H5, Channel.WEB, Channel.OPEN311)


def public_orders() -> QuerySet[WorkOrder]:
    """What anyone may read through Open311: orders from public channels, only public columns loaded."""
    return (
        WorkOrder.objects.filter(channel__in=PUBLIC_CHANNELS)
        .select_related("category", "lead_unit")
        .only(
            "id",
            "number",
            "status",
            "description",
            "address",
            "lat",
            "long",
            "deadline",
            "created_at",
            "updated_at",
            "closed_at",
            "confidential",
            "category__code",
            "category__name",
            "category__time_limit_days",
            "lead_unit__name",
        )
        .prefetch_related(Prefetch("photos", queryset=Attachment.objects.only("id", "file").order_by("id")))
    )


def service_data(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(category.extra_fields),
        "type": "realtime",
        "keywords": ",".join(category.keywords.split()),
        "group": category.parent.name if category.parent_id and category.parent else category.name,
    }


DATATYPE_HELP = {
    "string": "一行文字",
    "number": "数字",
    "datetime": "日期时间，如 2026-11-28T09:30:00+08:00",
    "text": "多行文字",
    "singlevaluelist": "从选项中选一个，提交选项的 key",
    "multivaluelist": "从选项中选一个或多个，每个 key 提交一次 attribute[编码][]",
}


def definition_data(category: Category) -> dict[str, Any]:
    attributes = []
    for order, f in enumerate(category.extra_fields, 1):
        attributes.append(
            {
                "variable": True,
                "code": f["code"],
                "datatype": f["datatype"],
                "required": bool(f.get("required")),
                "datatype_description": DATATYPE_HELP.get(f["datatype"]),
                "order": order,
                "description": f.get("description") or f.get("label") or f["code"],
                "values": [{"key": v["key"], "name": v["name"]} for v in f.get("values", [])],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def service_notice(order: WorkOrder) -> str | None:
    if order.status in CLOSED_STATES:
        return None
    if order.category_id and order.category is not None:
        return f"已登记，按规定在 {order.category.time_limit_days} 个工作日内办结。"
    return "已登记，将尽快办理。"


def request_data(order: WorkOrder, request: HttpRequest) -> dict[str, Any]:
    hidden = order.confidential
    photos = [] if hidden else list(order.photos.all())
    closed = order.status in CLOSED_STATES
    notes = order.get_status_display()
    if order.deadline and not closed and get_work_calendar().is_provisional(order.deadline):
        notes += "；预计办结时间为暂定（该年度节假日安排尚未公布，公布后可能顺延，不会提前）"
    return {
        "service_request_id": order.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": order.category.name if order.category_id and order.category else None,
        "service_code": order.category.code if order.category_id and order.category else "",
        "description": None if hidden else order.description,
        "agency_responsible": order.lead_unit.name if order.lead_unit_id and order.lead_unit else None,
        "service_notice": service_notice(order),
        "requested_datetime": _iso(order.created_at),
        "updated_datetime": _iso(order.closed_at if closed and order.closed_at else order.updated_at),
        "expected_datetime": _iso(order.deadline),
        "address": None if hidden or not order.address else order.address,
        "address_id": None,
        "zipcode": None,
        "lat": None if hidden or order.lat is None else float(order.lat),
        "long": None if hidden or order.long is None else float(order.long),
        "media_url": request.build_absolute_uri(reverse("workorders:public_photo", args=[photos[0].pk]))
        if photos
        else None,
    }


# ---------------------------------------------------------------- views


CONTACT = "牛塘镇人民政府 政务服务热线（示例联系方式）"
KEY_SERVICE = "api_key 由镇政务服务中心发放：登录镇务后台“Open311应用”页面登记应用即可获得。"


def changeset() -> str:
    """When what clients cache last changed: the services list, each service's definition
    (attributes and their values) and the endpoint settings (contact, formats, bounding area,
    allowed origins). A digest of all of it is kept in one row with the time it was first seen;
    the first digest ever taken is dated by the categories' last edit."""
    categories = public_services()
    published = {
        "services": [[service_data(c), definition_data(c)] for c in categories],
        "endpoint": [CONTACT, KEY_SERVICE, list(FORMATS), list(settings.ZHENWU_OPEN311_BOUNDS)],
        "origins": sorted(settings.ZHENWU_OPEN311_CORS_ORIGINS),
    }
    digest = hashlib.sha256(json.dumps(published, sort_keys=True).encode()).hexdigest()
    row = Open311Changeset.objects.filter(pk=1).first()
    if row is None or row.digest != digest:
        when = timezone.now()
        if row is None:
            edited = Category.objects.aggregate(last=Max("updated_at"))["last"]
            when = edited or when
        try:
            with transaction.atomic():
                Open311Changeset.objects.update_or_create(
                    pk=1, defaults={"digest": digest, "changed_at": when}
                )
        except IntegrityError:  # another worker wrote the same row first
            pass
        return str(_iso(when))
    return str(_iso(row.changed_at))


@open311_view("GET", "HEAD")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET discovery: where this endpoint lives and what it speaks."""
    base = request.build_absolute_uri("/open311/v2/")
    changed = changeset()
    data = {
        "changeset": changed,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": changed,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(fmt, data, root="discovery")


@open311_view("GET", "HEAD")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET services: the active leaf categories."""
    return render(fmt, [service_data(c) for c in public_services()], root="services", item="service")


@open311_view("GET", "HEAD")
def service_definition(request: HttpRequest, *, code: str, fmt: str) -> HttpResponse:
    """GET services/{service_code}: the category's extra fields as GeoReport attributes."""
    category = service_for_code(code)
    if category is None:
        raise Open311Error(404, f"服务编码 service_code“{code[:60]}”不存在或已停用。")
    return render(fmt, definition_data(category), root="service_definition")


@open311_view("GET", "HEAD", "POST")
def requests_(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET requests: search; POST requests: submit a new request (api_key required)."""
    if request.method == "POST":
        return _create(request, fmt)
    orders = _search(request)
    return render(fmt, [request_data(o, request) for o in orders], root="service_requests", item="request")


@open311_view("GET", "HEAD")
def request_detail(request: HttpRequest, *, number: str, fmt: str) -> HttpResponse:
    """GET requests/{service_request_id}: a list holding the one request (as the spec's examples)."""
    order = public_orders().filter(number=number).first()
    if order is None:
        raise Open311Error(404, f"诉求编号 service_request_id“{number[:40]}”不存在。")
    return render(fmt, [request_data(order, request)], root="service_requests", item="request")


@open311_view("GET", "HEAD")
def request_single(request: HttpRequest, *, number: str, fmt: str) -> HttpResponse:
    """GET request/{service_request_id} (singular, as the community swagger.json spells it): one object."""
    order = public_orders().filter(number=number).first()
    if order is None:
        raise Open311Error(404, f"诉求编号 service_request_id“{number[:40]}”不存在。")
    return render(fmt, request_data(order, request), root="request")


@open311_view("GET", "HEAD")
def token_detail(request: HttpRequest, *, token: str, fmt: str) -> HttpResponse:
    """GET tokens/{token}: this server never issues tokens (POST returns service_request_id at once)."""
    raise Open311Error(404, "本平台提交后直接返回 service_request_id，不发放 token；该 token 不存在。")


# ---------------------------------------------------------------- search


def _parse_when(name: str, raw: str, *, end: bool) -> datetime:
    raw = raw.strip()
    bad = Open311Error(400, f"{name} 不是有效的 W3C 日期时间（例：2026-11-28T09:30:00+08:00）。")
    try:
        value = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
        if value is None:
            day = parse_date(raw) if len(raw) == 10 else None
            if day is None:
                raise bad
            value = datetime.combine(day + timedelta(days=1) if end else day, time.min)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
    except (ValueError, OverflowError):
        raise bad from None
    if not 1900 <= value.year <= 2200:
        raise Open311Error(400, f"{name} 应在 1900 年到 2200 年之间。")
    return value


def _int_param(request: HttpRequest, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Open311Error(400, f"{name} 必须是整数。") from None
    if not low <= value <= high:
        raise Open311Error(400, f"{name} 应在 {low} 到 {high} 之间。")
    return value


def _listed(request: HttpRequest, name: str) -> list[str]:
    """Every value of a filter the spec says "can be declared multiple times, comma delimited":
    `status=open&status=closed` and `status=open,closed` mean the same (order kept, no duplicates)."""
    values: list[str] = []
    for raw in request.GET.getlist(name):
        for part in raw.split(","):
            part = part.strip()
            if part and part not in values:
                values.append(part)
    return values


def _search(request: HttpRequest) -> list[WorkOrder]:
    params = request.GET
    page = _int_param(request, "page", 1, low=1, high=100000)
    size = _int_param(request, "page_size", MAX_RESULTS, low=1, high=MAX_RESULTS)
    qs = public_orders()
    ids = _listed(request, "service_request_id")
    if ids:  # "This overrides all other arguments."
        return list(qs.filter(number__in=ids[:MAX_RESULTS]).order_by("-created_at", "-id"))
    start_raw, end_raw = params.get("start_date", ""), params.get("end_date", "")
    now = timezone.now()
    end = _parse_when("end_date", end_raw, end=True) if end_raw else None
    start = _parse_when("start_date", start_raw, end=False) if start_raw else None
    if start and end:
        if start > end:
            raise Open311Error(400, "start_date 不能晚于 end_date。")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date 与 end_date 的跨度不能超过 90 天。")
    elif start:
        end = start + MAX_SPAN
    elif end:
        start = end - MAX_SPAN
    else:
        end, start = now, now - MAX_SPAN
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    codes = _listed(request, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)
    wanted = {x.lower() for x in _listed(request, "status")}
    if wanted - {"open", "closed"}:
        raise Open311Error(400, "status 只能是 open、closed 或二者以逗号分隔。")
    if wanted == {"open"}:
        qs = qs.exclude(status__in=CLOSED_STATES)
    elif wanted == {"closed"}:
        qs = qs.filter(status__in=CLOSED_STATES)
    offset = (page - 1) * size
    return list(qs.order_by("-created_at", "-id")[offset : offset + size])


# ---------------------------------------------------------------- create


@functools.lru_cache(maxsize=256)
def _key_index(key: str, index_key: str) -> str:
    """The blind index of a presented key: a pure function of the key and the index key, so it is
    memoised per process (HMAC-SM3 in Python costs more than the row read); the row itself is not."""
    return crypto.blind_index(key, kind="open311_key")


def app_for_key(key: str) -> Open311App | None:
    """The active application whose api_key is exactly `key`.

    The blind index (case- and width-folded) only finds the candidate row; the stored key is then
    compared exactly and in constant time, so `abc` never opens `ABC`. The row is read on every
    call, not cached per process, so a key disabled or regenerated in any worker stops at once
    (one indexed SELECT on a POST that writes an order anyway: see bench/workorders.py)."""
    if not key or len(key) > 200:
        return None
    index = _key_index(key, settings.ZHENWU_INDEX_KEY)
    table = Open311App._meta.db_table
    with hot_cursor() as cursor:  # one prepared statement: the hot path of every POST
        cursor.execute(
            f"SELECT id, api_key, name, posts_per_minute FROM {table} "  # noqa: S608 - table from the model
            "WHERE api_key_index = %s AND is_active LIMIT 1",
            [index],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, stored, name, per_minute = row
    stored_key = Open311App._meta.get_field("api_key").from_db_value(stored, None, connection)
    if not hmac.compare_digest(str(stored_key).encode(), key.encode()):
        return None
    app = Open311App(id=pk, name=name, posts_per_minute=per_minute, api_key=stored_key, is_active=True)
    app._state.adding = False
    return app


_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def _attributes(params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in params:
        m = _ATTRIBUTE.match(name)
        if not m:
            continue
        values = params.getlist(name)
        out[m.group(1)] = values if m.group(2) or len(values) > 1 else values[0]
    return out


def _check_bounds(lat: str, long: str) -> None:
    """A location must lie in the town's area (ZHENWU_OPEN311_BOUNDS). Values that are no
    coordinates at all are left to workorder_create, which names the field."""
    try:
        y, x = float(lat), float(long)
    except ValueError:
        return
    if not (-90 <= y <= 90 and -180 <= x <= 180):
        return
    south, west, north, east = settings.ZHENWU_OPEN311_BOUNDS
    if not (south <= y <= north and west <= x <= east):
        raise Open311Error(
            400,
            f"lat/long 位置超出本镇范围：只受理北纬 {south}–{north}、东经 {west}–{east} 之间（WGS84）的诉求，"
            "镇外的问题请向所在地政府反映；坐标不确定时可只填 address_string。",
        )


def _phone(raw: str) -> tuple[str, str]:
    """A mainland mobile or landline is kept; anything else (a foreign or malformed number) is not
    stored and the submission goes on, with a note in service_notice (the number is not echoed)."""
    try:
        return normalize_phone(raw), ""
    except ValidationError:
        return "", (
            "所填 phone（电话）不是中国大陆的手机或固定电话号码，未保存；办理进度可凭上面的编号查询。"
        )


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    # The spec posts form fields; the community swagger puts them in the query string. Accept both.
    params = request.GET.copy()
    for name in request.POST:
        params.setlist(name, request.POST.getlist(name))
    app = app_for_key(params.get("api_key", ""))
    if app is None:
        raise Open311Error(403, "api_key 缺失或无效：请使用镇政务服务中心发放的应用密钥。")
    limit = app.posts_per_minute or settings.ZHENWU_OPEN311_POSTS_PER_MINUTE
    over, retry_after = hit(f"open311:{app.pk}", limit=limit, period=60)
    if over:
        raise Open311Error(
            429,
            f"提交过于频繁：每个应用每分钟最多提交 {limit} 件，请 {retry_after} 秒后重试。",
            retry_after=retry_after,
        )
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code（服务编码）。")
    category = service_for_code(code)
    if category is None:
        raise Open311Error(404, f"服务编码 service_code“{code[:60]}”不存在或已停用。")
    lat, long = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    address_id = params.get("address_id", "").strip()
    if not ((lat and long) or address or address_id):
        raise Open311Error(400, "请提供位置：lat 和 long（WGS84 经纬度），或 address_string，或 address_id。")
    if lat and long:
        _check_bounds(lat, long)
    if address_id and not address:
        address = f"地址编号 {address_id[:60]}"
    description = params.get("description", "")
    if not description.strip():
        description = f"（通过 Open311 应用“{app.name}”提交的{category.name}诉求，未填写描述）"
    name = (params.get("last_name", "").strip() + params.get("first_name", "").strip())[:50]
    phone, phone_note = _phone(params.get("phone", ""))
    token_source = request.headers.get("Idempotency-Key", "") or params.get("client_token", "")
    client_token = ""
    if token_source.strip():
        digest = hashlib.sha256(f"{app.pk}:{token_source.strip()}".encode()).hexdigest()
        client_token = f"o311-{digest[:40]}"
    try:
        order = workorder_create(
            actor=None,
            channel=Channel.OPEN311,
            category=category,
            description=description,
            reporter_name=name,
            reporter_phone=phone,
            address=address,
            lat=lat or None,
            long=long or None,
            extra=_attributes(params),
            client_token=client_token,
            open311_app=app,
        )
    except DomainError as exc:
        label = FIELD_LABELS.get(exc.field or "", f"attribute[{exc.field}]" if exc.field else "")
        raise Open311Error(400, f"{label}：{exc.message}" if label else exc.message) from None
    notice = f"诉求已登记，编号 {order.number}。可用 GET requests/{order.number}.{fmt} 查询办理进度。"
    if getattr(order, "duplicate_submission", False):
        notice = f"该提交已处理过（同一 Idempotency-Key），编号 {order.number}。"
    data = [{"service_request_id": order.number, "service_notice": notice + phone_note, "account_id": None}]
    return render(fmt, data, root="service_requests", item="request")
