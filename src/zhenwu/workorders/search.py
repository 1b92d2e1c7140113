"""Text search of work orders that serves Chinese: character n-gram tokens kept on each order.

A term of two Chinese characters (路灯) has no word boundary a full-text parser could find, and a
trigram index cannot serve it. So every order keeps ``search_text``: the space-separated tokens
of its number, title, description and address —

- every character (serves 1-character terms),
- every pair of adjacent characters (the bigrams: a term of n characters has n - 1 of them),
- every substring of 3 to 8 characters of each ASCII letter/digit run (order numbers, plate and
  phone fragments: ``NT-20261128-0042`` yields ``20261128``, ``0042`` …, so a number search
  does not depend on digit bigrams that nearly every order has).

Whitespace separates tokens and never belongs to one. Text is case-folded per character, as
``UPPER()`` does in the database.

The rule that makes the search exact: if the term is a substring of a field, every token of the
term (``query_tokens``) is a token of the field. So "the order has the term's (rarest) token"
selects a superset of the matching orders through the index; the list then confirms the
original substring condition on those rows only (``text_filter``).

On PostgreSQL a GIN index over ``workorder_search_tokens(search_text)`` (``string_to_array(…,
' ')``, migration 0007) serves ``@>``; on SQLite the same tokens are matched with ``LIKE '% token
%'``. Both give the results of the plain substring search.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.db.models import BooleanField, F, Func, Q

# The fields the staff list's q searches (selectors.order_list): the same four, always.
SEARCH_FIELDS = ("number", "title", "description", "address")
WORD_MIN = 3
WORD_MAX = 8
QUERY_TOKEN_SOURCE = 120  # characters of q that give tokens; the confirm step sees all of q
QUERY_TOKENS_MAX = 24
GIN_INDEX = "wo_search_tokens"  # created by migration 0007 on PostgreSQL
TOKENS_FUNCTION = "workorder_search_tokens"  # string_to_array(search_text, ' '), migration 0007
# The index as migration 0007 creates it, for loaders that drop it while they COPY a million rows.
GIN_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON workorders_workorder "
    f"USING gin ({TOKENS_FUNCTION}(search_text))"
)

_WORD = re.compile(rf"[0-9A-Z]{{{WORD_MIN},}}")  # after folding, ASCII letters are upper case


def fold(text: str) -> str:
    """Per-character upper case (what the database's UPPER() does); characters whose upper case is
    longer than one character (ß) are kept as they are, so positions never shift."""
    upper = text.upper()
    if len(upper) == len(text):
        return upper
    return "".join(u if len(u := c.upper()) == 1 else c for c in text)


def _add_tokens(text: str, out: set[str]) -> None:
    for chunk in text.split():
        out.update(chunk)
        if len(chunk) > 1:
            out.update(map(str.__add__, chunk, chunk[1:]))
    for match in _WORD.finditer(text):
        word = match.group()
        n = len(word)
        for k in range(WORD_MIN, min(n, WORD_MAX) + 1):
            out.update(word[i : i + k] for i in range(n - k + 1))


def search_text(number: str = "", title: str = "", description: str = "", address: str = "") -> str:
    """The value of WorkOrder.search_text for these field values: the sorted unique tokens joined
    by single spaces (``"0 00 … 路灯"``), ``""`` when there is no text. A pure function: every
    write path (model save, a fast insert, COPY loaders, the migration) calls this one."""
    out: set[str] = set()
    for value in (number, title, description, address):
        if value:
            _add_tokens(fold(value.replace("\x00", " ")), out)
    return " ".join(sorted(out))


def query_tokens(q: str) -> list[str]:
    """Tokens every order containing ``q`` (in any one search field) has: the ASCII words first
    (most selective), then the bigrams, or the single characters when q has no two adjacent
    ones. Empty when q has no searchable character."""
    text = fold(q[:QUERY_TOKEN_SOURCE].replace("\x00", " "))
    # Only the first characters of a long q give tokens: a run cut by the slice is still a
    # substring of a field's run, so its tokens stay valid.
    found: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) <= WORD_MAX:
            found.append(word)
        else:
            found.extend(word[i : i + WORD_MAX] for i in range(0, len(word) - WORD_MAX + 1, WORD_MAX // 2))
            found.append(word[-WORD_MAX:])
    chunks = text.split()
    bigrams = [a + b for chunk in chunks for a, b in zip(chunk, chunk[1:], strict=False)]
    found.extend(bigrams if bigrams else [c for chunk in chunks for c in chunk])
    return list(dict.fromkeys(found))[:QUERY_TOKENS_MAX]


def rarest_token(tokens: list[str], frequencies: dict[str, float]) -> str:
    """The token fewest orders have, by the share of orders the database's statistics give for
    the common ones; a token the statistics do not list is rarer than all of those (the first
    such, words before bigrams, wins)."""
    return min(tokens, key=lambda t: frequencies.get(t, 0.0))


class HasAllTokens(Func):
    """``search_text`` has every token: ``workorder_search_tokens(col) @> ARRAY[…]`` on PostgreSQL
    (the GIN index's expression, written exactly as the index has it), ``' ' || col || ' ' LIKE
    '% t %' AND …`` elsewhere.

    ``workorder_search_tokens`` is ``string_to_array(col, ' ')`` declared with its true cost (it
    splits a few hundred bytes into an array, where the planner assumes one operator's cost):
    so the planner tests the cheap substring condition first when it scans, and prefers the
    index over testing every row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, tokens: list[str], column: str = "search_text") -> None:
        self.tokens = list(tokens)
        super().__init__(F(column))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        parts = []
        for token in self.tokens:
            escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            parts.append(f"(' ' || {column} || ' ') LIKE %s ESCAPE '\\'")
            params = [*params, f"% {escaped} %"]
        return "(" + " AND ".join(parts) + ")", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"{TOKENS_FUNCTION}({column}) @> %s::text[]", [*params, self.tokens]


_frequencies: tuple[float, dict[str, float]] = (0.0, {})
FREQUENCIES_TTL = 600.0


def token_frequencies() -> dict[str, float]:
    """Share of orders holding each common token, from PostgreSQL's statistics of the GIN index
    expression (its most common elements, refreshed by ANALYZE); read at most every ten minutes
    per process. Empty elsewhere, or before the first ANALYZE."""
    global _frequencies
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    now = time.monotonic()
    if _frequencies[1] and now - _frequencies[0] < FREQUENCIES_TTL:
        return _frequencies[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND schemaname = current_schema()",
            [GIN_INDEX],
        )
        row = cursor.fetchone()
    found = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _frequencies = (now, found)
    return found


def substring_q(q: str, prefix: str = "") -> Q:
    """The original condition: q is a case-insensitive substring of one of the search fields
    (``UPPER(col) LIKE UPPER('%q%')`` on PostgreSQL). What the list did before the tokens."""
    cond = Q()
    for name in SEARCH_FIELDS:
        cond |= Q(**{f"{prefix}{name}__icontains": q})
    return cond


class ContainsText(Func):
    """q is a case-insensitive substring of the column: the rows of ``column__icontains=q``.

    On PostgreSQL written ``strpos(UPPER(col), UPPER(q)) > 0`` rather than ``UPPER(col) LIKE
    '%q%'``: the same rows, but the planner does not guess a tiny share for it (it guesses one in
    five per character of a LIKE pattern), so the token's share of orders stays its estimate.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, q: str) -> None:
        self.q = q
        super().__init__(F(column))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        pattern = "%" + connection.ops.prep_for_like_query(self.q) + "%"
        return f"{column} LIKE %s ESCAPE '\\'", [*params, pattern]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"strpos(UPPER({column}::text), UPPER(%s)) > 0", [*params, self.q]


def text_filter(q: str) -> Q:
    """The list's text condition: q's rarest token through the index, then the substring itself.

    One token, not all of them: the bigrams of a term go together (窨井 and 井盖), and the planner,
    which multiplies their shares as if they did not, would expect a handful of rows where there
    are tens of thousands, and read them all to sort them. With one token its estimate is the
    statistics' own figure, and it picks the right plan: the newest orders first for a common
    term, the index for a rare one. The substring condition keeps the result exact.
    A q with no searchable character (only spaces) is the plain substring condition.
    """
    confirm = Q()
    for name in SEARCH_FIELDS:
        confirm |= Q(ContainsText(name, q))
    tokens = query_tokens(q)
    if not tokens:
        return confirm
    return Q(HasAllTokens([rarest_token(tokens, token_frequencies())])) & confirm


__all__ = [
    "SEARCH_FIELDS",
    "ContainsText",
    "HasAllTokens",
    "fold",
    "query_tokens",
    "rarest_token",
    "search_text",
    "substring_q",
    "text_filter",
    "token_frequencies",
]
