"""Chinese segmentation for the knowledge base: the same tokens on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re

STOP_TOKENS = frozenset(
    [
        "请问",
        "怎么",
        "怎么办",
        "如何",
        "什么",
        "哪里",
        "哪儿",
        "可以",
        "需要",
        "是否",
        "一下",
        "我们",
        "我想",
        "你好",
        "您好",
        "的",
        "了",
        "吗",
        "呢",
        "和",
        "与",
        "及",
        "在",
        "是",
    ]
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def segment(text: str) -> list[str]:
    """Search tokens of a text: jieba's search-mode cut, lower-cased, without punctuation and stop words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    seen: list[str] = []
    for raw in jieba.lcut_for_search(text or ""):
        token = _PUNCT.sub("", raw).lower()
        if not token or token in STOP_TOKENS or token in seen:
            continue
        seen.append(token)
    return seen


def query_tokens(q: str) -> list[str]:
    tokens = segment(q)
    longer = [t for t in tokens if len(t) >= 2 or not t.isascii()]
    multi = [t for t in longer if len(t) >= 2]
    return multi or longer


def search_text_for(*, title: str, question: str, keywords: list[str], answer: str) -> str:
    """Space-delimited tokens with a leading and trailing space, so ' token ' matches whole tokens."""
    tokens = segment(" ".join([title, question, " ".join(keywords), answer]))
    return f" {' '.join(tokens)} " if tokens else ""
