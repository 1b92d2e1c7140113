"""The staff page for Open311 applications (open311_urls.staff_urlpatterns), mounted here as the lead will."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, include, path

from zhenwu import urls as root_urls
from zhenwu.audit.models import AuditEvent
from zhenwu.testing import login
from zhenwu.workorders import open311_urls
from zhenwu.workorders import urls as workorder_urls
from zhenwu.workorders.models import Open311App

urlpatterns = [
    p
    for p in root_urls.urlpatterns
    if not (isinstance(p, URLResolver) and p.urlconf_module is workorder_urls)
] + [path("", include((workorder_urls.urlpatterns + open311_urls.staff_urlpatterns, "workorders")))]

pytestmark = pytest.mark.urls(__name__)
PAGE = "/workorders/open311/apps/"


def _key_on(response: Any) -> str:
    match = re.search(r'id="open311-key">([^<]+)<', response.content.decode())
    assert match, "the key is shown"
    return match.group(1)


def _post_request(key: str) -> int:
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "municipal.streetlight",
            "address_string": "丫河村",
            "description": "灯坏了",
        },
    )
    return response.status_code


def test_register_disable_enable_regenerate_reveal(cast: Any, cats: dict[str, Any], client: Client) -> None:
    login(client, cast.town_admin)
    page = client.get(PAGE)
    assert page.status_code == 200 and "登记新应用" in page.content.decode()

    created = client.post(PAGE, {"name": "随手拍小程序", "contact": "李工 13800000000"})
    assert created.status_code == 200
    key = _key_on(created)
    app = Open311App.objects.get(name="随手拍小程序")
    assert app.api_key == key and app.is_active
    assert _post_request(key) == 200
    assert AuditEvent.objects.filter(action="workorders.open311_app_register", object_id=str(app.pk)).exists()

    assert client.post(f"{PAGE}{app.pk}/disable/").status_code == 302
    assert _post_request(key) == 403
    assert "已停用" in client.get(PAGE).content.decode()
    client.post(f"{PAGE}{app.pk}/enable/")
    assert _post_request(key) == 200

    new_key = _key_on(client.post(f"{PAGE}{app.pk}/regenerate/"))
    assert new_key != key
    assert _post_request(key) == 403 and _post_request(new_key) == 200

    assert _key_on(client.post(f"{PAGE}{app.pk}/reveal/")) == new_key
    assert AuditEvent.objects.filter(
        action="workorders.open311_app_reveal_key", object_id=str(app.pk)
    ).exists()
    assert client.get(f"{PAGE}{app.pk}/reveal/").status_code == 405  # reveals only on POST
    assert client.post(f"{PAGE}{app.pk}/explode/").status_code == 404


def test_bad_input_keeps_the_form(cast: Any, client: Client) -> None:
    login(client, cast.town_admin)
    Open311App.objects.create(name="网格通", api_key="k" * 20)
    response = client.post(PAGE, {"name": "网格通", "contact": "张三"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "已有同名应用" in text and 'value="张三"' in text
    assert Open311App.objects.filter(name="网格通").count() == 1
    empty = client.post(PAGE, {"name": "   ", "contact": "张三"})
    assert empty.status_code == 200 and 'id="open311-key"' not in empty.content.decode()
    assert Open311App.objects.count() == 1


def test_only_managers_see_the_page(cast: Any, client: Client) -> None:
    app = Open311App.objects.create(name="网格通", api_key="k" * 20)
    assert client.get(PAGE).status_code == 302  # anonymous: to the login page
    login(client, cast.yahe_cadre)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}{app.pk}/reveal/").status_code == 403
    assert client.post(PAGE, {"name": "偷偷登记"}).status_code == 403
    assert not Open311App.objects.filter(name="偷偷登记").exists()
