from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.selectors import get_work_calendar
from zhenwu.govservices import services
from zhenwu.govservices.choices import Status
from zhenwu.govservices.models import Bundle, Submission, SubmittedMaterial
from zhenwu.testing import Cast, ScopedViewTests, login

from .conftest import NOW, SH, SHOP_FORM, pdf


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SH)


# --------------------------------------------------------------------------- delegation and scope


def test_a_station_takes_an_item_delegated_to_it(gov: Any) -> None:
    app = gov.app(["hygiene"])
    assert app.status == Status.RECEIVED
    assert app.unit == gov.cast.yahe_station
    assert app.version == gov.items["hygiene"].current


def test_an_item_not_delegated_to_the_station_is_refused_with_the_reason(gov: Any) -> None:
    before = Submission.objects.count()
    with pytest.raises(DomainError) as exc:
        gov.submit(["dispatch"])
    assert exc.value.code == "not_delegated"
    assert "劳务派遣经营许可（新办）" in exc.value.message
    assert "未下放到丫河便民服务站" in exc.value.message
    assert Submission.objects.count() == before


def test_an_item_not_delegated_to_the_grid_is_refused(gov: Any) -> None:
    with pytest.raises(DomainError, match="未下放到丫河村第一网格"):
        gov.submit(["hygiene"], unit=gov.cast.yahe_grid, actor=gov.grid_worker, channel="grid")
    app = gov.app(["grid1"], unit=gov.cast.yahe_grid, actor=gov.grid_worker, channel="grid")
    assert app.unit == gov.cast.yahe_grid


def test_the_intake_page_refuses_a_non_delegated_item_with_the_reason(gov: Any, client: Any) -> None:
    c = login(client, gov.station_worker)
    response = c.get(f"/govservices/intake/?item={gov.items['dispatch'].pk}", follow=True)
    assert "未下放到您所在的便民服务站或网格" in response.content.decode()
    listed = c.get("/govservices/intake/").content.decode()
    assert gov.items["hygiene"].name in listed
    assert gov.items["dispatch"].name not in listed


def test_a_worker_cannot_take_applications_for_another_station(gov: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        gov.submit(["hygiene"], unit=gov.ljx_station, actor=gov.station_worker)


def test_another_stations_application_is_a_404(gov: Any, client: Any) -> None:
    app = gov.app(["hygiene"])
    response = login(client, gov.ljx_worker).get(f"/govservices/applications/{app.pk}/")
    assert response.status_code == 404
    response = login(client, gov.ljx_worker).post(
        f"/govservices/applications/{app.pk}/transition/", {"action": "accept"}
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.status == Status.RECEIVED


def test_a_station_lists_only_the_applications_it_took(gov: Any, client: Any) -> None:
    mine = gov.app(["hygiene"])
    other = gov.app(["hygiene"], unit=gov.ljx_station, actor=gov.ljx_worker)
    page = login(client, gov.station_worker).get("/govservices/").content.decode()
    assert mine.number in page
    assert other.number not in page


class TestApplicationPageScope(ScopedViewTests):
    change_data = {"action": "accept"}

    def make_object(self, cast: Cast) -> Any:
        from zhenwu.govservices.demo import build_catalogue
        from zhenwu.testing import make_user

        items = build_catalogue(cast.town_admin, stations=[cast.yahe_station], grids=[])
        worker = make_user("w", unit=cast.yahe_station, role="grid_worker")
        sub = services.submission_create(
            actor=worker,
            unit=cast.yahe_station,
            channel="station",
            applicant_name="王",
            applicant_phone="13912345678",
            items=[items["sign"]],
            form_data=SHOP_FORM,
        )
        return sub.applications.get()

    def detail_url(self, obj: Any) -> str:
        return f"/govservices/applications/{obj.pk}/"

    def change_url(self, obj: Any) -> str | None:
        return f"/govservices/applications/{obj.pk}/transition/"


# --------------------------------------------------------------------------- 一件事


def test_the_questionnaire_selects_the_items(gov: Any) -> None:
    bundle = Bundle.objects.get(code="kaidian-fuzhuang")
    items = services.bundle_items(bundle, {"area": "yes", "sign": "yes", "food": "no"})
    assert [i.name for i in items] == ["公共场所卫生许可（新办）", "个体工商户设立登记", "户外招牌设置备案"]
    with pytest.raises(DomainError, match="请回答情形问题"):
        services.bundle_items(bundle, {"area": "yes"})


def test_a_shared_material_is_listed_and_submitted_once(gov: Any) -> None:
    bundle = Bundle.objects.get(code="kaidian-fuzhuang")
    answers = {"area": "yes", "sign": "yes", "food": "no"}
    materials = {m.key: m for m in services.merged_materials(services.bundle_items(bundle, answers))}
    assert len(materials["lease"].used_by) == 3
    assert materials["lease"].shared
    files = {k: pdf(k) for k in materials}
    sub = services.submission_create(
        actor=None,
        unit=gov.cast.yahe_station,
        channel="online",
        applicant_name="王小丫",
        applicant_phone="13912345678",
        bundle=bundle,
        answers=answers,
        form_data=SHOP_FORM,
        files=files,
    )
    assert sub.applications.count() == 3
    assert SubmittedMaterial.objects.filter(submission=sub, key="lease").count() == 1
    assert SubmittedMaterial.objects.filter(submission=sub).count() == len(materials)
    fields = [f["key"] for f in services.merged_fields(services.bundle_items(bundle, answers))]
    assert len(fields) == len(set(fields))


def test_an_online_application_needs_every_required_material(gov: Any) -> None:
    with pytest.raises(DomainError) as exc:
        gov.submit(["sign"], actor=None, channel="online", files={"id_card": pdf()})
    assert exc.value.field == "m_lease"


def test_a_material_of_the_wrong_type_is_refused(gov: Any) -> None:
    exe = SimpleUploadedFile("lease.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    files = {"id_card": pdf(), "lease": exe, "sign_design": pdf()}
    with pytest.raises(DomainError) as exc:
        gov.submit(["sign"], actor=None, channel="online", files=files)
    assert exc.value.field == "m_lease"
    assert "文件类型不支持" in exc.value.message
    assert not Submission.objects.exists()


def test_an_oversized_material_is_refused(gov: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MATERIAL_MAX_BYTES", 10)
    files = {"id_card": pdf(), "lease": pdf(), "sign_design": pdf()}
    with pytest.raises(DomainError, match="文件过大"):
        gov.submit(["sign"], actor=None, channel="online", files=files)


def test_a_double_submit_makes_one_submission(gov: Any) -> None:
    first = gov.submit(["sign"], client_token="tok-1")
    again = gov.submit(["sign"], client_token="tok-1")
    assert first.pk == again.pk
    assert Submission.objects.count() == 1


# --------------------------------------------------------------------------- lifecycle and the clock


def test_accepting_sets_a_working_day_deadline(gov: Any) -> None:
    app = gov.step(gov.app(["hygiene"]), "accept", actor=gov.station_worker)
    assert app.status == Status.ACCEPTED
    assert app.due_date == get_work_calendar().add_working_days(NOW.date(), 5)


def test_an_immediate_item_is_done_at_once(gov: Any) -> None:
    app = gov.step(gov.app(["food_record"]), "accept", actor=gov.station_worker)
    assert app.status == Status.DONE
    assert app.on_time is True
    assert [e.label for e in app.events.all()][-1] == "即办件当场办结"


def test_an_illegal_step_names_the_current_state(gov: Any) -> None:
    app = gov.app(["hygiene"])
    with pytest.raises(DomainError, match="当前状态为“已收件”，不能办结"):
        gov.step(app, "complete")


def test_refusing_needs_a_reason(gov: Any) -> None:
    with pytest.raises(DomainError, match="理由"):
        gov.step(gov.app(["hygiene"]), "refuse", actor=gov.station_worker)


def test_a_station_worker_cannot_complete(gov: Any) -> None:
    app = gov.step(gov.app(["hygiene"]), "accept", actor=gov.station_worker)
    with pytest.raises(PermissionDeniedError):
        gov.step(app, "complete", actor=gov.station_worker)


def test_the_clock_stops_during_supplement_and_restarts(gov: Any, time_machine: Any) -> None:
    calendar = get_work_calendar()
    app = gov.step(gov.app(["hygiene"]), "accept", actor=gov.station_worker)
    due = app.due_date
    app = gov.step(app, "request_supplement", note="缺平面图第二页", days=5)
    assert app.status == Status.SUPPLEMENT
    assert app.paused_on == NOW.date()
    three_later = calendar.add_working_days(NOW.date(), 3)
    time_machine.move_to(at(three_later), tick=False)
    app = gov.step(app, "supplement", actor=None, applicant_verified=True, files=[pdf("page2")])
    assert app.status == Status.REVIEWING
    assert app.paused_days == 3
    assert app.due_date == calendar.add_working_days(due, 3)
    assert app.paused_on is None


def test_a_supplement_after_its_deadline_is_refused(gov: Any, time_machine: Any) -> None:
    calendar = get_work_calendar()
    app = gov.step(gov.app(["hygiene"]), "accept", actor=gov.station_worker)
    app = gov.step(app, "request_supplement", note="缺健康证明", days=2)
    late = calendar.add_working_days(NOW.date(), 3)
    time_machine.move_to(at(late), tick=False)
    with pytest.raises(DomainError, match="补正期限.*已过") as exc:
        gov.step(app, "supplement", actor=None, applicant_verified=True, files=[pdf()])
    assert exc.value.code == "supplement_late"
    app.refresh_from_db()
    assert app.status == Status.SUPPLEMENT
    assert not SubmittedMaterial.objects.filter(is_supplement=True).exists()


def test_a_supplement_taken_at_the_window_is_not_a_one_visit_success(gov: Any) -> None:
    app = gov.step(gov.app(["sign"]), "accept", actor=gov.station_worker)
    app = gov.step(app, "request_supplement", note="缺效果图")
    app = gov.step(app, "supplement", actor=gov.station_worker, files=[pdf()])
    app = gov.step(app, "complete")
    assert app.one_visit is False
    other = gov.step(gov.step(gov.app(["sign"]), "accept", actor=gov.station_worker), "complete")
    assert other.one_visit is True


def test_a_late_completion_is_not_on_time(gov: Any, time_machine: Any) -> None:
    app = gov.step(gov.app(["sign"]), "accept", actor=gov.station_worker)
    time_machine.move_to(at(app.due_date + timedelta(days=7)), tick=False)
    app = gov.step(app, "complete")
    assert app.on_time is False


def test_the_applicant_is_notified_at_each_step(gov: Any) -> None:
    from zhenwu.core.models import Notification

    app = gov.step(gov.app(["sign"]), "accept", actor=gov.station_worker)
    bodies = [n.body for n in Notification.objects.filter(channel="sms")]
    assert any("已收件" in b for b in bodies)
    assert any(app.number in b and "已受理" in b for b in bodies)


# --------------------------------------------------------------------------- lists: hostile parameters


@pytest.mark.parametrize(
    "query",
    [
        "status=%00",
        "status='or'1'='1",
        "page=1e309",
        "page=abc",
        "channel=<script>",
        "q=" + "长" * 10000,
        "q=%00abc",
    ],
)
def test_hostile_list_parameters_never_500(gov: Any, client: Any, query: str) -> None:
    gov.app(["sign"])
    response = login(client, gov.cast.town_admin).get(f"/govservices/?{query}")
    assert response.status_code == 200


def test_hostile_public_parameters_never_500(gov: Any, client: Any) -> None:
    for url in [
        "/public/services/?q=%00",
        "/public/services/apply/?item=1e309",
        "/public/services/apply/?item=abc",
        "/public/services/apply/?bundle=%00",
        "/public/services/bundles/kaidian-fuzhuang/?bundle=kaidian-fuzhuang&q_area=%00",
        "/public/licences/?code=" + "x" * 10000,
    ]:
        assert client.get(url).status_code in {200, 302, 404}, url


def test_the_detail_shows_form_labels_not_codes_and_serves_materials_as_attachments(
    gov: Any, client: Any
) -> None:
    sub = gov.submit(
        ["sign"], actor=None, channel="online", files={"id_card": pdf(), "lease": pdf(), "sign_design": pdf()}
    )
    app = sub.applications.get()
    page = login(client, gov.cast.town_admin).get(f"/govservices/applications/{app.pk}/").content.decode()
    assert "经营场所地址" in page
    assert "entity_name" not in page
    material = SubmittedMaterial.objects.filter(submission=sub).first()
    response = client.get(f"/govservices/materials/{material.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert login(client, gov.ljx_worker).get(f"/govservices/materials/{material.pk}/").status_code == 404


def test_a_grid_worker_takes_a_bundle_on_the_intake_page(gov: Any, client: Any) -> None:
    c = login(client, gov.station_worker)
    url = "/govservices/intake/?bundle=kaidian-fuzhuang&q_area=yes&q_sign=no&q_food=no"
    page = c.get(url)
    assert page.status_code == 200
    assert "公共场所卫生许可（新办）" in page.content.decode()
    data = {
        "applicant_name": "王小丫",
        "applicant_phone": "13912345678",
        "unit": gov.cast.yahe_station.pk,
        "service_mode": "bangban",
        "f_entity_name": "小丫服装店",
        "f_operator_name": "王小丫",
        "f_address": "丫河村8号",
        "f_business_scope": "服装零售",
        "client_token": "t-1",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    sub = Submission.objects.get()
    assert sub.channel == "station"
    assert sub.service_mode == "bangban"
    assert sorted(a.version.name for a in sub.applications.all()) == [
        "个体工商户设立登记",
        "公共场所卫生许可（新办）",
    ]


def test_the_intake_page_keeps_the_input_on_a_bad_phone(gov: Any, client: Any) -> None:
    c = login(client, gov.station_worker)
    url = f"/govservices/intake/?item={gov.items['sign'].pk}"
    data = {"applicant_name": "王小丫", "applicant_phone": "12345", "unit": gov.cast.yahe_station.pk,
            "service_mode": "standard", "f_entity_name": "小丫服装店", "f_operator_name": "王", "f_address": "丫河村"}  # fmt: skip
    body = c.post(url, data).content.decode()
    assert "电话号码格式不正确" in body
    assert "小丫服装店" in body
    assert not Submission.objects.exists()


def test_the_bundle_deadline_is_its_committed_limit_else_the_latest_item(gov: Any) -> None:
    bundle = Bundle.objects.get(code="kaidian-fuzhuang")
    sub = gov.submit([], bundle=bundle, answers={"area": "yes", "sign": "yes", "food": "no"})
    for app in sub.applications.all():
        gov.step(app, "accept", actor=gov.station_worker)
    calendar = get_work_calendar()
    assert services.submission_deadline(sub) == calendar.add_working_days(NOW.date(), 5)
    Bundle.objects.filter(pk=bundle.pk).update(committed_days=None)
    sub = Submission.objects.get(pk=sub.pk)
    assert services.submission_deadline(sub) == max(a.due_date for a in sub.applications.all())


def test_a_help_application_records_the_helper(gov: Any, client: Any) -> None:
    c = login(client, gov.station_worker)
    url = f"/govservices/intake/?item={gov.items['sign'].pk}"
    data = {"applicant_name": "王小丫", "applicant_phone": "13912345678", "unit": gov.cast.yahe_station.pk,
            "service_mode": "bangban", "f_entity_name": "小丫服装店", "f_operator_name": "王", "f_address": "丫河村"}  # fmt: skip
    c.post(url, data)
    assert Submission.objects.get().helper == gov.station_worker
