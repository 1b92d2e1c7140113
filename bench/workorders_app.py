"""WSGI application and URLconf used only by bench/workorders.py.

It serves the whole zhenwu site plus one baseline view, ``POST /open311/bench/plain-insert.json``:
a plain Django view that parses the same form fields as Open311 ``POST requests`` and inserts one
row into ``bench_plain_order`` (a copy of the work-order table with the same columns and indexes,
created by the bench script) with one INSERT, its search tokens included (the GIN index of the
copy is maintained as for a real order). Same middleware, same server, same database.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = "workorders_app"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from zhenwu.workorders.search import search_text  # noqa: E402

if os.environ.get("BENCH_SEQUENCE_NUMBERS") == "1":
    # Experiment only (bench --numbers-experiment): order numbers from a PostgreSQL sequence instead
    # of the gap-free counter row, to measure what that row lock costs concurrent creates.
    import zhenwu.workorders.services as _services

    def _sequence_number(prefix: str, day: Any, *, width: int = 4) -> str:
        with connection.cursor() as cursor:
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS bench_order_number_seq")
            cursor.execute("SELECT nextval('bench_order_number_seq')")
            value = cursor.fetchone()[0]
        return f"{prefix}-{day:%Y%m%d}-S{value:0{width}d}"

    def _sequence_number_and_id(key: str, day: Any, id_sequence: str) -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS bench_order_number_seq")
            cursor.execute("SELECT nextval('bench_order_number_seq'), nextval(%s::regclass)", [id_sequence])
            value, key_value = cursor.fetchone()
        return 10**9 + int(value), int(key_value)  # far above any count of a day of the counter

    _services.document_number = _sequence_number  # type: ignore[assignment]
    _services.next_number_and_id = _sequence_number_and_id  # type: ignore[assignment]

TEMPLATE_FILE = HERE / ".plain_template.json"
_template: dict[str, Any] | None = None


def _row_template() -> dict[str, Any]:
    global _template
    if _template is None:
        _template = json.loads(TEMPLATE_FILE.read_text())
    return _template


@csrf_exempt
def plain_insert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse([{"code": 405, "description": "POST only"}], safe=False, status=405)
    row = dict(_row_template())
    try:
        lat, long = float(request.POST["lat"]), float(request.POST["long"])
    except (KeyError, ValueError):
        return JsonResponse([{"code": 400, "description": "lat/long"}], safe=False, status=400)
    now = timezone.now()
    number = uuid.uuid4().hex[:24]
    row.update(
        number=number,
        description=request.POST.get("description", "")[:4000],
        address=request.POST.get("address_string", "")[:200],
        lat=f"{lat:.6f}",
        long=f"{long:.6f}",
        created_at=now,
        updated_at=now,
    )
    # The row carries its search tokens as a real order does (GIN index); BENCH_PLAIN_TOKENS=0 leaves
    # them out, to show what the search index costs the comparison.
    if "search_text" in row and os.environ.get("BENCH_PLAIN_TOKENS", "1") == "1":
        row["search_text"] = search_text(number, "", row["description"], row["address"])
    columns = list(row)
    sql = f"INSERT INTO bench_plain_order ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[c] for c in columns])
    return JsonResponse(
        [{"service_request_id": number, "service_notice": "", "account_id": None}], safe=False
    )


urlpatterns = [
    path("open311/bench/plain-insert.json", plain_insert),
    path("", include("zhenwu.urls")),
]
