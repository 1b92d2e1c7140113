"""The dispatch evaluation sets (bench/data): shape, labels, the deterministic dev/test split, privacy."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from zhenwu.orgs.choices import UnitType

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_real_messages_are_labelled_split_and_stripped_of_personal_details() -> None:
    rows = _rows("dispatch_real.csv")
    assert len(rows) >= 300
    assert set(rows[0]) == {"id", "split", "unit_type", "unit", "url", "text"}
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["url"] for r in rows}) == len(rows)
    types = set(UnitType.values) - {UnitType.OTHER}
    for row in rows:
        assert row["unit_type"] in types, row["id"]
        assert row["unit"].strip() and row["text"].strip(), row["id"]
        assert row["url"].startswith(("http://", "https://")), row["id"]
        page = re.sub(r"^https?://(www\.)?", "", row["url"].split("#", 1)[0])
        expected = "test" if int(hashlib.sha256(page.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "dev"
        assert row["split"] == expected, row["id"]
        assert not re.search(r"\d{7,}", row["text"]), f"{row['id']}: a phone number?"
    splits = [r["split"] for r in rows]
    assert splits.count("dev") > 2 * splits.count("test") * 0.8 and splits.count("test") >= 90


def test_hand_written_messages_use_known_unit_types() -> None:
    rows = _rows("dispatch_eval.csv")
    assert {r["split"] for r in rows} == {"tune", "holdout", "hard_tune", "hard"}
    assert {r["unit_type"] for r in rows} <= set(UnitType.values)
