"""目标任务: metric keys, live actuals, evidence, completion, quarterly snapshots, the xlsx."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.campaigns.conftest import World, png_upload

from zhenwu.campaigns import selectors, services
from zhenwu.campaigns.models import AnnualTarget, TargetSnapshot
from zhenwu.campaigns.progress import completion
from zhenwu.core import parts
from zhenwu.core.errors import DomainError, NotFoundError
from zhenwu.core.services import DOCUMENT_TYPES, attachment_create
from zhenwu.testing import Cast, ScopedViewTests


def _target(world: World, **kw: Any) -> AnnualTarget:
    args = dict(
        actor=world.cast.town_admin, unit=world.cast.department, year=2026, title="科技型中小企业认定",
        measure_unit="家", target_value=Decimal(100),
    )  # fmt: skip
    args.update(kw)
    return services.target_create(**args)


def _evidence(world: World) -> Any:
    return attachment_create(actor=world.cast.town_admin, upload=png_upload(), allowed_types=DOCUMENT_TYPES)


def test_a_metric_key_nobody_registered_is_refused(world: World) -> None:
    with pytest.raises(DomainError, match="指标不存在"):
        _target(world, source="metric", metric_key="enterprises.no_such_thing")
    assert not AnnualTarget.objects.exists()


def test_the_form_offers_only_registered_metrics_in_chinese(world: World) -> None:
    from zhenwu.campaigns.forms import TargetForm

    form = TargetForm({"unit": world.cast.department.pk, "year": 2026, "title": "x", "measure_unit": "家",
                       "target_value": "5", "direction": "up", "source": "metric", "metric_key": "evil'; drop"},
                      user=world.cast.town_admin)  # fmt: skip
    assert not form.is_valid() and "metric_key" in form.errors
    labels = dict(form.fields["metric_key"].choices)  # type: ignore[attr-defined]
    assert labels["workorders.satisfaction_rate"] == "工单满意率"


def test_an_actual_read_live_from_a_registered_metric(world: World, monkeypatch: Any) -> None:
    seen: dict[str, Any] = {}

    def compute(units: Any, start: date, end: date) -> dict[int, float | None]:
        seen.update(start=start, end=end)
        return {units[0].pk: 110.0}

    fake = parts.Metric("enterprises.tech_sme", "科技型中小企业入库数", "家", "定义", True, compute)
    real = parts.metrics
    monkeypatch.setattr(parts, "metrics", lambda: {**real(), fake.key: fake})
    target = _target(world, source="metric", metric_key=fake.key)
    fig = selectors.target_figures(target)
    assert (fig.actual, fig.percent, fig.label, fig.exceeded) == (
        Decimal("110.00"),
        Decimal("110.0"),
        "超额完成",
        True,
    )
    assert seen == {"start": date(2026, 1, 1), "end": date(2026, 11, 27)}


def test_a_ratio_metric_is_shown_in_percent(world: World, monkeypatch: Any) -> None:
    fake = parts.Metric(
        "x.rate", "满意率", "%", "定义", True, lambda units, s, e: {units[0].pk: 0.9}, ratio=True
    )
    monkeypatch.setattr(parts, "metrics", lambda: {fake.key: fake})
    target = _target(
        world,
        title="满意率",
        measure_unit="%",
        target_value=Decimal(95),
        source="metric",
        metric_key="x.rate",
    )
    fig = selectors.target_figures(target)
    assert fig.actual == Decimal("90.00") and fig.label == "未完成"


def test_a_manual_actual_needs_evidence_and_a_note(world: World) -> None:
    target = _target(world)
    with pytest.raises(DomainError, match="佐证"):
        services.target_enter_actual(
            actor=world.cast.town_admin, target=target, value=Decimal(110), note="全年认定110家", evidence=[]
        )
    with pytest.raises(DomainError, match="说明"):
        services.target_enter_actual(
            actor=world.cast.town_admin,
            target=target,
            value=Decimal(110),
            note=" ",
            evidence=[_evidence(world)],
        )
    target.refresh_from_db()
    assert target.manual_actual is None
    services.target_enter_actual(
        actor=world.cast.town_admin,
        target=target,
        value=Decimal(110),
        note="全年认定110家",
        evidence=[_evidence(world)],
    )
    fig = selectors.target_figures(target)
    assert fig.label == "超额完成" and fig.percent == Decimal("110.0")


def test_a_metric_target_cannot_be_typed_in(world: World) -> None:
    target = _target(world, source="metric", metric_key="workorders.received")
    with pytest.raises(DomainError, match="自动读取"):
        services.target_enter_actual(
            actor=world.cast.town_admin,
            target=target,
            value=Decimal(1),
            note="x",
            evidence=[_evidence(world)],
        )


def test_an_outsider_cannot_enter_another_units_actual(world: World) -> None:
    target = _target(world, unit=world.cast.yahe)
    with pytest.raises(NotFoundError):
        services.target_enter_actual(
            actor=world.cast.ljx_cadre, target=target, value=Decimal(1), note="x", evidence=[_evidence(world)]
        )


@pytest.mark.parametrize(
    "target, actual, up, label, percent",
    [
        (100, 110, True, "超额完成", "110.0"),
        (100, 100, True, "已完成", "100.0"),
        (5, 4, True, "未完成", "80.0"),
        (3, 1, False, "超额完成", "300.0"),
        (3, 6, False, "未完成", "50.0"),
    ],
)
def test_completion(target: int, actual: int, up: bool, label: str, percent: str) -> None:
    c = completion(Decimal(target), Decimal(actual), higher_is_better=up)
    assert (c.label, c.percent) == (label, Decimal(percent))


def test_quarter_snapshots_are_frozen_once(world: World) -> None:
    target = _target(world)
    services.target_enter_actual(
        actor=world.cast.town_admin,
        target=target,
        value=Decimal(80),
        note="三季度末80家",
        evidence=[_evidence(world)],
    )
    assert services.snapshots_freeze(today=date(2026, 11, 27)) == 3
    services.target_enter_actual(
        actor=world.cast.town_admin, target=target, value=Decimal(110), note="全年", evidence=[]
    )
    assert services.snapshots_freeze(today=date(2026, 11, 28)) == 0
    q3 = TargetSnapshot.objects.get(target=target, quarter=3)
    assert q3.actual == Decimal(80) and q3.completion == Decimal("80.0")
    assert not TargetSnapshot.objects.filter(quarter=4).exists()


def test_the_xlsx_is_the_list_towns_hand_in(world: World, client: Any) -> None:
    from openpyxl import load_workbook

    from zhenwu.testing import login

    target = _target(world, title='=HYPERLINK("x")')
    services.target_enter_actual(
        actor=world.cast.town_admin,
        target=target,
        value=Decimal(110),
        note="认定110家",
        evidence=[_evidence(world)],
    )
    services.snapshots_freeze(today=date(2026, 11, 27))
    response = login(client, world.cast.town_admin).get("/targets/export.xlsx?year=2026")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "序号",
        "责任单位",
        "类别",
        "目标任务",
        "计量单位",
        "年度目标值",
        "完成值",
        "完成率(%)",
        "完成情况",
    ]
    row = [c.value for c in ws[2]]
    assert row[1] == "城市管理办公室" and row[3].startswith("'=") and row[5] == 100 and row[6] == 110
    assert row[8] == "超额完成" and row[10:13] == [110, 110, 110]


def test_the_evidence_upload_page_keeps_input_on_error(world: World, client: Any) -> None:
    from zhenwu.testing import login

    target = _target(world)
    bad = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = login(client, world.cast.town_admin).post(
        f"/targets/{target.pk}/", {"value": "110", "note": "认定110家", "evidence": bad}
    )
    assert response.status_code == 200
    assert "文件类型不支持" in response.content.decode()
    target.refresh_from_db()
    assert target.manual_actual is None


class TestTargetPages(ScopedViewTests):
    change_data: ClassVar[dict[str, Any]] = {"value": "5", "note": "已完成"}

    def make_object(self, cast: Cast) -> Any:
        return services.target_create(
            actor=cast.town_admin,
            unit=cast.yahe,
            year=2026,
            title="农房改造",
            measure_unit="户",
            target_value=Decimal(10),
        )

    def detail_url(self, obj: Any) -> str:
        return f"/targets/{obj.pk}/"

    def change_url(self, obj: Any) -> str | None:
        return f"/targets/{obj.pk}/"
