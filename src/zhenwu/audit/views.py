"""Audit pages for 审计管理员: search, detail with diff, xlsx export, chain verification, login log.

There is deliberately no way to change or delete an audit row from the application.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zhenwu.audit import selectors
from zhenwu.audit.models import AuditEvent, AuditResult
from zhenwu.audit.services import audit_record, audit_seal, audit_verify
from zhenwu.core.exports import Column, xlsx_response
from zhenwu.core.web import paginate

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000

LOGIN_ACTIONS = [
    ("", "全部登录事件"),
    ("auth.login", "登录成功"),
    ("auth.login_failed", "登录失败"),
    ("auth.lockout", "账号锁定"),
    ("auth.logout", "退出登录"),
]


class EventFilterForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "操作人、对象或说明", "type": "search"}
        ),
    )
    action = forms.CharField(
        label="操作类型",
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": "如 user 或 auth.login",
                "list": "zw-audit-actions",
            }
        ),
    )
    result = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部结果"), *AuditResult.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    actor = forms.CharField(
        label="操作人",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "姓名或用户名"}),
    )

    def __init__(self, *args: Any, login_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].error_messages["invalid"] = "请输入有效的日期，例如 2026-01-31。"
        self.fields["date_to"].error_messages["invalid"] = "请输入有效的日期，例如 2026-01-31。"
        if login_only:
            self.fields["action"] = forms.ChoiceField(
                label="事件",
                required=False,
                choices=LOGIN_ACTIONS,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields["actor"].label = "账号"
            self.fields["q"].widget.attrs["placeholder"] = "用户名、姓名或说明"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return data

    def filters(self) -> dict[str, Any]:
        """Valid filters only: a bad field is reported and ignored, the rest still applies."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            k: v for k, v in self.cleaned_data.items() if k in selectors.FILTER_KEYS and v not in (None, "")
        }


def _decorate(events: list[AuditEvent]) -> list[AuditEvent]:
    for ev in events:
        ev.action_label = selectors.action_label(ev.action)  # type: ignore[attr-defined]
    return events


def _list_page(request: HttpRequest, *, login_only: bool) -> HttpResponse:
    form = EventFilterForm(request.GET or None, login_only=login_only)
    filters = form.filters()
    if login_only and not str(filters.get("action", "")).startswith("auth."):
        filters["action"] = "auth."
    events = selectors.audit_event_list(user=request.user, filters=filters)
    export_params = request.GET.copy()
    export_params.pop("page", None)
    if login_only and not export_params.get("action"):
        export_params["action"] = "auth."
    page, querystring_base = paginate(request, events, PAGE_SIZE)
    context = {
        "form": form,
        "page_obj": page,
        "events": _decorate(list(page.object_list)),
        "querystring_base": querystring_base,
        "filtered": bool(filters) and filters != {"action": "auth."},
        "action_choices": sorted(selectors.action_labels().items()),
        "prefix_choices": sorted(selectors.PREFIX_LABELS.items()),
        "login_only": login_only,
        "export_query": export_params.urlencode(),
    }
    return render(request, "audit/login_list.html" if login_only else "audit/event_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def event_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, login_only=False)


@login_required
@require_http_methods(["GET", "HEAD"])
def login_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, login_only=True)


def _local(value: Any) -> Any:
    return timezone.localtime(value) if value else value


EXPORT_COLUMNS = [
    Column("编号", lambda e: e.pk, width=10),
    Column("时间", lambda e: _local(e.created_at), width=20),
    Column("操作人", lambda e: e.actor_name or "—", width=14),
    Column("操作", lambda e: e.action, width=22),
    Column("操作名称", lambda e: selectors.action_label(e.action), width=16),
    Column("结果", lambda e: e.get_result_display(), width=8),
    Column("对象类型", lambda e: e.object_type, width=20),
    Column("对象编号", lambda e: e.object_id, width=12),
    Column("对象", lambda e: e.object_repr, width=24),
    Column("说明", lambda e: e.message, width=40),
    Column("IP地址", lambda e: e.ip or "", width=16),
    Column("请求编号", lambda e: e.request_id, width=34),
    Column("链序号", lambda e: e.seq if e.seq is not None else "未封存", width=10),
]


@login_required
@require_http_methods(["GET", "HEAD"])
def event_export(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors.audit_event_list(user=request.user, filters=filters)
    total = events.count()
    rows = events[:EXPORT_LIMIT]
    note = (
        f"共 {total} 条，仅导出最新的 {EXPORT_LIMIT} 条，请缩小筛选范围后分批导出。"
        if total > EXPORT_LIMIT
        else ""
    )
    described = "；".join(f"{form.fields[k].label}={v}" for k, v in filters.items()) or "无筛选条件"
    audit_record(
        actor=request.user,
        action="audit.export",
        object_type="audit.auditevent",
        message=f"导出审计日志 {min(total, EXPORT_LIMIT)} 条（{described}）"[:500],
    )
    return xlsx_response(
        filename="审计日志",
        title="审计日志",
        columns=EXPORT_COLUMNS,
        rows=rows.iterator(chunk_size=2000),
        note=note,
    )


# Keys writers put into changes["extra"]; others are shown as they are.
EXTRA_LABELS = {
    "findings": "未了结的检查发现",
    "size": "大小(字节)",
    "content_type": "文件类型",
    "sha256": "SHA-256 摘要",
    "reason": "原因",
    "count": "数量",
    "years": "年度",
    "unit": "单位",
    "role": "角色",
}


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list | tuple):
        return "、".join(_display(v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_display(v)}" for k, v in value.items()) or "—"
    return str(value)


@login_required
@require_http_methods(["GET", "HEAD"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.audit_event_get(user=request.user, pk=pk)
    changes = event.changes if isinstance(event.changes, dict) else {}
    diff_rows = []
    raw_diff = changes.get("diff")
    if isinstance(raw_diff, dict):
        for name, pair in raw_diff.items():
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            diff_rows.append(
                {
                    "field": name,
                    "label": selectors.field_label(event.object_type, name),
                    "before": _display(selectors.field_value_label(event.object_type, name, before)),
                    "after": _display(selectors.field_value_label(event.object_type, name, after)),
                }
            )
    extra = changes.get("extra")
    extra_rows = (
        [{"key": k, "label": EXTRA_LABELS.get(k, k), "value": _display(v)} for k, v in extra.items()]
        if isinstance(extra, dict)
        else []
    )
    _decorate([event])
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "diff_rows": diff_rows,
            "extra_rows": extra_rows,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def chain_verify(request: HttpRequest) -> HttpResponse:
    state = selectors.audit_chain_head(user=request.user)
    report = None
    sealed = 0
    if request.method == "POST":
        while batch := audit_seal():
            sealed += batch
        report = audit_verify()
        state = selectors.audit_chain_head(user=request.user)
        audit_record(
            actor=request.user,
            action="audit.verify",
            object_type="audit.auditevent",
            object_id=str(report.event_id or ""),
            result=AuditResult.SUCCESS if report.ok else AuditResult.FAILURE,
            message=(
                f"审计链完整，已校验 {report.checked} 条"
                if report.ok
                else f"审计链校验失败：{report.problem}"
            ),
        )
    return render(request, "audit/chain_verify.html", {"report": report, "sealed": sealed, **state})
