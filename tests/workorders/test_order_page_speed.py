"""The order page at scale (issue 15): suggestions rendered with the page, a bounded number of SQL
statements however many units and orders, 并单 candidates without decrypting anyone's data, unit and
category options kept per version, and no session write on every request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenwu.core import crypto
from zhenwu.core.actors import SYSTEM
from zhenwu.dispatch.demo import load_catalogue
from zhenwu.testing import _unit, login
from zhenwu.workorders import selectors, views
from zhenwu.workorders.choices import Channel
from zhenwu.workorders.forms import ActionForm, option_stamps
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.services import category_save, workorder_create

pytestmark = pytest.mark.django_db
TEXT = "丫河村东头的路灯晚上不亮，黑灯瞎火的走路看不清"


def new_order(cast: Any, cats: dict[str, Any], text: str = TEXT, **kwargs: Any) -> WorkOrder:
    return workorder_create(
        actor=cast.operator,
        channel=Channel.PHONE,
        category=cats["light"],
        description=text,
        reporter_name="王小明",
        reporter_phone="13912345678",
        **kwargs,
    )


def page(client: Any, order: WorkOrder) -> str:
    response = client.get(reverse("workorders:detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def statements(client: Any, order: WorkOrder) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        page(client, order)
    return [q["sql"] for q in ctx.captured_queries]


def test_the_page_brings_its_dispatch_suggestions(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    load_catalogue(SYSTEM)
    order = new_order(cast, cats)
    html = page(login(client, cast.operator), order)
    assert "建议主办单位" in html and 'name="lead_unit"' in html
    assert cast.department.name in html  # 城管 for a street light
    assert "suggest/partial" not in html and "正在计算派单建议" not in html  # no second request


def test_a_failing_engine_leaves_the_page_working(
    client: Any, cast: Any, cats: dict[str, Any], monkeypatch: Any
) -> None:
    order = new_order(cast, cats)

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(views, "suggest", broken)
    html = page(login(client, cast.operator), order)
    assert "派单建议暂时不可用" in html and "主办单位" in html


def test_the_page_reads_the_same_few_statements_however_big_the_town(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    load_catalogue(SYSTEM)
    order = new_order(cast, cats)
    new_order(cast, cats, f"{TEXT}，又一次反映")  # one 并单 candidate
    c = login(client, cast.operator)
    page(c, order)  # the first view of a version builds the memos
    small = statements(c, order)
    for i in range(12):
        _unit(f"NT-D{i}", f"新增部门{i}", "department", cast.town, "housing")
    for i in range(30):
        new_order(cast, cats, f"{TEXT}，第{i}次反映")
    page(c, order)
    big = statements(c, order)
    # session, user and grants (3), the order, its scope (2), option and engine stamps (2), 并单
    # candidates (2), the place, photos, merged orders, timeline and its photos: nothing per unit or order.
    assert len(big) == len(small) <= 17, big
    assert not [q for q in big if "django_session" in q and q.lstrip().startswith(("UPDATE", "INSERT"))]


def test_similar_candidates_decrypt_nothing(cast: Any, cats: dict[str, Any], monkeypatch: Any) -> None:
    order = new_order(cast, cats)
    others = [new_order(cast, cats, f"{TEXT}，第{i}次反映") for i in range(8)]
    same_grid = new_order(cast, cats, f"{TEXT}，第99次反映", grid=cast.yahe_grid)
    new_order(cast, cats, "企业拖欠工资三个月")
    decrypted: list[str] = []
    original = crypto.decrypt_text
    monkeypatch.setattr(crypto, "decrypt_text", lambda value: decrypted.append(value) or original(value))
    found = selectors.similar_open_orders(
        user=cast.operator, text=order.description, grid=cast.yahe_grid, exclude_pk=order.pk
    )
    assert decrypted == []
    assert len(found) == 5
    assert found[0][0] == same_grid  # the same place ranks first among equally similar texts
    candidates = {o.pk for o in others} | {same_grid.pk}
    for candidate, score in found:
        assert candidate.pk in candidates
        assert score == pytest.approx(selectors.text_similarity(order.description, candidate.description))
        assert candidate.number and candidate.summary and candidate.get_absolute_url()


def test_options_are_kept_per_version_and_follow_changes(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = new_order(cast, cats)
    c = login(client, cast.operator)
    html = page(c, order)
    assert f'<option value="{cats["light"].pk}" selected>' in html
    with CaptureQueriesContext(connection) as ctx:
        page(c, order)
    listed = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "orgs_unit" WHERE' in q["sql"] and "handles_requests" in q["sql"].split(" WHERE ", 1)[1]
    ]
    assert listed == []  # the unit options come from the kept rendering
    assert "临时新建中队" not in html
    _unit("NT-NEW", "临时新建中队", "department", cast.town, "urban_mgmt")
    category_save(
        actor=SYSTEM,
        code="municipal.streetlight",
        name="路灯照明",
        parent=cats["municipal"],
        time_limit_days=3,
    )
    html = page(c, order)
    assert "临时新建中队" in html and "路灯照明" in html


def test_kept_options_render_as_django_renders_them(cast: Any, cats: dict[str, Any]) -> None:
    initial = {"category": cats["light"].pk}
    plain = ActionForm(prefix="dispatch", initial=initial)
    for _ in range(2):  # built, then read from the memo
        kept = ActionForm(prefix="dispatch", initial=initial, option_stamps=option_stamps())
        for name in ("unit", "assisting", "category"):
            assert parse_html(str(kept[name])) == parse_html(str(plain[name])), name
    bound = ActionForm({"dispatch-assisting": [cast.department.pk, cast.yahe.pk]}, prefix="dispatch")
    kept = ActionForm(
        {"dispatch-assisting": [cast.department.pk, cast.yahe.pk]},
        prefix="dispatch",
        option_stamps=option_stamps(),
    )
    assert parse_html(str(kept["assisting"])) == parse_html(str(bound["assisting"]))
    assert kept.is_valid() and list(kept.cleaned_data["assisting"]) == [cast.department, cast.yahe]


def test_requests_within_a_minute_write_no_session_and_a_later_one_renews_it(client: Any, cast: Any) -> None:
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, cast.yahe_cadre)
        client.get("/workbench/")
        expiry = Session.objects.get().expire_date
    with time_machine.travel(start + dt.timedelta(seconds=50), tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/workbench/").status_code == 200
        writes = [
            q["sql"]
            for q in ctx.captured_queries
            if "django_session" in q["sql"] and "SELECT" not in q["sql"]
        ]
        assert writes == []
        assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + dt.timedelta(seconds=70), tick=False):
        assert client.get("/workbench/").status_code == 200
        assert Session.objects.get().expire_date == expiry + dt.timedelta(seconds=70)


def test_a_visitor_without_a_session_gets_none(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "zhenwu_session" not in response.cookies
    assert not Session.objects.exists()
