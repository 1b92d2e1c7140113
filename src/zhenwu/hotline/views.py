"""Staff pages of the 政风热线 programme: schedule, episodes, live console, ledger, follow-up, article."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenwu.core.errors import DomainError
from zhenwu.core.forms import read_filters
from zhenwu.core.services import DOCUMENT_TYPES, attachment_create
from zhenwu.core.web import capability_required, form_error, paginate
from zhenwu.hotline import forms as f
from zhenwu.hotline import selectors, services
from zhenwu.hotline.capabilities import HotlineCapability as Cap
from zhenwu.hotline.choices import (
    ARTICLE_MACHINE,
    COMMITMENT_MACHINE,
    EPISODE_MACHINE,
    CommitmentStatus,
    Outcome,
    Screening,
)
from zhenwu.hotline.models import (
    AnnualPlan,
    Commitment,
    Episode,
    FollowUpItem,
    LeaveRequest,
    ListenerIssue,
    OnAirSlot,
    ReminderLog,
)
from zhenwu.orgs.scope import get_scoped_object, user_has_capability

ViewFunc = Callable[..., HttpResponse]


needs = capability_required  # any one of the part's capabilities


def _caps(user: Any) -> dict[str, bool]:
    return {
        "manage": user_has_capability(user, Cap.MANAGE),
        "operate": user_has_capability(user, Cap.OPERATE),
        "approve": user_has_capability(user, Cap.APPROVE),
    }


# --------------------------------------------------------------------------- schedule


@needs()
def schedule(request: HttpRequest) -> HttpResponse:
    year = read_filters(request, f.YearFilter)["year"] or timezone.localdate().year
    plan = AnnualPlan.objects.visible_to(request.user).filter(year=year).first()
    caps = _caps(request.user)
    slot_form = f.SlotForm()
    plan_form = f.PlanForm(initial={"year": year, "reminder_working_days": 10})
    if request.method == "POST":
        if not caps["manage"]:
            raise PermissionDenied("您没有编排上线计划的权限。")
        if "create_plan" in request.POST:
            plan_form = f.PlanForm(request.POST)
            if plan_form.is_valid():
                try:
                    services.plan_create(
                        actor=request.user,
                        year=plan_form.cleaned_data["year"],
                        title=plan_form.cleaned_data["title"],
                        owner_unit=_owner_unit(request.user),
                        reminder_working_days=plan_form.cleaned_data["reminder_working_days"],
                    )
                    messages.success(request, "年度上线计划已建立。")
                    return redirect(f"{request.path}?year={plan_form.cleaned_data['year']}")
                except DomainError as exc:
                    form_error(plan_form, exc)
        elif "update_plan" in request.POST and plan is not None:
            try:
                days = int(request.POST.get("reminder_working_days") or 0)
                services.plan_update(actor=request.user, plan=plan, reminder_working_days=days)
                messages.success(request, f"已改为上线前 {days} 个工作日提醒。")
            except (DomainError, ValueError) as exc:
                messages.error(request, getattr(exc, "message", "提前提醒天数应为 1 至 60 的整数。"))
            return redirect(f"{request.path}?year={year}")
        elif plan is not None:
            slot_form = f.SlotForm(request.POST)
            if slot_form.is_valid():
                try:
                    slot = services.slot_create(actor=request.user, plan=plan, **slot_form.cleaned_data)
                    messages.success(request, f"已安排{slot.unit.name}于{slot.date:%m月%d日}上线。")
                    return redirect(f"{request.path}?year={year}")
                except DomainError as exc:
                    form_error(slot_form, exc)
    slots = selectors.slot_list(user=request.user, year=year)
    reminders = ReminderLog.objects.visible_to(request.user).select_related("slot", "slot__unit")[:20]
    return render(
        request,
        "hotline/schedule.html",
        {
            "year": year,
            "plan": plan,
            "slots": slots,
            "slot_form": slot_form,
            "plan_form": plan_form,
            "caps": caps,
            "reminders": reminders,
            "years": [year - 1, year, year + 1],
        },
    )


def _owner_unit(user: Any) -> Any:
    from zhenwu.orgs.models import Unit

    membership = user.memberships.filter(is_active=True).select_related("unit").first()
    return membership.unit if membership else Unit.objects.get(depth=0)


@needs()
def slot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_scoped_object(OnAirSlot.objects.select_related("unit", "plan"), request.user, pk=pk)
    caps = _caps(request.user)
    leave_form = f.LeaveForm()
    episode_form = f.EpisodeForm(slot=slot, initial={"guests": f"{slot.head_title} {slot.head_name}"})
    if request.method == "POST":
        if "leave" in request.POST:
            leave_form = f.LeaveForm(request.POST)
            if leave_form.is_valid():
                try:
                    services.leave_request_create(actor=request.user, slot=slot, **leave_form.cleaned_data)
                    messages.success(request, "请假申请已提交，待审批。")
                    return redirect(slot.get_absolute_url())
                except DomainError as exc:
                    form_error(leave_form, exc)
        elif "episode" in request.POST:
            episode_form = f.EpisodeForm(request.POST, slot=slot)
            if episode_form.is_valid():
                d = episode_form.cleaned_data
                try:
                    episode = services.episode_create(
                        actor=request.user,
                        unit=slot.unit,
                        slot=slot,
                        title=d["title"],
                        host=d["host"],
                        guests=d["guests"],
                        topics=d["topics"],
                    )
                    messages.success(request, "节目期次已建立。")
                    return redirect(episode.get_absolute_url())
                except DomainError as exc:
                    form_error(episode_form, exc)
    episode = Episode.objects.filter(slot=slot).first()
    return render(
        request,
        "hotline/slot_detail.html",
        {
            "slot": slot,
            "caps": caps,
            "leave_form": leave_form,
            "episode_form": episode_form,
            "episode": episode,
            "leaves": slot.leaves.select_related("requested_by", "decided_by"),
        },
    )


@require_POST
@needs(Cap.APPROVE)
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = get_scoped_object(LeaveRequest.objects.select_related("slot"), request.user, "change", pk=pk)
    try:
        services.leave_decide(
            actor=request.user,
            leave=leave,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已审批。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(leave.slot.get_absolute_url())


# --------------------------------------------------------------------------- episodes


@needs()
def episode_list(request: HttpRequest) -> HttpResponse:
    page, qs_base = paginate(request, selectors.episode_list(user=request.user), 20)
    return render(
        request,
        "hotline/episode_list.html",
        {"page_obj": page, "querystring_base": qs_base, "caps": _caps(request.user)},
    )


@needs(Cap.MANAGE)
def episode_create(request: HttpRequest) -> HttpResponse:
    form = f.EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["unit"] is None:
            form.add_error("unit", "请选择上线单位。")
        else:
            try:
                episode = services.episode_create(actor=request.user, **d)
                messages.success(request, "节目期次已建立。")
                return redirect(episode.get_absolute_url())
            except DomainError as exc:
                form_error(form, exc)
    return render(request, "hotline/episode_form.html", {"form": form})


def _episode(request: HttpRequest, pk: int) -> Episode:
    return get_scoped_object(Episode.objects.select_related("unit", "slot"), request.user, pk=pk)


@needs()
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    caps = _caps(request.user)
    import_form = f.ImportForm()
    import_problems: list[Any] = []
    if request.method == "POST" and "import" in request.POST:
        if not caps["manage"]:
            raise PermissionDenied("您没有导入热线问题的权限。")
        import_form = f.ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                created = services.issues_import(
                    actor=request.user, episode=episode, filename=upload.name, content=upload.read()
                )
                messages.success(request, f"已导入 {len(created)} 条问题。")
                return redirect(episode.get_absolute_url())
            except services.ImportRefused as exc:
                import_problems = exc.problems
                form_error(import_form, exc)
            except DomainError as exc:
                form_error(import_form, exc)
    if request.method == "POST" and "topic" in request.POST and "add_topic" in request.POST:
        try:
            services.topic_add(actor=request.user, episode=episode, name=request.POST.get("topic", ""))
            return redirect(episode.get_absolute_url())
        except DomainError as exc:
            messages.error(request, exc.message)
    issues = list(selectors.issue_list(user=request.user, episode=episode))
    groups: dict[str, list[ListenerIssue]] = {}
    for issue in issues:
        groups.setdefault(issue.topic.name if issue.topic else "未分类", []).append(issue)
    return render(
        request,
        "hotline/episode_detail.html",
        {
            "episode": episode,
            "caps": caps,
            "groups": groups,
            "issue_count": len(issues),
            "selected_count": sum(1 for i in issues if i.screening == Screening.SELECTED),
            "import_form": import_form,
            "import_problems": import_problems,
            "screen_choices": Screening.choices,
            "actions": [
                (t.action, EPISODE_MACHINE.action_label(t.action))
                for t in EPISODE_MACHINE.available(episode.status)
            ],
            "article": getattr(episode, "article", None),
        },
    )


@require_POST
@needs(Cap.MANAGE)
def issue_screen(request: HttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    issue = get_scoped_object(
        ListenerIssue.objects.filter(episode=episode), request.user, "change", pk=issue_pk
    )
    topic = episode.topics.filter(pk=request.POST.get("topic") or 0).first()
    try:
        services.issue_screen(
            actor=request.user, issue=issue, screening=request.POST.get("screening", ""), topic=topic
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(episode.get_absolute_url() + f"#issue-{issue.pk}")


@require_POST
@needs(Cap.OPERATE)
def episode_transition(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    action = request.POST.get("action", "")
    try:
        services.episode_transition(
            actor=request.user, episode=episode, action=action, reason=request.POST.get("reason", "")
        )
        messages.success(request, f"已{EPISODE_MACHINE.action_label(action)}。")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(episode.get_absolute_url())
    if action == "go_live":
        return redirect("hotline:console", pk=episode.pk)
    return redirect(episode.get_absolute_url())


# --------------------------------------------------------------------------- live console


@needs(Cap.OPERATE)
def console(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    return render(
        request,
        "hotline/console.html",
        {
            "episode": episode,
            "form": f.IssueForm(episode=episode),
            "actions": [
                (t.action, EPISODE_MACHINE.action_label(t.action))
                for t in EPISODE_MACHINE.available(episode.status)
            ],
        },
    )


def _console_issues(request: HttpRequest, episode: Episode) -> list[ListenerIssue]:
    qs = selectors.issue_list(user=request.user, episode=episode).filter(screening=Screening.SELECTED)
    return list(qs.order_by("outcome", "-during_show", "id"))


@needs(Cap.OPERATE)
def console_list(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    issues = _console_issues(request, episode)
    return render(
        request,
        "hotline/partials/console_list.html",
        {
            "episode": episode,
            "pending": [i for i in issues if i.outcome == Outcome.PENDING],
            "handled": sorted(
                (i for i in issues if i.outcome != Outcome.PENDING), key=lambda i: -(i.show_order or 0)
            ),
            "now": timezone.localtime(),
        },
    )


@require_POST
@needs(Cap.OPERATE)
def console_take(request: HttpRequest, pk: int) -> HttpResponse:
    """A call comes in: register the question (idempotent on the client token)."""
    episode = _episode(request, pk)
    form = f.IssueForm(request.POST, episode=episode)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.issue_create(
                actor=request.user,
                episode=episode,
                text=d["text"],
                source=d["source"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                topic=d["topic"],
                during_show=True,
                client_token=d["client_token"],
            )
            response = render(
                request,
                "hotline/partials/console_take.html",
                {"episode": episode, "form": f.IssueForm(episode=episode), "saved": True},
            )
            response["HX-Trigger"] = "hotline-refresh"
            return response
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "hotline/partials/console_take.html", {"episode": episode, "form": form})


@needs(Cap.OPERATE)
def console_panel(request: HttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    issue = get_scoped_object(ListenerIssue.objects.filter(episode=episode), request.user, pk=issue_pk)
    mode = request.POST.get("mode") or request.GET.get("mode") or ""
    answer_form = f.AnswerForm(prefix=f"a{issue.pk}")
    commit_form = f.CommitmentForm(
        prefix=f"c{issue.pk}",
        initial={"deadline": _default_deadline(), "responsible_person": "", "title": ""},
    )
    wo_form = _workorder_form(issue)
    done = False
    if request.method == "POST":
        try:
            if mode == "answer":
                answer_form = f.AnswerForm(request.POST, prefix=f"a{issue.pk}")
                if answer_form.is_valid():
                    services.issue_answer(
                        actor=request.user, issue=issue, summary=answer_form.cleaned_data["summary"]
                    )
                    done = True
            elif mode == "commit":
                commit_form = f.CommitmentForm(request.POST, prefix=f"c{issue.pk}")
                if commit_form.is_valid():
                    d = commit_form.cleaned_data
                    services.commitment_create(
                        actor=request.user,
                        episode=episode,
                        issue=issue,
                        title=d["title"],
                        responsible_unit=d["responsible_unit"],
                        responsible_person=d["responsible_person"],
                        deadline=d["deadline"],
                        milestones=d["milestones"],
                    )
                    done = True
            elif mode == "workorder" and wo_form is not None:
                wo_form = _workorder_form(issue, request.POST)
                if wo_form is not None and wo_form.is_valid():
                    _create_workorder(request, issue, wo_form.cleaned_data)
                    done = True
        except DomainError as exc:
            target = {"answer": answer_form, "commit": commit_form}.get(mode, wo_form)
            if target is not None:
                form_error(target, exc)
            else:
                messages.error(request, exc.message)
        issue.refresh_from_db()
    response = render(
        request,
        "hotline/partials/console_panel.html",
        {
            "episode": episode,
            "issue": issue,
            "mode": mode,
            "done": done,
            "answer_form": answer_form,
            "commit_form": commit_form,
            "wo_form": wo_form,
            "row": selectors.ledger_row(issue),
        },
    )
    if done:
        response["HX-Trigger"] = "hotline-refresh"
    return response


def _default_deadline() -> date:
    from zhenwu.core.selectors import get_work_calendar

    try:
        return get_work_calendar().add_working_days(timezone.localdate(), 10)
    except DomainError:
        return timezone.localdate()


def _workorder_form(issue: ListenerIssue, data: Any = None) -> Any:
    from zhenwu.hotline.workorder_link import WorkOrderForm

    return WorkOrderForm(data, prefix=f"w{issue.pk}", issue=issue)


def _create_workorder(request: HttpRequest, issue: ListenerIssue, data: dict[str, Any]) -> Any:
    from zhenwu.hotline.workorder_link import issue_to_workorder

    return issue_to_workorder(actor=request.user, issue=issue, **data)


# --------------------------------------------------------------------------- ledger


@needs()
def ledger(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request, f.LedgerFilter)
    qs = selectors.issue_list(user=request.user, filters=filters)
    page, qs_base = paginate(request, qs, 50)
    rows = [selectors.ledger_row(i) for i in page.object_list]
    return render(
        request,
        "hotline/ledger.html",
        {
            "rows": rows,
            "page_obj": page,
            "querystring_base": qs_base,
            "filters": filters,
            "outcomes": Outcome.choices,
            "episodes": selectors.episode_list(user=request.user),
            "export_query": request.GET.urlencode(),
        },
    )


@needs()
def ledger_export(request: HttpRequest) -> HttpResponse:
    from zhenwu.hotline.exports import ledger_xlsx_response

    filters = read_filters(request, f.LedgerFilter, quiet=True)
    rows = [selectors.ledger_row(i) for i in selectors.issue_list(user=request.user, filters=filters)]
    from zhenwu.audit.services import audit_record

    audit_record(
        actor=request.user,
        action="hotline.ledger_export",
        object_type="hotline.listenerissue",
        message=f"导出台账 {len(rows)} 条",
    )
    return ledger_xlsx_response(rows)


# --------------------------------------------------------------------------- commitments


@needs()
def commitment_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.commitment_list(user=request.user)
    status = read_filters(request, f.CommitmentFilter)["status"]
    if status:
        qs = qs.filter(status=status)
    page, qs_base = paginate(request, qs, 50)
    return render(
        request,
        "hotline/commitment_list.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "statuses": CommitmentStatus.choices,
            "status": status,
        },
    )


@needs()
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_scoped_object(
        Commitment.objects.select_related("responsible_unit", "episode", "issue"), request.user, pk=pk
    )
    can_report = Commitment.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    form = f.ReportForm(initial={"progress": commitment.progress})
    if request.method == "POST":
        commitment = get_scoped_object(Commitment.objects.all(), request.user, "change", pk=pk)
        form = f.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                evidence = None
                if d["evidence"]:
                    evidence = attachment_create(
                        actor=request.user, upload=d["evidence"], allowed_types=DOCUMENT_TYPES
                    )
                services.commitment_report(
                    actor=request.user,
                    commitment=commitment,
                    progress=d["progress"],
                    text=d["text"],
                    evidence=evidence,
                    completed=d["completed"],
                    milestones_done=[int(x) for x in request.POST.getlist("milestone_done") if x.isdigit()],
                )
                messages.success(request, "进展已报告。")
                return redirect(commitment.get_absolute_url())
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "hotline/commitment_detail.html",
        {
            "c": commitment,
            "form": form,
            "can_report": can_report
            and commitment.status in (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS),
            "reports": commitment.reports.select_related("evidence", "reported_by"),
            "milestones": commitment.milestones.all(),
            "actions": [
                (t.action, COMMITMENT_MACHINE.action_label(t.action))
                for t in COMMITMENT_MACHINE.available(commitment.status)
                if t.action in ("verify", "reopen")
            ]
            if user_has_capability(request.user, Cap.MANAGE)
            else [],
        },
    )


@require_POST
@needs(Cap.MANAGE)
def commitment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_scoped_object(Commitment.objects.all(), request.user, "change", pk=pk)
    try:
        services.commitment_transition(
            actor=request.user,
            commitment=commitment,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, "已处理。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(commitment.get_absolute_url())


# --------------------------------------------------------------------------- follow-up


@needs()
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    caps = _caps(request.user)
    if request.method == "POST":
        if not caps["manage"]:
            raise PermissionDenied("您没有编排追踪反馈的权限。")
        if "compile" in request.POST:
            items = services.followup_compile(actor=request.user, episode=episode)
            messages.success(request, f"已从往期汇编 {len(items)} 项追踪反馈。")
            return redirect("hotline:followup", pk=episode.pk)
        item = get_scoped_object(
            FollowUpItem.objects.filter(episode=episode),
            request.user,
            "change",
            pk=request.POST.get("item") or 0,
        )
        form = f.FollowUpItemForm(request.POST, prefix=f"i{item.pk}")
        if form.is_valid():
            try:
                services.followup_update(actor=request.user, item=item, **form.cleaned_data)
                messages.success(request, "已保存。")
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, "反馈内容不能为空。")
        return redirect("hotline:followup", pk=episode.pk)
    items = list(episode.followups.select_related("commitment", "issue"))
    return render(
        request,
        "hotline/followup.html",
        {
            "episode": episode,
            "caps": caps,
            "items": [
                (i, f.FollowUpItemForm(prefix=f"i{i.pk}", initial={"text": i.text, "included": i.included}))
                for i in items
            ],
        },
    )


# --------------------------------------------------------------------------- article


@needs()
def article(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    caps = _caps(request.user)
    art = getattr(episode, "article", None)
    if request.method == "POST":
        if not caps["manage"]:
            raise PermissionDenied("您没有编辑节目文章的权限。")
        try:
            if "prepare" in request.POST:
                services.article_prepare(actor=request.user, episode=episode)
                messages.success(request, "已生成文章草稿。")
            elif "save_intro" in request.POST and art is not None:
                form = f.ArticleForm(request.POST)
                if form.is_valid():
                    services.article_update(actor=request.user, article=art, **form.cleaned_data)
                    messages.success(request, "已保存。")
                else:
                    messages.error(request, "标题和导语都必须填写。")
            elif "save_pair" in request.POST:
                issue = get_scoped_object(
                    ListenerIssue.objects.filter(episode=episode),
                    request.user,
                    "change",
                    pk=request.POST.get("issue") or 0,
                )
                form = f.PairForm(request.POST, prefix=f"p{issue.pk}")
                if form.is_valid():
                    services.issue_article_edit(actor=request.user, issue=issue, **form.cleaned_data)
                    messages.success(request, "已保存问答。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("hotline:article", pk=episode.pk)
    pairs = []
    if art is not None:
        for issue in (
            episode.issues.exclude(outcome=Outcome.PENDING)
            .select_related("topic")
            .order_by("show_order", "id")
        ):
            pairs.append(
                (
                    issue,
                    f.PairForm(
                        prefix=f"p{issue.pk}",
                        initial={
                            "text": issue.text,
                            "answer_text": issue.answer_text or issue.answer_summary,
                            "show_order": issue.show_order,
                            "in_article": issue.in_article,
                        },
                    ),
                )
            )
    actions = []
    if art is not None:
        for a in (t.action for t in ARTICLE_MACHINE.available(art.status)):
            if (a in ("approve", "reject") and caps["approve"]) or (
                a not in ("approve", "reject") and caps["manage"]
            ):
                actions.append((a, ARTICLE_MACHINE.action_label(a)))
    return render(
        request,
        "hotline/article.html",
        {
            "episode": episode,
            "art": art,
            "caps": caps,
            "intro_form": f.ArticleForm(initial={"title": art.title, "intro": art.intro}) if art else None,
            "pairs": pairs,
            "preview": selectors.article_pairs(art) if art else [],
            "actions": actions,
        },
    )


@require_POST
@needs(Cap.MANAGE, Cap.APPROVE)
def article_transition(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _episode(request, pk)
    art = getattr(episode, "article", None)
    if art is None:
        messages.error(request, "请先生成文章草稿。")
        return redirect("hotline:article", pk=pk)
    action = request.POST.get("action", "")
    try:
        services.article_transition(actor=request.user, article=art, action=action)
        messages.success(request, f"已{ARTICLE_MACHINE.action_label(action)}。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("hotline:article", pk=pk)


# --------------------------------------------------------------------------- evaluation


@needs()
def evaluation(request: HttpRequest) -> HttpResponse:
    year = read_filters(request, f.YearFilter)["year"] or timezone.localdate().year
    rule = selectors.evaluation_rule(year)
    form = f.RuleForm(
        initial={
            "weight_attendance": rule.weight_attendance,
            "weight_answered": rule.weight_answered,
            "weight_on_time": rule.weight_on_time,
            "weight_satisfaction": rule.weight_satisfaction,
        }
    )
    if request.method == "POST":
        if not user_has_capability(request.user, Cap.MANAGE):
            raise PermissionDenied("您没有设置上线评价规则的权限。")
        form = f.RuleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.evaluation_rule_set(
                    actor=request.user,
                    year=year,
                    attendance=d["weight_attendance"],
                    answered=d["weight_answered"],
                    on_time=d["weight_on_time"],
                    satisfaction=d["weight_satisfaction"],
                )
                messages.success(request, "评价规则已保存。")
                return redirect(f"{request.path}?year={year}")
            except DomainError as exc:
                form_error(form, exc)
    from zhenwu.orgs.models import Unit

    visible_units = Unit.objects.visible_to(request.user)
    results = selectors.unit_evaluation(year=year, units=None)
    rows = [r for uid, r in results.items() if visible_units.filter(pk=uid).exists()]
    rows.sort(key=lambda r: -(r["score"] or -1))
    return render(
        request,
        "hotline/evaluation.html",
        {
            "year": year,
            "rows": rows,
            "form": form,
            "rule": rule,
            "caps": _caps(request.user),
        },
    )
