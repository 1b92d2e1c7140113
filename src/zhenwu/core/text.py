"""Small text helpers every part may use."""

from __future__ import annotations

from collections.abc import Iterable

from zhenwu.core.errors import DomainError


def clean_phrases(values: Iterable[str] | str | None, *, field: str) -> list[str]:
    """A list of phrases from a list or a text split on newlines, commas and 、; trimmed, unique."""
    if values is None:
        return []
    if isinstance(values, str):
        for sep in ("\r", "\n", "，", ",", "、", "；", ";"):
            values = values.replace(sep, "\n")
        values = values.split("\n")
    phrases: list[str] = []
    for value in values:
        phrase = str(value).strip()
        if not phrase or phrase in phrases:
            continue
        if len(phrase) > 30:
            raise DomainError(f"“{phrase[:12]}…”过长，每个词语不超过 30 个字。", field=field)
        phrases.append(phrase)
    return phrases
