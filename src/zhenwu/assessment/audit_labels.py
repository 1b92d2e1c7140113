"""Chinese names of the 融合考核 audit actions (the audit log's registry reads LABELS)."""

from __future__ import annotations

from zhenwu.assessment.choices import ObjectionAction

LABELS: dict[str, str] = {
    **{f"assessment.objection_{value}": label for value, label in ObjectionAction.choices},
    "assessment.scheme_create": "新建考核方案",
    "assessment.scheme_copy": "复制考核方案",
    "assessment.item_create": "新增考核项目",
    "assessment.indicator_create": "新增考核细则",
    "assessment.indicator_update": "修改考核细则",
    "assessment.weights_set": "设置考核权重",
    "assessment.finding_record": "登记检查发现",
    "assessment.findings_import": "导入检查发现",
    "assessment.finding_rectify": "提交整改",
    "assessment.finding_verify": "核验整改",
    "assessment.finding_cancel": "撤销扣分（申诉成立）",
    "assessment.finding_adjust": "调整扣分处数（申诉部分成立）",
    "assessment.objection_submit": "提出申诉",
    "assessment.month_close": "月度关账",
    "assessment.month_close_override": "领导提前关账",
    "assessment.month_reopen": "重新开启月份",
    "assessment.bulletin_generate": "生成考核通报",
    "assessment.bulletin_approve": "审批考核通报",
    "assessment.meeting_create": "登记讲评会",
    "assessment.decision_add": "登记会议决定事项",
    "assessment.decision_complete": "完成会议决定事项",
}
