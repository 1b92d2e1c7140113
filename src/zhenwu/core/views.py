"""Shared pages: the holiday calendar (everyone reads, calendar admins edit) and the health check."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhenwu.core import services
from zhenwu.core.errors import DomainError
from zhenwu.core.forms import CalendarDayForm, CalendarImportForm, CalendarYearForm
from zhenwu.core.models import CalendarDay, CalendarYear
from zhenwu.core.parts import has_capability
from zhenwu.core.selectors import calendar_years, get_work_calendar
from zhenwu.core.services import MANAGE_CALENDAR
from zhenwu.core.web import form_error
from zhenwu.core.workcalendar import provisional_holidays

MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
SOURCE_LABELS = {"chinesecalendar": "国务院办公厅放假安排（系统内置）", "manual": "管理员录入"}


@dataclass
class Cell:
    day: int = 0
    css: str = ""
    title: str = ""


@dataclass
class Month:
    number: int
    weeks: list[list[Cell]] = field(default_factory=list)


@dataclass
class Holiday:
    name: str
    start: date
    end: date
    is_workday: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _months(year: int, exceptions: dict[date, CalendarDay], today: date) -> list[Month]:
    cal = pycalendar.Calendar(firstweekday=0)
    months = []
    for number in range(1, 13):
        month = Month(number)
        for week in cal.monthdatescalendar(year, number):
            cells = []
            for d in week:
                if d.month != number:
                    cells.append(Cell())
                    continue
                weekend = d.weekday() >= 5
                row = exceptions.get(d)
                css, state = ("weekend", "周末休息") if weekend else ("", "工作日")
                if row is not None and not row.is_workday:
                    css, state = "off", "休息"
                elif row is not None and row.is_workday and weekend:
                    css, state = "work-weekend", "调休上班"
                if d == today:
                    css += " border border-primary fw-bold"
                label = f"{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]} {state}"
                if row is not None and row.name:
                    label += f"（{row.name}）"
                cells.append(Cell(d.day, css.strip(), label))
            month.weeks.append(cells)
        months.append(month)
    return months


def _holidays(rows: list[CalendarDay]) -> list[Holiday]:
    """Consecutive days off become one holiday (国庆节、中秋节 10月1日—8日); 调休 days are listed one by one."""
    result: list[Holiday] = []
    for row in rows:
        last = result[-1] if result else None
        if (
            not row.is_workday
            and last is not None
            and not last.is_workday
            and last.end + timedelta(days=1) == row.date
        ):
            last.end = row.date
            if row.name and row.name not in last.name.split("、"):
                last.name = f"{last.name}、{row.name}" if last.name else row.name
            continue
        result.append(
            Holiday(
                row.name or ("休息" if not row.is_workday else "调休上班"), row.date, row.date, row.is_workday
            )
        )
    return result


def _workday_count(year: int, exceptions: dict[date, CalendarDay]) -> int:
    d, end, count = date(year, 1, 1), date(year, 12, 31), 0
    while d <= end:
        row = exceptions.get(d)
        count += int(row.is_workday if row is not None else d.weekday() < 5)
        d += timedelta(days=1)
    return count


def _page_year(request: HttpRequest) -> int:
    try:
        year = int(request.POST.get("page_year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if MIN_YEAR <= year <= MAX_YEAR else timezone.localdate().year


def _calendar_page(
    request: HttpRequest,
    year: int,
    *,
    year_form: CalendarYearForm | None = None,
    day_form: CalendarDayForm | None = None,
    import_form: CalendarImportForm | None = None,
) -> HttpResponse:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(f"工作日历只覆盖 {MIN_YEAR} 至 {MAX_YEAR} 年。")
    today = timezone.localdate()
    known_years = list(CalendarYear.objects.order_by("year"))
    this_year = next((y for y in known_years if y.year == year), None)
    can_manage = has_capability(request.user, MANAGE_CALENDAR)
    context: dict[str, Any] = {
        "year": year,
        "prev_year": year - 1,
        "next_year": year + 1,
        "today": today,
        "known_years": known_years,
        "calendar_year": this_year,
        "can_manage": can_manage,
        "weekdays": WEEKDAYS,
        "years": calendar_years(),
        "provisional": this_year is None and get_work_calendar().is_provisional_year(year),
    }
    if context["provisional"]:
        days = provisional_holidays(year)
        context["provisional_holidays"] = _holidays(
            [CalendarDay(date=d, is_workday=False, name=name) for d, name in days.items()]
        )
    if this_year is not None:
        rows = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
        exceptions = {r.date: r for r in rows}
        workdays = _workday_count(year, exceptions)
        total = 366 if pycalendar.isleap(year) else 365
        context.update(
            {
                "months": _months(year, exceptions, today),
                "holidays": _holidays(rows),
                "workdays": workdays,
                "restdays": total - workdays,
                "source_label": SOURCE_LABELS.get(this_year.source, this_year.source),
            }
        )
    if can_manage:
        next_unknown = year if this_year is None else (max(y.year for y in known_years) + 1)
        context["year_form"] = year_form or CalendarYearForm(initial={"year": min(next_unknown, MAX_YEAR)})
        if this_year is not None or day_form is not None:
            context["day_form"] = day_form or CalendarDayForm(initial={"date": date(year, 1, 1)})
        context["import_form"] = import_form or CalendarImportForm(initial={"year": year})
    return render(request, "core/calendar.html", context)


@login_required
def calendar(request: HttpRequest, year: int | None = None) -> HttpResponse:
    return _calendar_page(request, year if year is not None else timezone.localdate().year)


def _require_manager(request: HttpRequest) -> None:
    if not has_capability(request.user, MANAGE_CALENDAR):
        raise PermissionDenied("您没有维护节假日日历的权限。如需调整，请联系系统管理员。")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_year_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:calendar")
    _require_manager(request)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.calendar_year_add(actor=request.user, year=year, note=form.cleaned_data["note"].strip())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已添加 {year} 年度。请按国务院办公厅的通知逐日录入放假和调休安排。")
            return redirect("core:calendar_year", year=year)
    return _calendar_page(request, _page_year(request), year_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_day_set(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:calendar")
    _require_manager(request)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        day: date = form.cleaned_data["date"]
        is_workday = form.cleaned_is_workday()
        name = form.cleaned_data["name"].strip()
        try:
            row = services.calendar_day_set(actor=request.user, day=day, is_workday=is_workday, name=name)
        except DomainError as exc:
            form_error(form, exc)
        else:
            label = f"{day.year}年{day.month}月{day.day}日"
            if row is None:
                messages.success(request, f"{label} 已恢复为常规安排（{'上班' if is_workday else '休息'}）。")
            else:
                kind = "上班（调休）" if is_workday else "休息"
                messages.success(request, f"已将 {label} 设为{kind}{f'：{name}' if name else ''}。")
            return redirect("core:calendar_year", year=day.year)
    return _calendar_page(request, _page_year(request), day_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:calendar")
    _require_manager(request)
    form = CalendarImportForm(request.POST, request.FILES)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            moved = services.calendar_import_xlsx(
                actor=request.user, year=year, content=form.cleaned_data["file"].read()
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"已导入 {year} 年正式安排，{moved} 个未办结事项的时限已按新安排重算（只顺延、不提前）。",
            )
            return redirect("core:calendar_year", year=year)
    return _calendar_page(request, _page_year(request), import_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_sync(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:calendar")
    _require_manager(request)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            moved = services.calendar_sync(actor=request.user, year=year)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已同步 {year} 年正式安排，{moved} 个未办结事项的时限已按新安排重算（只顺延、不提前）。",
            )
            return redirect("core:calendar_year", year=year)
    return redirect("core:calendar_year", year=_page_year(request))


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> HttpResponse:
    """Health check for the load balancer; no login, no session. Rendered from a template with a
    static asset, so a broken static manifest fails here too (503). The database down is 503;
    Redis down is 200 with Redis 降级 (caches and queues degrade, nothing is lost)."""
    from django.template.loader import render_to_string

    from zhenwu.core.cache import redis_status

    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        database = "unavailable"
    checks = {"database": database, "redis": redis_status()}
    status = 503 if database != "ok" else 200
    try:
        body = render_to_string("core/healthz.html", {"checks": checks, "ok": status == 200})
    except Exception as exc:  # e.g. a static file missing from the manifest: every page would fail
        return HttpResponse(
            f"error: 页面无法渲染（{type(exc).__name__}）\n", status=503, content_type="text/plain"
        )
    return HttpResponse(body, status=status)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: answer with the site's icon."""
    from django.contrib.staticfiles import finders
    from django.http import FileResponse, HttpResponseRedirect
    from django.templatetags.static import static

    path = finders.find("zhenwu/favicon.svg")
    if not path:
        return HttpResponseRedirect(static("zhenwu/favicon.svg"))
    response = FileResponse(open(path, "rb"), content_type="image/svg+xml")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response
