"""Issue 14: the audit log shows each action in Chinese (a registry the parts fill), the code only
as secondary detail."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from zhenwu.audit.selectors import action_label, action_labels
from zhenwu.testing import login

SRC = Path(__file__).resolve().parents[2] / "src" / "zhenwu"
PARTS = ("workorders", "hotline", "assessment", "dispatch", "knowledge")


def test_every_audited_action_of_the_parts_has_a_chinese_label() -> None:
    labels = action_labels()
    used: set[str] = set()
    for part in PARTS:
        for path in (SRC / part).rglob("*.py"):
            used |= set(
                re.findall(
                    r'action="((?:workorders?|hotline|assessment|dispatch|knowledge)\.[a-z_]+)"',
                    path.read_text(),
                )
            )
    assert len(used) > 40
    missing = sorted(a for a in used if a not in labels)
    assert not missing, missing
    # The machines' actions, written as f-strings, are in the registry too.
    for action in (
        "workorders.dispatch",
        "workorders.rework",
        "hotline.episode_go_live",
        "assessment.objection_uphold_part",
    ):
        assert action in labels
    assert action_label("workorders.dispatch") == "工单派单"
    assert action_label("hotline.nonexistent") == "政风热线（其他操作）"
    assert action_label("zzz.unknown") == "其他操作"


def test_the_audit_list_shows_the_chinese_label_first(client: Any, cast: Any) -> None:
    from zhenwu.audit.services import audit_record

    audit_record(actor=cast.operator, action="workorders.dispatch", obj=cast.yahe, message="派单测试")
    page = login(client, cast.auditadmin).get("/audit/").content.decode()
    row = page[page.index("派单测试") - 2000 : page.index("派单测试")] if "派单测试" in page else page
    assert "工单派单" in page and row.index("工单派单") < row.index("workorders.dispatch")


def test_the_detail_shows_coded_values_in_chinese(client: Any, cast: Any, db: Any) -> None:
    from zhenwu.audit.models import AuditEvent
    from zhenwu.core.actors import SYSTEM
    from zhenwu.workorders.choices import Action, Channel
    from zhenwu.workorders.services import category_save, workorder_create, workorder_transition

    category = category_save(actor=SYSTEM, code="municipal", name="市政设施", time_limit_days=5)
    order = workorder_create(
        actor=None,
        channel=Channel.H5,
        category=category,
        description="丫河村路灯坏了三天。",
        address="丫河村",
        anonymous=True,
    )
    workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe)
    event = AuditEvent.objects.get(action="workorders.dispatch")
    page = login(client, cast.auditadmin).get(f"/audit/events/{event.pk}/").content.decode()
    assert "待受理" in page and "待签收" in page and "工单派单" in page
