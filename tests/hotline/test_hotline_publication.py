from __future__ import annotations

import pytest

from zhenwu.core.errors import DomainError
from zhenwu.hotline import services
from zhenwu.hotline.choices import ArticleStatus
from zhenwu.hotline.demo import SOURCE_TITLE, parse_source
from zhenwu.hotline.models import Article, Episode, ListenerIssue
from zhenwu.testing import login


def _answered_episode(hl):
    episode = hl.episode(status="live")
    issue = services.issue_create(
        actor=hl.operator, episode=episode, text="小牛办周末能办理营业执照吗？", source="phone"
    )
    services.issue_answer(actor=hl.operator, issue=issue, summary="小牛办周六上午提供预约办理服务。")
    services.episode_transition(actor=hl.operator, episode=episode, action="close")
    return episode


def test_publishing_without_approval_is_refused(hl):
    article = services.article_prepare(actor=hl.cast.town_admin, episode=_answered_episode(hl))
    with pytest.raises(DomainError, match="尚未经领导审核"):
        services.article_transition(actor=hl.cast.town_admin, article=article, action="publish")
    services.article_transition(actor=hl.cast.town_admin, article=article, action="submit")
    with pytest.raises(DomainError, match="尚未经领导审核"):
        services.article_transition(actor=hl.cast.town_admin, article=article, action="publish")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING and article.published_at is None


def test_the_page_refuses_publishing_without_approval(hl, client):
    episode = _answered_episode(hl)
    services.article_prepare(actor=hl.cast.town_admin, episode=episode)
    response = login(client, hl.cast.town_admin).post(
        f"/hotline/episodes/{episode.pk}/article/transition/", {"action": "publish"}, follow=True
    )
    assert "尚未经领导审核" in response.content.decode()
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_approved_articles_are_public_searchable_and_in_the_feed(hl, client):
    article = services.article_prepare(actor=hl.cast.town_admin, episode=_answered_episode(hl))
    assert client.get(article.get_public_url()).status_code == 404
    services.article_transition(actor=hl.cast.town_admin, article=article, action="submit")
    services.article_transition(actor=hl.leader, article=article, action="approve")
    services.article_transition(actor=hl.cast.town_admin, article=article, action="publish")
    page = client.get(article.get_public_url()).content.decode()
    assert "问：小牛办周末能办理营业执照吗？" in page and "答：小牛办周六上午提供预约办理服务。" in page
    assert article.title in client.get("/public/hotline/?q=营业执照").content.decode()
    assert "没有找到文章" in client.get("/public/hotline/?q=河道清淤").content.decode()
    feed = client.get("/public/hotline/feed/")
    assert feed["Content-Type"].startswith("application/rss+xml") and article.title in feed.content.decode()


def test_the_source_text_is_parsed_without_inventing_the_fourth_question():
    from zhenwu.hotline.demo import SOURCE_FILE

    intro, pairs = parse_source(SOURCE_FILE.read_text(encoding="utf-8"))
    assert intro.startswith("近日,牛塘镇上线“政风热线”")
    assert len(pairs) == 4
    assert pairs[0][0].startswith("创新工作是推进产业转型升级的关键动能")
    assert pairs[3][0] == "" and pairs[3][1].startswith("“小牛办”政务服务品牌")
    assert pairs[3][1].endswith("满足群众多样化服务需求。")


@pytest.mark.django_db
def test_the_demo_publishes_the_source_episode_idempotently(client, settings):
    from zhenwu.accounts.town_demo import load_demo

    load_demo()
    load_demo()
    episode = Episode.objects.get(title=SOURCE_TITLE)
    assert [f"{g.title}{g.name}" for g in episode.guests.all()] == ["镇长汤枫", "副镇长沈超"]
    assert episode.issues.count() == 4 and episode.article.status == ArticleStatus.PUBLISHED
    fourth = episode.issues.get(show_order=4)
    assert fourth.text == "" and not fourth.text_published and fourth.topic.name == "政务服务“小牛办”"
    page = client.get(episode.article.get_public_url()).content.decode()
    assert "原稿未刊发该问题的文字" in page and "政务服务“小牛办”" in page
    assert "2022年共申报高企52家" in page
    assert (
        ListenerIssue.objects.filter(episode=episode, is_sample=False).count() == 4
        if hasattr(ListenerIssue, "is_sample")
        else True
    )
    assert Episode.objects.filter(title__startswith="（示例）", is_sample=True).exists()


def test_the_source_episode_states_its_channel_was_not_given(db):
    from zhenwu.hotline.choices import Channel
    from zhenwu.hotline.forms import SlotForm

    assert Channel.UNSTATED not in dict(SlotForm().fields["channel"].choices)


def test_the_wording_cannot_change_once_the_article_is_submitted(hl):
    episode = _answered_episode(hl)
    article = services.article_prepare(actor=hl.cast.town_admin, episode=episode)
    issue = ListenerIssue.objects.get(episode=episode)
    services.issue_article_edit(
        actor=hl.cast.town_admin,
        issue=issue,
        text="小牛办周末能办执照吗？",
        answer_text="可以预约。",
        in_article=True,
        show_order=1,
    )
    services.article_transition(actor=hl.cast.town_admin, article=article, action="submit")
    with pytest.raises(DomainError, match="问答不能再修改"):
        services.issue_article_edit(
            actor=hl.cast.town_admin,
            issue=issue,
            text="改过的问题",
            answer_text="改过的答复",
            in_article=True,
            show_order=1,
        )
    issue.refresh_from_db()
    assert issue.answer_text == "可以预约。"


def test_a_question_answered_on_air_counts_as_selected(hl):
    from zhenwu.hotline.choices import Screening

    episode = _answered_episode(hl)
    assert ListenerIssue.objects.get(episode=episode).screening == Screening.SELECTED
