"""Chinese names of the dispatch engine's audit actions (the audit log's registry reads LABELS)."""

LABELS: dict[str, str] = {
    "dispatch.catalogue_create": "新增职责清单",
    "dispatch.catalogue_update": "修改职责清单",
    "dispatch.classifier_train": "训练派单模型",
    "dispatch.decision": "记录派单决定",
}
