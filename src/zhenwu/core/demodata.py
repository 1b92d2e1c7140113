"""Helpers the parts' demo loaders share: a clock for writing history, timestamps kept as given,
a generated stand-in photo. Demo loading only: nothing here runs while the town is serving.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.utils import timezone


@contextmanager
def frozen_now(moment: datetime) -> Iterator[None]:
    """Inside the block, ``timezone.now()`` (and so ``localdate()``, ``auto_now`` fields and every
    service's "now") is ``moment``: the demo writes last year's history through the services as
    they would have written it then. Process-wide while it lasts: only the demo loader uses it.
    """
    if moment.tzinfo is None:
        raise ValueError("frozen_now needs a timezone-aware moment")
    original = timezone.now
    timezone.now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        timezone.now = original  # type: ignore[assignment]


@contextmanager
def historic_timestamps(*models: Any) -> Iterator[None]:
    """``bulk_create`` keeps the ``created_at``/``updated_at`` values given instead of stamping now.

    ``auto_now``/``auto_now_add`` are switched off on the models' fields for the block only.
    """
    saved: list[tuple[Any, bool, bool]] = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def sample_photo(seed: int, width: int = 480, height: int = 320) -> bytes:
    """A generated stand-in for a photo (a colour gradient, PNG), labelled 示例 by the name it is given."""
    rng = random.Random(seed)
    base = (rng.randrange(60, 160), rng.randrange(90, 170), rng.randrange(50, 120))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = []
    for y in range(height):
        shade = y * 80 // height
        row = bytes((min(255, base[0] + shade), min(255, base[1] + shade // 2), base[2]))
        rows.append(b"\x00" + row * width)
    raw = zlib.compress(b"".join(rows), 6)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
