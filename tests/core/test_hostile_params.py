"""Item 7 of issue 9: the query parameters an attack sent that gave a 500. Each must be a page, a
Chinese message or a 404 — never a 5xx. NUL bytes only break PostgreSQL, so run this on both."""

from __future__ import annotations

from typing import Any

import pytest

from zhenwu.testing import login

REPORTED = [
    ("anon", "/public/hotline/?q=%00"),
    ("town_admin", "/assessment/findings/?unit=abc"),
    ("town_admin", "/assessment/findings/?unit=%27"),
    ("town_admin", "/assessment/findings/?unit=1e309"),
    ("town_admin", "/assessment/findings/?rectification=%00"),
    ("town_admin", "/assessment/findings/?month=99999999999999999999999"),
    ("town_admin", "/assessment/objections/?status=%00"),
    ("town_admin", "/hotline/commitments/?status=%00"),
    ("town_admin", "/hotline/evaluation/?year=abc"),
    ("town_admin", "/hotline/evaluation/?year=99999999999999999999999"),
    ("town_admin", "/hotline/schedule/?year=abc"),
    ("town_admin", "/hotline/ledger/?q=%00"),
    ("town_admin", "/hotline/ledger/?episode=abc"),
    ("town_admin", "/hotline/ledger/export/?q=%00"),
    ("town_admin", "/dispatch/suggest/partial/?category=%00"),
    ("town_admin", "/workorders/NT-%00/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), REPORTED)
def test_a_reported_hostile_parameter_is_not_a_server_error(
    client: Any, cast: Any, who: str, url: str
) -> None:
    if who != "anon":
        login(client, getattr(cast, who))
    response = client.get(url)
    assert response.status_code < 500, url
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_bad_filter_is_a_chinese_message_and_the_list_still_renders(client: Any, cast: Any) -> None:
    login(client, cast.town_admin)
    response = client.get("/hotline/evaluation/?year=abc")
    html = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件“年份”无效，已忽略：请输入 2000 至 2100 之间的整数。" in html
    response = client.get("/assessment/findings/?unit=abc&rectification=%00")
    html = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件“单位”无效" in html and "筛选条件“整改”无效" in html


@pytest.mark.django_db
def test_open311_answers_a_nul_in_the_path_in_its_own_format(client: Any, cast: Any) -> None:
    response = client.get("/open311/v2/requests/NT-%00.json")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.django_db
def test_the_dispatch_api_refuses_a_nul_in_chinese(client: Any, cast: Any) -> None:
    login(client, cast.town_admin)
    response = client.get("/api/dispatch/suggest/?text=%00&category=%00")
    assert response.status_code == 400
    assert "空字符" in response.json()["detail"]
