"""Chinese names of the work-order part's audit actions (the audit log's registry reads LABELS)."""

from __future__ import annotations

from zhenwu.workorders.choices import Action

LABELS: dict[str, str] = {
    **{f"workorders.{value}": f"工单{label}" for value, label in Action.choices},
    "workorders.create": "登记工单",
    "workorders.category_save": "保存诉求分类",
    "workorders.export": "导出工单",
    "workorder.deadline_recalc": "工单时限重算",
    "workorders.demo_history": "载入示例历史工单",
}
