"""Audit pages: only 审计管理员 (audit.view) may read; search, filters, detail diff, export, chain check."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhenwu.audit.models import AuditEvent
from zhenwu.audit.selectors import audit_event_list
from zhenwu.audit.services import audit_record, audit_seal
from zhenwu.core.errors import PermissionDeniedError
from zhenwu.testing import login

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")
VERIFY = reverse("audit:chain_verify")
LOGINS = reverse("audit:login_list")


@pytest.fixture
def events(cast: Any) -> dict[str, AuditEvent]:
    return {
        "user": audit_record(
            actor=cast.sysadmin,
            action="user.update",
            obj=cast.yahe_cadre,
            before={"real_name": "丫河干部", "phone": "138****8004"},
            after={"real_name": "丫河村干部", "phone": "139****0000"},
            message="修改姓名和手机号",
        ),
        "calendar": audit_record(
            actor=cast.sysadmin,
            action="calendar.day_set",
            object_type="core.calendarday",
            object_id="2027-01-01",
            object_repr="2027-01-01",
            before={"is_workday": True},
            after={"is_workday": False, "name": "元旦"},
        ),
        "denied": audit_record(
            actor=cast.yahe_cadre,
            action="user.reveal_phone",
            object_repr="张三",
            result="denied",
            message="越权查看手机号",
        ),
        "failed": audit_record(
            actor=None,
            action="auth.login_failed",
            object_repr="guess-who",
            result="failure",
            message="用户名或密码错误",
        ),
        "login": audit_record(
            actor=cast.yahe_cadre, action="auth.login", object_repr="yahe_cadre", message="从丫河村委会登录"
        ),
    }


def _auditor(client: Client, cast: Any) -> Client:
    return login(client, cast.auditadmin)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("url", [LIST, EXPORT, VERIFY, LOGINS])
@pytest.mark.parametrize("who", ["sysadmin", "yahe_cadre", "town_admin", "secadmin"])
def test_only_the_audit_admin_may_read_the_log(client: Client, cast: Any, url: str, who: str) -> None:
    response = login(client, getattr(cast, who)).get(url)
    assert response.status_code == 403
    assert "审计日志仅向审计管理员开放" in response.content.decode()


def test_the_detail_page_is_refused_too(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    response = login(client, cast.sysadmin).get(reverse("audit:event_detail", args=[events["user"].pk]))
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login(client: Client, cast: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_selector_enforces_the_capability(cast: Any, events: dict[str, AuditEvent]) -> None:
    for user in (cast.sysadmin, cast.yahe_cadre, None):
        with pytest.raises(PermissionDeniedError):
            audit_event_list(user=user, filters={})
    visible = audit_event_list(user=cast.auditadmin, filters={"result": "denied"})
    assert list(visible) == [events["denied"]]


# --------------------------------------------------------------------------- list and filters


def test_the_list_shows_events_newest_first(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    response = _auditor(client, cast).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "修改用户" in html and "设置节假日/调休" in html and "越权查看手机号" in html
    assert html.index("guess-who") < html.index("越权查看手机号")
    assert reverse("audit:event_detail", args=[events["user"].pk]) in html
    assert "删除" not in html.replace("不能修改或删除", "")


def _shown(client: Client, params: dict[str, str], url: str = LIST) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_and_filters(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    c = _auditor(client, cast)
    html = _shown(c, {"q": "越权"})
    assert "越权查看手机号" in html and "修改姓名和手机号" not in html
    html = _shown(c, {"q": "guess"})  # object
    assert "guess-who" in html and "越权查看手机号" not in html
    html = _shown(c, {"q": "系统管理员"})  # actor name
    assert "修改姓名和手机号" in html and "越权查看手机号" not in html

    html = _shown(c, {"action": "calendar"})
    assert "2027-01-01" in html and "修改姓名和手机号" not in html
    html = _shown(c, {"action": "auth.login"})  # a full action name is not a prefix of auth.login_failed
    assert "从丫河村委会登录" in html and "guess-who" not in html
    html = _shown(c, {"action": "auth."})
    assert "从丫河村委会登录" in html and "guess-who" in html and "修改姓名和手机号" not in html

    html = _shown(c, {"result": "denied"})
    assert "越权查看手机号" in html and "guess-who" not in html

    html = _shown(c, {"actor": "丫河干部"})
    assert "越权查看手机号" in html and "修改姓名和手机号" not in html
    html = _shown(c, {"actor": "sysadmin"})  # by username too
    assert "修改姓名和手机号" in html and "越权查看手机号" not in html

    today = timezone.localdate()
    html = _shown(c, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert "越权查看手机号" in html
    html = _shown(c, {"date_from": (today + timedelta(days=1)).isoformat()})
    assert "越权查看手机号" not in html and "没有符合条件的审计事件" in html
    html = _shown(c, {"date_to": (today - timedelta(days=1)).isoformat()})
    assert "越权查看手机号" not in html


def test_bad_filters_are_explained_and_ignored(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    html = _shown(_auditor(client, cast), {"date_from": "2026-13-45", "q": "越权"})
    assert "请输入有效的日期" in html
    assert "越权查看手机号" in html
    assert 'value="越权"' in html  # input kept
    html = _shown(client, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "结束日期不能早于开始日期" in html


def test_the_list_is_paginated(client: Client, cast: Any) -> None:
    for i in range(55):
        audit_record(actor=None, action="test.page", object_repr=f"第{i:02d}条")
    c = _auditor(client, cast)
    html = _shown(c, {"action": "test"})
    assert "第54条" in html and "第04条" not in html and "共 55 条" in html
    html = _shown(c, {"action": "test", "page": "2"})
    assert "第04条" in html and "第54条" not in html
    assert "action=test&amp;page=1" in html


# --------------------------------------------------------------------------- detail


def test_the_detail_shows_the_diff_with_masked_values(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    response = _auditor(client, cast).get(reverse("audit:event_detail", args=[events["user"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "修改前" in html and "修改后" in html
    assert "姓名" in html and "丫河村干部" in html  # verbose name of User.real_name
    assert "138****8004" in html and "139****0000" in html
    assert "尚未封存" in html
    audit_seal()
    html = client.get(reverse("audit:event_detail", args=[events["user"].pk])).content.decode()
    assert AuditEvent.objects.get(pk=events["user"].pk).mac in html


def test_the_detail_of_a_calendar_change(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    html = (
        _auditor(client, cast)
        .get(reverse("audit:event_detail", args=[events["calendar"].pk]))
        .content.decode()
    )
    assert "是否工作日" in html and "元旦" in html and "是" in html and "否" in html


def test_an_unknown_event_is_404(client: Client, cast: Any) -> None:
    response = _auditor(client, cast).get(reverse("audit:event_detail", args=[999999]))
    assert response.status_code == 404
    assert "审计事件不存在" in response.content.decode()


def test_there_is_no_way_to_delete_or_change_an_event(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    c = _auditor(client, cast)
    url = reverse("audit:event_detail", args=[events["user"].pk])
    assert c.post(url).status_code == 405
    assert c.post(LIST).status_code == 405
    assert AuditEvent.objects.filter(pk=events["user"].pk).exists()


# --------------------------------------------------------------------------- export


def test_the_export_is_a_filtered_workbook_and_is_audited(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    response = _auditor(client, cast).get(EXPORT, {"action": "user"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "时间", "操作人", "操作")
    actions = {r[3] for r in rows[1:] if r[0]}
    assert actions == {"user.update", "user.reveal_phone"}
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == cast.auditadmin.pk and "2 条" in export.message


# --------------------------------------------------------------------------- login log


def test_the_login_log_shows_only_login_events(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    c = _auditor(client, cast)
    html = _shown(c, {}, LOGINS)
    assert "guess-who" in html and "登录失败" in html
    assert "越权查看手机号" not in html and "修改姓名和手机号" not in html
    html = _shown(c, {"action": "auth.login_failed"}, LOGINS)
    assert "guess-who" in html and "从丫河村委会登录" not in html
    html = _shown(c, {"actor": "guess-who"}, LOGINS)  # a failed login names the account, not an actor
    assert "guess-who" in html and "从丫河村委会登录" not in html
    html = _shown(c, {"actor": "yahe_cadre"}, LOGINS)
    assert "从丫河村委会登录" in html and "guess-who" not in html
    html = _shown(c, {"action": "user.update"}, LOGINS)  # cannot leave the login events
    assert "修改姓名和手机号" not in html


# --------------------------------------------------------------------------- chain verification


def test_the_verify_page_seals_and_verifies(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    c = _auditor(client, cast)
    response = c.get(VERIFY)
    assert response.status_code == 200 and "开始校验" in response.content.decode()
    response = c.post(VERIFY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "审计链完整" in html
    assert not AuditEvent.objects.filter(seq__isnull=True).exclude(action="audit.verify").exists()
    assert AuditEvent.objects.filter(action="audit.verify", result="success").exists()


def test_the_verify_page_shows_tampering(client: Client, cast: Any, events: dict[str, AuditEvent]) -> None:
    audit_seal()
    victim = events["denied"]
    AuditEvent.objects.filter(pk=victim.pk).update(message="没有越权")
    html = _auditor(client, cast).post(VERIFY).content.decode()
    assert "审计链校验失败" in html
    assert f"审计事件 #{victim.pk} 的内容被修改" in html
    assert reverse("audit:event_detail", args=[victim.pk]) in html
    assert AuditEvent.objects.filter(
        action="audit.verify", result="failure", object_id=str(victim.pk)
    ).exists()


def test_the_verify_page_shows_a_deleted_row(
    client: Client, cast: Any, events: dict[str, AuditEvent]
) -> None:
    audit_seal()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events["calendar"].pk])  # noqa: S608
    html = _auditor(client, cast).post(VERIFY).content.decode()
    assert "审计链校验失败" in html and "被删除" in html
