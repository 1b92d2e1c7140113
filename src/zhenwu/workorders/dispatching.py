"""The one suggester of work orders: the dispatch engine given the order's text, category and place.

The desk's dispatch form, the order page, the decision record and the hotline console all call
``suggest``. The engine keeps its catalogue and units per version, so a suggestion for an order read
with its category's parent (``selectors.order_get``) costs one SQL statement.
"""

from __future__ import annotations

from typing import Any

from zhenwu.core.parts import dispatch_category_names
from zhenwu.dispatch.engine import Suggestion, suggest_units
from zhenwu.workorders.models import Category


def category_names(category: Category | None) -> dict[str, str]:
    """Code -> name of the category and of its top-level class (the codes the engine's reasons name).

    Read from the category itself and its parent when the parent came with it; else one query.
    """
    if category is None:
        return {}
    code = category.code
    top = code.split(".", 1)[0]
    if top == code:
        return {code: category.name}
    parent_field = Category._meta.get_field("parent")
    if category.parent_id and parent_field.is_cached(category):  # type: ignore[attr-defined]
        parent = category.parent
        if parent is not None and parent.code == top:
            return {code: category.name, top: parent.name}
    return dispatch_category_names(code)


def suggest(
    *, text: str, category: Category | None = None, place_unit: Any = None, limit: int = 3
) -> list[Suggestion]:
    code = category.code if category is not None else None
    return suggest_units(
        text=text,
        category_code=code,
        place_unit=place_unit,
        limit=limit,
        category_names=category_names(category),
        category_unit_type=category.unit_type if category is not None else None,
    )
