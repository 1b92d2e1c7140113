"""Chinese names of the knowledge base's audit actions (the audit log's registry reads LABELS)."""

LABELS: dict[str, str] = {
    "knowledge.article_create": "新增知识条目",
    "knowledge.article_update": "修改知识条目",
}
