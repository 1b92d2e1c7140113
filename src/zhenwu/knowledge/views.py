"""Pages of the knowledge base: search/list, create/edit, and the htmx picker for reply forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError
from zhenwu.core.web import capability_required, form_error, paginate
from zhenwu.knowledge import selectors, services
from zhenwu.knowledge.capabilities import CAPABILITIES
from zhenwu.knowledge.forms import ArticleForm, ArticleSearchForm
from zhenwu.knowledge.models import Article
from zhenwu.orgs.scope import user_has_capability

MANAGE = CAPABILITIES.MANAGE.value
PER_PAGE = 20
PICKER_LIMIT = 5


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    can_manage = user_has_capability(request.user, MANAGE)
    context = {"form": form, "q": q, "can_manage": can_manage, "today": timezone.localdate()}
    if q:
        context["hits"] = selectors.article_search(
            user=request.user, q=q, limit=50, include_unpublished=can_manage
        )
    else:
        articles = selectors.article_list(user=request.user, include_unpublished=can_manage)
        context["page_obj"], context["querystring_base"] = paginate(
            request, articles.order_by("-hit_count", "-updated_at"), PER_PAGE
        )
    return render(request, "knowledge/article_list.html", context)


def _form_page(request: HttpRequest, article: Article | None) -> HttpResponse:
    initial = ArticleForm.initial_for(article) if article else {"is_published": True}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if article is None:
                article = services.article_create(actor=request.user, **form.cleaned_data)
                messages.success(request, f"已新增知识库条目“{article.title}”。")
            else:
                services.article_update(actor=request.user, article=article, **form.cleaned_data)
                messages.success(request, f"已保存知识库条目“{article.title}”。")
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("knowledge:article_list")
    return render(request, "knowledge/article_form.html", {"form": form, "article": article})


@capability_required(MANAGE)
def article_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@capability_required(MANAGE)
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_object_or_404(Article, pk=pk))


@login_required
def picker(request: HttpRequest) -> HttpResponse:
    """htmx partial: matching answers, each with an “插入答复” button for the textarea `target`."""
    q = request.GET.get("q", "").strip()[:100]
    target = "".join(c for c in request.GET.get("target", "") if c.isalnum() or c in "-_")[:60]
    hits = selectors.article_search(
        user=request.user, q=q, category_code=request.GET.get("category") or None, limit=PICKER_LIMIT
    )
    return render(request, "knowledge/_picker.html", {"hits": hits, "q": q, "target": target})


@require_POST
@login_required
def article_hit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.article_list(user=request.user), pk=pk)
    try:
        services.article_hit(actor=request.user, article=article)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400)
    return HttpResponse(status=204)
