"""Public pages of the 政风热线 (under /public/hotline/): archive, article, commitment tracker, question form, RSS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from zhenwu.core.errors import DomainError
from zhenwu.core.forms import read_filters
from zhenwu.core.ratelimit import over_limit
from zhenwu.core.web import form_error, paginate
from zhenwu.hotline import forms as f
from zhenwu.hotline import selectors, services
from zhenwu.hotline.choices import CommitmentStatus, EpisodeStatus, QuestionSource
from zhenwu.hotline.models import Article, Commitment, Episode


def archive(request: HttpRequest) -> HttpResponse:
    q = (read_filters(request, f.ArchiveFilter)["q"] or "").strip()
    page, qs_base = paginate(request, selectors.public_articles(q=q), 10)
    open_episodes = (
        Episode.objects.exclude(status=EpisodeStatus.CLOSED).select_related("unit").order_by("air_date")[:3]
    )
    return render(
        request,
        "hotline/public/archive.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "q": q,
            "words": selectors.search_words(q),
            "open_episodes": open_episodes,
        },
    )


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        art = selectors.public_article(pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404("文章不存在或尚未发布。") from exc
    return render(
        request,
        "hotline/public/article.html",
        {
            "art": art,
            "pairs": selectors.article_pairs(art),
            "followups": art.episode.followups.filter(included=True),
            "commitments": art.episode.commitments.filter(is_public=True),
        },
    )


def tracker(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in CommitmentStatus.values:
        status = ""
    qs = selectors.public_commitments(status=status)
    page, qs_base = paginate(request, qs, 20)
    total = selectors.public_commitments()
    return render(
        request,
        "hotline/public/tracker.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "statuses": CommitmentStatus.choices,
            "status": status,
            "total": total.count(),
            "done": total.filter(status=CommitmentStatus.VERIFIED).count(),
        },
    )


def tracker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = selectors.public_commitments().get(pk=pk)
    except Commitment.DoesNotExist as exc:
        raise Http404("该承诺事项不存在或未公开。") from exc
    return render(
        request,
        "hotline/public/tracker_detail.html",
        {"c": c, "reports": c.reports.all(), "milestones": c.milestones.all()},
    )


def ask(request: HttpRequest, pk: int) -> HttpResponse:
    episode = (
        Episode.objects.select_related("unit").filter(pk=pk).exclude(status=EpisodeStatus.CLOSED).first()
    )
    if episode is None:
        raise Http404("该期节目不存在或已结束征集。")
    form = f.IssueForm(request.POST or None, episode=episode, public=True)
    if request.method == "POST" and request.POST.get("website"):
        # Honeypot filled (a bot): answer like a success, store nothing.
        messages.success(request, "问题已收到。")
        return redirect(reverse("hotline:public_archive"))
    if request.method == "POST" and over_limit(
        "hotline_ask", request, settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR
    ):
        form.add_error(None, "提交过于频繁，请一小时后再试。")
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            issue = services.issue_create(
                actor=None,
                episode=episode,
                text=d["text"],
                source=QuestionSource.WEB,
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                topic=d["topic"],
                client_token=d["client_token"],
            )
            code = getattr(issue, "query_code", "")
            request.session["hotline_ask_last"] = {"number": issue.number, "code": code}
            return redirect(reverse("hotline:public_ask_done"))
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "hotline/public/ask.html", {"episode": episode, "form": form})


def ask_done(request: HttpRequest) -> HttpResponse:
    """After asking: the number and the query code, shown once, and a button to follow the question."""
    last = request.session.get("hotline_ask_last")
    if not last:
        return redirect("hotline:public_question")
    return render(
        request, "hotline/public/ask_done.html", {"number": last["number"], "code": last.get("code", "")}
    )


def _question_state(issue: Any) -> dict[str, Any]:
    """What became of a question, in words a citizen reads."""
    from zhenwu.hotline.choices import Outcome, Screening

    state: dict[str, Any] = {"issue": issue}
    if issue.outcome == Outcome.ANSWERED:
        state["title"] = "已在节目中答复"
        state["text"] = issue.answer_summary
        article = getattr(issue.episode, "article", None)
        if article is not None and article.status == "published":
            state["article"] = article
    elif issue.outcome == Outcome.WORK_ORDER and issue.work_order is not None:
        order = issue.work_order
        state["title"] = "已转为工单办理"
        state["text"] = f"工单 {order.number}，当前状态：{order.get_status_display()}。" + (
            f"答复：{order.reply}" if order.reply else ""
        )
    elif issue.outcome == Outcome.COMMITMENT and hasattr(issue, "commitment"):
        c = issue.commitment
        state["title"] = "有关单位已作出承诺"
        state["text"] = (
            f"{c.title}（{c.responsible_unit.name}，期限 {c.deadline:%Y-%m-%d}），当前：{c.get_status_display()}。"
        )
        state["commitment"] = c
    elif issue.screening == Screening.SET_ASIDE:
        state["title"] = "未入选"
        state["text"] = "您的问题未入选本期节目。如需办理，可通过“我要反映”提交诉求。"
    elif issue.screening == Screening.SELECTED:
        state["title"] = "已入选节目"
        state["text"] = "您的问题已入选，将在节目中处理。"
    else:
        state["title"] = "待筛选"
        state["text"] = "节目组正在筛选收到的问题。"
    return state


def question(request: HttpRequest) -> HttpResponse:
    """Follow a question asked on the public form: number and query code, then its outcome."""
    form = f.QuestionTrackForm(request.POST or None)
    state = None
    if request.method == "POST":
        if over_limit("hotline_track", request, 30):
            form.add_error(None, "查询次数过多，请一小时后再试。")
        elif form.is_valid():
            issue = services.issue_for_asker(
                number=form.cleaned_data["number"], code=form.cleaned_data["code"]
            )
            if issue is None:
                form.add_error(None, "编号或查询码不正确，请核对后再试。")
            else:
                state = _question_state(issue)
    return render(request, "hotline/public/question.html", {"form": form, "state": state})


class ArticleFeed(Feed):  # type: ignore[type-arg]
    feed_type = Rss201rev2Feed
    title = "政风热线 · 节目文章"
    description = "政风热线各期节目的问答实录"

    def link(self) -> str:
        return reverse("hotline:public_archive")

    def items(self) -> Any:
        return selectors.public_articles()[:30]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.intro

    def item_link(self, item: Article) -> str:
        return item.get_public_url()

    def item_pubdate(self, item: Article) -> Any:
        return item.published_at
