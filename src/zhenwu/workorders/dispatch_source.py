"""What the dispatch engine is given from work orders (the core ``dispatch_source`` hook)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from zhenwu.workorders.models import Category
from zhenwu.workorders.selectors import dispatch_training_samples


def category_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Category.objects.filter(code__in=set(codes)).values_list("code", "name"))


def category_choices() -> list[tuple[str, str]]:
    """(code, Chinese name indented in tree order) for pickers of other parts (the knowledge base)."""
    from zhenwu.workorders.forms import category_choices as choices

    return choices()


def training_samples() -> Iterator[tuple[str, int]]:
    yield from dispatch_training_samples()
