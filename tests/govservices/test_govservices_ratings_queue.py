from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.test import Client

from zhenwu.core.errors import DomainError
from zhenwu.core.selectors import get_work_calendar
from zhenwu.govservices import services
from zhenwu.govservices.metrics import METRICS
from zhenwu.govservices.models import Booking, Rectification, Ticket, Window
from zhenwu.testing import login

from .conftest import NOW, pdf


def done_app(gov: Any, key: str = "sign") -> Any:
    app = gov.step(gov.app([key]), "accept", actor=gov.station_worker)
    return gov.step(app, "complete") if app.status != "done" else app


# --------------------------------------------------------------------------- 好差评


def test_a_rating_is_given_once(gov: Any) -> None:
    app = done_app(gov)
    services.rating_create(application=app, score=5)
    with pytest.raises(DomainError, match="只能评价一次") as exc:
        services.rating_create(application=app, score=1)
    assert exc.value.code == "rated_twice"


def test_an_open_application_cannot_be_rated(gov: Any) -> None:
    with pytest.raises(DomainError, match="办结后"):
        services.rating_create(application=gov.app(["sign"]), score=5)


def test_a_bad_rating_opens_a_rectification_with_15_working_days(gov: Any) -> None:
    app = done_app(gov)
    services.rating_create(application=app, score=1, comment="态度不好")
    task = Rectification.objects.get()
    assert task.unit == gov.cast.yahe_station
    assert task.due_date == get_work_calendar().add_working_days(NOW.date(), 15)


def test_the_rectification_deadline_is_configurable(gov: Any, settings: Any) -> None:
    settings.ZHENWU_GOVSERVICES_RECTIFY_DAYS = 5
    services.rating_create(application=done_app(gov), score=2)
    assert Rectification.objects.get().due_date == get_work_calendar().add_working_days(NOW.date(), 5)


def test_a_good_rating_opens_nothing(gov: Any) -> None:
    services.rating_create(application=done_app(gov), score=4)
    assert not Rectification.objects.exists()


def test_the_rectification_appears_on_the_units_workbench(gov: Any, client: Client) -> None:
    services.rating_create(application=done_app(gov), score=1)
    page = login(client, gov.station_worker).get("/workbench/").content.decode()
    assert "差评待整改" in page
    other = login(Client(), gov.ljx_worker).get("/workbench/").content.decode()
    assert "差评待整改" not in other


def test_the_unit_replies_and_the_office_verifies(gov: Any, client: Client) -> None:
    services.rating_create(application=done_app(gov), score=1)
    task = Rectification.objects.get()
    c = login(client, gov.station_worker)
    c.post(
        f"/govservices/rectifications/{task.pk}/", {"action": "reply", "note": "已加强窗口培训，并电话致歉"}
    )
    task.refresh_from_db()
    assert task.status == "replied"
    with pytest.raises(DomainError):
        services.rectification_transition(actor=gov.station_worker, rectification=task, action="verify")
    services.rectification_transition(
        actor=gov.cast.town_admin, rectification=task, action="verify", note="属实"
    )
    task.refresh_from_db()
    assert task.status == "verified"


def test_another_station_cannot_answer_the_rectification(gov: Any, client: Client) -> None:
    services.rating_create(application=done_app(gov), score=1)
    task = Rectification.objects.get()
    response = login(client, gov.ljx_worker).post(
        f"/govservices/rectifications/{task.pk}/", {"action": "reply", "note": "x"}
    )
    assert response.status_code == 404


def test_the_applicant_tracks_and_rates_by_number_and_code(gov: Any, client: Client) -> None:
    sub = gov.submit(["sign"])
    code = sub.query_code
    wrong = client.post("/public/services/track/", {"number": sub.number, "code": "WRONG1"})
    assert "不匹配" in wrong.content.decode()
    assert client.get(f"/public/services/track/{sub.number}/").status_code == 404
    response = client.post("/public/services/track/", {"number": sub.number.lower(), "code": code.lower()})
    assert response.status_code == 302
    app = sub.applications.get()
    gov.step(gov.step(app, "accept", actor=gov.station_worker), "complete")
    client.post(f"/public/services/track/{sub.number}/{app.pk}/rate/", {"score": "2", "comment": "等太久"})
    second = client.post(f"/public/services/track/{sub.number}/{app.pk}/rate/", {"score": "5"}, follow=True)
    assert "只能评价一次" in second.content.decode()
    assert Rectification.objects.count() == 1


def test_the_applicant_uploads_the_supplement_online(gov: Any, client: Client) -> None:
    sub = gov.submit(["sign"])
    app = gov.step(
        gov.step(sub.applications.get(), "accept", actor=gov.station_worker),
        "request_supplement",
        note="缺效果图",
    )
    client.post("/public/services/track/", {"number": sub.number, "code": sub.query_code})
    client.post(f"/public/services/track/{sub.number}/{app.pk}/supplement/", {"files": [pdf("design")]})
    app.refresh_from_db()
    assert app.status == "reviewing"
    assert app.events.last().label == "网上补正"


# --------------------------------------------------------------------------- metrics


def test_the_metrics_are_registered_and_computed(gov: Any) -> None:
    from zhenwu.core.parts import metrics

    keys = {m.key for m in METRICS}
    assert {"govservices.immediate_rate", "govservices.on_time_rate", "govservices.one_visit_rate",
            "govservices.good_rating_rate", "govservices.rectified_rate", "govservices.online_rate",
            "govservices.no_visit_rate", "govservices.average_wait"} == keys  # fmt: skip
    assert keys <= set(metrics())
    a = done_app(gov, "food_record")  # 即办件
    b = done_app(gov, "sign")
    services.rating_create(application=a, score=5)
    services.rating_create(application=b, score=1)
    town = gov.cast.town
    day = NOW.date()
    by_key = {m.key: m for m in METRICS}
    assert by_key["govservices.immediate_rate"].compute([town], day, day)[town.pk] == 0.5
    assert by_key["govservices.good_rating_rate"].compute([town], day, day)[town.pk] == 0.5
    assert by_key["govservices.rectified_rate"].compute([town], day, day)[town.pk] == 0.0
    assert by_key["govservices.online_rate"].compute([town], day, day)[town.pk] == 0.0
    assert (
        by_key["govservices.on_time_rate"].compute([gov.cast.lujiaxiang], day, day)[gov.cast.lujiaxiang.pk]
        is None
    )


# --------------------------------------------------------------------------- 预约 and 叫号


@pytest.fixture
def window(gov: Any) -> Window:
    return Window.objects.create(unit=gov.cast.town, letter="A", name="综合受理窗口", slot_capacity=2)


def test_a_booking_on_a_holiday_is_refused(gov: Any, window: Window, time_machine: Any) -> None:
    time_machine.move_to(NOW.replace(month=9, day=28), tick=False)
    with pytest.raises(DomainError, match="不是工作日"):
        services.booking_create(
            window=window, day=date(2026, 10, 1), slot=time(9), name="王", phone="13912345678"
        )
    with pytest.raises(DomainError, match="不是工作日"):
        services.booking_create(
            window=window, day=date(2026, 10, 5), slot=time(9), name="王", phone="13912345678"
        )


def test_a_full_slot_is_refused(gov: Any, window: Window) -> None:
    day = get_work_calendar().add_working_days(NOW.date(), 1)
    for _ in range(2):
        services.booking_create(window=window, day=day, slot=time(9), name="王", phone="13912345678")
    with pytest.raises(DomainError, match="已约满"):
        services.booking_create(window=window, day=day, slot=time(9), name="李", phone="13912345679")
    assert Booking.objects.count() == 2
    services.booking_create(window=window, day=day, slot=time(10), name="李", phone="13912345679")


def test_the_booking_page_shows_the_error_in_chinese(gov: Any, window: Window, client: Client) -> None:
    response = client.post(
        "/public/services/booking/",
        {"window": window.pk, "day": "2026-11-28", "slot": "09:00", "name": "王", "phone": "13912345678"},
    )
    assert "不是工作日" in response.content.decode()


def test_tickets_are_called_in_order_per_window(gov: Any, window: Window, client: Client) -> None:
    other = Window.objects.create(unit=gov.cast.town, letter="B", name="市场准入窗口")
    t1 = services.ticket_issue(window=window)
    services.ticket_issue(window=other)
    t2 = services.ticket_issue(window=window)
    assert (t1.number, t2.number) == ("A001", "A002")
    called = services.ticket_call_next(actor=gov.cast.town_admin, window=window)
    assert called.pk == t1.pk
    assert services.ticket_call_next(actor=gov.cast.town_admin, window=window).pk == t2.pk
    t1.refresh_from_db()
    assert t1.status == "done"
    assert services.ticket_call_next(actor=gov.cast.town_admin, window=window) is None
    assert "A002" in client.get("/public/services/hall/").content.decode()


def test_waiting_time_is_averaged(gov: Any, window: Window) -> None:
    t = services.ticket_issue(window=window, now=NOW)
    services.ticket_call_next(actor=gov.cast.town_admin, window=window, now=NOW + timedelta(minutes=12))
    wait = next(m for m in METRICS if m.key == "govservices.average_wait")
    assert wait.compute([gov.cast.town], NOW.date(), NOW.date())[gov.cast.town.pk] == 12.0
    assert Ticket.objects.get(pk=t.pk).wait_minutes() == 12.0


def test_the_portal_lists_the_public_entries(client: Client, db: Any) -> None:
    body = client.get("/").content.decode()
    for title in ["办事指南", "预约取号", "办件查询", "证照核验"]:
        assert title in body


def test_the_figures_page_shows_ratings_per_unit_and_item(gov: Any, client: Client) -> None:
    services.rating_create(application=done_app(gov), score=5)
    services.rating_create(application=done_app(gov), score=1)
    body = login(client, gov.cast.town_admin).get("/govservices/figures/").content.decode()
    assert "好差评 · 按受理单位" in body
    assert "丫河便民服务站" in body
    assert "50%" in body
    assert "户外招牌设置备案" in body
