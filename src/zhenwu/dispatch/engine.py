"""Dispatch suggestion: rank unit types by the 派单目录 and a classifier, then resolve them to units.

The scoring functions work on plain `EntrySpec` values so the benchmark can run them on the default
catalogue without a database; `suggest_units` reads the catalogue and the current classifier from
the database and resolves each ranked unit type to a concrete unit.
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
import math
import pickle  # noqa: S403 - models are written by our own training service, checked by SHA-256
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from zhenwu.core.errors import DomainError
from zhenwu.orgs.choices import UnitKind, UnitType

log = logging.getLogger(__name__)

# Unit types filled in, in this order, when the text matches fewer than three.
FALLBACK_TYPES: tuple[str, ...] = (UnitType.TOWNSHIP, UnitType.OTHER, UnitType.URBAN_MANAGEMENT)
# How much the classifier counts against the catalogue, growing with the history it learned from.
# The catalogue leads: the classifier reorders close calls and, when fairly sure, brings its own
# best type into the top three (CLASSIFIER_SURE) — what a town's history knows that the catalogue
# does not (which office actually answers street lights there, say).
CLASSIFIER_MAX_WEIGHT = 0.4
CLASSIFIER_HALF_WEIGHT_SAMPLES = 300
CLASSIFIER_SURE = 0.3
TOP = 3
CATEGORY_EXACT_BONUS = 3.0
CATEGORY_PARENT_BONUS = 1.5
# Words of the text that occur in a type's catalogue text (phrases cut by jieba, responsibilities)
# count by how specific they are to that type: weight * log(types / types using the word), capped.
SOFT_TOKEN_WEIGHT = 0.4
SOFT_MAX = 2.5
EXCLUSION_FACTOR = 0.3
SECONDARY_ENTRY_FACTOR = 0.3
CATALOGUE_DAMPING = 1.0
MAX_TEXT_LENGTH = 5000

# 属地: a matter that lies in a village or community, or that the citizen puts to the town, street
# or village itself, is first handled there (the 镇/街道 or the 村/社区 of its 网格). Such wording
# lifts the township type to a share of the best catalogue score: next to the specialised unit for
# a place (LOCAL_PLACE_SHARE), level with it when the town itself is addressed (LOCAL_ADDRESS_SHARE).
LOCAL_ADDRESS_WORDS: tuple[str, ...] = (
    "镇领导",
    "镇政府",
    "镇人民政府",
    "镇党委",
    "镇长",
    "乡政府",
    "乡里",
    "乡镇",
    "街道办",
    "办事处",
    "街道领导",
    "村干部",
    "村支书",
    "村书记",
    "村主任",
    "村两委",
    "村里领导",
    "大队干部",
    "居委会",
    "社区书记",
    "社区工作人员",
    "网格员",
    "镇村",
    "村级",
)
LOCAL_VILLAGE_PATTERN = re.compile(
    r"(?<![新农])村(?!民警)|大队|生产队|屯|[一二三四五六七八九十0-9]+[组队](?![织长成员电人])|村民小组"
)
# Trunk roads are not the village's, even when they pass one.
NOT_VILLAGE_DUTY_PATTERN = re.compile(r"国道|省道|县道|高速|快速路|隧道")
LOCAL_PLACE_PATTERN = re.compile(r"社区|居委|安置小区|老旧小区|宿舍|家属院|院子")
# The village's own duties (村内道路和公共设施、人居环境): when the best specialised type is one of
# these and the place is a village, the village comes first.
VILLAGE_DUTY_TYPES: tuple[str, ...] = (UnitType.URBAN_MANAGEMENT, UnitType.TRANSPORT)
LOCAL_PLACE_SHARE = 0.9
LOCAL_ADDRESS_SHARE = 1.0
LOCAL_ALONE_SCORE = 1.0  # township's score when the place is local and nothing else matched

# Everyday words of complaints that say nothing about who is responsible.
GENERIC_WORDS = [
    "没人",
    "有人",
    "门口",
    "很久",
    "好久",
    "经常",
    "每天",
    "天天",
    "出现",
    "发现",
    "多次",
    "几次",
    "一个",
    "两个",
    "几个",
    "这里",
    "那里",
    "这边",
    "那边",
    "我们村",
    "村里",
    "小区",
    "群众",
    "老百姓",
    "居民",
    "市民",
    "麻烦",
    "尽快",
    "及时",
    "谢谢",
    "感谢",
    "能够",
    "需要",
    "应该",
    "不是",
    "不能",
    "不会",
    "还有",
    "而且",
    "也是",
    "就是",
    "只能",
    "根本",
    "东西",
    "事情",
    "地方",
    "时间",
    "影响",
    "安全",
    "负责人",
    "负责",
    "公司",
    "大家",
    "有关",
    "有关部门",
    "联系",
    "打电话",
    "电话",
    "说是",
    "告诉",
    "晚上",
    "白天",
    "早上",
    "一次",
    "好几",
    "不了",
    "下来",
    "孩子",
    "老人",
    "小孩",
    "楼下",
    "楼上",
    "中心",
    "公共",
    "产品",
    "今年",
    "最近",
    "以后",
    "以前",
    "好像",
    "知道",
    "不知",
    "不知道",
    "申请",
    "问题",
]
STOPWORDS = frozenset(
    [
        "负责",
        "以及",
        "工作",
        "管理",
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "什么",
        "怎么",
        "为什么",
        "已经",
        "一直",
        "现在",
        "问题",
        "情况",
        "希望",
        "领导",
        "您好",
        "请问",
        "能否",
        "能不能",
        "是否",
        "没有",
        "还是",
        "就是",
        "可以",
        "因为",
        "所以",
        "但是",
        "而且",
        "如果",
        "相关",
        "部门",
        "单位",
        "处理",
        "解决",
        "反映",
        "投诉",
        "一下",
        "今年",
        "去年",
        "时候",
        "这样",
        "那样",
        "非常",
        "特别",
        "严重",
        "附近",
        "旁边",
        "镇上",
        "我家",
        "家里",
        *GENERIC_WORDS,
    ]
)


@dataclass(frozen=True)
class EntrySpec:
    unit_type: str
    title: str
    category_codes: tuple[str, ...] = ()
    responsibilities: str = ""
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    unit_id: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], unit_id: int | None = None) -> EntrySpec:
        return cls(
            unit_type=data["unit_type"],
            title=data.get("title", ""),
            category_codes=tuple(data.get("category_codes") or ()),
            responsibilities=data.get("responsibilities", ""),
            keywords=tuple(data.get("keywords") or ()),
            synonyms=tuple(data.get("synonyms") or ()),
            exclusions=tuple(data.get("exclusions") or ()),
            unit_id=unit_id,
        )


@dataclass
class TypeScore:
    unit_type: str
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    entry: EntrySpec | None = None


@dataclass
class Suggestion:
    unit: Any  # orgs.Unit
    unit_type: str
    score: float
    reasons: list[str]

    @property
    def unit_type_label(self) -> str:
        return str(UnitType(self.unit_type).label)

    def as_dict(self, *, with_reasons: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "unit": self.unit.name,
            "unit_type": self.unit_type_label,
            "score": round(self.score, 3),
        }
        if with_reasons:
            data["unit_id"] = self.unit.pk
            data["unit_type_code"] = self.unit_type
            data["reasons"] = list(self.reasons)
        return data


def text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def clean_text(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError("请填写诉求内容，再获取派单建议。", field="text")
    if len(value) > MAX_TEXT_LENGTH:
        raise DomainError(f"诉求内容过长（超过 {MAX_TEXT_LENGTH} 字），请精简后再试。", field="text")
    return value


def tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut_for_search(text) if len(t.strip()) >= 2 and t not in STOPWORDS]


def precise_words(text: str) -> list[str]:
    """The words of a text cut in jieba's precise mode (no overlapping pieces), without stopwords."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut(text) if len(t.strip()) >= 2 and t not in STOPWORDS]


def _phrase_weight(phrase: str) -> float:
    return min(3.0, max(1.0, 1.0 + 0.5 * (len(phrase) - 2)))


def _matched(phrases: Iterable[str], lowered: str) -> list[str]:
    hits = {p for p in phrases if p and p.lower() in lowered}
    # A phrase inside a longer matched phrase ("路灯" in "路灯不亮") is not counted twice.
    return sorted((p for p in hits if not any(p != q and p in q for q in hits)), key=len, reverse=True)


def score_entry(
    entry: EntrySpec, lowered: str, text_tokens: Sequence[str], category_code: str | None
) -> tuple[float, list[str]]:
    score = 0.0
    reasons: list[str] = []
    keyword_hits = _matched(entry.keywords, lowered)
    synonym_hits = [p for p in _matched(entry.synonyms, lowered) if p not in keyword_hits]
    both = _matched([*keyword_hits, *synonym_hits], lowered)
    score += sum(_phrase_weight(p) for p in both)
    if keyword_hits:
        reasons.append("命中关键词：" + "、".join(keyword_hits[:5]))
    if synonym_hits:
        reasons.append("命中群众常用说法：" + "、".join(synonym_hits[:5]))
    if category_code:
        parent = category_code.split(".", 1)[0]
        if category_code in entry.category_codes:
            score += CATEGORY_EXACT_BONUS
            reasons.append(f"工单分类“{category_code}”在本条目录范围内")
        elif parent in entry.category_codes:
            score += CATEGORY_PARENT_BONUS
            reasons.append(f"工单分类属于“{parent}”大类")
    if score and entry.exclusions:
        excluded = [p for p in entry.exclusions if p and p.lower() in lowered]
        if excluded:
            score *= EXCLUSION_FACTOR
            reasons.append("含排除词：" + "、".join(excluded[:3]) + "（降低权重）")
    if score and entry.responsibilities:
        first = entry.responsibilities.split("。", 1)[0]
        reasons.append(f"目录职责：{first[:60]}{'…' if len(first) > 60 else ''}")
    return score, reasons


@lru_cache(maxsize=8)
def _type_vocabulary(entries: tuple[EntrySpec, ...]) -> dict[str, dict[str, EntrySpec]]:
    """word -> {unit type: first entry of that type whose catalogue text holds the word}."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    vocabulary: dict[str, dict[str, EntrySpec]] = {}
    for entry in entries:
        text = " ".join([entry.title, entry.responsibilities, *entry.keywords, *entry.synonyms])
        for word in precise_words(text):
            if len(word) >= 2:
                vocabulary.setdefault(word, {}).setdefault(entry.unit_type, entry)
    return vocabulary


def _matched_phrases_by_type(entries: Sequence[EntrySpec], lowered: str) -> dict[str, list[str]]:
    matched: dict[str, list[str]] = {}
    for entry in entries:
        hits = [p for p in (*entry.keywords, *entry.synonyms) if p and p.lower() in lowered]
        matched.setdefault(entry.unit_type, []).extend(hits)
    return matched


def _soft_scores(
    text_tokens: Sequence[str],
    entries: tuple[EntrySpec, ...],
    matched_phrases: dict[str, list[str]] | None = None,
) -> dict[str, tuple[float, list[str], EntrySpec]]:
    """Words shared with each type's catalogue text, except words already inside a matched phrase."""
    vocabulary = _type_vocabulary(entries)
    type_count = len({e.unit_type for e in entries}) or 1
    matched_phrases = matched_phrases or {}
    soft: dict[str, tuple[float, list[str], EntrySpec]] = {}
    for word in dict.fromkeys(text_tokens):
        owners = vocabulary.get(word)
        if not owners or len(owners) == type_count:
            continue
        weight = SOFT_TOKEN_WEIGHT * math.log(type_count / len(owners))
        for unit_type, entry in owners.items():
            if any(word in phrase for phrase in matched_phrases.get(unit_type, ())):
                continue
            score, words, first = soft.get(unit_type, (0.0, [], entry))
            soft[unit_type] = (score + weight, [*words, word], first)
    return {t: (min(SOFT_MAX, sc), words, e) for t, (sc, words, e) in soft.items()}


def catalogue_type_scores(
    text: str, entries: Sequence[EntrySpec], category_code: str | None = None
) -> dict[str, TypeScore]:
    """Raw catalogue score per unit type: the best entry plus a share of the others that match,
    plus the words the text shares with the type's catalogue text."""
    lowered = text.lower()
    text_tokens = precise_words(text)
    per_type: dict[str, list[tuple[float, list[str], EntrySpec]]] = {}
    for entry in entries:
        score, reasons = score_entry(entry, lowered, text_tokens, category_code)
        if score > 0:
            per_type.setdefault(entry.unit_type, []).append((score, reasons, entry))
    result: dict[str, TypeScore] = {}
    for unit_type, scored in per_type.items():
        scored.sort(key=lambda s: s[0], reverse=True)
        best_score, best_reasons, best_entry = scored[0]
        total = best_score + SECONDARY_ENTRY_FACTOR * sum(s for s, _, _ in scored[1:])
        result[unit_type] = TypeScore(unit_type, total, list(best_reasons), best_entry)
    matched_phrases = _matched_phrases_by_type(entries, lowered)
    for unit_type, (score, words, entry) in _soft_scores(
        text_tokens, tuple(entries), matched_phrases
    ).items():
        item = result.setdefault(unit_type, TypeScore(unit_type, 0.0, [], entry))
        item.score += score
        duty = [r for r in item.reasons if r.startswith("目录职责")]
        item.reasons = [r for r in item.reasons if r not in duty] + ["相关词语：" + "、".join(words[:5])]
        if duty:
            item.reasons += duty
        elif entry.responsibilities:
            first = entry.responsibilities.split("。", 1)[0]
            item.reasons.append(f"目录职责：{first[:60]}{'…' if len(first) > 60 else ''}")
    _local_share(text, entries, result)
    return result


def local_wording(text: str) -> tuple[str, str]:
    """("address" | "village" | "place" | "", the words found): how the text puts the matter to
    the town, a village or a community (属地)."""
    addressed = [w for w in LOCAL_ADDRESS_WORDS if w in text]
    if addressed:
        return "address", "、".join(addressed[:3])
    for kind, pattern in (("village", LOCAL_VILLAGE_PATTERN), ("place", LOCAL_PLACE_PATTERN)):
        found = pattern.search(text)
        if found:
            return kind, found.group(0)
    return "", ""


def _local_share(text: str, entries: Sequence[EntrySpec], result: dict[str, TypeScore]) -> None:
    """Lift township to a share of the best other type when the wording is local (属地)."""
    township = [e for e in entries if e.unit_type == UnitType.TOWNSHIP]
    kind, words = local_wording(text) if township else ("", "")
    if not kind:
        return
    others = {t: s.score for t, s in result.items() if t != UnitType.TOWNSHIP}
    best_type = max(others, key=lambda t: others[t]) if others else None
    village_duty = kind == "village" and best_type in VILLAGE_DUTY_TYPES
    if kind == "address" or (village_duty and not NOT_VILLAGE_DUTY_PATTERN.search(text)):
        share = LOCAL_ADDRESS_SHARE
    else:
        share = LOCAL_PLACE_SHARE
    floor = share * others[best_type] if best_type else LOCAL_ALONE_SCORE
    item = result.get(UnitType.TOWNSHIP)
    if item is not None and item.score >= floor:
        return
    entry = next((e for e in township if "村" in e.responsibilities), township[0])
    if item is None:
        item = result[UnitType.TOWNSHIP] = TypeScore(UnitType.TOWNSHIP, 0.0, [], entry)
    item.score = floor
    reason = f"属地：诉求提到“{words}”，由所在镇街或村（社区）先行处置"
    item.reasons = [reason, *[r for r in item.reasons if not r.startswith("属地")]]


# ---------------------------------------------------------------------------- classifier


@dataclass
class TrainedClassifier:
    pipeline: Any
    type_counts: dict[str, int]
    sample_count: int

    def predict(self, text: str) -> dict[str, float]:
        probabilities = self.pipeline.predict_proba([text])[0]
        return {str(c): float(p) for c, p in zip(self.pipeline.classes_, probabilities, strict=True)}

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def loads(blob: bytes) -> TrainedClassifier:
        return pickle.loads(blob)  # type: ignore[no-any-return]  # noqa: S301 - our own blob, hash-checked


def classifier_words(text: str) -> list[str]:
    """Word features of the classifier: the words jieba cuts, without stopwords."""
    return tokens(text)


def build_pipeline() -> Any:
    """Words and character n-grams, TF-IDF weighted, into a logistic model fitted by SGD.

    Classes are weighted by their inverse frequency so that a town whose history is mostly one
    kind of request still learns the rarer ones.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(tokenizer=classifier_words, token_pattern=None, lowercase=False, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
    )
    model = SGDClassifier(
        loss="log_loss", alpha=1e-4, class_weight="balanced", max_iter=50, tol=None, random_state=0
    )
    return make_pipeline(features, model)


def train_classifier(
    samples: Sequence[tuple[str, str]], *, cross_validate: bool = True
) -> tuple[TrainedClassifier, float | None]:
    """Fit on (text, unit_type) pairs; returns the classifier and its cross-validated accuracy."""
    texts = [t for t, _ in samples]
    labels = [label for _, label in samples]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise DomainError("历史工单至少要涉及两类承办单位才能训练分类模型；在此之前仅按派单目录建议。")
    cv_accuracy: float | None = None
    smallest = min(counts.values())
    if cross_validate and smallest >= 2 and len(samples) >= 10:
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=0)
        cv_accuracy = float(cross_val_score(build_pipeline(), texts, labels, cv=folds).mean())
    pipeline = build_pipeline()
    pipeline.fit(texts, labels)
    return TrainedClassifier(pipeline, counts, len(samples)), cv_accuracy


def classifier_weight(sample_count: int) -> float:
    return CLASSIFIER_MAX_WEIGHT * sample_count / (sample_count + CLASSIFIER_HALF_WEIGHT_SAMPLES)


CATEGORY_PRIOR = 0.5  # the category's declared unit type ranks at least this high


def rank_types(
    text: str,
    entries: Sequence[EntrySpec],
    *,
    category_code: str | None = None,
    classifier: TrainedClassifier | None = None,
    category_unit_type: str | None = None,
    category_name: str = "",
) -> list[TypeScore]:
    """Every unit type ranked: catalogue share and classifier probability combined, best first.

    ``category_unit_type`` is the responsibility type the request's category declares: it is
    raised to at least ``CATEGORY_PRIOR`` and says so in its reasons.
    """
    raw = catalogue_type_scores(text, entries, category_code)
    total = sum(s.score for s in raw.values())
    # Shares of the catalogue score, damped when little matched (one weak hit is not certainty).
    catalogue = {t: s.score / (total + CATALOGUE_DAMPING) for t, s in raw.items()} if total else {}
    predicted = classifier.predict(text) if classifier is not None else {}
    if predicted and catalogue:
        weight = classifier_weight(classifier.sample_count if classifier else 0)
    elif predicted:
        weight = 1.0
    else:
        weight = 0.0
    ranked: list[TypeScore] = []
    for unit_type in UnitType.values:
        base = raw.get(unit_type) or TypeScore(unit_type)
        combined = (1 - weight) * catalogue.get(unit_type, 0.0) + weight * predicted.get(unit_type, 0.0)
        reasons = list(base.reasons)
        probability = predicted.get(unit_type, 0.0)
        if classifier is not None and probability >= 0.1:
            similar = classifier.type_counts.get(unit_type, 0)
            reasons.append(f"历史工单相似：{similar} 件由此类单位办结（模型置信度 {probability:.0%}）")
        if category_unit_type and unit_type == category_unit_type:
            combined = max(combined, CATEGORY_PRIOR)
            label = f"“{category_name}”" if category_name else "所选"
            reasons.insert(0, f"诉求分类{label}由{UnitType(unit_type).label}类单位承办")
        ranked.append(TypeScore(unit_type, combined, reasons, base.entry))
    order = {t: i for i, t in enumerate(FALLBACK_TYPES)}
    ranked.sort(key=lambda s: (-s.score, order.get(s.unit_type, len(order))))
    if predicted and catalogue:
        _bring_in_classifier_best(ranked, predicted)
    for item in ranked:
        if item.score <= 0:
            item.reasons = ["未命中目录关键词，按兜底规则建议由镇统筹或其他单位研判"]
    return ranked


def _bring_in_classifier_best(ranked: list[TypeScore], predicted: dict[str, float]) -> None:
    """Put the classifier's best type third when it is fairly sure and the combination left it out."""
    best = max(predicted, key=lambda t: predicted[t])
    if predicted[best] < CLASSIFIER_SURE or len(ranked) < TOP:
        return
    position = next(i for i, item in enumerate(ranked) if item.unit_type == best)
    if position < TOP:
        return
    item = ranked.pop(position)
    item.score = max(item.score, ranked[TOP - 1].score)
    ranked.insert(TOP - 1, item)


# ---------------------------------------------------------------------------- database side
#
# The catalogue, the current classifier and the units each type resolves to are read once per
# version and kept in the process: the version is the pair of stamps (core.versions) that every
# save or delete of a catalogue entry, a classifier or a unit changes, read in one small query.
# A warm suggestion therefore costs that one query; a change in any process is seen at the next.


@dataclass(frozen=True)
class _Snapshot:
    stamps: tuple[int, ...]
    entries: tuple[EntrySpec, ...]
    classifier: TrainedClassifier | None
    units: dict[int, Any]  # active units that may be suggested (by type, by entry, as a place's village)
    tree: dict[int, tuple[int | None, str, bool]]  # every unit: (parent id, kind, active)
    by_type: dict[str, Any]  # unit type -> the unit it resolves to, None when the town has none


_memo: dict[str, Any] = {"snapshot": None, "classifier": None}


def forget_cache(*, keep_classifier: bool = False) -> None:
    """Drop the memo (tests, the benchmark's uncached baseline); the next call reads everything again."""
    _memo["snapshot"] = None
    if not keep_classifier:
        _memo["classifier"] = None


def _stamps() -> tuple[int, ...]:
    from zhenwu.core.versions import read
    from zhenwu.dispatch.apps import CATALOGUE_VERSION
    from zhenwu.orgs.apps import UNITS_VERSION

    return read(CATALOGUE_VERSION, UNITS_VERSION)


def _load_entries() -> tuple[EntrySpec, ...]:
    from zhenwu.dispatch.models import CatalogueEntry

    rows = CatalogueEntry.objects.filter(is_active=True).order_by("id")
    return tuple(
        EntrySpec(
            unit_type=e.unit_type,
            title=e.title,
            category_codes=tuple(e.category_codes or ()),
            responsibilities=e.responsibilities,
            keywords=tuple(e.keywords or ()),
            synonyms=tuple(e.synonyms or ()),
            exclusions=tuple(e.exclusions or ()),
            unit_id=e.unit_id,
        )
        for e in rows
    )


def _load_classifier() -> TrainedClassifier | None:
    """The newest classifier; unpickled once per model (a new catalogue stamp alone does not reload it)."""
    from zhenwu.dispatch.models import ClassifierModel

    row = ClassifierModel.objects.order_by("-trained_at", "-id").values_list("id", "sha256").first()
    if row is None:
        return None
    cached = _memo["classifier"]
    if cached is not None and cached[0] == row:
        return cached[1]  # type: ignore[no-any-return]
    pk, sha256 = row
    blob = bytes(ClassifierModel.objects.values_list("blob", flat=True).get(pk=pk))
    classifier: TrainedClassifier | None = None
    if hashlib.sha256(blob).hexdigest() != sha256:
        log.error("dispatch classifier %s fails its checksum; ignored", pk)
    else:
        classifier = TrainedClassifier.loads(blob)
    _memo["classifier"] = (row, classifier)
    return classifier


def _load_units(entries: Sequence[EntrySpec]) -> tuple[dict[int, Any], dict[int, Any], dict[str, Any]]:
    from django.db.models import Q

    from zhenwu.orgs.models import Unit

    tree = {
        pk: (parent_id, kind, active)
        for pk, parent_id, kind, active in Unit.objects.order_by().values_list(
            "id", "parent_id", "kind", "is_active"
        )
    }
    named = {e.unit_id for e in entries if e.unit_id}
    wanted = Q(handles_requests=True) | Q(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]) | Q(pk__in=named)
    units = {u.pk: u for u in Unit.objects.filter(wanted, is_active=True)}
    handlers = sorted(
        (u for u in units.values() if u.handles_requests), key=lambda u: (u.depth, u.sort_order, u.pk)
    )
    by_type: dict[str, Any] = {}
    for unit_type in UnitType.values:
        candidates = [u for u in handlers if u.unit_type == unit_type]
        preferred = [u for u in candidates if u.kind in (UnitKind.DEPARTMENT, UnitKind.EXTERNAL)]
        chosen = preferred or candidates
        by_type[unit_type] = chosen[0] if chosen else None
    return units, tree, by_type


def _snapshot() -> _Snapshot:
    stamps = _stamps()
    snapshot: _Snapshot | None = _memo["snapshot"]
    if snapshot is not None and snapshot.stamps == stamps:
        return snapshot
    entries = _load_entries()
    units, tree, by_type = _load_units(entries)
    snapshot = _Snapshot(stamps, entries, _load_classifier(), units, tree, by_type)
    _memo["snapshot"] = snapshot
    return snapshot


def _own(unit: Any) -> Any:
    """A copy of a memoised unit for the caller, who may keep or change it."""
    return copy.copy(unit) if unit is not None else None


def active_entries() -> list[EntrySpec]:
    return list(_snapshot().entries)


def current_classifier() -> TrainedClassifier | None:
    return _snapshot().classifier


def _place_community(place_unit: Any, snapshot: _Snapshot | None = None) -> Any:
    """The active village or community a place belongs to (the place itself, or up its tree)."""
    if place_unit.kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY) and place_unit.is_active:
        return place_unit
    snap = snapshot or _snapshot()
    pk, seen = place_unit.parent_id, set()
    while pk is not None and pk not in seen:
        seen.add(pk)
        parent_id, kind, active = snap.tree.get(pk, (None, "", False))
        if kind in (UnitKind.VILLAGE, UnitKind.COMMUNITY) and active and pk in snap.units:
            return _own(snap.units[pk])
        pk = parent_id
    return None


def _resolve(
    snapshot: _Snapshot, unit_type: str, entry: EntrySpec | None, place_unit: Any
) -> tuple[Any, str]:
    if unit_type == UnitType.TOWNSHIP and place_unit is not None and not (entry and entry.unit_id):
        community = _place_community(place_unit, snapshot)
        if community is not None:
            return community, f"事发地属{community.name}，属地事项由村（社区）先行处置"
    if entry is not None and entry.unit_id and entry.unit_id in snapshot.units:
        return _own(snapshot.units[entry.unit_id]), ""
    return _own(snapshot.by_type.get(unit_type)), ""


def resolve_unit(unit_type: str, entry: EntrySpec | None, place_unit: Any = None) -> tuple[Any, str]:
    """The concrete unit for a unit type and why; (None, "") if the town has no such unit."""
    return _resolve(_snapshot(), unit_type, entry, place_unit)


def _readable(reason: str, names: dict[str, str]) -> str:
    for code, name in names.items():
        reason = reason.replace(f"“{code}”", f"“{name}”")
    return reason


def suggest_units(
    *,
    text: str,
    category_code: str | None = None,
    place_unit: Any = None,
    limit: int = 3,
    category_names: dict[str, str] | None = None,
    category_unit_type: str | None = None,
) -> list[Suggestion]:
    """The top `limit` distinct units for a request text, best first, each with its reasons.

    ``category_names`` (code -> Chinese name) lets the reasons name the request's category in words;
    the caller that knows the categories passes it (the engine knows no business part).
    """
    value = clean_text(text)
    names_given = category_names or {}
    snapshot = _snapshot()
    ranked = rank_types(
        value,
        snapshot.entries,
        category_code=category_code or None,
        classifier=snapshot.classifier,
        category_unit_type=category_unit_type or None,
        category_name=names_given.get(category_code or "", ""),
    )
    suggestions: list[Suggestion] = []
    seen: set[int] = set()
    names = category_names or {}
    for item in ranked:
        unit, where = _resolve(snapshot, item.unit_type, item.entry, place_unit)
        if unit is None or unit.pk in seen:
            continue
        seen.add(unit.pk)
        reasons = ([where] if where else []) + [_readable(r, names) for r in item.reasons]
        suggestions.append(Suggestion(unit, item.unit_type, max(0.0, min(1.0, item.score)), reasons))
        if len(suggestions) >= limit:
            break
    if not suggestions:
        raise DomainError("系统中还没有承办群众诉求的单位，请先在组织机构中设置。")
    return suggestions
