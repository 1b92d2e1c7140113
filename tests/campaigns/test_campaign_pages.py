"""专项行动 pages: scope (404/403), the report form with a photo, hostile filters, public pages."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from tests.campaigns.conftest import World, make_campaign, png_upload

from zhenwu.campaigns.models import ProgressReport
from zhenwu.testing import Cast, ScopedViewTests, login


class TestCampaignPages(ScopedViewTests):
    change_data: ClassVar[dict[str, Any]] = {"text": "本期进展情况说明十个字以上"}

    def make_object(self, cast: Cast) -> Any:
        from zhenwu.core.services import calendar_seed

        calendar_seed(years=[2026])
        return make_campaign(cast)

    def detail_url(self, obj: Any) -> str:
        return f"/campaigns/{obj.pk}/"

    def change_url(self, obj: Any) -> str | None:
        return f"/campaigns/{obj.pk}/report/"


class TestReportPages(ScopedViewTests):
    def make_object(self, cast: Cast) -> Any:
        from zhenwu.campaigns import services
        from zhenwu.core.services import calendar_seed

        calendar_seed(years=[2026])
        c = make_campaign(cast)
        return services.report_submit(
            actor=cast.town_admin, campaign=c, text="本期进展情况说明十个字以上", milestone_progress={}
        )

    def detail_url(self, obj: Any) -> str:
        return f"/campaigns/reports/{obj.pk}/"


def test_a_department_files_a_report_with_a_photo(world: World, client: Any) -> None:
    ms = world.milestones()
    data = {
        "text": "背街小巷线缆已全部规整，拆除废弃线缆 3.2 公里。",
        "client_token": "abc",
        f"ms_{ms[0].pk}": "100",
        "photos": png_upload(),
    }
    response = login(client, world.cast.yahe_cadre).post(f"/campaigns/{world.campaign.pk}/report/", data)
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    att = report.attachments.get()
    assert att.content_type == "image/png"
    assert login(client, world.cast.yahe_cadre).get(f"/campaigns/files/{att.pk}/").status_code == 200
    assert login(client, world.cast.ljx_cadre).get(f"/campaigns/files/{att.pk}/").status_code == 404


def test_a_report_form_error_keeps_the_text(world: World, client: Any) -> None:
    ms = world.milestones()
    response = login(client, world.cast.yahe_cadre).post(
        f"/campaigns/{world.campaign.pk}/report/", {"text": "保留这段文字", f"ms_{ms[0].pk}": "150"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "保留这段文字" in body and "100" in body
    assert not ProgressReport.objects.exists()


def test_a_closed_campaign_offers_no_report_form(world: World, client: Any) -> None:
    from zhenwu.campaigns import services

    services.campaign_transition(actor=world.cast.town_admin, campaign=world.campaign, action="close")
    body = login(client, world.cast.yahe_cadre).get(f"/campaigns/{world.campaign.pk}/").content.decode()
    assert "不再报送进展" in body and "提交进展" not in body
    response = client.post(f"/campaigns/{world.campaign.pk}/report/", {"text": "本期进展情况说明十个字以上"})
    assert response.status_code == 200 and "已结束" in response.content.decode()


def test_the_rule_is_shown_beside_the_colour(world: World, client: Any) -> None:
    body = login(client, world.cast.yahe_cadre).get(f"/campaigns/{world.campaign.pk}/").content.decode()
    assert 'data-rag="red"' in body and "计划进度" in body and "落后不超过 5 个百分点为绿色" in body


def test_weights_not_summing_to_100_on_the_page(world: World, client: Any) -> None:
    c = make_campaign(world.cast, title="集贸市场治理", start=False)
    data = {
        "rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "20",
        "rows-0-title": "摸底", "rows-0-due_date": "2026-05-01", "rows-0-weight": "60",
        "rows-1-title": "整治", "rows-1-due_date": "2026-09-01", "rows-1-weight": "30",
    }  # fmt: skip
    response = login(client, world.cast.town_admin).post(f"/campaigns/{c.pk}/milestones/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "合计为 90%" in body and 'value="摸底"' in body
    assert c.milestones.count() == 5


def test_a_zero_day_step_on_the_page(world: World, client: Any) -> None:
    data = {
        "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "30",
        "rows-0-name": "整治", "rows-0-owner": "", "rows-0-days": "0",
    }  # fmt: skip
    response = login(client, world.cast.town_admin).post(f"/campaigns/{world.campaign.pk}/roadmap/", data)
    assert response.status_code == 200 and "不少于 1" in response.content.decode()


def test_a_third_department_cannot_open_the_plan_pages(world: World, client: Any) -> None:
    for url in ("edit", "milestones", "roadmap", "objectives"):
        response = login(client, world.cast.ljx_cadre).get(f"/campaigns/{world.campaign.pk}/{url}/")
        assert response.status_code in (403, 404)


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1e309",
        "year=%00",
        "status='\"",
        "rag=purple",
        "year=" + "9" * 10000,
        "status=%00%27",
    ],
)
def test_hostile_filters_are_messages_not_500(world: World, client: Any, query: str) -> None:
    c = login(client, world.cast.town_admin)
    assert c.get(f"/campaigns/?{query}").status_code == 200
    assert c.get(f"/targets/?{query}").status_code == 200
    assert c.get(f"/targets/export.xlsx?{query}").status_code == 200


def test_public_pages_show_published_campaigns_and_lead_home(world: World, client: Any) -> None:
    hidden = make_campaign(world.cast, title="内部行动")
    hidden.is_public = False
    hidden.save()
    body = client.get("/public/campaigns/").content.decode()
    assert "空中线缆治理" in body and "内部行动" not in body and 'href="/"' in body
    detail = client.get(f"/public/campaigns/{world.campaign.pk}/")
    assert detail.status_code == 200 and "颜色规则" in detail.content.decode()
    assert client.get(f"/public/campaigns/{hidden.pk}/").status_code == 404
    assert client.get("/public/campaigns/999999/").status_code == 404


def test_the_campaign_pages_render_for_the_manager(world: World, client: Any) -> None:
    c = login(client, world.cast.town_admin)
    for url in (
        "/campaigns/",
        "/campaigns/new/",
        f"/campaigns/{world.campaign.pk}/edit/",
        "/targets/",
        "/targets/new/",
    ):
        assert c.get(url).status_code == 200, url


def test_the_demo_loads_18_campaigns_with_mixed_colours(db: Any, time_machine: Any) -> None:
    from zhenwu.accounts.town_demo import load_demo
    from zhenwu.campaigns import selectors
    from zhenwu.campaigns.models import AnnualTarget

    time_machine.move_to("2026-11-27 10:00+08:00", tick=False)
    load_demo()
    from zhenwu.accounts.models import User

    rows = selectors.campaign_list(user=User.objects.get(username="leader"))
    assert len(rows) == 18
    colours = {c.rag.colour for c in rows}
    assert {"green", "amber", "red", "done"} <= colours
    wire = next(c for c in rows if c.title == "空中线缆治理")
    assert wire.rag.colour == "amber" and wire.is_public
    sme = AnnualTarget.objects.get(year=2022, title="科技型中小企业认定")
    assert (sme.target_value, selectors.target_figures(sme).actual) == (100, 110)


def test_an_oversized_photo_is_refused_and_nothing_is_written(
    world: World, client: Any, settings: Any
) -> None:
    settings.ZHENWU_UPLOAD_MAX_BYTES = 50
    response = login(client, world.cast.yahe_cadre).post(
        f"/campaigns/{world.campaign.pk}/report/",
        {"text": "背街小巷线缆已全部规整，拆除废弃线缆。", "photos": png_upload()},
    )
    assert response.status_code == 200 and "文件过大" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_wrong_id_is_a_chinese_404(world: World, client: Any) -> None:
    c = login(client, world.cast.town_admin)
    for url in (
        "/campaigns/999999/",
        "/campaigns/reports/999999/",
        "/targets/999999/",
        "/campaigns/files/999999/",
    ):
        response = c.get(url)
        assert response.status_code == 404 and "不存在" in response.content.decode(), url


def test_photos_are_reencoded_without_their_exif(world: World, client: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    Image.new("RGB", (4000, 100), (10, 20, 30)).save(buf, format="JPEG", exif=exif)
    upload = SimpleUploadedFile(
        "现场.jpg", buf.getvalue() + b"<script>payload</script>", content_type="image/jpeg"
    )
    login(client, world.cast.yahe_cadre).post(
        f"/campaigns/{world.campaign.pk}/report/",
        {"text": "背街小巷线缆已全部规整，拆除废弃线缆。", "photos": upload},
    )
    att = ProgressReport.objects.get().attachments.get()
    data = att.file.open("rb").read()
    assert b"SecretCam" not in data and b"payload" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (2560, 64)


def test_a_damaged_photo_is_a_chinese_error(world: World, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("坏.jpg", b"\xff\xd8\xff\xe0" + b"0" * 200, content_type="image/jpeg")
    response = login(client, world.cast.yahe_cadre).post(
        f"/campaigns/{world.campaign.pk}/report/",
        {"text": "背街小巷线缆已全部规整，拆除废弃线缆。", "photos": [png_upload(), broken]},
    )
    assert response.status_code == 200 and "已损坏" in response.content.decode()
    assert not ProgressReport.objects.exists()
    from zhenwu.core.models import Attachment

    assert not Attachment.objects.exists()  # the good photo uploaded before it is rolled back too


def test_the_milestone_form_shows_the_saved_dates(world: World, client: Any) -> None:
    c = make_campaign(world.cast, title="集贸市场治理", start=False)
    body = login(client, world.cast.town_admin).get(f"/campaigns/{c.pk}/milestones/").content.decode()
    assert 'value="2026-04-30"' in body  # a date input shows only ISO dates
    edit = client.get(f"/campaigns/{c.pk}/edit/").content.decode()
    assert 'value="2026-03-02"' in edit and 'value="2026-12-31"' in edit
