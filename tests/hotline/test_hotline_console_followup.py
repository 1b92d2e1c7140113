from __future__ import annotations

from datetime import date

import pytest

from zhenwu.core.actors import SYSTEM
from zhenwu.core.errors import DomainError
from zhenwu.hotline import services
from zhenwu.hotline.choices import Outcome
from zhenwu.hotline.models import ListenerIssue
from zhenwu.hotline.selectors import unit_evaluation
from zhenwu.testing import login


def test_the_console_is_for_operators(hl, client):
    episode = hl.episode(status="live")
    assert login(client, hl.operator).get(f"/hotline/episodes/{episode.pk}/console/").status_code == 200
    assert (
        login(client, hl.cast.yahe_cadre).get(f"/hotline/episodes/{episode.pk}/console/").status_code == 403
    )


def test_a_call_taken_in_the_console_appears_in_the_polled_list_masked(hl, client):
    episode = hl.episode(status="live")
    c = login(client, hl.operator)
    response = c.post(
        f"/hotline/episodes/{episode.pk}/console/take/",
        {"caller_phone": "13912345678", "text": "桥头路灯不亮", "source": "phone", "client_token": "abc"},
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "hotline-refresh"
    c.post(  # a resubmission after a network drop creates nothing new
        f"/hotline/episodes/{episode.pk}/console/take/",
        {"caller_phone": "13912345678", "text": "桥头路灯不亮", "source": "phone", "client_token": "abc"},
    )
    assert ListenerIssue.objects.count() == 1
    listing = c.get(f"/hotline/episodes/{episode.pk}/console/list/").content.decode()
    assert "桥头路灯不亮" in listing and "139****5678" in listing and "13912345678" not in listing


def test_answer_on_air_from_the_console(hl, client):
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="桥头路灯不亮", source="phone", during_show=True
    )
    response = login(client, hl.operator).post(
        f"/hotline/episodes/{episode.pk}/console/issues/{issue.pk}/",
        {"mode": "answer", f"a{issue.pk}-summary": "明天派人维修"},
    )
    assert "节目中答复" in response.content.decode()
    issue.refresh_from_db()
    assert issue.outcome == Outcome.ANSWERED and issue.show_order == 1
    with pytest.raises(DomainError, match="不能重复处理"):
        services.issue_answer(actor=hl.operator, issue=issue, summary="again")


def test_turning_a_question_into_a_work_order_links_both_ways(hl):
    from zhenwu.hotline.workorder_link import issue_to_workorder
    from zhenwu.workorders.services import category_save

    municipal = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    category = category_save(
        actor=SYSTEM, code="municipal.streetlight", name="路灯/市政设施", parent=municipal, time_limit_days=3
    )
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="桥头路灯不亮", source="phone", during_show=True
    )
    order = issue_to_workorder(actor=hl.operator, issue=issue, category=category, unit=hl.cast.department)
    issue.refresh_from_db()
    assert issue.outcome == Outcome.WORK_ORDER and issue.work_order == order
    assert (
        order.hotline_issue == issue and order.channel == "on_air" and order.lead_unit == hl.cast.department
    )
    with pytest.raises(DomainError, match="不能重复处理"):
        issue_to_workorder(actor=hl.operator, issue=issue, category=category)


def test_the_follow_up_lists_open_items_of_earlier_episodes_and_keeps_edits(hl):
    earlier = hl.episode(air_date=date(2026, 11, 20), status="live")
    issue = services.issue_create(actor=hl.operator, episode=earlier, text="村口路灯坏了", source="phone")
    c = services.commitment_create(
        actor=hl.operator,
        episode=earlier,
        issue=issue,
        title="修复村口路灯",
        responsible_unit=hl.cast.yahe,
        responsible_person="李书记",
        deadline=date(2026, 12, 4),
    )
    later = hl.episode(unit=hl.cast.lujiaxiang, air_date=date(2026, 12, 20))
    services.commitment_create(
        actor=hl.operator,
        episode=later,
        title="later promise",
        responsible_unit=hl.cast.lujiaxiang,
        responsible_person="x",
        deadline=date(2026, 12, 30),
    )
    nxt = hl.episode(unit=hl.cast.department, air_date=date(2026, 12, 10))
    items = services.followup_compile(actor=hl.cast.town_admin, episode=nxt)
    assert [i.commitment for i in items] == [c]
    assert "修复村口路灯" in items[0].text and items[0].state_label == "已承诺"
    services.followup_update(
        actor=hl.cast.town_admin, item=items[0], text="丫河村：路灯已订购，下周安装。", included=True
    )
    items = services.followup_compile(actor=hl.cast.town_admin, episode=nxt)
    assert items[0].text == "丫河村：路灯已订购，下周安装。"


def test_unit_evaluation_follows_the_configurable_rule(hl):
    slot = hl.slot(date(2026, 11, 26))  # aired yesterday, in person
    episode = services.episode_create(
        actor=hl.cast.town_admin, unit=hl.cast.yahe, slot=slot, guests=[("书记", "李书记")]
    )
    services.episode_transition(actor=hl.operator, episode=episode, action="go_live")
    a = services.issue_create(actor=hl.operator, episode=episode, text="问题一二三四五", source="phone")
    b = services.issue_create(actor=hl.operator, episode=episode, text="问题六七八九十", source="phone")
    services.issue_answer(actor=hl.operator, issue=a, summary="已答")
    services.commitment_create(
        actor=hl.operator,
        episode=episode,
        issue=b,
        title="承诺",
        responsible_unit=hl.cast.yahe,
        responsible_person="李",
        deadline=date(2026, 12, 4),
    )
    with pytest.raises(DomainError, match="之和应为 100"):
        services.evaluation_rule_set(
            actor=hl.cast.town_admin, year=2026, attendance=50, answered=50, on_time=50, satisfaction=0
        )
    services.evaluation_rule_set(
        actor=hl.cast.town_admin, year=2026, attendance=50, answered=50, on_time=0, satisfaction=0
    )
    result = unit_evaluation(year=2026, units=[hl.cast.yahe])[hl.cast.yahe.pk]
    assert result["attendance_rate"] == 1.0 and result["answered_rate"] == 0.5
    assert result["score"] == 75.0


def test_the_work_order_form_prefills_category_and_unit(hl):
    from zhenwu.hotline.workorder_link import suggest
    from zhenwu.workorders.services import category_save

    municipal = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    light = category_save(
        actor=SYSTEM,
        code="municipal.streetlight",
        name="路灯/市政设施",
        parent=municipal,
        time_limit_days=3,
        unit_type="urban_mgmt",
        keywords="路灯 灯不亮",
    )
    category, unit = suggest("桥头路灯不亮已经一周了")
    assert category == light and unit == hl.cast.department
    assert suggest("与任何分类都无关的话") == (None, None)
