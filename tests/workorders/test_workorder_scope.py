"""One scope for work orders (issue 10): lead unit, 协办 units (no cut-off) and the reporter, used by
every read path and every permission check; a third village still gets 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.core.actors import SYSTEM
from zhenwu.core.errors import PermissionDeniedError
from zhenwu.orgs.models import Unit
from zhenwu.testing import ScopedViewTests, login
from zhenwu.workorders.choices import Action
from zhenwu.workorders.models import OrderEvent, WorkOrder
from zhenwu.workorders.services import category_save, workorder_create, workorder_transition

pytestmark = pytest.mark.django_db


def dispatched(cast: Any, lead: Any, assisting: tuple[Any, ...] = ()) -> WorkOrder:
    category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    order = workorder_create(
        actor=cast.operator, channel="phone", category=category, description="村道积水严重"
    )
    return workorder_transition(
        actor=cast.operator, order=order, action=Action.DISPATCH, unit=lead, assisting=list(assisting)
    )


class TestOrderPages(ScopedViewTests):
    change_data = {"note": "已到现场查看"}

    def make_object(self, cast: Any) -> Any:
        return dispatched(cast, cast.yahe)

    def detail_url(self, obj: Any) -> str:
        return reverse("workorders:detail", args=[obj.number])

    def change_url(self, obj: Any) -> str:
        return reverse("workorders:act", args=[obj.number, "sign"])


def test_an_assisting_cadre_sees_the_order_in_her_inbox_and_on_its_page(cast: Any, client: Client) -> None:
    order = dispatched(cast, cast.lujiaxiang, assisting=(cast.yahe,))
    c = login(client, cast.yahe_cadre)
    inbox = c.get(reverse("workorders:inbox") + "?tab=assisting").content.decode()
    assert order.number in inbox
    assert "协办" in inbox
    # not in her 待签收 tab: her unit does not lead it
    assert order.number not in c.get(reverse("workorders:inbox") + "?tab=to_sign").content.decode()
    assert c.get(reverse("workorders:detail", args=[order.number])).status_code == 200


def test_an_assisting_cadre_adds_her_opinion_but_cannot_sign(cast: Any) -> None:
    order = dispatched(cast, cast.lujiaxiang, assisting=(cast.yahe,))
    workorder_transition(
        actor=cast.yahe_cadre, order=order, action=Action.NOTE, note="协办意见：村道归丫河村养护"
    )
    assert OrderEvent.objects.filter(order=order, action=Action.NOTE, actor=cast.yahe_cadre).exists()
    with pytest.raises(PermissionDeniedError, match="协办单位"):
        workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.SIGN)


def test_a_third_village_still_gets_404(cast: Any, client: Client) -> None:
    dongtang = Unit.objects.create(code="NT-DT", name="东塘村", kind="village", parent=cast.town)
    order = dispatched(cast, cast.lujiaxiang, assisting=(dongtang,))
    response = login(client, cast.yahe_cadre).get(reverse("workorders:detail", args=[order.number]))
    assert response.status_code == 404


def test_assisted_orders_are_not_cut_off(cast: Any) -> None:
    """The old list cut assisted ids at 5,000; the scope is now a subquery with no limit."""
    order = dispatched(cast, cast.lujiaxiang, assisting=(cast.yahe,))
    sql = str(WorkOrder.objects.visible_to(cast.yahe_cadre).query)
    assert "LIMIT" not in sql.upper()
    assert WorkOrder.objects.visible_to(cast.yahe_cadre).filter(pk=order.pk).exists()
    counts = __import__("zhenwu.workorders.selectors", fromlist=["inbox_counts"]).inbox_counts(
        user=cast.yahe_cadre, now=order.created_at
    )
    assert counts["assisting"] == 1 and counts["to_sign"] == 0
