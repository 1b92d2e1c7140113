"""Reads of the knowledge base: published answers for every staff member; drafts for maintainers.

Search: the query is cut with jieba; candidates are rows whose search_text holds any query token
as a whole token (' token ' substring, the same SQL on SQLite and PostgreSQL); they are ranked in
Python by token overlap, title tokens weighing three times, keywords twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhenwu.knowledge.capabilities import CAPABILITIES
from zhenwu.knowledge.models import Article
from zhenwu.knowledge.search import query_tokens, segment
from zhenwu.orgs.scope import user_has_capability

MAX_CANDIDATES = 500
TITLE_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
BODY_WEIGHT = 1.0


def article_list(*, user: Any, include_unpublished: bool = False) -> QuerySet[Article]:
    if not getattr(user, "is_authenticated", False):
        return Article.objects.none()
    qs = Article.objects.select_related("unit")
    if not (include_unpublished and user_has_capability(user, CAPABILITIES.MANAGE)):
        today = timezone.localdate()
        qs = qs.filter(is_published=True).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return qs


@dataclass
class Hit:
    article: Article
    score: float
    matched: list[str]


def article_search(
    *,
    user: Any,
    q: str,
    category_code: str | None = None,
    limit: int = 10,
    include_unpublished: bool = False,
) -> list[Hit]:
    tokens = query_tokens(q or "")
    if not tokens:
        return []
    qs = article_list(user=user, include_unpublished=include_unpublished)
    if category_code:
        qs = qs.filter(Q(category_code=category_code) | Q(category_code__startswith=f"{category_code}."))
    match = reduce(or_, (Q(search_text__icontains=f" {t} ") for t in tokens))
    candidates = list(qs.filter(match).order_by("-hit_count", "id")[:MAX_CANDIDATES])
    hits: list[Hit] = []
    for article in candidates:
        title_tokens = set(segment(article.title))
        keyword_tokens = set(segment(" ".join(article.keywords)))
        body = article.search_text
        score = 0.0
        matched: list[str] = []
        for token in tokens:
            if token in title_tokens:
                score += TITLE_WEIGHT
            elif token in keyword_tokens:
                score += KEYWORD_WEIGHT
            elif f" {token} " in body:
                score += BODY_WEIGHT
            else:
                continue
            matched.append(token)
        if score:
            hits.append(Hit(article, score, matched))
    hits.sort(key=lambda h: (-h.score, -h.article.hit_count, h.article.pk))
    return hits[:limit]
