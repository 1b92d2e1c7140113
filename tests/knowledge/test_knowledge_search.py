"""Knowledge base: jieba search ranking (same on SQLite and PostgreSQL), services, pages, picker."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError
from zhenwu.knowledge import services
from zhenwu.knowledge.demo import load_demo
from zhenwu.knowledge.models import Article
from zhenwu.knowledge.selectors import article_search
from zhenwu.testing import Cast, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(cast: Cast) -> None:
    load_demo(None)


def titles(user: Any, q: str, **kwargs: Any) -> list[str]:
    return [h.article.title for h in article_search(user=user, q=q, **kwargs)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("家里停水了什么时候来水", "停水咨询"),
        ("路灯不亮找谁", "路灯不亮怎么报修"),
        ("社保卡丢了怎么补办", "社保卡补办"),
        ("小牛办上班时间", "便民服务中心（小牛办）办公时间和地址"),
        ("高企申报", "高新技术企业培育情况与申报咨询"),
        ("垃圾几点清运", "生活垃圾清运时间"),
    ],
)
def test_search_ranks_the_matching_answer_first(cast: Cast, articles: None, q: str, expected: str) -> None:
    assert titles(cast.yahe_cadre, q)[0] == expected


def test_title_hits_outrank_body_hits(cast: Cast) -> None:
    body = services.article_create(
        actor=cast.town_admin, title="便民服务说明", answer="如遇停水，请联系自来水公司。"
    )
    title = services.article_create(actor=cast.town_admin, title="停水通知说明", answer="见公告。")
    hits = article_search(user=cast.citizen, q="停水")
    assert [h.article.pk for h in hits] == [title.pk, body.pk]
    assert hits[0].score > hits[1].score
    assert " 停水 " in title.search_text


def test_search_text_follows_updates(cast: Cast) -> None:
    article = services.article_create(actor=cast.town_admin, title="窨井盖", answer="水务站处理。")
    assert titles(cast.town_admin, "井盖") == ["窨井盖"]
    services.article_update(actor=cast.town_admin, article=article, title="路灯报修", answer="城管办处理。")
    assert titles(cast.town_admin, "井盖") == []
    assert titles(cast.town_admin, "路灯") == ["路灯报修"]
    assert AuditEvent.objects.filter(action="knowledge.article_update").exists()


def test_unpublished_and_expired_answers_stay_out_of_search(cast: Cast) -> None:
    services.article_create(actor=cast.town_admin, title="旧政策补贴", answer="已停止。", is_published=False)
    services.article_create(
        actor=cast.town_admin,
        title="过期补贴政策",
        answer="已到期。",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    assert titles(cast.yahe_cadre, "补贴") == []
    assert set(titles(cast.town_admin, "补贴", include_unpublished=True)) == {"旧政策补贴", "过期补贴政策"}
    assert titles(cast.yahe_cadre, "补贴", include_unpublished=True) == []  # no capability, no drafts


def test_empty_query_and_anonymous_get_nothing(cast: Cast, articles: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert article_search(user=cast.town_admin, q="  ") == []
    assert article_search(user=AnonymousUser(), q="停水") == []


def test_create_needs_capability_and_validates(cast: Cast) -> None:
    with pytest.raises(DomainError):
        services.article_create(actor=cast.yahe_cadre, title="x", answer="y")
    with pytest.raises(DomainError) as exc:
        services.article_create(actor=cast.town_admin, title="标题", answer=" ")
    assert exc.value.field == "answer"


def test_category_filter(cast: Cast, articles: None) -> None:
    assert titles(cast.town_admin, "报修", category_code="power") == ["停电报修"]
    assert "路灯不亮怎么报修" in titles(cast.town_admin, "报修", category_code="municipal")


def test_pages_search_and_permissions(client: Client, cast: Cast, articles: None) -> None:
    c = login(client, cast.yahe_cadre)
    page = c.get(reverse("knowledge:article_list"), {"q": "停水"}).content.decode()
    assert "停水咨询" in page and "示例" in page
    assert c.get(reverse("knowledge:article_create")).status_code == 403
    admin = login(Client(), cast.town_admin)
    response = admin.post(
        reverse("knowledge:article_create"),
        {
            "title": "",
            "answer": "内容",
            "question": "",
            "category_code": "",
            "keywords": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 200 and "title" in response.content.decode()
    response = admin.post(
        reverse("knowledge:article_create"),
        {
            "title": "燃气报修",
            "answer": "请拨打燃气公司热线。",
            "keywords": "燃气、煤气",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(title="燃气报修").keywords == ["燃气", "煤气"]


def test_picker_lists_matches_with_insert_buttons_and_counts_hits(
    client: Client, cast: Cast, articles: None
) -> None:
    c = login(client, cast.yahe_cadre)
    page = c.get(reverse("knowledge:picker"), {"q": "停水", "target": "id_reply"}).content.decode()
    assert "插入答复" in page
    assert 'data-knowledge-target="id_reply"' in page
    assert "<script" not in page  # CSP: the behaviour lives in knowledge/picker.js
    hostile = c.get(reverse("knowledge:picker"), {"q": "停水", "target": '"><img src=x>'}).content.decode()
    assert "<img" not in hostile
    article = Article.objects.get(title="停水咨询")
    assert c.post(reverse("knowledge:article_hit", args=[article.pk])).status_code == 204
    article.refresh_from_db()
    assert article.hit_count == 1
    none = c.get(reverse("knowledge:picker"), {"q": "火星移民", "target": "id_reply"}).content.decode()
    assert "没有找到" in none
