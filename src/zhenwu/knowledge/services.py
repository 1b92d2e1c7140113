"""Writes of the knowledge base. search_text (jieba tokens) is maintained here on every save."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError
from zhenwu.core.text import clean_phrases
from zhenwu.knowledge.capabilities import CAPABILITIES
from zhenwu.knowledge.models import Article
from zhenwu.knowledge.search import search_text_for
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import require_capability

FIELDS = (
    "title",
    "question",
    "answer",
    "category_code",
    "keywords",
    "unit_id",
    "valid_until",
    "is_published",
)


def _require_manage(actor: Any) -> None:
    require_capability(actor, CAPABILITIES.MANAGE)


def _snapshot(article: Article) -> dict[str, Any]:
    data = {f: getattr(article, f) for f in FIELDS}
    data["valid_until"] = article.valid_until.isoformat() if article.valid_until else None
    return data


def _validate(*, title: str, answer: str, category_code: str) -> None:
    if not title.strip():
        raise DomainError("请填写标题。", field="title")
    if not answer.strip():
        raise DomainError("请填写标准答复。", field="answer")
    if len(category_code) > 40:
        raise DomainError("工单分类编码不超过 40 个字符。", field="category_code")


@transaction.atomic
def article_create(
    *,
    actor: Any,
    title: str,
    answer: str,
    question: str = "",
    category_code: str = "",
    keywords: list[str] | str | None = None,
    unit: Unit | None = None,
    valid_until: date | None = None,
    is_published: bool = True,
    is_sample: bool = False,
) -> Article:
    _require_manage(actor)
    _validate(title=title, answer=answer, category_code=category_code)
    kw = clean_phrases(keywords, field="keywords")
    article = Article(
        title=title.strip(),
        question=question.strip(),
        answer=answer.strip(),
        category_code=category_code.strip(),
        keywords=kw,
        unit=unit,
        valid_until=valid_until,
        is_published=is_published,
        is_sample=is_sample,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    article.search_text = search_text_for(
        title=article.title, question=article.question, keywords=kw, answer=article.answer
    )
    article.save()
    audit_record(actor=actor, action="knowledge.article_create", obj=article, after=_snapshot(article))
    return article


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    title: str,
    answer: str,
    question: str = "",
    category_code: str = "",
    keywords: list[str] | str | None = None,
    unit: Unit | None = None,
    valid_until: date | None = None,
    is_published: bool = True,
) -> Article:
    _require_manage(actor)
    _validate(title=title, answer=answer, category_code=category_code)
    before = _snapshot(article)
    article.title = title.strip()
    article.question = question.strip()
    article.answer = answer.strip()
    article.category_code = category_code.strip()
    article.keywords = clean_phrases(keywords, field="keywords")
    article.unit = unit
    article.valid_until = valid_until
    article.is_published = is_published
    article.search_text = search_text_for(
        title=article.title, question=article.question, keywords=article.keywords, answer=article.answer
    )
    article.save()
    audit_record(
        actor=actor, action="knowledge.article_update", obj=article, before=before, after=_snapshot(article)
    )
    return article


def article_hit(*, actor: Any, article: Article) -> None:
    """An operator inserted this answer: count it (a narrow UPDATE, no lock held beyond the row)."""
    if not article.is_published:
        raise DomainError("该条目未发布，不能引用。")
    Article.objects.filter(pk=article.pk).update(hit_count=F("hit_count") + 1)
