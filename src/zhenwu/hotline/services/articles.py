"""Publication of an episode as an article like the source text."""

from __future__ import annotations

from typing import Any

import jieba
from django.db import transaction
from django.utils import timezone

from zhenwu.audit.services import audit_record, snapshot
from zhenwu.core.errors import DomainError
from zhenwu.hotline.capabilities import HotlineCapability
from zhenwu.hotline.choices import (
    ARTICLE_MACHINE,
    ArticleStatus,
    Outcome,
)
from zhenwu.hotline.models import (
    PROGRAMME_NAME,
    Article,
    Episode,
)
from zhenwu.hotline.services._common import _require

# --------------------------------------------------------------------------- publication


def article_default_intro(episode: Episode) -> str:
    guests = "、".join(f"{g.title}{g.name}" for g in episode.guests.all())
    topics = "、".join(t.name for t in episode.topics.all())
    d = episode.air_date
    when = f"{d.year}年{d.month}月{d.day}日" if d else "近日"
    return f"{when}，{episode.unit.name}上线“{PROGRAMME_NAME}”，{guests}围绕{topics}等内容回答提问。"


def search_tokens_for(article: Article) -> str:
    parts = [article.title, article.intro, article.episode.unit.name]
    for issue in article.episode.issues.filter(in_article=True):
        parts.extend(
            [issue.text, issue.answer_text or issue.answer_summary, issue.topic.name if issue.topic else ""]
        )
    words = {w.strip().lower() for w in jieba.cut_for_search(" ".join(p for p in parts if p)) if w.strip()}
    return " " + " ".join(sorted(words)) + " "


@transaction.atomic
def article_prepare(*, actor: Any, episode: Episode, title: str = "", intro: str = "") -> Article:
    """Create (or return) the episode's article draft; the intro is prefilled in the source's form."""
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    existing = Article.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    article = Article(
        episode=episode,
        title=title.strip() or f"{episode.unit.name}上线“{PROGRAMME_NAME}”",
        intro=intro.strip() or article_default_intro(episode),
    )
    article.search_tokens = search_tokens_for(article)
    article.save()
    audit_record(
        actor=actor,
        action="hotline.article_prepare",
        obj=article,
        after=snapshot(article, ["title", "intro"]),
    )
    return article


@transaction.atomic
def article_update(*, actor: Any, article: Article, title: str, intro: str) -> Article:
    _require(actor, HotlineCapability.MANAGE, "编辑节目文章")
    if article.status not in (ArticleStatus.DRAFT,):
        raise DomainError(f"文章当前为“{article.get_status_display()}”，请先退回或撤回再修改。")
    if not title.strip():
        raise DomainError("请填写标题。", field="title")
    if not intro.strip():
        raise DomainError("请填写导语。", field="intro")
    before = snapshot(article, ["title", "intro"])
    article.title, article.intro = title.strip(), intro.strip()
    article.search_tokens = search_tokens_for(article)
    article.save()
    audit_record(
        actor=actor,
        action="hotline.article_update",
        obj=article,
        before=before,
        after=snapshot(article, ["title", "intro"]),
    )
    return article


@transaction.atomic
def article_transition(*, actor: Any, article: Article, action: str) -> Article:
    """submit / approve / reject / publish / withdraw; approval by a leader, publishing only when approved."""
    if action in ("approve", "reject"):
        _require(actor, HotlineCapability.APPROVE, "审核节目文章")
    else:
        _require(actor, HotlineCapability.MANAGE, "发布节目文章")
    article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
    if action == "publish" and article.status != ArticleStatus.APPROVED:
        raise DomainError("文章尚未经领导审核通过，不能发布。请先提交审核。", code="not_approved")
    if (
        action == "submit"
        and not article.episode.issues.filter(in_article=True).exclude(outcome=Outcome.PENDING).exists()
    ):
        raise DomainError("文章中还没有任何问答，请先在节目中处理问题或勾选收入文章的问答。")
    before = article.status
    article.status = str(ARTICLE_MACHINE.check(article, action).target)
    now = timezone.now()
    if action == "approve":
        article.approved_by, article.approved_at = actor, now
    elif action == "publish":
        article.published_at = now
        article.search_tokens = search_tokens_for(article)
    elif action in ("reject", "withdraw"):
        article.approved_by, article.approved_at = None, None
        if action == "withdraw":
            article.published_at = None
    article.save()
    audit_record(
        actor=actor,
        action=f"hotline.article_{action}",
        obj=article,
        before={"status": before},
        after={"status": article.status},
    )
    return article
