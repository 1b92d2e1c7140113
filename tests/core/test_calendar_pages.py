"""The holiday calendar pages: everyone signed in reads, only calendar admins (core.manage_calendar) edit."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhenwu.audit.models import AuditEvent
from zhenwu.core.models import CalendarDay, CalendarYear
from zhenwu.testing import login

ADD_YEAR = reverse("core:calendar_year_add")
SET_DAY = reverse("core:calendar_day_set")


def _year(year: int) -> str:
    return reverse("core:calendar_year", args=[year])


def _cell_class(html: str, month: int, day: int) -> str:
    match = re.search(rf'<div class="([^"]*)" title="{month}月{day}日 ', html)
    assert match, f"no cell for {month}/{day}"
    return match.group(1)


def test_the_current_year_is_the_default(client: Client, cast: Any) -> None:
    response = login(client, cast.yahe_cadre).get(reverse("core:calendar"))
    assert response.status_code == 200
    assert f"{timezone.localdate().year} 年工作日历" in response.content.decode()


def test_2025_shows_national_day_and_its_working_weekends(client: Client, cast: Any) -> None:
    response = login(client, cast.yahe_cadre).get(_year(2025))
    assert response.status_code == 200
    html = response.content.decode()
    for day in range(1, 9):  # 国庆节、中秋节 10月1日—8日
        assert _cell_class(html, 10, day).startswith("off"), day
    assert _cell_class(html, 9, 28) == "work-weekend"  # Sunday, 调休上班
    assert _cell_class(html, 10, 11) == "work-weekend"  # Saturday, 调休上班
    assert _cell_class(html, 10, 9) == ""  # an ordinary Thursday
    assert _cell_class(html, 10, 18) == "weekend"
    assert "国庆节、中秋节" in html and "10月1日—10月8日" in html and "8 天" in html
    assert "国庆节调休" in html
    assert "尚未维护" not in html
    assert "设置放假或调休" not in html  # read-only for a cadre


def test_2026_shows_national_day(client: Client, cast: Any) -> None:
    html = login(client, cast.yahe_cadre).get(_year(2026)).content.decode()
    for day in range(1, 8):
        assert _cell_class(html, 10, day).startswith("off"), day
    assert _cell_class(html, 10, 8) == ""
    assert _cell_class(html, 9, 20) == "work-weekend"
    assert _cell_class(html, 10, 10) == "work-weekend"
    assert "10月1日—10月7日" in html and "中秋节" in html
    assert 'href="/calendar/2026/"' in html  # among the known years


def test_an_unknown_year_says_it_is_not_maintained(client: Client, cast: Any) -> None:
    response = login(client, cast.yahe_cadre).get(_year(2031))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2031 年的节假日安排尚未维护" in html
    assert "11 月" in html
    assert "zw-cal" not in html
    assert "添加年度" not in html


def test_a_calendar_admin_sees_the_add_year_form(client: Client, cast: Any) -> None:
    html = login(client, cast.sysadmin).get(_year(2031)).content.decode()
    assert "添加 2031 年度" in html and f'action="{ADD_YEAR}"' in html
    assert 'value="2031"' in html


def test_a_year_outside_the_range_is_404(client: Client, cast: Any) -> None:
    response = login(client, cast.yahe_cadre).get(_year(1999))
    assert response.status_code == 404
    assert "2000 至 2100" in response.content.decode()


def test_the_calendar_requires_login(client: Client, cast: Any) -> None:
    response = client.get(_year(2026))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_calendar_admin_adds_a_year_and_sets_a_holiday(client: Client, cast: Any) -> None:
    c = login(client, cast.sysadmin)
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = c.post(ADD_YEAR, {"year": "2027", "note": "国办发明电〔2026〕X号", "page_year": "2027"})
    assert response.status_code == 302 and response["Location"] == _year(2027)
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "manual" and year.note == "国办发明电〔2026〕X号"
    assert AuditEvent.objects.filter(action="calendar.year_add", actor=cast.sysadmin).exists()

    response = c.post(SET_DAY, {"date": "2027-01-01", "kind": "off", "name": "元旦", "page_year": "2027"})
    assert response.status_code == 302 and response["Location"] == _year(2027)
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert day.is_workday is False and day.name == "元旦" and day.source == "manual"
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert event.actor_id == cast.sysadmin.pk and event.object_id == "2027-01-01"
    assert event.changes["diff"]["is_workday"] == [True, False]

    response = c.get(_year(2027))
    html = response.content.decode()
    assert "已将 2027年1月1日 设为休息：元旦" in html
    assert _cell_class(html, 1, 1).startswith("off")
    assert "元旦" in html and "管理员录入" in html

    # A working Saturday (调休), then back to the ordinary rule.
    c.post(SET_DAY, {"date": "2027-02-06", "kind": "work", "name": "春节调休", "page_year": "2027"})
    assert CalendarDay.objects.get(date=date(2027, 2, 6)).is_workday is True
    assert _cell_class(c.get(_year(2027)).content.decode(), 2, 6) == "work-weekend"
    c.post(SET_DAY, {"date": "2027-02-06", "kind": "off", "page_year": "2027"})
    assert not CalendarDay.objects.filter(date=date(2027, 2, 6)).exists()


@pytest.mark.parametrize(
    "url,data",
    [
        (ADD_YEAR, {"year": "2027", "page_year": "2027"}),
        (SET_DAY, {"date": "2026-05-06", "kind": "off", "name": "自定义假日", "page_year": "2026"}),
    ],
)
@pytest.mark.parametrize("who", ["yahe_cadre", "auditadmin", "town_admin"])
def test_others_may_not_edit(client: Client, cast: Any, url: str, data: dict[str, str], who: str) -> None:
    response = login(client, getattr(cast, who)).post(url, data)
    assert response.status_code == 403
    assert "没有维护节假日日历的权限" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date=date(2026, 5, 6)).exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_a_day_in_an_unknown_year_is_refused_with_the_input_kept(client: Client, cast: Any) -> None:
    response = login(client, cast.sysadmin).post(
        SET_DAY, {"date": "2031-05-01", "kind": "off", "name": "劳动节", "page_year": "2026"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请先添加 2031 年度，再维护该年的节假日。" in html
    assert 'value="2031-05-01"' in html and 'value="劳动节"' in html
    assert "2026 年工作日历" in html  # still on the page the form was sent from
    assert not CalendarDay.objects.filter(date=date(2031, 5, 1)).exists()


def test_bad_dates_and_years_get_chinese_errors(client: Client, cast: Any) -> None:
    c = login(client, cast.sysadmin)
    html = c.post(SET_DAY, {"date": "2026-13-40", "kind": "off", "page_year": "2026"}).content.decode()
    assert "请输入有效的日期" in html and 'value="2026-13-40"' in html
    html = c.post(ADD_YEAR, {"year": "2026", "page_year": "2026"}).content.decode()
    assert "2026 年已在日历中。" in html
    html = c.post(ADD_YEAR, {"year": "1999", "page_year": "2031"}).content.decode()
    assert "年度应在 2000 至 2100 之间。" in html and 'value="1999"' in html
    html = c.post(ADD_YEAR, {"year": "明年", "page_year": "2031"}).content.decode()
    assert "年度应为四位数字" in html


def test_get_on_the_edit_urls_goes_back_to_the_calendar(client: Client, cast: Any) -> None:
    response = login(client, cast.sysadmin).get(SET_DAY)
    assert response.status_code == 302 and response["Location"] == reverse("core:calendar")


def test_healthz_needs_no_login(client: Client, db: Any) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-check="database" data-status="ok"' in html and "运行正常" in html
