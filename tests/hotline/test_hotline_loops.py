"""Issue 14: the 政风热线 loops — early go-live needs a reason, an ended episode takes no calls, the
reminder of a programme that already ran is cancelled, 上线评价 agrees with 上线安排, and the
leader's workbench lists articles awaiting approval."""

from __future__ import annotations

from datetime import date

import pytest

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError
from zhenwu.core.models import Notification
from zhenwu.hotline import services
from zhenwu.hotline.choices import EpisodeStatus, ReminderStatus
from zhenwu.hotline.models import ListenerIssue, ReminderLog
from zhenwu.hotline.selectors import unit_evaluation
from zhenwu.testing import login


def _slot_episode(hl, day):
    slot = hl.slot(day)
    episode = services.episode_create(
        actor=hl.cast.town_admin, unit=hl.cast.yahe, slot=slot, guests=[("村党委书记", "李书记")]
    )
    return slot, episode


def test_going_on_air_before_the_date_needs_a_confirmed_reason_which_is_recorded(hl, client):
    _, episode = _slot_episode(hl, date(2026, 12, 10))  # today is 2026-11-27
    with pytest.raises(DomainError) as err:
        services.episode_transition(actor=hl.operator, episode=episode, action="go_live")
    assert err.value.code == "early_air" and "2026年12月10日" in err.value.message
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PREPARING
    c = login(client, hl.operator)
    page = c.get(episode.get_absolute_url()).content.decode()
    assert 'name="reason"' in page and "确定今天提前开播吗" in page
    c.post(f"/hotline/episodes/{episode.pk}/transition/", {"action": "go_live"})
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.PREPARING
    c.post(
        f"/hotline/episodes/{episode.pk}/transition/",
        {"action": "go_live", "reason": "书记下周出差，经协调提前"},
    )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.LIVE
    event = AuditEvent.objects.get(action="hotline.episode_go_live")
    assert (
        "书记下周出差，经协调提前" in event.message
        and str(event.changes).count("early_reason") == 1
        and "书记下周出差，经协调提前" in str(event.changes)
    )


def test_on_the_day_no_reason_is_asked(hl):
    _, episode = _slot_episode(hl, date(2026, 11, 27))
    episode = services.episode_transition(actor=hl.operator, episode=episode, action="go_live")
    assert episode.status == EpisodeStatus.LIVE


def test_an_ended_episode_refuses_new_calls_in_the_service_and_the_console(hl, client):
    episode = hl.episode(status="live")
    services.episode_transition(actor=hl.operator, episode=episode, action="close")
    with pytest.raises(DomainError, match="本期节目已结束"):
        services.issue_create(
            actor=hl.operator, episode=episode, text="村口路灯不亮了怎么办", source="phone", during_show=True
        )
    c = login(client, hl.operator)
    assert (
        "本期节目已结束，不再登记新的来电"
        in c.get(f"/hotline/episodes/{episode.pk}/console/").content.decode()
    )
    response = c.post(
        f"/hotline/episodes/{episode.pk}/console/take/",
        {"text": "村口路灯不亮了怎么办", "source": "phone", "client_token": "t-1"},
        HTTP_HX_REQUEST="true",
    )
    assert "本期节目已结束" in response.content.decode()
    assert not ListenerIssue.objects.filter(episode=episode).exists()


def test_the_pending_reminder_of_an_episode_that_already_ran_is_cancelled(hl):
    slot, episode = _slot_episode(hl, date(2026, 12, 10))
    assert services.reminders_queue() == 1
    services.episode_transition(actor=hl.operator, episode=episode, action="go_live", reason="提前")
    log = ReminderLog.objects.get(slot=slot)
    assert log.status == ReminderStatus.CANCELLED
    assert services.reminders_dispatch() == 0
    assert not Notification.objects.filter(object_type="hotline.reminderlog").exists()
    assert services.reminders_queue() == 0  # not queued again


def test_a_reminder_whose_slot_already_passed_is_not_sent(hl, time_machine):
    hl.slot(date(2026, 12, 1))
    assert services.reminders_queue() == 1
    time_machine.move_to("2026-12-02 10:00 +08:00", tick=False)
    assert services.reminders_dispatch() == 0
    assert ReminderLog.objects.get().status == ReminderStatus.CANCELLED


def test_the_evaluation_counts_a_unit_that_went_on_air_early(hl, client):
    _, episode = _slot_episode(hl, date(2026, 12, 10))
    services.episode_transition(actor=hl.operator, episode=episode, action="go_live", reason="提前")
    issue = services.issue_create(actor=hl.operator, episode=episode, text="问题一二三四五", source="phone")
    services.issue_answer(actor=hl.operator, issue=issue, summary="已答")
    services.episode_transition(actor=hl.operator, episode=episode, action="close")
    row = unit_evaluation(year=2026, units=[hl.cast.yahe])[hl.cast.yahe.pk]
    assert row["aired"] == 1 and row["score"] is not None
    page = login(client, hl.cast.town_admin).get("/hotline/evaluation/?year=2026").content.decode()
    assert "丫河村" in page and "尚未上线" not in page


def test_the_leaders_workbench_lists_articles_awaiting_approval(hl, client):
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="小牛办周末能办事吗？", source="phone"
    )
    services.issue_answer(actor=hl.operator, issue=issue, summary="周六上午可预约办理。")
    services.episode_transition(actor=hl.operator, episode=episode, action="close")
    article = services.article_prepare(actor=hl.cast.town_admin, episode=episode, title="丫河村上线政风热线")
    c = login(client, hl.leader)
    assert "待审核的节目文章" not in c.get("/workbench/").content.decode()
    services.article_transition(actor=hl.cast.town_admin, article=article, action="submit")
    home = c.get("/workbench/").content.decode()
    assert "待审核的节目文章：丫河村上线政风热线" in home
    assert f"/hotline/episodes/{episode.pk}/article/" in home


def _ask(client, episode, text="村里的健身器材坏了，能否维修？"):
    import re

    html = client.post(
        f"/public/hotline/episodes/{episode.pk}/ask/",
        {"caller_name": "王小明", "caller_phone": "13912345678", "text": text},
        follow=True,
    ).content.decode()
    number = re.search(r'id="hl-number">([A-Z0-9-]+)<', html)
    code = re.search(r'id="hl-code">([A-Z0-9]+)<', html)
    assert number and code, html
    assert f'name="code" value="{code.group(1)}"' in html  # the button carries number and code
    return number.group(1), code.group(1)


def _outcome(client, number, code):
    html = client.post("/public/hotline/question/", {"number": number, "code": code}).content.decode()
    start = html.find('id="hl-outcome">')
    return html[start + len('id="hl-outcome">') : html.find("</strong>", start)] if start >= 0 else "", html


def test_a_citizen_who_asked_follows_the_question_to_its_outcome(hl, client):
    episode = hl.episode()
    number, code = _ask(client, episode)
    issue = ListenerIssue.objects.get(number=number)
    assert code not in issue.query_code_hash and len(issue.query_code_hash) == 64
    assert _outcome(client, number, code)[0] == "待筛选"
    assert "编号或查询码不正确" in _outcome(client, number, "ZZZZZZ")[1]
    assert "编号或查询码不正确" in _outcome(client, "RX-0%00", code)[1]
    services.issue_screen(actor=hl.cast.town_admin, issue=issue, screening="set_aside")
    title, html = _outcome(client, number, code)
    assert title == "未入选" and "未入选本期节目" in html
    services.issue_screen(actor=hl.cast.town_admin, issue=issue, screening="selected")
    assert _outcome(client, number, code)[0] == "已入选节目"
    services.episode_transition(actor=hl.operator, episode=episode, action="go_live", reason="测试")
    services.issue_answer(actor=hl.operator, issue=issue, summary="镇里下周统一更换健身器材。")
    title, html = _outcome(client, number, code)
    assert title == "已在节目中答复" and "下周统一更换健身器材" in html


def test_a_question_turned_into_a_work_order_or_a_commitment_says_so(hl, client):
    from zhenwu.hotline.workorder_link import issue_to_workorder
    from zhenwu.workorders.models import Category

    category = Category.objects.create(code="municipal", name="市政设施", time_limit_days=5)
    episode = hl.episode(status="live")
    number, code = _ask(client, episode, "南庄路口路灯坏了一个多月")
    issue = ListenerIssue.objects.get(number=number)
    order = issue_to_workorder(actor=hl.operator, issue=issue, category=category, unit=hl.cast.yahe)
    title, html = _outcome(client, number, code)
    assert title == "已转为工单办理" and order.number in html and "待签收" in html
    number2, code2 = _ask(client, episode, "村口道路坑洼不平，雨天积水")
    issue2 = ListenerIssue.objects.get(number=number2)
    services.commitment_create(
        actor=hl.operator,
        episode=episode,
        issue=issue2,
        title="一个月内修复村口道路",
        responsible_unit=hl.cast.yahe,
        responsible_person="李书记",
        deadline=date(2026, 12, 31),
    )
    title, html = _outcome(client, number2, code2)
    assert title == "有关单位已作出承诺" and "一个月内修复村口道路" in html and "2026-12-31" in html


def test_hostile_input_on_the_new_public_pages_never_500s(hl, client):
    long = "问" * 10000
    for data in (
        {"number": "RX\x00", "code": "\x00"},
        {"number": long, "code": long},
        {"number": "'\"<script>", "code": "1e309"},
        {},
    ):
        response = client.post("/public/hotline/question/", data)
        assert response.status_code == 200
    assert client.get("/public/hotline/ask/done/").status_code == 302  # nothing asked yet
    for token in ("%00", "x" * 3000, "abc:def:ghi"):
        assert client.get(f"/public/h5/photos/{token}/").status_code == 404


def test_an_early_go_live_reason_of_control_characters_is_no_reason(hl):
    _, episode = _slot_episode(hl, date(2026, 12, 10))
    with pytest.raises(DomainError, match="提前开播"):
        services.episode_transition(actor=hl.operator, episode=episode, action="go_live", reason="\x00\x01 ")
