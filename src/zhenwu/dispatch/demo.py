"""Demo of the dispatch part: sample units for the unit types the org tree lacks, and the default
派单目录 (all 17 unit types). Idempotent; everything here is generated sample data."""

from __future__ import annotations

from typing import Any

from zhenwu.core.actors import SYSTEM
from zhenwu.dispatch.catalogue_data import CATALOGUE, ENTRY_UNITS, EXTRA_DEMO_UNITS


def load_catalogue(actor: Any, *, is_sample: bool = True) -> int:
    """Create the default catalogue entries that do not exist yet (matched by type and title)."""
    from zhenwu.dispatch import services
    from zhenwu.dispatch.models import CatalogueEntry
    from zhenwu.orgs.models import Unit

    created = 0
    for spec in CATALOGUE:
        if CatalogueEntry.objects.filter(unit_type=spec["unit_type"], title=spec["title"]).exists():
            continue
        unit_code = ENTRY_UNITS.get(spec["title"])
        unit = Unit.objects.filter(code=unit_code, handles_requests=True).first() if unit_code else None
        services.catalogue_entry_create(
            actor=actor,
            unit_type=spec["unit_type"],
            title=spec["title"],
            keywords=spec["keywords"],
            synonyms=spec["synonyms"],
            exclusions=spec["exclusions"],
            category_codes=spec["category_codes"],
            responsibilities=spec["responsibilities"],
            unit=unit,
            is_sample=is_sample,
        )
        created += 1
    return created


def load_demo(admin: Any) -> dict[str, int]:
    from zhenwu.orgs import services as org_services
    from zhenwu.orgs.models import Unit

    town = Unit.objects.get(code="NT")
    units = 0
    for code, name, kind, unit_type in EXTRA_DEMO_UNITS:
        if Unit.objects.filter(code=code).exists():
            continue
        org_services.unit_create(
            actor=admin,
            parent=town,
            code=code,
            name=name,
            kind=kind,
            unit_type=unit_type,
            handles_requests=True,
            is_sample=True,
        )
        units += 1
    return {"dispatch_units": units, "dispatch_catalogue": load_catalogue(SYSTEM)}


def load_history(admin: Any, *, months: int) -> dict[str, int]:
    """With a year of sample work orders loaded (workorders runs first), train the classifier on
    their closed orders as the nightly task would, so suggestions use the history from the start."""
    from zhenwu.core.actors import SYSTEM
    from zhenwu.dispatch.models import ClassifierModel
    from zhenwu.dispatch.services import classifier_train

    if ClassifierModel.objects.exists():
        return {}
    model = classifier_train(actor=SYSTEM)  # as the nightly task does
    return {"classifier_samples": model.sample_count} if model is not None else {}


def describe() -> list[str]:
    return ['派单建议：zhenwu suggest-dispatch "路灯不亮，晚上黑灯瞎火"']
