"""Staff pages of the work-order part: inbox, list and export, intake, detail with actions, 督办, metrics."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError
from zhenwu.core.exports import Column, xlsx_response
from zhenwu.core.models import Attachment
from zhenwu.core.pii import mask_name, mask_phone
from zhenwu.core.web import (
    attachment_response,
    capability_required,
    form_error,
    paginate,
    querystring_without_page,
)
from zhenwu.orgs.models import Unit
from zhenwu.orgs.scope import user_grants, user_has_capability
from zhenwu.workorders import selectors, services
from zhenwu.workorders.capabilities import Cap
from zhenwu.workorders.choices import WORKORDER_MACHINE, Action
from zhenwu.workorders.dispatching import suggest
from zhenwu.workorders.forms import (
    ActionForm,
    CategoryForm,
    IntakeForm,
    MetricsForm,
    OrderFilterForm,
    option_stamps,
)
from zhenwu.workorders.models import Category, WorkOrder

log = logging.getLogger(__name__)

PER_PAGE = 30

# Which ActionForm fields each action shows.
ACTION_FIELDS: dict[str, list[str]] = {
    Action.ACCEPT: [],
    Action.REJECT: ["note"],
    Action.ANSWER: ["category", "note"],
    Action.DISPATCH: ["category", "unclassified", "unit", "assisting", "note"],
    Action.SIGN: [],
    Action.RETURN: ["note"],
    Action.REASSIGN: ["unit", "assisting", "note"],
    Action.KEEP: ["note"],
    Action.EXTEND: ["days", "note"],
    Action.APPROVE_EXTENSION: ["note"],
    Action.DENY_EXTENSION: ["note"],
    Action.REPLY: ["category", "note", "photos"],
    Action.CALLBACK: ["satisfaction", "note"],
    Action.MERGE: ["parent", "note"],
    Action.SUPERVISE: ["note"],
    Action.REMIND: ["note"],
    Action.NOTE: ["note", "photos"],
}
ACTION_STYLE = {
    Action.SIGN: "btn-primary",
    Action.DISPATCH: "btn-primary",
    Action.REPLY: "btn-primary",
    Action.CALLBACK: "btn-primary",
    Action.ANSWER: "btn-success",
    Action.RETURN: "btn-outline-danger",
    Action.REJECT: "btn-outline-danger",
    Action.SUPERVISE: "btn-outline-danger",
}
NOTE_LABELS = {
    Action.REPLY: "答复内容（将发给诉求人）",
    Action.ANSWER: "答复内容（将发给诉求人）",
    Action.RETURN: "退单理由",
    Action.REJECT: "不予受理的理由",
    Action.EXTEND: "延期理由",
    Action.SUPERVISE: "督办意见",
}


ACTION_ORDER = [
    Action.DISPATCH,
    Action.SIGN,
    Action.REPLY,
    Action.CALLBACK,
    Action.ANSWER,
    Action.APPROVE_EXTENSION,
    Action.REASSIGN,
    Action.KEEP,
    Action.ACCEPT,
    Action.EXTEND,
    Action.RETURN,
    Action.SUPERVISE,
    Action.REMIND,
    Action.MERGE,
    Action.DENY_EXTENSION,
    Action.REJECT,
    Action.NOTE,
]


def _action_rank(action: str) -> int:
    return ACTION_ORDER.index(action) if action in ACTION_ORDER else len(ACTION_ORDER)


def _is_desk(user: Any) -> bool:
    return user_has_capability(user, Cap.DISPATCH) or user_has_capability(user, Cap.INTAKE)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not (user_grants(request.user)):
        raise PermissionDenied("您还没有任职单位，暂时没有工单。")
    counts = selectors.inbox_counts(user=request.user)
    desk = _is_desk(request.user)
    tabs = [(k, v) for k, v in selectors.INBOX_TABS if desk or k not in {"desk", "returned"}]
    default = "desk" if desk and counts.get("desk") else "to_sign"
    tab = request.GET.get("tab") or default
    if tab not in dict(tabs):
        tab = default
    page, base = paginate(request, selectors.inbox(user=request.user, tab=tab), PER_PAGE)
    return render(
        request,
        "workorders/inbox.html",
        {
            "tabs": [(k, v, counts.get(k, 0)) for k, v in tabs],
            "tab": tab,
            "page_obj": page,
            "querystring_base": base,
            "now": timezone.now(),
        },
    )


def _filters(form: OrderFilterForm) -> selectors.OrderFilters:
    if not form.is_valid():
        return selectors.OrderFilters()
    d = form.cleaned_data
    return selectors.OrderFilters(
        q=d.get("q") or "",
        status=d.get("status") or "",
        category=d.get("category") or "",
        unit=d["unit"].pk if d.get("unit") else None,
        channel=d.get("channel") or "",
        start=d.get("start"),
        end=d.get("end"),
        overdue=bool(d.get("overdue")),
        supervised=bool(d.get("supervised")),
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET, user=request.user)
    orders = selectors.order_list(user=request.user, filters=_filters(form))
    page, base = paginate(request, orders, PER_PAGE, paginator=selectors.OrderListPaginator)
    return render(
        request,
        "workorders/list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_base": base,
            "querystring": querystring_without_page(request),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "now": timezone.now(),
            "can_export": user_has_capability(request.user, Cap.EXPORT),
        },
    )


EXPORT_LIMIT = 50000


@capability_required(Cap.EXPORT)
def order_export(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET, user=request.user)
    orders = selectors.order_list(user=request.user, filters=_filters(form))[:EXPORT_LIMIT]

    def local(dt: Any) -> Any:
        return timezone.localtime(dt).replace(tzinfo=None) if dt else None

    columns = [
        Column("工单编号", lambda o: o.number),
        Column("登记时间", lambda o: local(o.created_at)),
        Column("渠道", lambda o: o.get_channel_display()),
        Column("分类", lambda o: str(o.category) if o.category else ""),
        Column("诉求内容", lambda o: o.description),
        Column("地点", lambda o: o.address),
        Column("诉求人", lambda o: "" if o.anonymous else o.reporter_name, pii="name"),
        Column("联系电话", lambda o: o.reporter_phone, pii="phone"),
        Column("状态", lambda o: o.get_status_display()),
        Column("主办单位", lambda o: o.lead_unit.name if o.lead_unit else ""),
        Column("办结时限", lambda o: local(o.deadline)),
        Column("回复时间", lambda o: local(o.replied_at)),
        Column("满意度", lambda o: o.get_satisfaction_display()),
        Column("重办次数", lambda o: o.rework_count),
        Column("延期次数", lambda o: o.extension_count),
    ]
    from zhenwu.audit.services import audit_record

    audit_record(
        actor=request.user,
        action="workorders.export",
        object_type="workorders.workorder",
        message=querystring_without_page(request)[:200],
    )
    return xlsx_response(
        filename="诉求工单",
        title="诉求工单",
        columns=columns,
        rows=orders,
        note="联系电话与姓名已脱敏。",
    )


@capability_required(Cap.INTAKE)
def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.workorder_create(
                actor=request.user,
                channel=d["channel"],
                category=d["category"],
                description=d["description"],
                urgency=d["urgency"],
                address=d["address"],
                grid=d["grid"],
                reporter_name=d["reporter_name"],
                reporter_phone=d["reporter_phone"],
                anonymous=d["anonymous"],
                confidential=d["confidential"],
                photos=d["photos"],
                client_token=d["client_token"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if getattr(order, "duplicate_submission", False):
                messages.info(request, f"该表单已提交过，工单 {order.number} 已登记，未重复创建。")
            else:
                messages.success(request, f"已登记工单 {order.number}，请派单或直接答复。")
            return redirect(order.get_absolute_url())
    return render(
        request,
        "workorders/intake.html",
        {"form": form, "suggest_url": _optional_url("dispatch:suggest_partial")},
    )


def _optional_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _suggestions(order: WorkOrder, place: Unit | None) -> dict[str, Any]:
    """The top 3 units for the dispatch form, rendered with the page (not requested after it).

    A suggestion is advice: when the engine fails the page still serves, saying so."""
    try:
        return {"suggestions": suggest(text=order.description, category=order.category, place_unit=place)}
    except DomainError as exc:
        return {"suggestions": [], "error": exc.message}
    except Exception:
        log.exception("dispatch suggestion failed for %s", order.number)
        return {"suggestions": [], "error": "派单建议暂时不可用，请直接在下拉框中选择承办单位。"}


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_get(user=request.user, number=number)
    actions = sorted(services.allowed_actions(actor=request.user, order=order), key=_action_rank)
    forms_by_action = []
    selects = {"unit", "assisting", "category"}
    stamps = option_stamps() if any(selects & set(ACTION_FIELDS.get(a, [])) for a in actions) else None
    for action in actions:
        form = ActionForm(prefix=action, initial={"category": order.category_id}, option_stamps=stamps)
        fields = ACTION_FIELDS.get(action, ["note"])
        if order.category_id:  # classified: 答复/回复 keep it; 派单 may still correct it
            fields = [
                f for f in fields if f != "unclassified" and (f != "category" or action == Action.DISPATCH)
            ]
        if "note" in fields:
            form.fields["note"].label = NOTE_LABELS.get(action, "说明")
            form.fields["note"].required = WORKORDER_MACHINE.get(action).needs_note
        forms_by_action.append(
            {
                "action": action,
                "label": Action(action).label,
                "form": form,
                "fields": [form[f] for f in fields],
                "style": ACTION_STYLE.get(action, "btn-outline-secondary"),
            }
        )
    show_pii = user_has_capability(request.user, "core.reveal_pii") and not order.confidential
    similar = []
    if Action.MERGE in actions:
        similar = selectors.similar_open_orders(
            user=request.user,
            text=order.description,
            grid=order.grid,
            address=order.address,
            exclude_pk=order.pk,
        )
    dispatching = bool({Action.DISPATCH, Action.REASSIGN} & set(actions))
    place = selectors.place_of(order) if dispatching else None
    return render(
        request,
        "workorders/detail.html",
        {
            "order": order,
            "events": order.events.select_related("unit").prefetch_related("photos"),
            "photos": order.photos.all(),
            "assisting": order.assisting_units.all(),
            "children": order.merged_children.all(),
            "action_forms": forms_by_action,
            "reporter_phone": mask_phone(order.reporter_phone),
            "reporter_name": "匿名" if order.anonymous else mask_name(order.reporter_name),
            "can_reveal": show_pii and bool(order.reporter_phone or order.reporter_name),
            "confidential_hidden": order.confidential and not _is_desk(request.user),
            "similar": similar,
            "suggestion": _suggestions(order, place) if dispatching else None,
            "knowledge_url": _optional_url("knowledge:picker") if Action.ANSWER in actions else "",
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    order = selectors.order_get(user=request.user, number=number)
    if action not in WORKORDER_MACHINE.transitions:
        messages.error(request, "未知的操作。")
        return redirect(order.get_absolute_url())
    form = ActionForm(request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        errors = "；".join(
            f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields
        )
        messages.error(request, errors or "输入有误，请检查。")
        return redirect(order.get_absolute_url())
    d = form.cleaned_data
    unit = d.get("unit")
    if unit is None and request.POST.get("lead_unit", "").isdigit():
        unit = Unit.objects.filter(pk=int(request.POST["lead_unit"]), handles_requests=True).first()
    parent = None
    if d.get("parent"):
        parent = WorkOrder.objects.visible_to(request.user).filter(number=d["parent"].strip().upper()).first()
        if parent is None:
            messages.error(request, f"找不到工单 {d['parent']}，或它不在您的数据范围内。")
            return redirect(order.get_absolute_url())
    try:
        services.workorder_transition(
            actor=request.user,
            order=order,
            action=action,
            note=d.get("note") or "",
            unit=unit,
            assisting=list(d.get("assisting") or []),
            days=d.get("days"),
            satisfaction=d.get("satisfaction") or "",
            parent=parent,
            photos=d.get("photos") or [],
            category=d.get("category"),
            unclassified=bool(d.get("unclassified")),
        )
    except DomainError as exc:
        if exc.__class__.__name__ == "PermissionDeniedError":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{Action(action).label}：{order.number}")
    return redirect(order.get_absolute_url())


@capability_required(Cap.SUPERVISE)
def supervision(request: HttpRequest) -> HttpResponse:
    page, base = paginate(request, selectors.supervision_list(user=request.user), PER_PAGE)
    return render(
        request,
        "workorders/supervision.html",
        {"page_obj": page, "querystring_base": base, "now": timezone.now()},
    )


def _metrics_period(request: HttpRequest) -> tuple[MetricsForm, date, date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    form = MetricsForm(request.GET or {"start": first.isoformat(), "end": today.isoformat()})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, first, today


def _metric_rows(user: Any, start: date, end: date) -> list[dict[str, Any]]:
    units = list(selectors.metrics_units(user=user))
    data = selectors.unit_metrics(units=units, start=start, end=end)
    return [{"unit": u, **data[u.pk]} for u in units if u.pk in data]


@capability_required(Cap.VIEW_METRICS)
def metrics(request: HttpRequest) -> HttpResponse:
    form, start, end = _metrics_period(request)
    rows = _metric_rows(request.user, start, end)
    return render(
        request,
        "workorders/metrics.html",
        {
            "form": form,
            "rows": rows,
            "start": start,
            "end": end,
            "definitions": selectors.METRIC_DEFINITIONS,
            "querystring": request.GET.urlencode(),
        },
    )


@capability_required(Cap.VIEW_METRICS)
def metrics_export(request: HttpRequest) -> HttpResponse:
    form, start, end = _metrics_period(request)
    rows = _metric_rows(request.user, start, end)

    def pct(key: str) -> Any:
        return lambda r: round(r[key] * 100, 1) if r[key] is not None else None

    columns = [
        Column("单位", lambda r: r["unit"].name),
        Column("受理数", lambda r: r["received"]),
        Column("按时签收率(%)", pct("on_time_sign_rate")),
        Column("按期办结率(%)", pct("on_time_close_rate")),
        Column("延期率(%)", pct("extension_rate")),
        Column("重办率(%)", pct("rework_rate")),
        Column("满意率(%)", pct("satisfaction_rate")),
        Column("平均办理时长(工作日)", lambda r: r["avg_handling_days"]),
    ]
    note = f"统计期 {start} 至 {end}。" + " ".join(
        f"{name}：{text}" for _, name, text in selectors.METRIC_DEFINITIONS
    )
    return xlsx_response(
        filename=f"单位办理指标-{start:%Y%m%d}-{end:%Y%m%d}",
        title="单位办理指标",
        columns=columns,
        rows=rows,
        note=note,
    )


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """htmx partial at intake: open orders like the one being typed (并单 candidates)."""
    text = request.GET.get("description", "")[:4000]
    grid = (
        Unit.objects.filter(pk=request.GET.get("grid")).first()
        if request.GET.get("grid", "").isdigit()
        else None
    )
    found = (
        selectors.similar_open_orders(
            user=request.user, text=text, grid=grid, address=request.GET.get("address", "")
        )
        if len(text) >= 6
        else []
    )
    return render(request, "workorders/_similar.html", {"similar": found})


@capability_required(Cap.MANAGE)
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workorders/categories.html",
        {"tree": selectors.category_tree(), "inactive": Category.objects.filter(is_active=False)},
    )


@capability_required(Cap.MANAGE)
def category_edit(request: HttpRequest, code: str = "") -> HttpResponse:
    category = Category.objects.filter(code=code).first() if code else None
    if code and category is None:
        from django.http import Http404

        raise Http404("分类不存在。")
    initial = {"time_limit_days": 5, "sign_limit_hours": 2, "is_active": True, "extra_fields": []}
    if category:
        initial = {
            f: getattr(category, f)
            for f in [
                "code",
                "name",
                "parent",
                "time_limit_days",
                "sign_limit_hours",
                "keywords",
                "description",
                "extra_fields",
                "is_active",
            ]
        }
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.category_save(
                actor=request.user,
                code=d["code"],
                name=d["name"],
                parent=d["parent"],
                time_limit_days=d["time_limit_days"],
                sign_limit_hours=d["sign_limit_hours"],
                keywords=d["keywords"],
                description=d["description"],
                extra_fields=d["extra_fields"] or [],
                is_active=d["is_active"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已保存分类“{d['name']}”。")
            return redirect("workorders:categories")
    return render(request, "workorders/category_form.html", {"form": form, "category": category})


@never_cache
@require_POST
@login_required
def reveal_reporter(request: HttpRequest, number: str) -> HttpResponse:
    """The reporter's full name and phone: needs 查看完整个人信息, never for 保密 orders; always audited."""
    from zhenwu.audit.models import AuditResult
    from zhenwu.audit.services import audit_record

    order = selectors.order_get(user=request.user, number=number)
    if not user_has_capability(request.user, "core.reveal_pii") or order.confidential:
        audit_record(
            actor=request.user,
            action="pii.reveal",
            obj=order,
            result=AuditResult.DENIED,
            message="无权查看诉求人完整信息",
        )
        raise PermissionDenied("您没有查看该诉求人完整信息的权限（保密件不可查看）。")
    audit_record(actor=request.user, action="pii.reveal", obj=order, message="查看诉求人完整姓名和电话")
    template = (
        "workorders/_reporter_revealed.html"
        if getattr(request, "htmx", False)
        else "workorders/reporter_revealed.html"
    )
    return render(request, template, {"order": order})


@login_required
def photo(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A photo of an order or of one of its timeline events, for staff who can see the order."""
    from django.http import Http404

    order = selectors.order_get(user=request.user, number=number)
    attachment = (
        order.photos.filter(pk=pk).first()
        or Attachment.objects.filter(pk=pk, pk__in=order.events.values("photos")).first()
    )
    if attachment is None:
        raise Http404("照片不存在。")
    return attachment_response(attachment)
