"""Citizen H5: submit, number and query code, track, rate; spam and abuse are held off."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenwu.workorders.choices import Action, Status
from zhenwu.workorders.models import WorkOrder
from zhenwu.workorders.services import workorder_transition

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def form(cats: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {
        "category": cats["light"].pk,
        "description": "丫河村村口路灯不亮三天了",
        "address": "丫河村村口",
        "reporter_name": "王女士",
        "reporter_phone": "13912345678",
        "client_token": "tok-1",
    }
    data.update(kw)
    return data


def submit(client: Any, data: dict[str, Any]) -> tuple[str, str]:
    html = client.post(reverse("workorders:h5_submit"), data, follow=True).content.decode()
    number = re.search(r'id="zw-number">([A-Z0-9-]+)<', html)
    code = re.search(r'id="zw-code">([A-Z0-9]+)<', html)
    assert number and code, html
    return number.group(1), code.group(1)


def test_a_citizen_submits_with_a_photo_and_gets_number_and_code(
    client: Any, cats: dict[str, Any], media: Any
) -> None:
    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    number, code = submit(client, form(cats, photos=[photo], lat="31.712345", long="119.912345"))
    order = WorkOrder.objects.get(number=number)
    assert order.status == Status.NEW and order.photos.count() == 1 and float(order.lat) == 31.712345
    assert order.reporter_phone == "13912345678" and len(code) == 6


def test_a_photo_whose_content_is_not_an_image_is_refused_and_the_text_kept(
    client: Any, cats: dict[str, Any], media: Any
) -> None:
    fake = SimpleUploadedFile("lamp.jpg", b"MZ\x90\x00 not really a jpeg", content_type="image/jpeg")
    html = client.post(reverse("workorders:h5_submit"), form(cats, photos=[fake])).content.decode()
    assert "文件类型不支持" in html and "丫河村村口路灯不亮三天了" in html
    assert WorkOrder.objects.count() == 0


def test_an_oversized_photo_is_refused(client: Any, cats: dict[str, Any], media: Any) -> None:
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    html = client.post(reverse("workorders:h5_submit"), form(cats, photos=[big])).content.decode()
    assert "文件过大" in html and WorkOrder.objects.count() == 0


def test_coordinates_out_of_range_are_refused(client: Any, cats: dict[str, Any]) -> None:
    html = client.post(reverse("workorders:h5_submit"), form(cats, lat="95", long="119.9")).content.decode()
    assert "纬度超出范围" in html and WorkOrder.objects.count() == 0


def test_the_honeypot_stores_nothing(client: Any, cats: dict[str, Any]) -> None:
    response = client.post(reverse("workorders:h5_submit"), form(cats, website="http://spam.example"))
    assert response.status_code == 200 and WorkOrder.objects.count() == 0


def test_a_double_tap_makes_one_order(client: Any, cats: dict[str, Any]) -> None:
    client.post(reverse("workorders:h5_submit"), form(cats))
    client.post(reverse("workorders:h5_submit"), form(cats))
    assert WorkOrder.objects.count() == 1


def test_submissions_are_rate_limited_per_address(client: Any, cats: dict[str, Any], settings: Any) -> None:
    settings.ZHENWU_PUBLIC_SUBMIT_PER_HOUR = 2
    for i in range(2):
        client.post(reverse("workorders:h5_submit"), form(cats, client_token=f"t{i}"))
    html = client.post(reverse("workorders:h5_submit"), form(cats, client_token="t9")).content.decode()
    assert "提交过于频繁" in html and WorkOrder.objects.count() == 2


def test_a_wrong_code_reveals_nothing(client: Any, cats: dict[str, Any]) -> None:
    number, _ = submit(client, form(cats))
    wrong = client.post(reverse("workorders:h5_track"), {"number": number, "code": "ZZZZZZ"}).content.decode()
    missing = client.post(
        reverse("workorders:h5_track"), {"number": "NT-20000101-0001", "code": "ZZZZZZ"}
    ).content.decode()
    assert "编号或查询码不正确" in wrong and "编号或查询码不正确" in missing
    assert "路灯" not in wrong


def test_the_citizen_follows_and_rates_unsatisfied_which_sends_it_back(
    client: Any, cast: Any, cats: dict[str, Any]
) -> None:
    number, code = submit(client, form(cats))
    order = WorkOrder.objects.get(number=number)
    order = workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe)
    order = workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.SIGN)
    workorder_transition(actor=cast.yahe_cadre, order=order, action=Action.REPLY, note="已修好")
    html = client.post(
        reverse("workorders:h5_track"), {"number": number.lower(), "code": code.lower()}
    ).content.decode()
    assert "已修好" in html and "评价办理结果" in html
    html = client.post(
        reverse("workorders:h5_rate"), {"number": number, "code": code, "satisfaction": "unsatisfied"}
    ).content.decode()
    assert "重新办理" in html
    order.refresh_from_db()
    assert order.status == Status.HANDLING and order.rework_count == 1


def test_rating_with_a_wrong_code_changes_nothing(client: Any, cast: Any, cats: dict[str, Any]) -> None:
    number, _ = submit(client, form(cats))
    response = client.post(
        reverse("workorders:h5_rate"),
        {"number": number, "code": "AAAAAA", "satisfaction": "satisfied"},
        follow=True,
    )
    assert "编号或查询码不正确" in response.content.decode()
    assert WorkOrder.objects.get(number=number).satisfaction == ""


def test_photos_are_served_to_staff_in_scope_and_publicly_only_for_public_orders(
    client: Any, cast: Any, cats: dict[str, Any], media: Any
) -> None:
    from zhenwu.testing import login

    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    number, _ = submit(client, form(cats, photos=[photo]))
    order = WorkOrder.objects.get(number=number)
    workorder_transition(actor=cast.operator, order=order, action=Action.DISPATCH, unit=cast.yahe)
    pk = order.photos.get().pk
    public = client.get(reverse("workorders:public_photo", args=[pk]))
    with order.photos.get().file.open("rb") as fh:
        stored = fh.read()  # the re-encoded photo
    assert public.status_code == 200 and b"".join(public.streaming_content) == stored
    staff_url = reverse("workorders:photo", args=[number, pk])
    assert login(client, cast.yahe_cadre).get(staff_url).status_code == 200
    assert login(client, cast.ljx_cadre).get(staff_url).status_code == 404
    WorkOrder.objects.filter(pk=order.pk).update(confidential=True)
    client.logout()
    assert client.get(reverse("workorders:public_photo", args=[pk])).status_code == 404


def test_a_wrong_code_keeps_the_number_typed(client: Any, cats: dict[str, Any]) -> None:
    number, _ = submit(client, form(cats))
    html = client.post(reverse("workorders:h5_track"), {"number": number, "code": "ZZZZZZ"}).content.decode()
    assert f'value="{number}"' in html
