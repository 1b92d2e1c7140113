"""Pages of the dispatch part: 派单目录, classifier status, accuracy, and the suggestion partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError
from zhenwu.core.forms import read_filters
from zhenwu.core.parts import dispatch_category_names
from zhenwu.core.web import capability_required, form_error, paginate, querystring_without_page
from zhenwu.dispatch import selectors, services
from zhenwu.dispatch.capabilities import CAPABILITIES
from zhenwu.dispatch.engine import suggest_units
from zhenwu.dispatch.forms import CatalogueEntryForm, CatalogueFilterForm, SuggestFilter
from zhenwu.dispatch.models import CatalogueEntry
from zhenwu.orgs.models import Unit

PER_PAGE = 30
MANAGE = CAPABILITIES.MANAGE.value


@capability_required(MANAGE)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.catalogue_list(
        user=request.user, q=filters.get("q", ""), unit_type=filters.get("unit_type", "")
    )
    page, querystring_base = paginate(request, entries, PER_PAGE)
    return render(
        request,
        "dispatch/catalogue_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": querystring_base,
            "filtered": bool(querystring_without_page(request)),
            "classifier": selectors.classifier_current(),
        },
    )


def _entry_form_page(request: HttpRequest, entry: CatalogueEntry | None) -> HttpResponse:
    initial = CatalogueEntryForm.initial_for(entry) if entry else {"is_active": True}
    form = CatalogueEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = services.catalogue_entry_create(actor=request.user, **form.service_kwargs())
                messages.success(request, f"已新增派单目录条目“{entry.title}”。")
            else:
                services.catalogue_entry_update(actor=request.user, entry=entry, **form.service_kwargs())
                messages.success(request, f"已保存派单目录条目“{entry.title}”。")
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("dispatch:catalogue_list")
    return render(request, "dispatch/catalogue_form.html", {"form": form, "entry": entry})


@capability_required(MANAGE)
def catalogue_create(request: HttpRequest) -> HttpResponse:
    return _entry_form_page(request, None)


@capability_required(MANAGE)
def catalogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_form_page(request, get_object_or_404(CatalogueEntry, pk=pk))


@capability_required(MANAGE)
def model_status(request: HttpRequest) -> HttpResponse:
    rows = selectors.decision_accuracy()
    return render(
        request,
        "dispatch/model_status.html",
        {
            "classifier": selectors.classifier_current(),
            "history": selectors.classifier_history(),
            "rows": rows,
            "totals": selectors.decision_totals(rows),
            "recent": selectors.recent_decisions(),
            "history_count": len(services.history_samples()),
        },
    )


@require_POST
@capability_required(MANAGE)
def model_train(request: HttpRequest) -> HttpResponse:
    try:
        model = services.classifier_train(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if model is None:
            messages.warning(request, "历史工单不足（至少 10 件、两类承办单位），继续仅按派单目录建议。")
        else:
            messages.success(request, f"已重新训练派单模型：样本 {model.sample_count} 件。")
    return redirect("dispatch:model_status")


@login_required
def suggest_partial(request: HttpRequest) -> HttpResponse:
    """htmx partial for the dispatch form: the top 3 as cards, each with a `lead_unit` radio."""
    filters = read_filters(request, SuggestFilter, quiet=True)
    text = filters["text"] or ""
    place: Unit | None = None
    if filters["place"]:
        place = Unit.objects.filter(pk=filters["place"]).first()
    context: dict[str, Any] = {"suggestions": [], "error": ""}
    try:
        code = filters["category"] or None
        context["suggestions"] = suggest_units(
            text=text, category_code=code, place_unit=place, category_names=dispatch_category_names(code)
        )
    except DomainError as exc:
        context["error"] = exc.message
    return render(request, "dispatch/_suggest_partial.html", context)
