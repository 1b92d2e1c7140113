"""Staff pages: inbox, detail with actions, list and export, intake; scope on every one."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import openpyxl
from django.urls import reverse

from zhenwu.testing import login
from zhenwu.workorders.choices import Action, Channel, Status
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.services import workorder_create, workorder_transition


def dispatched(cast: Any, cats: dict[str, Any], unit: Any, text: str = "丫河村路灯不亮") -> WorkOrder:
    order = workorder_create(
        actor=cast.operator,
        channel=Channel.PHONE,
        category=cats["light"],
        description=text,
        reporter_name="王小明",
        reporter_phone="13912345678",
    )
    return workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=unit)


def test_the_village_inbox_lists_its_orders_only(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    mine = dispatched(cast, cats, cast.yahe)
    theirs = dispatched(cast, cats, cast.lujiaxiang, "卢家巷村的事")
    html = login(client, cast.yahe_cadre).get(reverse("workorders:inbox")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert "待签收" in html


def test_it_hides_other_villages_orders(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    theirs = dispatched(cast, cats, cast.lujiaxiang)
    c = login(client, cast.yahe_cadre)
    assert c.get(reverse("workorders:detail", args=[theirs.number])).status_code == 404
    response = c.post(reverse("workorders:act", args=[theirs.number, "sign"]))
    assert response.status_code == 404
    assert WorkOrder.objects.get(pk=theirs.pk).status == Status.DISPATCHED


def test_a_viewer_sees_but_cannot_act(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    order = dispatched(cast, cats, cast.yahe)
    c = login(client, cast.yahe_viewer)
    html = c.get(reverse("workorders:detail", args=[order.number])).content.decode()
    assert "当前没有您可办理的操作" in html
    assert c.post(reverse("workorders:act", args=[order.number, "sign"])).status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED


def test_the_cadre_signs_and_replies_from_the_detail_page(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = dispatched(cast, cats, cast.yahe)
    c = login(client, cast.yahe_cadre)
    html = c.get(reverse("workorders:detail", args=[order.number])).content.decode()
    assert "签收" in html and "退单" in html and "139****5678" in html and "13912345678" not in html
    c.post(reverse("workorders:act", args=[order.number, "sign"]))
    response = c.post(
        reverse("workorders:act", args=[order.number, "reply"]), {"reply-note": "已更换灯泡"}, follow=True
    )
    assert "已回复" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.REPLIED and order.reply == "已更换灯泡"


def test_an_illegal_step_by_url_is_refused_with_a_message(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = dispatched(cast, cats, cast.yahe)
    c = login(client, cast.yahe_cadre)
    html = c.post(
        reverse("workorders:act", args=[order.number, "reply"]), {"reply-note": "x"}, follow=True
    ).content.decode()
    assert "不能回复" in html
    html = c.post(reverse("workorders:act", args=[order.number, "explode"]), follow=True).content.decode()
    assert "未知的操作" in html
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED


def test_a_return_needs_a_reason(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    order = dispatched(cast, cats, cast.yahe)
    html = (
        login(client, cast.yahe_cadre)
        .post(reverse("workorders:act", args=[order.number, "return"]), follow=True)
        .content.decode()
    )
    assert "请填写退单的说明" in html
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED


def test_the_operator_registers_once_even_if_the_form_is_sent_twice(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    c = login(client, cast.operator)
    data = {
        "channel": "phone",
        "category": cats["light"].pk,
        "description": "村口路灯不亮",
        "urgency": "normal",
        "reporter_phone": "13912345678",
        "client_token": "same-token-1",
    }
    first = c.post(reverse("workorders:intake"), data)
    second = c.post(reverse("workorders:intake"), data, follow=True)
    assert first.status_code == 302
    assert WorkOrder.objects.count() == 1
    assert "未重复创建" in second.content.decode()


def test_intake_keeps_the_input_on_error(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    c = login(client, cast.operator)
    html = c.post(
        reverse("workorders:intake"),
        {
            "channel": "phone",
            "description": "路灯<b>坏了</b>",
            "urgency": "normal",
            "reporter_phone": "13912345678",
        },
    ).content.decode()
    assert "HTML" in html and "13912345678" in html
    assert WorkOrder.objects.count() == 0


def test_intake_needs_the_capability(client: Any, cast: Any) -> None:
    assert login(client, cast.yahe_cadre).get(reverse("workorders:intake")).status_code == 403


def test_list_filters_and_export_are_scoped_and_masked(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    mine = dispatched(cast, cats, cast.yahe)
    dispatched(cast, cats, cast.lujiaxiang, "卢家巷")
    c = login(client, cast.yahe_cadre)
    html = c.get(reverse("workorders:list"), {"status": "dispatched", "q": "路灯"}).content.decode()
    assert mine.number in html and "卢家巷" not in html
    export = c.get(reverse("workorders:export"))
    sheet = openpyxl.load_workbook(BytesIO(export.content)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert mine.number in values and "139****5678" in values
    assert "13912345678" not in values and not any("卢家巷" in v for v in values)


def test_the_leader_supervision_view_lists_overdue_orders(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    order = dispatched(cast, cats, cast.yahe)
    WorkOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - timedelta(hours=1))
    html = login(client, cast.leader).get(reverse("workorders:supervision")).content.decode()
    assert order.number in html and "已超期" in html


def test_the_workbench_shows_the_units_to_dos(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    dispatched(cast, cats, cast.yahe)
    html = login(client, cast.yahe_cadre).get(reverse("dashboard:home")).content.decode()
    assert "待签收工单" in html


def test_revealing_the_reporter_is_a_permission_and_audited(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    from zhenwu.audit.models import AuditEvent

    order = dispatched(cast, cats, cast.yahe)
    html = (
        login(client, cast.yahe_cadre).get(reverse("workorders:detail", args=[order.number])).content.decode()
    )
    assert "查看完整信息" not in html and "王*" in html
    assert client.post(reverse("workorders:reveal", args=[order.number])).status_code == 403
    c = login(client, cast.operator)
    page = c.get(reverse("workorders:detail", args=[order.number])).content.decode()
    assert "查看完整信息" in page and "王*" in page and "王小明" not in page and "13912345678" not in page
    revealed = c.post(
        reverse("workorders:reveal", args=[order.number]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "13912345678" in revealed and "王小明" in revealed
    actions = list(
        AuditEvent.objects.filter(action="pii.reveal", object_id=str(order.pk)).values_list(
            "result", flat=True
        )
    )
    assert sorted(actions) == ["denied", "success"]


def test_a_new_order_reaches_the_units_workbench_as_a_notice(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = dispatched(cast, cats, cast.yahe)
    html = login(client, cast.yahe_cadre).get(reverse("dashboard:home")).content.decode()
    assert f"新工单 {order.number}" in html and "请于" in html
    other = login(client, cast.ljx_cadre).get(reverse("dashboard:home")).content.decode()
    assert order.number not in other


def test_a_returned_order_is_announced_to_the_dispatcher(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    order = dispatched(cast, cats, cast.yahe)
    workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.RETURN, note="不归本村管")
    html = login(client, cast.operator).get(reverse("dashboard:home")).content.decode()
    assert f"退单待审定 {order.number}" in html


def test_inbox_counts_are_cached_until_an_order_changes(
    cast: Any, cats: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from zhenwu.workorders.selectors import inbox_counts

    assert inbox_counts(user=cast.yahe_cadre)["to_sign"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        dispatched(cast, cats, cast.yahe)
    assert inbox_counts(user=cast.yahe_cadre)["to_sign"] == 1  # the write invalidated the cached counts
    WorkOrder.objects.update(status=Status.HANDLING)  # behind the services' back: still the cached value
    assert inbox_counts(user=cast.yahe_cadre)["to_sign"] == 1
