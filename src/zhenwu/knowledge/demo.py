"""Demo of the knowledge base: facts of the source text, plus sample answers marked as such."""

from __future__ import annotations

from typing import Any

from zhenwu.core.actors import SYSTEM
from zhenwu.knowledge.demo_data import ARTICLES


def load_demo(admin: Any) -> dict[str, int]:
    from zhenwu.knowledge import services
    from zhenwu.knowledge.models import Article

    created = 0
    for spec in ARTICLES:
        if Article.objects.filter(title=spec["title"]).exists():
            continue
        services.article_create(
            actor=SYSTEM,
            title=spec["title"],
            question=spec.get("question", ""),
            answer=spec["answer"],
            category_code=spec.get("category_code", ""),
            keywords=spec.get("keywords", []),
            is_sample=not spec.get("real", False),
        )
        created += 1
    return {"knowledge_articles": created}
