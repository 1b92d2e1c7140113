"""The one suggester of work orders: the dispatch engine given the order's text, category and place.

The desk's dispatch form, the decision record and the hotline console all call ``suggest``.
"""

from __future__ import annotations

from typing import Any

from zhenwu.core.parts import dispatch_category_names
from zhenwu.dispatch.engine import Suggestion, suggest_units
from zhenwu.workorders.models import Category


def suggest(
    *, text: str, category: Category | None = None, place_unit: Any = None, limit: int = 3
) -> list[Suggestion]:
    code = category.code if category is not None else None
    names = dispatch_category_names(code)
    return suggest_units(
        text=text,
        category_code=code,
        place_unit=place_unit,
        limit=limit,
        category_names=names,
        category_unit_type=category.unit_type if category is not None else None,
    )
