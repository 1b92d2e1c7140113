"""The 驾驶舱: rollups equal the raw figures, refresh incrementally, scope per reader, numbers link to records."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zhenwu.testing import login

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
_numbers = count(1)


def order(unit: Any, *, status: str = "handling", created: datetime = NOW, deadline: datetime | None = None,
          satisfaction: str = "", rated: datetime | None = None) -> Any:  # fmt: skip
    from zhenwu.workorders.models import OrderEvent, WorkOrder

    o = WorkOrder.objects.create(
        number=f"T{next(_numbers):06d}", channel="web", description="路灯不亮", status=status, lead_unit=unit,
        deadline=deadline, satisfaction=satisfaction, rated_at=rated,
    )  # fmt: skip
    WorkOrder.objects.filter(pk=o.pk).update(created_at=created)
    OrderEvent.objects.create(order=o, action="create", to_status=status)  # as every service write does
    return o


@pytest.fixture
def town(cast: Any, time_machine: Any) -> Any:
    from zhenwu.core.services import calendar_seed

    time_machine.move_to(NOW, tick=False)
    calendar_seed(years=[2026])
    order(cast.yahe, deadline=NOW - timedelta(days=2))  # overdue
    order(cast.yahe, deadline=NOW + timedelta(days=3))  # open, in time
    order(cast.lujiaxiang, deadline=NOW - timedelta(days=1))  # overdue
    order(cast.yahe, status="closed", satisfaction="satisfied", rated=NOW - timedelta(hours=1))
    order(cast.lujiaxiang, status="closed", satisfaction="unsatisfied", rated=NOW - timedelta(hours=2))
    order(
        cast.yahe,
        status="closed",
        created=NOW - timedelta(days=40),
        satisfaction="basic",
        rated=NOW - timedelta(days=35),
    )
    return cast


def _numbers_of(c: Any) -> dict[str, Any]:
    return {n.label: n.value for n in c.orders}


def test_the_rollup_gives_the_raw_figures(town: Any) -> None:
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit

    rollups.refresh_all()
    c = cockpit(user=town.leader)
    assert _numbers_of(c) == {"本月受理": 5, "未办结": 3, "已超期": 2, "本月满意率": "50.0%"}
    assert c.satisfaction_trend[-2]["rate"] == 100.0 and c.satisfaction_trend[-1]["rated"] == 2
    overdue = {u["name"]: u["overdue"] for u in c.units_table}
    assert overdue == {"丫河村": 1, "卢家巷村": 1}


def test_overdue_follows_the_clock_without_a_refresh(town: Any, time_machine: Any) -> None:
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit

    rollups.refresh_all()
    time_machine.move_to(NOW + timedelta(days=4), tick=False)
    assert _numbers_of(cockpit(user=town.leader))["已超期"] == 3


def test_one_changed_order_refreshes_only_its_unit(town: Any, time_machine: Any) -> None:
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit
    from zhenwu.dashboard.models import Figure

    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    rollups.refresh_all()
    ljx_rows = set(Figure.objects.filter(unit=town.lujiaxiang).values_list("pk", flat=True))
    time_machine.move_to(NOW + timedelta(minutes=3), tick=False)
    o = order(town.yahe, deadline=NOW - timedelta(days=5))
    assert rollups.refresh_orders() == 1
    assert set(Figure.objects.filter(unit=town.lujiaxiang).values_list("pk", flat=True)) == ljx_rows
    assert _numbers_of(cockpit(user=town.leader))["已超期"] == 3
    o.status = "closed"
    o.save()
    from zhenwu.workorders.models import OrderEvent

    OrderEvent.objects.create(order=o, action="callback", from_status="handling", to_status="closed")
    time_machine.move_to(NOW + timedelta(minutes=6), tick=False)
    rollups.refresh_orders()
    assert _numbers_of(cockpit(user=town.leader))["已超期"] == 2


def test_a_unit_leader_sees_their_own_scope(town: Any) -> None:
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit
    from zhenwu.orgs.models import Role
    from zhenwu.testing import make_user

    Role.objects.create(code="village_head", name="村书记", data_scope="unit_and_below", can_write=True,
                        capabilities=["dashboard.view"])  # fmt: skip
    head = make_user("yahe_head", unit=town.yahe, role="village_head")
    rollups.refresh_all()
    c = cockpit(user=head)
    assert c.scope.label == "丫河村"
    assert _numbers_of(c) == {"本月受理": 3, "未办结": 2, "已超期": 1, "本月满意率": "100.0%"}


def test_the_page_needs_the_dashboard_capability(town: Any, client: Any) -> None:
    assert login(client, town.yahe_cadre).get("/cockpit/").status_code == 403
    assert client.get("/cockpit/", follow=False).status_code in (302, 403)


def test_the_page_catches_up_when_beat_has_not_run_and_links_every_number(town: Any, client: Any) -> None:
    from zhenwu.dashboard.models import RollupState

    response = login(client, town.leader).get("/cockpit/")
    assert response.status_code == 200
    assert RollupState.objects.filter(name="orders").exists()
    body = response.content.decode()
    for link in (
        "/workorders/?status=open",
        "/workorders/?overdue=on",
        "/campaigns/?rag=red",
        "/targets/?year=",
        "/hotline/commitments/",
    ):
        assert link in body, link
    assert "以表格查看" in body and "数据截至" in body


def test_campaign_colours_are_counted(town: Any) -> None:
    from tests.campaigns.conftest import make_campaign

    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit

    make_campaign(town)  # no report yet: red
    make_campaign(town, title="筹备中的行动", start=False)
    rollups.refresh_all()
    by = {r["colour"]: r["value"] for r in cockpit(user=town.leader).campaigns}
    assert by["red"] == 1 and by["planning"] == 1 and by["green"] == 0


def test_incremental_totals_equal_a_full_rebuild(town: Any, time_machine: Any) -> None:
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit
    from zhenwu.workorders.models import OrderEvent, WorkOrder

    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    rollups.refresh_all()
    time_machine.move_to(NOW + timedelta(minutes=4), tick=False)
    first = WorkOrder.objects.filter(lead_unit=town.yahe, status="handling").first()
    WorkOrder.objects.filter(pk=first.pk).update(status="closed", satisfaction="unsatisfied", rated_at=NOW)
    OrderEvent.objects.create(order=first, action="rate", to_status="closed")
    moved = WorkOrder.objects.filter(lead_unit=town.lujiaxiang, status="handling").first()
    WorkOrder.objects.filter(pk=moved.pk).update(lead_unit=town.yahe)
    OrderEvent.objects.create(order=moved, action="reassign", unit=town.lujiaxiang)
    order(town.department, deadline=NOW - timedelta(days=9))
    rollups.refresh_orders()
    incremental = cockpit(user=town.leader)
    rollups.refresh_all()
    rebuilt = cockpit(user=town.leader)
    assert _numbers_of(incremental) == _numbers_of(rebuilt)
    assert incremental.satisfaction_trend == rebuilt.satisfaction_trend
    assert incremental.units_table == rebuilt.units_table


def test_figures_of_parts_known_only_by_their_metrics_appear(town: Any, monkeypatch: Any) -> None:
    from zhenwu.core import parts
    from zhenwu.dashboard import rollups
    from zhenwu.dashboard.cockpit import cockpit

    fake = parts.Metric(
        "enterprises.sample_figure",
        "测试用示例指标",
        "家",
        "定义",
        True,
        lambda units, s, e: {units[0].pk: 92.0},
    )
    real = parts.metrics
    monkeypatch.setattr(parts, "metrics", lambda: {**real(), fake.key: fake})
    rollups.refresh_all()
    c = cockpit(user=town.leader)
    assert ("测试用示例指标", "92") in [(n.label, n.value) for n in c.others]
