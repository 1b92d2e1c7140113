"""The demo's history: months of sample work orders, 政风热线 episodes and their commitments.

Loaded once for the module (two months, as `zhenwu demo --months 2` would; `zhenwu demo` loads 12)
inside a transaction rolled back at the end; each test runs in a savepoint of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from zhenwu.testing import login

MONTHS = 2


@pytest.fixture(scope="module")
def history(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, int]]:
    from zhenwu.accounts.town_demo import load_demo

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo(history_months=MONTHS)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def town(history: dict[str, int], db: Any, settings: Any) -> dict[str, int]:
    settings.ZHENWU_DEMO_ACCOUNTS = True  # else the policy middleware signs demo accounts out
    return history


def user(name: str) -> Any:
    from zhenwu.accounts.models import User

    return User.objects.get(username=name)


def test_the_history_spans_the_months_before_now_and_every_category_and_unit(town: dict[str, int]) -> None:
    from zhenwu.orgs.models import Unit
    from zhenwu.workorders.demo_history import months_before
    from zhenwu.workorders.models import Category, WorkOrder

    now = timezone.now()
    orders = WorkOrder.objects.filter(is_sample=True)
    assert town["history_orders"] >= 500  # a month is about 330 requests
    assert orders.filter(created_at__lt=now - timedelta(days=45)).exists()
    first = orders.exclude(channel="on_air").order_by("created_at").first()  # on air: the month's episode
    assert timezone.localtime(first.created_at).date() >= months_before(timezone.localdate(now), MONTHS)
    assert not orders.filter(created_at__gt=now).exists()
    assert set(Category.objects.values_list("code", flat=True)) <= set(
        orders.values_list("category__code", flat=True)
    )
    handling = Unit.objects.filter(handles_requests=True, is_active=True).exclude(kind="town")
    led = set(orders.values_list("lead_unit", flat=True))
    assert [u.name for u in handling if u.pk not in led] == []


def test_the_mix_holds_every_outcome(town: dict[str, int]) -> None:
    from django.db.models import F

    from zhenwu.workorders.choices import CLOSED_STATES
    from zhenwu.workorders.models import OrderEvent, WorkOrder

    orders = WorkOrder.objects.filter(is_sample=True)
    replied = orders.filter(replied_at__isnull=False)
    late = replied.filter(replied_at__gt=F("deadline")).count()
    assert 0 < late < replied.count() / 4  # on time mostly, some late
    actions = Counter(OrderEvent.objects.filter(order__is_sample=True).values_list("action", flat=True))
    for action in (
        "approve_extension",
        "deny_extension",
        "return",
        "reassign",
        "remind",
        "supervise",
        "rework",
    ):
        assert actions[action] > 0, action
    assert orders.filter(extension_count__gt=0).exists()  # 延期
    ratings = Counter(
        e.data["satisfaction"]
        for e in OrderEvent.objects.filter(order__is_sample=True, action__in=["callback", "rate"])
    )
    assert ratings["satisfied"] > ratings["basic"] > ratings["unsatisfied"] > 0
    # 重办: every reopened order was rated 不满意 first, then replied to again
    for order in orders.filter(rework_count__gt=0)[:50]:
        steps = [e.action for e in order.events.order_by("created_at", "id")]
        at = steps.index("rework")
        assert steps[at - 1] in {"callback", "rate"}
        assert order.events.filter(action__in=["callback", "rate"], data__satisfaction="unsatisfied").exists()
        assert "reply" in steps[at + 1 :] or order.status not in CLOSED_STATES
    # open orders in several states, some overdue and supervised (the 督办 list)
    open_states = set(orders.exclude(status__in=CLOSED_STATES).values_list("status", flat=True))
    assert {"handling", "replied"} <= open_states
    assert orders.exclude(status__in=CLOSED_STATES).filter(supervised_at__isnull=False).exists()
    # a closed order never has a date after now
    now = timezone.now()
    assert not orders.filter(closed_at__gt=now).exists()
    assert not OrderEvent.objects.filter(order__is_sample=True, created_at__gt=now).exists()


def test_each_timeline_runs_from_state_to_state_with_deadlines_on_working_days(town: dict[str, int]) -> None:
    from zhenwu.core.selectors import get_work_calendar
    from zhenwu.workorders.models import WorkOrder

    calendar = get_work_calendar()
    for order in WorkOrder.objects.filter(is_sample=True).prefetch_related("events")[:400]:
        events = sorted(order.events.all(), key=lambda e: (e.created_at, e.id))
        assert events[0].action == "create"
        state = events[0].to_status
        for event in events[1:]:
            if event.action == "rework":  # written with the 不满意 rating that reopened the order
                assert event.to_status == state == "handling"
                continue
            assert event.from_status == state, (order.number, [(e.action, e.from_status) for e in events])
            state = event.to_status
        assert state == order.status
        if order.deadline is not None:
            assert calendar.is_workday(timezone.localtime(order.deadline).date())


def test_everything_generated_is_marked_sample(town: dict[str, int]) -> None:
    from zhenwu.hotline.demo_history import TITLE_MARK
    from zhenwu.hotline.models import Commitment, Episode, OnAirSlot
    from zhenwu.workorders.models import WorkOrder

    assert not WorkOrder.objects.filter(is_sample=False).exists()
    history = Episode.objects.filter(title__startswith=TITLE_MARK, title__contains="月 ")
    assert history.exists() and not history.filter(is_sample=False).exists()
    assert not Commitment.objects.filter(is_sample=False).exists()
    assert not OnAirSlot.objects.filter(is_sample=False).exists()
    # the hotline's work orders came through issue_to_workorder, marked as sample data
    assert WorkOrder.objects.filter(channel="on_air", is_sample=True).exists()


def test_the_audit_chain_verifies_and_each_step_has_its_audit_row(town: dict[str, int]) -> None:
    from zhenwu.audit.models import AuditEvent
    from zhenwu.audit.services import audit_seal, audit_verify
    from zhenwu.workorders.models import WorkOrder

    while audit_seal():  # the services' rows are sealed after the commit this module never makes
        pass
    report = audit_verify()
    assert report.ok, report.problem
    assert report.unsealed == 0
    order = WorkOrder.objects.filter(is_sample=True, status="closed", channel="phone").first()
    rows = AuditEvent.objects.filter(object_type="workorders.workorder", object_id=str(order.pk))
    steps = order.events.exclude(action="rework").count()  # 重办 is recorded with its 不满意 rating
    assert rows.count() == steps
    assert rows.order_by("created_at").first().created_at == order.created_at
    assert AuditEvent.objects.filter(action="dispatch.decision", object_repr__isnull=False).count() >= 500


def test_the_metrics_hook_gives_figures_for_the_demo_units(town: dict[str, int]) -> None:
    from zhenwu.core.parts import metric
    from zhenwu.orgs.models import Unit

    today = timezone.localdate()
    units = list(Unit.objects.filter(code__in=["NT-CGB", "NT-YH", "NT-LJX", "NT-HBB", "NT-JSJ"]))
    start = today - timedelta(days=50)
    for key in ("workorders.received", "workorders.on_time_rate", "workorders.satisfaction_rate"):
        values = metric(key).compute(units, start, today)
        assert all(values.get(u.pk) for u in units), (key, values)


def test_the_dispatch_classifier_has_closed_orders_to_learn_from(town: dict[str, int]) -> None:
    from zhenwu.core.parts import dispatch_training_samples
    from zhenwu.workorders.models import WorkOrder

    samples = dispatch_training_samples()
    closed = WorkOrder.objects.filter(status="closed", is_sample=True, dispatched_at__isnull=False).count()
    assert len(samples) >= closed > 300
    assert len({unit for _, unit in samples}) >= 20


def test_the_history_is_searchable_like_any_order(town: dict[str, int]) -> None:
    from zhenwu.workorders.models import WorkOrder
    from zhenwu.workorders.search import search_text

    orders = WorkOrder.objects.filter(is_sample=True)
    assert not orders.filter(search_text="").exists()
    o = orders.order_by("?").first()
    assert o is not None and o.search_text == search_text(o.number, o.title, o.description, o.address)


def test_the_demo_trains_the_classifier_on_that_history(town: dict[str, int], client: Any) -> None:
    from zhenwu.dispatch.models import ClassifierModel
    from zhenwu.testing import login

    model = ClassifierModel.objects.get()
    assert model.sample_count > 300 and model.class_count >= 2
    login(client, user("town_admin"))
    body = client.get("/dispatch/model/").content.decode()
    assert "尚未训练分类模型" not in body and f"{model.sample_count} 件" in body


def test_hotline_episodes_have_commitments_in_every_state(town: dict[str, int]) -> None:
    from zhenwu.hotline.choices import ArticleStatus, CommitmentStatus, Outcome
    from zhenwu.hotline.models import Article, Commitment, ListenerIssue

    assert town["hotline_history_episodes"] >= 1
    assert set(Commitment.objects.values_list("status", flat=True)) == set(CommitmentStatus.values)
    outcomes = set(ListenerIssue.objects.values_list("outcome", flat=True))
    assert {Outcome.ANSWERED, Outcome.WORK_ORDER, Outcome.COMMITMENT} <= outcomes
    statuses = set(Article.objects.values_list("status", flat=True))
    assert {ArticleStatus.PUBLISHED, ArticleStatus.PENDING} <= statuses
    verified = Commitment.objects.filter(status=CommitmentStatus.VERIFIED).first()
    assert verified.reports.filter(evidence__isnull=False).exists()


def test_the_history_is_loaded_once(town: dict[str, int]) -> None:
    from zhenwu.hotline.demo_history import load_history as load_episodes
    from zhenwu.workorders.demo_history import load_history as load_orders

    assert load_orders(months=MONTHS) == {"history_orders": 0}
    assert load_episodes(months=MONTHS) == 0


def test_the_history_is_the_same_for_the_same_seed(town: dict[str, int]) -> None:
    from zhenwu.workorders.demo_history import simulate

    now = timezone.now()

    def run(seed: int) -> list[tuple[Any, ...]]:
        lives, _numbers = simulate(months=1, now=now, seed=seed)
        return [
            (o.number, o.description, o.status, o.lead_unit_id, o.deadline, [s.action for s in life.steps])
            for life in lives
            for o in [life.order]
        ]

    first = run(7)
    assert len(first) > 200
    assert run(7) == first
    assert run(8) != first


def test_zhenwu_demo_loads_twelve_months_unless_told(db: Any) -> None:
    from zhenwu.accounts.management.commands.demo import Command

    parser = Command().create_parser("zhenwu", "demo")
    assert parser.parse_args([]).months == 12
    assert parser.parse_args(["--months", "0"]).months == 0


# ---------------------------------------------------------------- the pages show numbers


def test_the_cockpit_shows_this_month_and_the_trend(town: dict[str, int], client: Any) -> None:
    login(client, user("leader"))
    response = client.get("/cockpit/")
    assert response.status_code == 200
    numbers = {n.label: n.value for n in response.context["c"].orders}
    assert numbers["本月受理"] > 0 and numbers["未办结"] > 0
    assert sum(1 for m in response.context["c"].satisfaction_trend if m["rated"]) >= MONTHS
    assert "%" in numbers["本月满意率"]


def test_the_metrics_page_shows_each_units_rates(town: dict[str, int], client: Any) -> None:
    login(client, user("town_admin"))
    today = timezone.localdate()
    start = today - timedelta(days=50)
    response = client.get(f"/workorders/metrics/?start={start.isoformat()}&end={today.isoformat()}")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) >= 20
    assert all(r["received"] > 0 for r in rows)
    text = response.content.decode()
    assert "城市管理办公室" in text and "%" in text


def test_the_supervision_and_order_lists_are_full(town: dict[str, int], client: Any) -> None:
    login(client, user("leader"))
    response = client.get("/workorders/supervision/")
    assert response.status_code == 200 and len(response.context["page_obj"].object_list) > 0
    login(client, user("town_admin"))
    response = client.get("/workorders/")
    assert response.status_code == 200 and response.context["page_obj"].paginator.count >= 500


def test_the_hotline_and_assessment_pages_show_the_history(town: dict[str, int], client: Any) -> None:
    login(client, user("town_admin"))
    for url in ("/hotline/commitments/", "/hotline/ledger/", "/hotline/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "（示例）" in response.content.decode(), url
    response = client.get(f"/hotline/evaluation/?year={timezone.localdate().year}")
    assert response.status_code == 200
    response = client.get("/assessment/months/")
    assert response.status_code == 200 and "已关账" in response.content.decode()
