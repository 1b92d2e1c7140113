"""The cast's scope rules on the 政风热线 pages (404 outside the unit, 403 read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhenwu.hotline import services
from zhenwu.testing import ScopedViewTests, login


class TestCommitmentPages(ScopedViewTests):
    change_data = {"progress": "10", "text": "已开始"}

    def make_object(self, cast: Any) -> Any:
        from zhenwu.core.services import calendar_seed
        from zhenwu.hotline.models import Episode

        calendar_seed(years=[2026])
        episode = Episode.objects.create(unit=cast.yahe, title="丫河村上线政风热线", status="live")
        return services.commitment_create(
            actor=cast.operator,
            episode=episode,
            title="修复路灯",
            responsible_unit=cast.yahe,
            responsible_person="李",
            deadline=date(2099, 12, 31),
        )

    def detail_url(self, obj: Any) -> str:
        return obj.get_absolute_url()

    def change_url(self, obj: Any) -> str:
        return obj.get_absolute_url()


class TestEpisodePages(ScopedViewTests):
    def make_object(self, cast: Any) -> Any:
        from zhenwu.hotline.models import Episode

        return Episode.objects.create(unit=cast.yahe, title="丫河村上线政风热线")

    def detail_url(self, obj: Any) -> str:
        return obj.get_absolute_url()


def test_the_ledger_only_lists_the_units_own_questions(cast, client):
    from zhenwu.hotline.models import Episode

    mine = Episode.objects.create(unit=cast.yahe, title="丫河村上线", status="live")
    other = Episode.objects.create(unit=cast.lujiaxiang, title="卢家巷村上线", status="live")
    services.issue_create(actor=cast.operator, episode=mine, text="丫河村的问题一二三", source="phone")
    services.issue_create(actor=cast.operator, episode=other, text="卢家巷村的问题一二三", source="phone")
    page = login(client, cast.yahe_cadre).get("/hotline/ledger/").content.decode()
    assert "丫河村的问题一二三" in page and "卢家巷村的问题一二三" not in page


def test_the_workbench_shows_open_commitments_to_the_responsible_unit(cast):
    from zhenwu.core.services import calendar_seed
    from zhenwu.hotline.models import Episode
    from zhenwu.hotline.nav import todo_cards

    calendar_seed(years=[2026])
    episode = Episode.objects.create(unit=cast.yahe, title="丫河村上线", status="live")
    services.commitment_create(
        actor=cast.operator,
        episode=episode,
        title="修复路灯",
        responsible_unit=cast.yahe,
        responsible_person="李",
        deadline=date(2099, 12, 31),
    )
    assert todo_cards(cast.yahe_cadre)[0]["value"] == 1
    assert todo_cards(cast.ljx_cadre) == []
