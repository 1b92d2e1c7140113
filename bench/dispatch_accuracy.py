"""Dispatch suggestion accuracy on citizen messages (bench/data/, see its README.md).

    .venv/bin/python bench/dispatch_accuracy.py [--per-type] [--misses a|b|c] [--json PATH]

Two sets: the project's hand-written messages (dispatch_eval.csv, parts tune/holdout/hard_tune/hard)
and real messages from public message boards (dispatch_real.csv, parts dev/test; test is never
looked at while tuning, so its misses are only listed with --include-test). For every part it prints
top-1 and top-3 accuracy of the unit type for
  (a) the default 派单目录 alone (zero history),
  (b) catalogue + classifier, the classifier always trained on messages disjoint from those scored,
  (c) the classifier alone, trained the same way,
  baseline: always the three most frequent unit types of the training messages.
Training messages per part (the "history" a town would have: the other messages it knows):
  tune <- holdout + real dev;  holdout <- tune + real dev;  hard_tune, hard <- tune + holdout + real dev;
  real dev <- all hand-written + the other four of five folds of real dev (folds by page);
  real test <- all hand-written + all of real dev.
--per-type adds a table per unit type for the hand-written set, real dev and real test.
No database is needed: the engine's scoring runs on the catalogue data directly.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from zhenwu.dispatch.catalogue_data import CATALOGUE  # noqa: E402
from zhenwu.dispatch.engine import EntrySpec, rank_types, train_classifier  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"
HAND = DATA_DIR / "dispatch_eval.csv"
REAL = DATA_DIR / "dispatch_real.csv"
HAND_PARTS = ("tune", "holdout", "hard_tune", "hard")
REAL_PARTS = ("real_dev", "real_test")
DEV_FOLDS = 5
METHODS = ("a", "b", "c", "base")
METHOD_NAMES = {
    "a": "(a) catalogue only",
    "b": "(b) catalogue + classifier",
    "c": "(c) classifier only",
    "base": "baseline: 3 most frequent types",
}

Row = dict[str, str]
Ranker = Callable[[str], list[str]]


@dataclass
class Record:
    """One scored message: its part, id, unit type and the top three of every method."""

    part: str
    id: str
    unit_type: str
    top: dict[str, list[str]]


def _read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _page_hash(url: str) -> int:
    page = re.sub(r"^https?://(www\.)?", "", url.split("#", 1)[0])
    return int(hashlib.sha256(page.encode("utf-8")).hexdigest(), 16)


def load_parts() -> dict[str, list[Row]]:
    hand = _read(HAND)
    real = _read(REAL)
    parts = {p: [r for r in hand if r["split"] == p] for p in HAND_PARTS}
    parts["real_dev"] = [r for r in real if r["split"] == "dev"]
    parts["real_test"] = [r for r in real if r["split"] == "test"]
    return parts


def dev_fold(row: Row) -> int:
    return (_page_hash(row["url"]) // 3) % DEV_FOLDS


def training_plan(parts: dict[str, list[Row]]) -> list[tuple[str, list[Row], list[Row]]]:
    """(part, scored messages, training messages) with training always disjoint from scored."""
    hand_all = [r for p in HAND_PARTS for r in parts[p]]
    dev = parts["real_dev"]
    plan = [
        ("tune", parts["tune"], parts["holdout"] + dev),
        ("holdout", parts["holdout"], parts["tune"] + dev),
        ("hard_tune", parts["hard_tune"], parts["tune"] + parts["holdout"] + dev),
        ("hard", parts["hard"], parts["tune"] + parts["holdout"] + dev),
    ]
    for fold in range(DEV_FOLDS):
        scored = [r for r in dev if dev_fold(r) == fold]
        rest = [r for r in dev if dev_fold(r) != fold]
        plan.append(("real_dev", scored, hand_all + rest))
    plan.append(("real_test", parts["real_test"], hand_all + dev))
    return plan


def rankers(entries: Sequence[EntrySpec], train: list[Row]) -> dict[str, Ranker]:
    samples = [(r["text"], r["unit_type"]) for r in train]
    classifier, _ = train_classifier(samples, cross_validate=False)
    frequent = [t for t, _ in Counter(label for _, label in samples).most_common(3)]

    def cat(text: str) -> list[str]:
        return [s.unit_type for s in rank_types(text, entries)]

    def combined(text: str) -> list[str]:
        return [s.unit_type for s in rank_types(text, entries, classifier=classifier)]

    def clf_only(text: str) -> list[str]:
        return [s.unit_type for s in rank_types(text, [], classifier=classifier)]

    def baseline(text: str) -> list[str]:
        return frequent

    return {"a": cat, "b": combined, "c": clf_only, "base": baseline}


def evaluate(parts: dict[str, list[Row]], entries: Sequence[EntrySpec]) -> list[Record]:
    records: list[Record] = []
    for part, scored, train in training_plan(parts):
        if not scored:
            continue
        ranked_by = rankers(entries, train)
        for row in scored:
            top = {method: ranker(row["text"])[:3] for method, ranker in ranked_by.items()}
            records.append(Record(part, row["id"], row["unit_type"], top))
    return records


def rates(records: Sequence[Record], method: str) -> tuple[float, float]:
    if not records:
        return 0.0, 0.0
    top1 = sum(1 for r in records if r.top[method][0] == r.unit_type)
    top3 = sum(1 for r in records if r.unit_type in r.top[method])
    return top1 / len(records), top3 / len(records)


def print_totals(records: list[Record]) -> dict[str, dict[str, list[float]]]:
    summary: dict[str, dict[str, list[float]]] = {}
    print(f"{'part':10} {'n':>4}  {'method':34} {'top-1':>6} {'top-3':>6}")
    groups = [*HAND_PARTS, "hand_all", *REAL_PARTS]
    for part in groups:
        scored = [r for r in records if r.part == part or (part == "hand_all" and r.part in HAND_PARTS)]
        if not scored:
            continue
        summary[part] = {}
        for method in METHODS:
            t1, t3 = rates(scored, method)
            summary[part][method] = [round(t1, 4), round(t3, 4)]
            print(f"{part:10} {len(scored):>4}  {METHOD_NAMES[method]:34} {t1:6.1%} {t3:6.1%}")
        print()
    return summary


def print_per_type(records: list[Record]) -> dict[str, dict[str, dict[str, list[float]]]]:
    tables: dict[str, dict[str, dict[str, list[float]]]] = {}
    for group, members in (
        ("hand-written", HAND_PARTS),
        ("real dev", ("real_dev",)),
        ("real test", ("real_test",)),
    ):
        scored = [r for r in records if r.part in members]
        if not scored:
            continue
        print(f"per unit type, {group} ({len(scored)} messages): top-1 / top-3")
        header = "".join(f"{METHOD_NAMES[m].split(' ')[0]:>14}" for m in METHODS)
        print(f"{'unit type':14} {'n':>4}{header}")
        counts = Counter(r.unit_type for r in scored)
        tables[group] = {}
        for unit_type, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            of_type = [r for r in scored if r.unit_type == unit_type]
            cells = []
            tables[group][unit_type] = {}
            for method in METHODS:
                t1, t3 = rates(of_type, method)
                tables[group][unit_type][method] = [round(t1, 4), round(t3, 4)]
                cells.append(f"{t1:6.0%}/{t3:<6.0%}".rjust(14))
            print(f"{unit_type:14} {n:>4}{''.join(cells)}")
        cells = []
        for method in METHODS:
            t1, t3 = rates(scored, method)
            cells.append(f"{t1:6.0%}/{t3:<6.0%}".rjust(14))
        print(f"{'total':14} {len(scored):>4}{''.join(cells)}\n")
    return tables


def print_misses(records: list[Record], parts: dict[str, list[Row]], method: str, include_test: bool) -> None:
    texts = {(p, r["id"]): r["text"] for p, rows in parts.items() for r in rows}
    for r in records:
        if r.part == "real_test" and not include_test:
            continue
        if r.unit_type not in r.top[method]:
            text = texts[(r.part, r.id)]
            print(f"  MISS {r.part} #{r.id} [{r.unit_type}] got {r.top[method]}: {text}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-type", action="store_true", help="tables per unit type")
    parser.add_argument("--misses", choices=["a", "b", "c"], help="list the misses (not top-3) of a method")
    parser.add_argument("--include-test", action="store_true", help="also list misses of real test")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    parts = load_parts()
    entries = [EntrySpec.from_dict(e) for e in CATALOGUE]
    total = sum(len(v) for v in parts.values())
    types = {r["unit_type"] for v in parts.values() for r in v}
    print(f"{total} messages, {len(entries)} catalogue entries, {len(types)} unit types\n")
    records = evaluate(parts, entries)
    figures: dict[str, object] = {"totals": print_totals(records)}
    if args.per_type:
        figures["per_type"] = print_per_type(records)
    if args.misses:
        print_misses(records, parts, args.misses, args.include_test)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
