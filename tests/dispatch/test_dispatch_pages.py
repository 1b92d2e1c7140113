"""Dispatch pages: catalogue permission and editing, the API, the htmx partial, the model page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhenwu.audit.models import AuditEvent
from zhenwu.core.actors import SYSTEM
from zhenwu.dispatch.demo import load_catalogue
from zhenwu.dispatch.models import CatalogueEntry
from zhenwu.testing import Cast, _unit, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(cast: Cast) -> Any:
    _unit("NT-ZWB", "政务服务管理办公室", "department", cast.town, "township")
    _unit("T-OTHER", "经济发展局", "department", cast.town, "other")
    _unit("T-WATER", "自来水公司", "external", cast.town, "water")
    load_catalogue(SYSTEM)
    return CatalogueEntry.objects.get(title="供水")


def entry_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "unit_type": "water",
        "title": "供水",
        "unit": "",
        "category_codes": "water",
        "responsibilities": "负责自来水供应。",
        "keywords": "停水\n水压",
        "synonyms": "没水了、水很小",
        "exclusions": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_catalogue_needs_the_capability(client: Client, cast: Cast, catalogue: Any) -> None:
    c = login(client, cast.yahe_cadre)
    assert c.get(reverse("dispatch:catalogue_list")).status_code == 403
    response = c.post(reverse("dispatch:catalogue_edit", args=[catalogue.pk]), entry_data(title="改掉"))
    assert response.status_code == 403
    catalogue.refresh_from_db()
    assert catalogue.title == "供水"
    assert client.logout() is None
    anonymous = Client().get(reverse("dispatch:catalogue_list"))
    assert anonymous.status_code == 302


def test_town_admin_lists_and_edits_the_catalogue(client: Client, cast: Cast, catalogue: Any) -> None:
    c = login(client, cast.town_admin)
    page = c.get(reverse("dispatch:catalogue_list"), {"unit_type": "water"}).content.decode()
    assert "供水" in page and "示例" in page
    response = c.post(
        reverse("dispatch:catalogue_edit", args=[catalogue.pk]),
        entry_data(synonyms="没水了、水很小、龙头滴答滴"),
    )
    assert response.status_code == 302
    catalogue.refresh_from_db()
    assert catalogue.synonyms == ["没水了", "水很小", "龙头滴答滴"]
    assert catalogue.keywords == ["停水", "水压"]
    assert AuditEvent.objects.filter(action="dispatch.catalogue_update", object_id=str(catalogue.pk)).exists()
    data = c.get(reverse("dispatch:api_suggest"), {"text": "家里龙头滴答滴"}).json()
    assert data[0]["unit_type_code"] == "water"


def test_catalogue_form_keeps_input_and_names_the_field(client: Client, cast: Cast, catalogue: Any) -> None:
    c = login(client, cast.town_admin)
    response = c.post(
        reverse("dispatch:catalogue_create"), entry_data(title="新条目", keywords="", synonyms="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "至少填写一项" in page
    assert 'value="新条目"' in page
    assert not CatalogueEntry.objects.filter(title="新条目").exists()


def test_api_requires_login_and_returns_reasons(client: Client, cast: Cast, catalogue: Any) -> None:
    url = reverse("dispatch:api_suggest")
    assert client.get(url, {"text": "停水了"}).status_code == 403
    c = login(client, cast.yahe_cadre)
    response = c.get(url, {"text": "从早上开始停水了，水压也低"})
    assert response.status_code == 200
    data = response.json()
    assert len(data) == 3
    assert data[0]["unit"] == "自来水公司" and data[0]["unit_type"] == "水务"
    assert {"unit", "unit_id", "unit_type", "unit_type_code", "score", "reasons"} <= set(data[0])
    assert any("停水" in r for r in data[0]["reasons"])
    bad = c.get(url, {"text": ""})
    assert bad.status_code == 400
    assert bad.json()["field"] == "text"


def test_partial_renders_cards_with_lead_unit_radios(client: Client, cast: Cast, catalogue: Any) -> None:
    c = login(client, cast.town_admin)
    page = c.get(reverse("dispatch:suggest_partial"), {"text": "没水了"}).content.decode()
    assert page.count('name="lead_unit"') == 3
    assert "自来水公司" in page and "命中" in page
    placed = c.get(
        reverse("dispatch:suggest_partial"),
        {"text": "邻居家的狗咬人了，村里也不管", "place": cast.yahe_grid.pk},
    ).content.decode()
    assert f'value="{cast.yahe.pk}"' in placed and "丫河村" in placed
    empty = c.get(reverse("dispatch:suggest_partial"), {"text": ""}).content.decode()
    assert "请填写诉求内容" in empty


def test_model_page_and_retrain_button(client: Client, cast: Cast, catalogue: Any) -> None:
    c = login(client, cast.town_admin)
    page = c.get(reverse("dispatch:model_status")).content.decode()
    assert "尚未训练分类模型" in page and "重新训练" in page
    response = c.post(reverse("dispatch:model_train"), follow=True)
    assert "历史工单不足" in response.content.decode()
    assert login(Client(), cast.yahe_cadre).post(reverse("dispatch:model_train")).status_code == 403
