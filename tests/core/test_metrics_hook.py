"""The metrics hook: every registered metric is complete, readers find figures by key, the
definitions page lists them all in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhenwu.core import parts
from zhenwu.core.actors import SYSTEM
from zhenwu.core.errors import DomainError
from zhenwu.testing import login


def test_unknown_metric_key_is_a_domain_error():
    with pytest.raises(DomainError) as exc:
        parts.metric("no.such.metric")
    assert exc.value.field == "metric"


def test_the_parts_register_their_figures_with_chinese_labels_and_definitions():
    registered = parts.metrics()
    for key in (
        "workorders.on_time_rate",
        "workorders.satisfaction_rate",
        "hotline.evaluation",
        "assessment.total",
    ):
        assert key in registered
    for key, metric in registered.items():
        assert key == metric.key and "." in key
        assert metric.label and metric.unit and len(metric.definition) >= 10
        assert not any(c.isascii() and c.isalpha() for c in metric.label), metric.label


@pytest.mark.django_db
def test_a_reader_gets_real_work_order_figures_through_the_hook(cast: Any, time_machine: Any) -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from zhenwu.workorders.services import category_save, workorder_create, workorder_transition

    time_machine.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=3)
    order = workorder_create(actor=cast.operator, channel="phone", category=category, description="路灯不亮")
    order = workorder_transition(actor=cast.operator, order=order, action="dispatch", unit=cast.yahe)
    order = workorder_transition(actor=cast.yahe_cadre, order=order, action="sign")
    workorder_transition(actor=cast.yahe_cadre, order=order, action="reply", note="已修复")
    values = parts.metric("workorders.on_time_rate").compute(
        [cast.yahe], date(2026, 11, 1), date(2026, 11, 30)
    )
    assert values == {cast.yahe.pk: 1.0}
    received = parts.metric("workorders.received").compute([cast.yahe], date(2026, 11, 1), date(2026, 11, 30))
    assert received == {cast.yahe.pk: 1.0}


@pytest.mark.django_db
def test_the_definitions_page_lists_every_metric(cast: Any, client: Any) -> None:
    html = login(client, cast.yahe_cadre).get(reverse("dashboard:metric_definitions")).content.decode()
    for metric in parts.metrics().values():
        assert metric.label in html and metric.definition in html
    assert "workorders." not in html  # no codes shown
