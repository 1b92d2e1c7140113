from __future__ import annotations

import io

import pytest
from django.db import connection
from openpyxl import Workbook

from zhenwu.core.errors import DomainError
from zhenwu.hotline import services
from zhenwu.hotline.models import ListenerIssue
from zhenwu.testing import login

HEADER = "来源,姓名,电话,问题内容,主题\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


def test_the_public_form_stores_the_phone_encrypted_and_shows_it_masked(hl, client):
    episode = hl.episode()
    response = client.post(
        f"/public/hotline/episodes/{episode.pk}/ask/",
        {"caller_name": "王小明", "caller_phone": "13912345678", "text": "村里的健身器材坏了，能否维修？"},
    )
    assert response.status_code == 302
    issue = ListenerIssue.objects.get()
    assert issue.source == "web" and issue.caller_phone == "13912345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM hotline_listenerissue WHERE id = %s", [issue.pk])
        assert cursor.fetchone()[0].startswith("sm4g")
    page = login(client, hl.cast.town_admin).get(episode.get_absolute_url()).content.decode()
    assert "139****5678" in page and "13912345678" not in page and "王**" in page


def test_the_public_form_names_the_bad_field_and_keeps_the_input(hl, client):
    episode = hl.episode()
    response = client.post(
        f"/public/hotline/episodes/{episode.pk}/ask/", {"caller_phone": "12345", "text": "路灯不亮了很多天"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "电话号码格式不正确" in body and "路灯不亮了很多天" in body
    assert not ListenerIssue.objects.exists()


def test_a_repeated_client_token_does_not_duplicate(hl):
    episode = hl.episode(status="live")
    kwargs = dict(
        actor=hl.operator, episode=episode, text="小区门口积水严重", source="phone", client_token="t-1"
    )
    first = services.issue_create(**kwargs)
    second = services.issue_create(**kwargs)
    assert first.pk == second.pk and ListenerIssue.objects.count() == 1


def test_csv_import_creates_every_row(hl):
    episode = hl.episode()
    created = services.issues_import(
        actor=hl.cast.town_admin,
        episode=episode,
        filename="sms.csv",
        content=_csv("短信,张三,13800001111,村口垃圾桶满了没人清运,环境", "微信留言,,,健身广场的灯晚上不亮,"),
    )
    assert len(created) == 2
    assert created[0].topic.name == "环境" and created[0].source == "sms"


def test_xlsx_import_works(hl):
    episode = hl.episode()
    wb = Workbook()
    ws = wb.active
    ws.append(["来源", "姓名", "电话", "问题内容", "主题"])
    ws.append(["短信", "李四", 13800002222, "老年食堂什么时候开业？", "村务"])
    buf = io.BytesIO()
    wb.save(buf)
    created = services.issues_import(
        actor=hl.cast.town_admin, episode=episode, filename="c.xlsx", content=buf.getvalue()
    )
    assert len(created) == 1 and created[0].caller_phone == "13800002222"


def test_wrong_columns_are_named_and_nothing_is_imported(hl):
    episode = hl.episode()
    with pytest.raises(services.ImportRefused) as exc:
        services.issues_import(
            actor=hl.cast.town_admin,
            episode=episode,
            filename="x.csv",
            content="来源,名字,手机,内容\n短信,张三,13800001111,村口垃圾桶满了\n".encode(),
        )
    text = [str(p) for p in exc.value.problems]
    assert any("“电话”列" in t and "缺少该列" in t for t in text)
    assert any("“问题内容”列" in t for t in text)
    assert not ListenerIssue.objects.exists()


def test_bad_phones_and_duplicates_name_row_and_column_and_nothing_is_half_imported(hl):
    episode = hl.episode()
    content = _csv(
        "短信,张三,13800001111,村口垃圾桶满了没人清运,环境",  # row 2, fine
        "短信,李四,1380000,河边有人倾倒建筑垃圾,环境",  # row 3, bad phone
        "短信,张三,13800001111,村口垃圾桶满了没人清运,环境",  # row 4, duplicate of row 2
        "传真,王五,13800003333,路面坑洼需要修补,无此主题",  # row 5, bad source and topic
    )
    with pytest.raises(services.ImportRefused) as exc:
        services.issues_import(actor=hl.cast.town_admin, episode=episode, filename="sms.csv", content=content)
    text = [str(p) for p in exc.value.problems]
    assert "第 3 行“电话”列：“1380000”不是有效的电话号码" in text
    assert any(t.startswith("第 4 行“问题内容”列") and "与第 2 行重复" in t for t in text)
    assert any(t.startswith("第 5 行“来源”列") for t in text)
    assert any(t.startswith("第 5 行“主题”列") for t in text)
    assert not ListenerIssue.objects.exists()


def test_a_row_already_in_the_episode_is_a_duplicate(hl):
    episode = hl.episode()
    row = "短信,张三,13800001111,村口垃圾桶满了没人清运,环境"
    services.issues_import(actor=hl.cast.town_admin, episode=episode, filename="a.csv", content=_csv(row))
    with pytest.raises(services.ImportRefused) as exc:
        services.issues_import(actor=hl.cast.town_admin, episode=episode, filename="a.csv", content=_csv(row))
    assert "本期已登记过" in str(exc.value.problems[0])
    assert ListenerIssue.objects.count() == 1


def test_the_import_page_lists_the_problems(hl, client):
    episode = hl.episode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sms.csv", _csv("短信,李四,1380000,河边有人倾倒建筑垃圾,环境"))
    response = login(client, hl.cast.town_admin).post(
        episode.get_absolute_url(), {"import": "1", "file": upload}
    )
    body = response.content.decode()
    assert "未导入任何记录" in body and "第 2 行“电话”列" in body


def test_an_unknown_file_type_is_refused(hl):
    episode = hl.episode()
    with pytest.raises(DomainError, match=".csv 或 .xlsx"):
        services.issues_import(actor=hl.cast.town_admin, episode=episode, filename="a.txt", content=b"x")


def test_a_closed_episode_takes_no_more_public_questions(hl, client):
    episode = hl.episode(status="live")
    services.episode_transition(actor=hl.operator, episode=episode, action="close")
    response = client.post(f"/public/hotline/episodes/{episode.pk}/ask/", {"text": "还能提问吗？一二三"})
    assert response.status_code == 404
    assert not ListenerIssue.objects.exists()


def test_the_public_form_stores_nothing_from_bots_and_limits_each_address(hl, client, settings):
    episode = hl.episode()
    url = f"/public/hotline/episodes/{episode.pk}/ask/"
    client.post(url, {"text": "机器人填写的问题内容", "website": "http://spam.example"})
    assert not ListenerIssue.objects.exists()
    settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR = 1
    client.post(url, {"text": "第一个问题：路灯坏了"})
    body = client.post(url, {"text": "第二个问题：垃圾没人收"}).content.decode()
    assert "提交过于频繁" in body and ListenerIssue.objects.count() == 1
