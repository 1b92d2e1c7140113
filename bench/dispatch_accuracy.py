"""Dispatch suggestion accuracy on hand-written citizen messages (bench/data/dispatch_eval.csv).

    .venv/bin/python bench/dispatch_accuracy.py [--verbose] [--split tune|holdout]

Prints top-1 and top-3 accuracy of the unit type, per part of the set. The catalogue was tuned on
"tune" and "hard_tune" only. "holdout" was never looked at while tuning; "hard" (long narratives
with few catalogue words) was written and labelled after the catalogue and never tuned on:
  (a) the default 派单目录 alone (zero history),
  (b) catalogue + classifier, trained on the other half (for the hard parts: on tune+holdout), always
      disjoint from the messages scored,
  (c) classifier alone, trained the same way,
  baseline: always the three most frequent unit types of the training half.
No database is needed: the engine's scoring runs on the catalogue data directly.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")

import django  # noqa: E402

django.setup()

from zhenwu.dispatch.catalogue_data import CATALOGUE  # noqa: E402
from zhenwu.dispatch.engine import EntrySpec, rank_types, train_classifier  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "dispatch_eval.csv"


def load() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def accuracy(rows: list[dict[str, str]], ranker, verbose: bool = False) -> tuple[float, float]:
    top1 = top3 = 0
    for row in rows:
        ranked = ranker(row["text"])
        if ranked[0] == row["unit_type"]:
            top1 += 1
        if row["unit_type"] in ranked[:3]:
            top3 += 1
        elif verbose:
            print(f"  MISS #{row['id']} [{row['unit_type']}] got {ranked[:3]}: {row['text']}")
    return top1 / len(rows), top3 / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="list the misses of the catalogue")
    parser.add_argument("--split", choices=["tune", "holdout", "hard_tune", "hard"], help="only this part")
    args = parser.parse_args()
    rows = load()
    entries = [EntrySpec.from_dict(e) for e in CATALOGUE]
    halves = {s: [r for r in rows if r["split"] == s] for s in ("tune", "holdout", "hard_tune", "hard")}
    print(
        f"{len(rows)} messages, {len(entries)} catalogue entries, {len({r['unit_type'] for r in rows})} unit types"
    )
    print(f"{'half':8} {'n':>4}  {'method':34} {'top-1':>6} {'top-3':>6}")
    for split, scored in halves.items():
        if args.split and split != args.split:
            continue
        train = {
            "tune": halves["holdout"],
            "holdout": halves["tune"],
            "hard_tune": halves["tune"] + halves["holdout"],
            "hard": halves["tune"] + halves["holdout"],
        }[split]
        samples = [(r["text"], r["unit_type"]) for r in train]
        classifier, _ = train_classifier(samples)
        frequent = [t for t, _ in Counter(label for _, label in samples).most_common(3)]

        def cat(text: str) -> list[str]:
            return [s.unit_type for s in rank_types(text, entries)]

        def combined(text: str, clf=classifier) -> list[str]:
            return [s.unit_type for s in rank_types(text, entries, classifier=clf)]

        def clf_only(text: str, clf=classifier) -> list[str]:
            return [s.unit_type for s in rank_types(text, [], classifier=clf)]

        def baseline(text: str, top=frequent) -> list[str]:
            return top

        results = [
            ("(a) catalogue only", accuracy(scored, cat, args.verbose)),
            (f"(b) catalogue + classifier ({len(samples)})", accuracy(scored, combined)),
            (f"(c) classifier only ({len(samples)})", accuracy(scored, clf_only)),
            ("baseline: 3 most frequent types", accuracy(scored, baseline)),
        ]
        for name, (t1, t3) in results:
            print(f"{split:8} {len(scored):>4}  {name:34} {t1:6.1%} {t3:6.1%}")


if __name__ == "__main__":
    main()
