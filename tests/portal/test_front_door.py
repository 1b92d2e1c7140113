"""The town's front door: one tap to every public service, the QR code, the 红黑榜 and 专项行动, a way back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhenwu.core.parts import portal_entries


@pytest.fixture
def published(cast: Any, time_machine: Any) -> Any:
    from tests.campaigns.conftest import NOW, make_campaign

    from zhenwu.core.services import calendar_seed

    time_machine.move_to(NOW, tick=False)
    calendar_seed(years=[2026])
    return make_campaign(cast)


def test_the_home_page_leads_to_every_public_service(published: Any, client: Any) -> None:
    html = client.get("/").content.decode()
    for entry in portal_entries():
        assert f'href="{reverse(entry.url_name)}"' in html
    for name in ("workorders:h5_submit", "workorders:h5_track", "hotline:public_archive", "hotline:public_tracker",
                 "assessment:public_board", "campaigns:public_list"):  # fmt: skip
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("accounts:login")}"' in html
    assert "空中线缆治理" in html and f'href="/public/campaigns/{published.pk}/"' in html
    assert 'src="/public/h5-qrcode.svg"' in html and "http://testserver/public/h5/" in html


def test_the_qr_code_is_an_svg_of_the_h5_address(db: Any, client: Any) -> None:
    response = client.get("/public/h5-qrcode.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") or b"<svg" in response.content[:200]
    assert "attachment" in client.get("/public/h5-qrcode.svg?download=1")["Content-Disposition"]


def test_every_public_page_has_a_way_back_home(published: Any, client: Any) -> None:
    urls = [reverse(e.url_name) for e in portal_entries()] + [f"/public/campaigns/{published.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'href="/"' in response.content.decode(), url


def test_without_a_published_month_the_board_says_so(db: Any, client: Any) -> None:
    html = client.get("/").content.decode()
    assert "本月考核结果尚未公布" in html and "暂无公开的专项行动" in html
