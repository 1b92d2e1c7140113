"""Issue 14: the loops a walk-through found open — 重办 as a second round, the citizen's timeline in
words with every reply and its photos, the honest done page, the 签收时限 inbox, the category rule."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenwu.core.models import Notification
from zhenwu.workorders.choices import Action, Channel, Status
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.services import workorder_create, workorder_transition

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=SH)  # a Tuesday
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _new(cast: Any, cats: dict[str, Any], **kw: Any) -> WorkOrder:
    args: dict[str, Any] = {
        "actor": None,
        "channel": Channel.H5,
        "category": cats["light"],
        "description": "丫河村村口路灯不亮已经三天了，晚上走路很不安全。",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "address": "丫河村村口",
    }
    args.update(kw)
    return workorder_create(**args)


def _go(order: WorkOrder, actor: Any, action: str, **kw: Any) -> WorkOrder:
    return workorder_transition(actor=actor, order=order, action=action, **kw)


def _replied(cast: Any, cats: dict[str, Any], **kw: Any) -> tuple[WorkOrder, str]:
    order = _new(cast, cats, **kw)
    code = order.query_code  # type: ignore[attr-defined]
    order = _go(order, cast.operator, Action.DISPATCH, unit=cast.yahe)
    order = _go(order, cast.yahe_cadre, Action.SIGN)
    order = _go(order, cast.yahe_cadre, Action.REPLY, note="已联系电工更换灯泡。")
    return order, code


def test_unsatisfied_opens_a_second_round_with_a_new_deadline_and_tells_the_unit(
    cast: Any, cats: dict[str, Any]
) -> None:
    cast.yahe.contact_phone = "13800001111"
    cast.yahe.save()
    with time_machine.travel(T0, tick=False):
        order, code = _replied(cast, cats)
        first_deadline = order.deadline
    later = T0 + timedelta(days=6)  # the next Monday 09:00
    with time_machine.travel(later, tick=False):
        order = _go(order, None, Action.RATE, satisfaction="unsatisfied", note="灯还是不亮", query_code=code)
    assert order.status == Status.HANDLING and order.rework_count == 1
    # A fresh 办结时限 from the category's limit (3 working days) counted from the 不满意.
    assert order.deadline.astimezone(SH) == datetime(2026, 12, 3, 9, 0, tzinfo=SH)
    assert order.deadline != first_deadline
    actions = list(order.events.values_list("action", flat=True))
    assert actions[-2:] == ["rate", "rework"]
    rework = order.events.get(action="rework")
    assert rework.to_status == Status.HANDLING and rework.unit == cast.yahe
    assert rework.data["deadline"] == "2026-12-03 09:00"
    inbox = Notification.objects.filter(channel="inbox", recipient_unit=cast.yahe, subject__contains="重办")
    assert inbox.count() == 1 and "12月03日09:00" in inbox.get().subject
    sms = Notification.objects.filter(channel="sms", subject__contains="重办").get()
    assert sms.recipient_phone == "13800001111"


def test_the_timelines_say_unsatisfied_and_rework_not_rate_twice(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    with time_machine.travel(T0, tick=False):
        order, code = _replied(cast, cats)
        order = _go(order, None, Action.RATE, satisfaction="unsatisfied", query_code=code)
        order = _go(order, cast.yahe_cadre, Action.REPLY, note="已更换整套灯具。")
        order = _go(order, None, Action.RATE, satisfaction="satisfied", query_code=code)
    html = client.post(
        reverse("workorders:h5_track"), {"number": order.number, "code": code}
    ).content.decode()
    assert "评价（不满意）" in html and "重办（第 1 次）" in html and "评价（满意）" in html
    assert "诉求人不满意，已退回丫河村重新办理" in html
    client.force_login(cast.operator)
    staff = client.get(order.get_absolute_url()).content.decode()
    assert "评价（不满意）" in staff and "重办（第 1 次）" in staff


def test_the_tracking_page_shows_every_reply_with_its_photos_and_each_step_in_words(
    client: Any, cast: Any, cats: dict[str, Any], media: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        order, code = _replied(cast, cats)
        order = _go(order, None, Action.RATE, satisfaction="unsatisfied", query_code=code)
        photo = SimpleUploadedFile("after.png", PNG, content_type="image/png")
        order = _go(order, cast.yahe_cadre, Action.REPLY, note="已更换整套灯具。", photos=[photo])
    html = client.post(
        reverse("workorders:h5_track"), {"number": order.number, "code": code}
    ).content.decode()
    # Both answers, not only the last one.
    assert "已联系电工更换灯泡。" in html and "已更换整套灯具。" in html
    assert "已派给丫河村办理。" in html and "丫河村已签收，开始办理。" in html
    links = re.findall(r'src="(/public/h5/photos/[^"]+)"', html)
    assert len(links) == 1
    photo_response = client.get(links[0])
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/png"
    # A forged or altered link is refused.
    assert client.get(links[0][:-3] + "xyz/").status_code == 404
    assert client.get("/public/h5/photos/%00/").status_code == 404


def test_the_done_page_button_carries_the_number_and_code(client: Any, cats: dict[str, Any]) -> None:
    data = {
        "category": cats["light"].pk,
        "description": "丫河村村口路灯不亮三天了",
        "address": "丫河村村口",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "client_token": "tok-1",
    }
    html = client.post(reverse("workorders:h5_submit"), data, follow=True).content.decode()
    number = re.search(r'id="zw-number">([A-Z0-9-]+)<', html).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="zw-code">([A-Z0-9]+)<', html).group(1)  # type: ignore[union-attr]
    assert f'name="number" value="{number}"' in html and f'name="code" value="{code}"' in html
    # The console backend sends nothing: the page must not claim an SMS went out.
    assert "已通过短信发送" not in html and "短信通知已排队" in html
    page = client.post(reverse("workorders:h5_track"), {"number": number, "code": code}).content.decode()
    assert "办理过程" in page and number in page


class FakeGateway:
    name = "fake-gateway"
    sent: list[int] = []

    def send(self, notification: Notification) -> None:
        FakeGateway.sent.append(notification.pk)


@pytest.mark.django_db(transaction=True)
def test_the_done_page_says_sms_only_when_a_gateway_took_it(
    client: Any, settings: Any, monkeypatch: Any
) -> None:
    from zhenwu.core import notify
    from zhenwu.core.actors import SYSTEM

    monkeypatch.setattr(notify, "_schedule", notify.deliver)  # the worker delivers at once after commit
    from zhenwu.workorders.services import category_save

    light = category_save(actor=SYSTEM, code="municipal.streetlight", name="路灯", time_limit_days=3)
    settings.ZHENWU_NOTIFY_BACKENDS = {
        **settings.ZHENWU_NOTIFY_BACKENDS,
        "sms": f"{__name__}.FakeGateway",
    }
    data = {
        "category": light.pk,
        "description": "丫河村村口路灯不亮三天了",
        "address": "丫河村村口",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "client_token": "tok-2",
    }
    html = client.post(reverse("workorders:h5_submit"), data, follow=True).content.decode()
    assert FakeGateway.sent, "the SMS was handed to the gateway after commit"
    assert "已通过短信发送" in html
    # Without a mobile number no SMS is written and nothing about SMS is said.
    html = client.post(
        reverse("workorders:h5_submit"),
        {**data, "reporter_phone": "0519-88001234", "client_token": "t3"},
        follow=True,
    ).content.decode()
    assert "短信" not in html.split("查询码")[-1].split("查询办理进度")[0]


def test_the_to_sign_tab_sorts_by_and_shows_the_sign_deadline(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.core.actors import SYSTEM
    from zhenwu.workorders.services import category_save

    slow_sign = category_save(
        actor=SYSTEM, code="ecology.dust", name="扬尘", time_limit_days=2, sign_limit_hours=6
    )
    with time_machine.travel(T0, tick=False):
        early = _new(cast, cats, category=slow_sign, description="丫河村工地扬尘很大，请处理。")
        early = _go(early, cast.operator, Action.DISPATCH, unit=cast.yahe)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        later = _new(cast, cats, category=cats["municipal"], description="丫河村村道井盖缺失。")
        later = _go(later, cast.operator, Action.DISPATCH, unit=cast.yahe)
    # 办结时限 would put `early` first; the 签收时限 (12:00 < 15:00) puts `later` first.
    assert early.deadline < later.deadline and later.sign_deadline < early.sign_deadline
    client.force_login(cast.yahe_cadre)
    with time_machine.travel(T0 + timedelta(hours=1, minutes=5), tick=False):
        html = client.get(reverse("workorders:inbox") + "?tab=to_sign").content.decode()
    table = html.split("<table")[1]
    assert table.index(later.number) < table.index(early.number)
    assert "<th>签收时限</th>" in table and "2026-11-24 12:00" in table and "按签收时限排列" in html


def test_dispatch_needs_a_category_or_a_confirmed_reason(cast: Any, cats: dict[str, Any]) -> None:
    from zhenwu.core.errors import DomainError

    order = _new(cast, cats, category=None, description="丫河村有件事不知道归哪里管。")
    with pytest.raises(DomainError) as err:
        _go(order, cast.operator, Action.DISPATCH, unit=cast.yahe)
    assert err.value.field == "category" and "分类" in err.value.message
    with pytest.raises(DomainError) as err:
        _go(order, cast.operator, Action.DISPATCH, unit=cast.yahe, unclassified=True)
    assert err.value.field == "note"
    order.refresh_from_db()
    assert order.status == Status.NEW and order.events.count() == 1  # nothing written
    order = _go(
        order, cast.operator, Action.DISPATCH, unit=cast.yahe, unclassified=True, note="分类目录中没有对应项"
    )
    assert order.status == Status.DISPATCHED and order.category is None
    assert order.events.get(action="dispatch").data["unclassified"] is True
    order = _go(order, cast.yahe_cadre, Action.SIGN)
    # It cannot be answered to its end as 未分类: the reply needs the category.
    with pytest.raises(DomainError) as err:
        _go(order, cast.yahe_cadre, Action.REPLY, note="已处理")
    assert err.value.field == "category"
    order = _go(order, cast.yahe_cadre, Action.REPLY, note="已处理", category=cats["light"])
    assert order.category == cats["light"] and order.status == Status.REPLIED


def test_a_desk_answer_and_a_dispatch_pick_the_category_on_the_page(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = _new(cast, cats, category=None, description="请问小牛办几点上班？")
    client.force_login(cast.operator)
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'name="dispatch-unclassified"' in page and 'name="answer-category"' in page
    # Tree order, Chinese names, no codes: 市政设施 then its child 路灯/市政设施 indented under it.
    assert page.index(">市政设施<") < page.index("└ 路灯/市政设施")
    assert "municipal.streetlight</option>" not in page
    url = reverse("workorders:act", args=[order.number, "answer"])
    client.post(url, {"answer-note": "工作日 8:30 上班。"})
    order.refresh_from_db()
    assert order.status == Status.NEW  # refused: no category
    client.post(url, {"answer-note": "工作日 8:30 上班。", "answer-category": cats["municipal"].pk})
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.category == cats["municipal"]


def test_category_pickers_show_chinese_names_in_tree_order_never_codes(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.hotline.workorder_link import WorkOrderForm
    from zhenwu.knowledge.forms import ArticleForm
    from zhenwu.knowledge.models import Article

    def labels(html: str) -> list[str]:
        return [x.strip() for x in re.findall(r"<option[^>]*>([^<]*)</option>", html)]

    expected_tree = ["噪声扰民", "市政设施", "└ 路灯/市政设施"]  # by sort order, then code
    issue = type("Issue", (), {"text": "路灯不亮"})()
    console = str(WorkOrderForm(issue=issue)["category"])
    knowledge = str(ArticleForm()["category_code"])
    for html in (console, knowledge):
        names = [n.replace("\u3000", "") for n in labels(html) if n and "请选择" not in n and "不限" not in n]
        assert names == expected_tree, names
        assert "municipal.streetlight" not in "".join(labels(html))
    client.force_login(cast.operator)
    listing = client.get(reverse("workorders:list")).content.decode()
    assert "└ 路灯/市政设施" in listing and ">municipal.streetlight<" not in listing
    Article.objects.create(title="路灯报修", answer="请拨打热线。", category_code="municipal.streetlight")
    client.force_login(cast.town_admin)
    page = client.get("/knowledge/").content.decode()
    assert "分类：路灯/市政设施" in page and "municipal.streetlight" not in page


def test_category_extra_fields_are_edited_with_a_form_not_json(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.workorders.models import Category

    client.force_login(cast.town_admin)
    url = reverse("workorders:category_edit", args=["ecology.noise"])
    page = client.get(url).content.decode()
    assert 'value="发生时段"' in page and 'value="白天、夜间"' in page and "单选" in page
    assert "JSON" not in page and '"datatype"' not in page
    base = {
        "code": "ecology.noise",
        "name": "噪声扰民",
        "time_limit_days": "3",
        "sign_limit_hours": "2",
        "is_active": "on",
        "ef_0_code": "period",
        "ef_0_label": "发生时段",
        "ef_0_datatype": "singlevaluelist",
        "ef_0_required": "on",
        "ef_0_values": "白天、夜间、凌晨",
        "ef_1_code": "",
        "ef_1_label": "噪声来源",
        "ef_1_datatype": "multivaluelist",
        "ef_1_values": "",
        "ef_2_code": "",
        "ef_2_label": "",
        "ef_2_datatype": "string",
        "ef_2_values": "",
    }
    # A choice field without options is refused with its row named, nothing saved.
    page = client.post(url, base).content.decode()
    assert "第 2 个附加字段“噪声来源”是选择类型，请填写至少一个选项" in page
    assert len(Category.objects.get(code="ecology.noise").extra_fields) == 1
    client.post(url, {**base, "ef_1_values": "施工，商铺音响"})
    fields = Category.objects.get(code="ecology.noise").extra_fields
    assert [f["label"] for f in fields] == ["发生时段", "噪声来源"]
    period, source = fields
    # The kept field keeps its code and the keys of its options, so earlier orders still read.
    assert period["code"] == "period" and period["required"] is True
    assert period["values"][:2] == [{"key": "day", "name": "白天"}, {"key": "night", "name": "夜间"}]
    assert period["values"][2]["name"] == "凌晨"
    assert source["datatype"] == "multivaluelist" and [v["name"] for v in source["values"]] == [
        "施工",
        "商铺音响",
    ]
    assert source["code"] not in {"", "period"}


def test_a_grid_choice_ranks_duplicates_but_never_hides_one(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    text = "丫河村村口公交站旁的路灯坏了，晚上很黑。"
    no_grid = _new(cast, cats, description=text, address="丫河村村口公交站")
    same_grid = _new(cast, cats, description="丫河村村口公交站旁路灯坏了，晚上黑。", grid=cast.yahe_grid)
    unrelated = _new(cast, cats, description="卢家巷菜场周边占道经营严重。", grid=cast.yahe_grid)
    client.force_login(cast.operator)
    url = reverse("workorders:similar")
    html = client.get(url, {"description": text, "grid": cast.yahe_grid.pk}).content.decode()
    assert no_grid.number in html and same_grid.number in html and unrelated.number not in html
    assert html.index(same_grid.number) < html.index(no_grid.number)  # the same grid first
    html = client.get(url, {"description": text, "address": "丫河村村口公交站"}).content.decode()
    assert html.index(no_grid.number) < html.index(same_grid.number)  # the same address first
    page = client.get(reverse("workorders:intake")).content.decode()
    assert "keyup changed delay:600ms from:#id_description" in page and "from:#id_address" in page


def test_form_labels_use_full_width_brackets() -> None:
    """Chinese labels of the work-order, hotline and assessment forms use （）, not ASCII brackets."""
    import re as _re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "zhenwu"
    files = [
        src / p
        for p in (
            "workorders/forms.py",
            "hotline/forms.py",
            "assessment/forms.py",
            "hotline/workorder_link.py",
        )
    ]
    bad = [
        f"{f.name}: {label}"
        for f in files
        for label in _re.findall(r'(?:label|empty_label)=f?"([^"]*)"', f.read_text(encoding="utf-8"))
        if _re.search(r"[\u4e00-\u9fff]", label) and _re.search(r"[()]", label)
    ]
    assert not bad, bad


def test_the_duplicate_lookup_takes_hostile_parameters(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    client.force_login(cast.operator)
    url = reverse("workorders:similar")
    for params in (
        {"description": "丫河村村口路灯坏了", "grid": "9" * 30},
        {"description": "丫河村村口路灯坏了", "grid": "1e309"},
        {"description": "\x00" * 10, "address": "'\"<"},
        {"description": "路" * 10000},
    ):
        assert client.get(url, params).status_code == 200


def test_public_phone_pages_are_top_aligned_without_an_empty_band(client: Any, cats: dict[str, Any]) -> None:
    """public_base centres its page vertically (page-center): on a phone that left an empty band on top."""
    for url in (reverse("workorders:h5_submit"), reverse("workorders:h5_track"), "/public/hotline/question/"):
        html = client.get(url).content.decode()
        assert 'class="page page-center"' not in html and 'class="page "' in html, url
