"""Chinese names of the 政风热线 audit actions (the audit log's registry reads LABELS)."""

from __future__ import annotations

from zhenwu.hotline.choices import ARTICLE_MACHINE, COMMITMENT_MACHINE, EPISODE_MACHINE

LABELS: dict[str, str] = {
    **{f"hotline.episode_{a}": f"节目{label}" for a, label in EPISODE_MACHINE.action_labels.items()},
    **{
        f"hotline.commitment_{a}": f"承诺事项{label}" for a, label in COMMITMENT_MACHINE.action_labels.items()
    },
    **{f"hotline.article_{a}": f"节目文章{label}" for a, label in ARTICLE_MACHINE.action_labels.items()},
    "hotline.plan_create": "新建年度上线计划",
    "hotline.demo_history": "载入示例历史节目",
    "hotline.plan_update": "修改年度上线计划",
    "hotline.slot_create": "排定上线安排",
    "hotline.leave_request": "提出上线请假",
    "hotline.leave_decide": "审批上线请假",
    "hotline.reminder_queue": "生成上线提醒",
    "hotline.reminder_send": "发送上线提醒",
    "hotline.episode_create": "建立节目期次",
    "hotline.topic_add": "添加节目主题",
    "hotline.issue_create": "登记热线问题",
    "hotline.issues_import": "导入热线问题",
    "hotline.issue_record_published": "补录已刊发问答",
    "hotline.issue_screen": "筛选热线问题",
    "hotline.issue_answer": "节目中答复",
    "hotline.issue_article_edit": "编辑文章问答",
    "hotline.issue_to_workorder": "热线问题转工单",
    "hotline.commitment_create": "登记承诺事项",
    "hotline.commitment_report": "报告承诺进展",
    "hotline.followup_compile": "汇编跟踪回音",
    "hotline.followup_update": "修改跟踪回音",
    "hotline.article_prepare": "生成节目文章",
    "hotline.article_update": "修改节目文章",
    "hotline.ledger_export": "导出反映事项台账",
    "hotline.evaluation_rule_set": "设置上线评价规则",
}
