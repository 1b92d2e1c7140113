"""The engine keeps its catalogue, units and classifier per version: one SQL statement a warm
suggestion, and every change (here, in another process, or rolled back) seen at the next one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhenwu.core.actors import SYSTEM
from zhenwu.core.models import VersionStamp
from zhenwu.core.versions import bump, read
from zhenwu.dispatch import engine, services
from zhenwu.dispatch.apps import CATALOGUE_VERSION
from zhenwu.dispatch.demo import load_catalogue
from zhenwu.dispatch.engine import suggest_units
from zhenwu.dispatch.models import CatalogueEntry
from zhenwu.orgs.apps import UNITS_VERSION
from zhenwu.orgs.choices import UnitType
from zhenwu.orgs.models import Unit
from zhenwu.testing import Cast, _unit

pytestmark = pytest.mark.django_db

NEW_WORD = "飞天扫帚"  # no catalogue entry knows it


@pytest.fixture
def town(cast: Cast) -> dict[str, Any]:
    units = {"urban_mgmt": cast.department}
    for code in UnitType.values:
        if code not in units:
            units[code] = _unit(f"T-{code}", f"{UnitType(code).label}单位", "external", cast.town, code)
    load_catalogue(SYSTEM)
    return units


def test_a_warm_suggestion_costs_one_sql_statement(town: Any, cast: Cast) -> None:
    suggest_units(text="路灯不亮，晚上黑灯瞎火", place_unit=cast.yahe_grid)
    with CaptureQueriesContext(connection) as ctx:
        suggestions = suggest_units(text="楼下工厂半夜开机器，吵得睡不着", place_unit=cast.yahe_grid)
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert "core_versionstamp" in ctx.captured_queries[0]["sql"]
    assert suggestions[0].unit == town["environment"]


def test_the_place_walk_reads_no_unit(town: Any, cast: Cast) -> None:
    suggest_units(text="路灯不亮")
    with CaptureQueriesContext(connection) as ctx:
        suggestions = suggest_units(text="邻居家的狗经常咬人，跟他们说了也不听", place_unit=cast.yahe_grid)
    village = next(s for s in suggestions if s.unit_type == "township")
    assert village.unit == cast.yahe and "丫河村" in village.reasons[0]
    assert len(ctx.captured_queries) == 1


def test_the_caller_gets_its_own_unit_objects(town: Any) -> None:
    first = suggest_units(text="路灯不亮")[0].unit
    first.name = "被调用方改过的名字"
    assert suggest_units(text="路灯不亮")[0].unit.name == town["urban_mgmt"].name


def test_a_new_catalogue_entry_is_used_at_the_next_suggestion(town: Any) -> None:
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type != "education"
    entry = services.catalogue_entry_create(
        actor=SYSTEM, unit_type="education", title="魔法教具", keywords=[NEW_WORD]
    )
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type == "education"
    services.catalogue_entry_update(
        actor=SYSTEM,
        entry=entry,
        unit_type="education",
        title="魔法教具",
        keywords=[NEW_WORD],
        is_active=False,
    )
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type != "education"


def test_a_unit_change_is_used_at_the_next_suggestion(town: Any, cast: Cast) -> None:
    assert suggest_units(text="路灯不亮")[0].unit == cast.department
    second = _unit("NT-CG2", "第二城管中队", "department", cast.town, "urban_mgmt")
    Unit.objects.filter(pk=second.pk).update(sort_order=0)
    cast.department.sort_order = 9  # the first of the type by sort order is suggested
    cast.department.save()
    assert suggest_units(text="路灯不亮")[0].unit == second
    second.name = "城管二中队"
    second.save()
    assert suggest_units(text="路灯不亮")[0].unit.name == "城管二中队"
    second.delete()
    assert suggest_units(text="路灯不亮")[0].unit == cast.department


def test_a_change_committed_by_another_process_is_seen(town: Any) -> None:
    """Another process writes without this process's signals; its stamp in the database tells."""
    suggest_units(text=f"{NEW_WORD}又坏了")
    CatalogueEntry.objects.filter(title="供水").update(keywords=[NEW_WORD])  # no signal here
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type != "water"  # memo still current
    VersionStamp.objects.filter(key=CATALOGUE_VERSION).update(stamp=12345)  # the other process's bump
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type == "water"


def test_a_rolled_back_change_leaves_no_trace(town: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.catalogue_entry_create(
            actor=SYSTEM, unit_type="education", title="魔法教具", keywords=[NEW_WORD]
        )
        assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type == "education"  # memo built in here
        raise RuntimeError("rolled back")
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type != "education"
    # The next change gets a stamp of its own, never the rolled-back one.
    services.catalogue_entry_create(actor=SYSTEM, unit_type="power", title="魔法电器", keywords=[NEW_WORD])
    assert suggest_units(text=f"{NEW_WORD}又坏了")[0].unit_type == "power"


def test_the_classifier_is_loaded_once_per_model(town: Any, monkeypatch: Any) -> None:
    samples = [(f"云梯第{i}号又出问题了", town["housing"].pk) for i in range(12)]
    samples += [(f"路灯第{i}号不亮", town["urban_mgmt"].pk) for i in range(12)]
    services.classifier_train(actor=SYSTEM, samples=samples)
    assert suggest_units(text="云梯又出问题了")[0].unit_type == "housing"  # the new model is used
    loads = []
    original = engine.TrainedClassifier.loads
    monkeypatch.setattr(
        engine.TrainedClassifier, "loads", staticmethod(lambda blob: loads.append(1) or original(blob))
    )
    services.catalogue_entry_create(
        actor=SYSTEM, unit_type="education", title="魔法教具", keywords=[NEW_WORD]
    )
    suggest_units(text=f"{NEW_WORD}又坏了")
    assert loads == []  # a catalogue change reads the catalogue again, not the model
    services.classifier_train(actor=SYSTEM, samples=samples[::-1])
    suggest_units(text="云梯又出问题了")
    assert loads == [1]


def test_stamps_change_on_every_write_and_never_repeat(cast: Cast) -> None:
    before = read(UNITS_VERSION, "never.bumped")
    assert before[1] == 0
    _unit("NT-X1", "新单位", "department", cast.town, "housing")
    after = read(UNITS_VERSION)[0]
    assert after not in (0, before[0])
    seen = {after}
    for _ in range(20):
        bump(UNITS_VERSION)
        seen.add(read(UNITS_VERSION)[0])
    assert len(seen) == 21
