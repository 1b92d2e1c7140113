"""Dispatch suggestion: catalogue ranking, fallbacks, place resolution, classifier, command output."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from zhenwu.core.actors import SYSTEM
from zhenwu.core.errors import DomainError
from zhenwu.dispatch import services
from zhenwu.dispatch.demo import load_catalogue
from zhenwu.dispatch.engine import suggest_units
from zhenwu.dispatch.models import ClassifierModel
from zhenwu.orgs.choices import UnitType
from zhenwu.testing import Cast, _unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(cast: Cast) -> dict[str, Any]:
    """The cast plus one request-handling unit for every unit type, and the default catalogue."""
    units = {"urban_mgmt": cast.department}
    units["township"] = _unit("NT-ZWB", "政务服务管理办公室", "department", cast.town, "township")
    for code in UnitType.values:
        if code not in units:
            units[code] = _unit(f"T-{code}", f"{UnitType(code).label}单位", "external", cast.town, code)
    load_catalogue(SYSTEM)
    return units


def top_types(text: str, **kwargs: Any) -> list[str]:
    return [s.unit_type for s in suggest_units(text=text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("丫河路的路灯坏了一个月，晚上黑灯瞎火的", "urban_mgmt"),
        ("楼下工厂半夜还在开机器，吵得睡不着", "environment"),
        ("老板拖欠工资三个月不发，人也找不到了", "hr_social"),
        ("我们小区从早上开始没水了，水压也一直很低", "water"),
        ("村里这几天经常停电，冰箱里的东西都坏了", "power"),
        ("在饭店吃饭后全家拉肚子，怀疑食物中毒", "market"),
        ("电动车电瓶在楼下被偷了", "police"),
        ("家里老人八十多岁了，高龄补贴怎么申请", "civil_affairs"),
    ],
)
def test_clear_requests_rank_the_responsible_type_first(town: Any, text: str, expected: str) -> None:
    suggestions = suggest_units(text=text)
    assert suggestions[0].unit_type == expected
    assert suggestions[0].unit == town[expected]
    assert any(r.startswith(("命中关键词", "命中群众常用说法")) for r in suggestions[0].reasons)
    assert 0 < suggestions[0].score <= 1


def test_vague_text_still_gets_three_distinct_units(town: Any) -> None:
    suggestions = suggest_units(text="你好，我想反映一个情况")
    assert len(suggestions) == 3
    assert len({s.unit.pk for s in suggestions}) == 3
    assert suggestions[0].unit_type == "township"  # 政务办 coordinates what nobody else matches
    assert [s.unit_type for s in suggestions[1:]] == ["other", "urban_mgmt"]


def test_empty_text_is_a_clear_error(town: Any) -> None:
    with pytest.raises(DomainError) as exc:
        suggest_units(text="   ")
    assert exc.value.field == "text"
    assert "诉求内容" in exc.value.message


def test_category_breaks_a_tie_towards_its_unit_type(town: Any) -> None:
    text = "门口这个问题很久了，一直没人来处理"
    assert top_types(text, category_code="power")[0] == "power"
    assert top_types(text, category_code="municipal.manhole")[0] == "water"


def test_village_matters_go_to_the_village_of_the_place(town: Any, cast: Cast) -> None:
    suggestions = suggest_units(text="邻居家的狗经常咬人，跟他们说了也不听", place_unit=cast.yahe_grid)
    village = next(s for s in suggestions if s.unit_type == "township")
    assert village.unit == cast.yahe
    assert "丫河村" in village.reasons[0]


def test_classifier_learns_from_history(town: Any) -> None:
    # A town whose "云梯" (a made-up word the catalogue does not know) requests go to the housing unit.
    text = "云梯那边又出问题了，麻烦尽快处理"
    before = top_types(text)
    assert "housing" not in before[:1]
    samples = [(f"云梯第{i}号又出问题了", town["housing"].pk) for i in range(30)]
    samples += [(f"路灯第{i}号不亮", town["urban_mgmt"].pk) for i in range(30)]
    samples += [(f"工资第{i}个月没发", town["hr_social"].pk) for i in range(30)]
    model = services.classifier_train(actor=SYSTEM, samples=samples)
    assert model is not None
    assert model.sample_count == 90 and model.class_count == 3
    assert model.cv_accuracy is not None and model.cv_accuracy > 0.9
    after = suggest_units(text=text)
    assert after[0].unit_type == "housing"
    assert any("历史工单相似" in r for r in after[0].reasons)
    # The catalogue still decides clear cases.
    assert top_types("路灯不亮，黑灯瞎火")[0] == "urban_mgmt"


def test_training_without_history_keeps_the_catalogue(town: Any) -> None:
    assert services.classifier_train(actor=SYSTEM) is None
    assert services.classifier_train(actor=SYSTEM, samples=[("路灯不亮", town["urban_mgmt"].pk)]) is None
    assert not ClassifierModel.objects.exists()
    assert top_types("路灯不亮")[0] == "urban_mgmt"


def test_training_refuses_a_person_without_the_capability(town: Any, cast: Cast) -> None:
    with pytest.raises(DomainError):
        services.classifier_train(actor=cast.yahe_cadre, samples=[])


def test_suggest_command_prints_the_top_three_as_json(town: Any) -> None:
    out = StringIO()
    call_command("suggest-dispatch", "小区门口的路灯不亮了", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == 3
    assert all(set(row) == {"unit", "unit_type", "score"} for row in data)
    assert data[0] == {"unit": "城市管理办公室", "unit_type": "城管", "score": data[0]["score"]}
    assert isinstance(data[0]["score"], float) and data[0]["score"] == round(data[0]["score"], 3)
    assert "城管" in out.getvalue()  # ensure_ascii=False


def test_suggest_command_refuses_empty_text(town: Any) -> None:
    with pytest.raises(CommandError, match="诉求内容"):
        call_command("suggest-dispatch", "")


def test_train_command_reports_thin_history(town: Any) -> None:
    out = StringIO()
    call_command("train-dispatch", stdout=out)
    assert "历史工单不足" in out.getvalue()


def test_decisions_measure_accuracy(town: Any, cast: Cast) -> None:
    from zhenwu.dispatch.selectors import decision_accuracy, decision_totals

    for text, chosen in [
        ("路灯不亮", town["urban_mgmt"]),  # rank 1
        ("路灯不亮", town["township"]),  # the fallback 镇街 is in the top 3
        ("路灯不亮", town["education"]),  # not suggested at all
    ]:
        suggestions = suggest_units(text=text)
        services.decision_record(
            actor=cast.town_admin,
            order_number="GD20260001",
            order_id=1,
            text=text,
            suggestions=suggestions,
            chosen_unit=chosen,
        )
    rows = decision_accuracy()
    totals = decision_totals(rows)
    assert (totals.total, totals.first, totals.top3) == (3, 1, 2)
    assert round(totals.top3_rate, 3) == 0.667


def test_nightly_task_is_scheduled_and_trains_from_workorders(town: Any, monkeypatch: Any) -> None:
    from zhenwu.celery import app
    from zhenwu.dispatch import beat
    from zhenwu.dispatch.tasks import train_dispatch_classifier

    entry = beat.SCHEDULE["dispatch-train-classifier"]
    assert entry["task"] == train_dispatch_classifier.name
    assert "dispatch-train-classifier" in app.conf.beat_schedule
    assert train_dispatch_classifier.delay().get() == 0  # no workorders history yet
    samples = [(f"云梯第{i}号坏了", town["housing"].pk) for i in range(10)]
    samples += [(f"路灯第{i}号不亮", town["urban_mgmt"].pk) for i in range(10)]
    monkeypatch.setattr(services, "history_samples", lambda: samples)
    assert train_dispatch_classifier.delay().get() == 20
    assert ClassifierModel.objects.get().sample_count == 20


def test_the_category_declared_unit_type_is_ranked_and_named_in_words(cast: Any) -> None:
    """The engine is given the category (code, Chinese name, responsibility type) as arguments."""
    from zhenwu.orgs.models import Unit

    Unit.objects.filter(pk=cast.department.pk).update(unit_type="water")
    suggestions = suggest_units(
        text="说不清楚是什么问题",
        category_code="water.supply",
        category_names={"water.supply": "供水"},
        category_unit_type="water",
    )
    assert suggestions[0].unit.pk == cast.department.pk
    assert suggestions[0].reasons[0] == "诉求分类“供水”由水务类单位承办"
    assert not any("water.supply" in r for s in suggestions for r in s.reasons)


# ---------------------------------------------------------------- ranking rules on the catalogue data


def catalogue_top(text: str, classifier: Any = None) -> list[str]:
    from zhenwu.dispatch.catalogue_data import CATALOGUE
    from zhenwu.dispatch.engine import EntrySpec, rank_types

    entries = [EntrySpec.from_dict(e) for e in CATALOGUE]
    return [s.unit_type for s in rank_types(text, entries, classifier=classifier)[:3]]


def test_village_roads_go_to_the_village_first() -> None:
    from zhenwu.dispatch.catalogue_data import CATALOGUE
    from zhenwu.dispatch.engine import EntrySpec, rank_types

    entries = [EntrySpec.from_dict(e) for e in CATALOGUE]
    ranked = rank_types("我们村三组门口那段路坑坑洼洼，一下雨就是泥巴路，车都开不进来", entries)
    assert [s.unit_type for s in ranked[:2]] == ["township", "transport"]
    assert ranked[0].reasons[0].startswith("属地：诉求提到")


def test_trunk_roads_through_a_village_stay_with_transport() -> None:
    top = catalogue_top("国道经过我们村的那段路面全是坑，货车一过颠得厉害")
    assert top[:2] == ["transport", "township"]


def test_a_village_place_keeps_the_specialised_unit_first_and_the_village_next() -> None:
    assert catalogue_top("村里最近老有人偷电动车电瓶，晚上都不敢停在外面")[:2] == ["police", "township"]


def test_putting_the_matter_to_the_town_ranks_township_first() -> None:
    top = catalogue_top("希望镇领导重视一下，我们这边的自来水一直是浑的")
    assert top[:2] == ["township", "water"]


def test_neighbour_disputes_go_to_the_village_or_community() -> None:
    assert catalogue_top("邻居家装修把我家墙弄裂了，找他们协商也不理")[0] == "township"


def test_school_gate_traffic_goes_to_the_traffic_police() -> None:
    top = catalogue_top("学校门口接送孩子的车到处乱停，每天上下学堵得水泄不通")
    assert top[:2] == ["police", "education"]


def test_a_sure_classifier_brings_its_type_into_the_top_three() -> None:
    from zhenwu.dispatch.engine import train_classifier

    # History says "云梯" requests are answered by housing; the text also names a street light.
    samples = [(f"云梯第{i}号又出问题了", "housing") for i in range(30)]
    samples += [(f"工资第{i}个月没发", "hr_social") for i in range(30)]
    classifier, cv = train_classifier(samples, cross_validate=False)
    assert cv is None
    text = "云梯旁边的路灯不亮，黑灯瞎火，垃圾桶也满了"
    assert "housing" not in catalogue_top(text)
    assert "housing" in catalogue_top(text, classifier=classifier)
