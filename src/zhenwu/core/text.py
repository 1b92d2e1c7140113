"""Small text helpers every part may use."""

from __future__ import annotations

import re
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


# XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. Everything
# else (C0 controls, lone surrogates, U+FFFE/U+FFFF) makes a document that no XML parser reads, and
# openpyxl refuses it in a cell; DEL and the C1 controls are allowed by XML but are never meant text.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_AS_SPACE = str.maketrans({"\x0b": " ", "\x0c": " "})  # vertical tab, form feed: whitespace


def xml_safe(value: str) -> str:
    """The text without characters XML 1.0 forbids: vertical tab and form feed become a space, the
    other control characters, lone surrogates and the non-characters U+FFFE/U+FFFF are dropped.
    Called at intake for every channel (work orders, notes, replies) and again by XML renderers."""
    if not value:
        return value
    return _NOT_TEXT.sub("", value.translate(_AS_SPACE))
