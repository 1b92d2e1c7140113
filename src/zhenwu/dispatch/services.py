"""Writes of the dispatch part: catalogue entries, classifier training, confirmed dispatch decisions."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.core.parts import dispatch_training_samples
from zhenwu.core.text import clean_phrases
from zhenwu.dispatch.capabilities import CAPABILITIES
from zhenwu.dispatch.engine import Suggestion, text_hash, train_classifier
from zhenwu.dispatch.models import CatalogueEntry, ClassifierModel, DispatchDecision
from zhenwu.orgs.choices import UnitType
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import require_capability

log = logging.getLogger(__name__)
MIN_TRAINING_SAMPLES = 10
ENTRY_FIELDS = (
    "unit_type",
    "unit_id",
    "title",
    "category_codes",
    "responsibilities",
    "keywords",
    "synonyms",
    "exclusions",
    "is_active",
)


def _require_manage(actor: Any) -> None:
    require_capability(actor, CAPABILITIES.MANAGE, "维护派单目录与派单模型")


def _entry_snapshot(entry: CatalogueEntry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in ENTRY_FIELDS}


def _validate_entry(
    *, unit_type: str, unit: Unit | None, title: str, keywords: list[str], synonyms: list[str]
) -> None:
    if unit_type not in UnitType.values:
        raise DomainError("请选择有效的职能类型。", field="unit_type")
    if not title.strip():
        raise DomainError("请填写事项名称。", field="title")
    if not keywords and not synonyms:
        raise DomainError("关键词和群众常用说法至少填写一项，否则本条目录无法匹配诉求。", field="keywords")
    if unit is not None and not unit.handles_requests:
        raise DomainError(f"“{unit.name}”未设置为承办群众诉求的单位。", field="unit")


def _clean_codes(category_codes: Sequence[str] | str | None) -> list[str]:
    return clean_phrases(category_codes, field="category_codes")


@transaction.atomic
def catalogue_entry_create(
    *,
    actor: Any,
    unit_type: str,
    title: str,
    keywords: Iterable[str] | str | None = None,
    synonyms: Iterable[str] | str | None = None,
    exclusions: Iterable[str] | str | None = None,
    category_codes: Sequence[str] | str | None = None,
    responsibilities: str = "",
    unit: Unit | None = None,
    is_active: bool = True,
    is_sample: bool = False,
) -> CatalogueEntry:
    _require_manage(actor)
    kw = clean_phrases(keywords, field="keywords")
    syn = clean_phrases(synonyms, field="synonyms")
    _validate_entry(unit_type=unit_type, unit=unit, title=title, keywords=kw, synonyms=syn)
    entry = CatalogueEntry.objects.create(
        unit_type=unit_type,
        unit=unit,
        title=title.strip(),
        category_codes=_clean_codes(category_codes),
        responsibilities=responsibilities.strip(),
        keywords=kw,
        synonyms=syn,
        exclusions=clean_phrases(exclusions, field="exclusions"),
        is_active=is_active,
        is_sample=is_sample,
    )
    audit_record(actor=actor, action="dispatch.catalogue_create", obj=entry, after=_entry_snapshot(entry))
    return entry


@transaction.atomic
def catalogue_entry_update(
    *,
    actor: Any,
    entry: CatalogueEntry,
    unit_type: str,
    title: str,
    keywords: Iterable[str] | str | None = None,
    synonyms: Iterable[str] | str | None = None,
    exclusions: Iterable[str] | str | None = None,
    category_codes: Sequence[str] | str | None = None,
    responsibilities: str = "",
    unit: Unit | None = None,
    is_active: bool = True,
) -> CatalogueEntry:
    _require_manage(actor)
    kw = clean_phrases(keywords, field="keywords")
    syn = clean_phrases(synonyms, field="synonyms")
    _validate_entry(unit_type=unit_type, unit=unit, title=title, keywords=kw, synonyms=syn)
    before = _entry_snapshot(entry)
    entry.unit_type = unit_type
    entry.unit = unit
    entry.title = title.strip()
    entry.category_codes = _clean_codes(category_codes)
    entry.responsibilities = responsibilities.strip()
    entry.keywords = kw
    entry.synonyms = syn
    entry.exclusions = clean_phrases(exclusions, field="exclusions")
    entry.is_active = is_active
    entry.save()
    audit_record(
        actor=actor,
        action="dispatch.catalogue_update",
        obj=entry,
        before=before,
        after=_entry_snapshot(entry),
    )
    return entry


def history_samples() -> list[tuple[str, int]]:
    """(text, unit_id) of the town's closed orders, given by the parts through the dispatch_source hook."""
    return dispatch_training_samples()


def _typed_samples(samples: Iterable[tuple[str, int]]) -> list[tuple[str, str]]:
    pairs = [(t, u) for t, u in samples if t and str(t).strip()]
    unit_types = dict(
        Unit.objects.filter(pk__in={u for _, u in pairs}).exclude(unit_type="").values_list("pk", "unit_type")
    )
    return [(t.strip(), unit_types[u]) for t, u in pairs if u in unit_types]


@transaction.atomic
def classifier_train(
    *, actor: Any = None, samples: Iterable[tuple[str, int]] | None = None
) -> ClassifierModel | None:
    """Train on closed orders (or the given (text, unit_id) samples). None when history is too thin.

    With too little history nothing is stored and suggestions keep using the catalogue alone.
    """
    _require_manage(actor)
    typed = _typed_samples(history_samples() if samples is None else samples)
    if len(typed) < MIN_TRAINING_SAMPLES or len({label for _, label in typed}) < 2:
        audit_record(
            actor=actor,
            action="dispatch.classifier_train",
            object_type="dispatch.classifiermodel",
            message=f"历史样本 {len(typed)} 件，不足以训练，继续仅按派单目录建议",
        )
        return None
    classifier, cv_accuracy = train_classifier(typed)
    blob = classifier.dumps()
    model = ClassifierModel.objects.create(
        trained_at=timezone.now(),
        sample_count=len(typed),
        class_count=len(classifier.type_counts),
        cv_accuracy=cv_accuracy,
        blob=blob,
        sha256=hashlib.sha256(blob).hexdigest(),
        trained_by=actor if getattr(actor, "is_authenticated", False) else None,
        note="按职能类型训练（词语与字符 n-gram + 逻辑回归）",
    )
    # Keep the newest few models; older blobs only take space.
    stale = ClassifierModel.objects.order_by("-trained_at", "-id").values_list("pk", flat=True)[5:]
    ClassifierModel.objects.filter(pk__in=list(stale)).delete()
    audit_record(
        actor=actor,
        action="dispatch.classifier_train",
        obj=model,
        after={"sample_count": model.sample_count, "cv_accuracy": cv_accuracy},
    )
    return model


def _suggestion_rows(suggestions: Sequence[Suggestion | dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s in suggestions:
        if isinstance(s, Suggestion):
            rows.append(
                {
                    "unit_id": s.unit.pk,
                    "unit": s.unit.name,
                    "unit_type": s.unit_type,
                    "score": round(s.score, 3),
                }
            )
        else:
            rows.append(
                {
                    "unit_id": s.get("unit_id"),
                    "unit": s.get("unit", ""),
                    "unit_type": s.get("unit_type_code") or s.get("unit_type", ""),
                    "score": s.get("score"),
                }
            )
    return rows


def decision_build(
    *,
    actor: Any,
    order_number: str,
    order_id: int | None,
    text: str,
    suggestions: Sequence[Suggestion | dict[str, Any]],
    chosen_unit: Unit,
) -> DispatchDecision:
    """The decision ``decision_record`` saves, not yet saved (a loader of history saves many at once)."""
    if not order_number.strip():
        raise DomainError("缺少工单编号。", field="order_number")
    rows = _suggestion_rows(suggestions)
    chosen_rank = next((i for i, r in enumerate(rows, 1) if r["unit_id"] == chosen_unit.pk), None)
    type_rank = next((i for i, r in enumerate(rows, 1) if r["unit_type"] == chosen_unit.unit_type), None)
    if chosen_rank is not None and type_rank is None:
        type_rank = chosen_rank  # the suggested unit itself was chosen: its type counts as suggested
    return DispatchDecision(
        order_number=order_number.strip(),
        order_id=order_id,
        text_hash=text_hash(text),
        suggestions=rows,
        chosen_unit=chosen_unit,
        chosen_unit_type=chosen_unit.unit_type,
        chosen_rank=chosen_rank,
        type_rank=type_rank,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def decision_audit_after(decision: DispatchDecision) -> dict[str, Any]:
    """What the audit row of a decision records."""
    return {
        "order_number": decision.order_number,
        "chosen_unit": decision.chosen_unit.name,
        "rank": decision.chosen_rank,
    }


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    order_number: str,
    order_id: int | None,
    text: str,
    suggestions: Sequence[Suggestion | dict[str, Any]],
    chosen_unit: Unit,
) -> DispatchDecision:
    """Record a confirmed dispatch (called by workorders when a dispatcher confirms the lead unit)."""
    decision = decision_build(
        actor=actor,
        order_number=order_number,
        order_id=order_id,
        text=text,
        suggestions=suggestions,
        chosen_unit=chosen_unit,
    )
    decision.save()
    audit_record(actor=actor, action="dispatch.decision", obj=decision, after=decision_audit_after(decision))
    return decision
