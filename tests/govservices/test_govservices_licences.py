from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from gmssl import sm2

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.govservices import licences
from zhenwu.govservices.models import Licence
from zhenwu.testing import login


@pytest.fixture
def licence(gov: Any) -> Licence:
    app = gov.step(gov.app(["hygiene"]), "accept", actor=gov.station_worker)
    app = gov.step(app, "complete", note="准予许可")
    return Licence.objects.get(application=app)


def gmssl_verify(doc: dict[str, str]) -> bool:
    """Verify with gmssl directly, as an outsider would: no zhenwu code involved."""
    key = doc["public_key"]
    engine = sm2.CryptSM2(private_key="", public_key="")
    engine.public_key = key[2:]  # uncompressed point without its 04 prefix
    return bool(engine.verify_with_sm3(doc["signature"], doc["canonical"].encode("utf-8")))


def test_completing_a_licence_item_issues_a_signed_licence(licence: Licence) -> None:
    assert licence.name == "卫生许可证"
    data = json.loads(licence.canonical)
    assert data["holder"] == "丫河服装店"
    assert data["code"] == licence.code


def test_the_public_json_has_exactly_the_interface(client: Client, licence: Licence) -> None:
    response = client.get(f"/public/licences/{licence.code}.json")
    assert response.status_code == 200
    doc = response.json()
    assert set(doc) == {"canonical", "signature", "public_key", "status"}
    assert len(doc["signature"]) == 128 and all(c in "0123456789abcdef" for c in doc["signature"].lower())
    assert len(doc["public_key"]) == 130 and doc["public_key"].startswith("04")
    assert doc["status"] == "valid"


def test_gmssl_verifies_the_signature_from_the_public_json_and_fails_an_altered_text(
    client: Client, licence: Licence
) -> None:
    doc = client.get(f"/public/licences/{licence.code}.json").json()
    assert gmssl_verify(doc) is True
    altered = dict(doc, canonical=doc["canonical"].replace("丫河服装店", "丫河服装厂", 1))
    assert altered["canonical"] != doc["canonical"]
    assert sum(a != b for a, b in zip(altered["canonical"], doc["canonical"], strict=True)) == 1
    assert gmssl_verify(altered) is False


def test_the_page_says_valid(client: Client, licence: Licence) -> None:
    body = client.get(f"/public/licences/{licence.code}/").content.decode()
    assert '<div class="display-6 text-success my-3" id="licence-status">有效</div>' in body
    assert "丫河服装店" in body


def test_an_altered_canonical_text_fails_verification_on_the_public_page(
    client: Client, licence: Licence
) -> None:
    Licence.objects.filter(pk=licence.pk).update(
        canonical=licence.canonical.replace("丫河服装店", "丫河服装厂")
    )
    body = client.get(f"/public/licences/{licence.code}/").content.decode()
    assert "校验失败" in body
    assert ">有效<" not in body
    assert "丫河服装厂" not in body


def test_a_never_issued_code_is_a_404_that_leaks_nothing(client: Client, licence: Licence) -> None:
    for url in ["/public/licences/NTZZ000000000000/", "/public/licences/NTZZ000000000000.json"]:
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "NTZZ000000000000" not in body
        assert licence.code not in body


def test_a_leader_revokes_with_a_reason_and_it_is_audited(client: Client, gov: Any, licence: Licence) -> None:
    c = login(client, gov.cast.leader)
    response = c.post(f"/govservices/licences/{licence.pk}/revoke/", {"reason": "经营场所已变更"})
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == "revoked"
    assert licence.revoked_reason == "经营场所已变更"
    event = AuditEvent.objects.get(action="govservices.licence_revoke")
    assert event.message == "经营场所已变更"
    assert Client().get(f"/public/licences/{licence.code}.json").json()["status"] == "revoked"
    assert "已注销" in Client().get(f"/public/licences/{licence.code}/").content.decode()


def test_revocation_needs_a_reason_and_a_leader(gov: Any, licence: Licence, client: Client) -> None:
    with pytest.raises(DomainError, match="注销原因"):
        licences.licence_revoke(actor=gov.cast.leader, licence=licence, reason="  ")
    with pytest.raises(PermissionDeniedError):
        licences.licence_revoke(actor=gov.cast.town_admin, licence=licence, reason="x")
    response = login(client, gov.cast.town_admin).post(
        f"/govservices/licences/{licence.pk}/revoke/", {"reason": "x"}
    )
    assert response.status_code == 403
    licence.refresh_from_db()
    assert licence.status == "valid"


def test_a_licence_cannot_be_revoked_twice(gov: Any, licence: Licence) -> None:
    licences.licence_revoke(actor=gov.cast.leader, licence=licence, reason="注销")
    with pytest.raises(DomainError, match="不能重复注销"):
        licences.licence_revoke(actor=gov.cast.leader, licence=licence, reason="再次注销")


def test_the_pdf_carries_a_qr_code_to_the_page(gov: Any, licence: Licence, client: Client) -> None:
    from zhenwu.govservices.documents import qr_data_uri

    response = login(client, gov.cast.town_admin).get(f"/public/licences/{licence.code}.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert qr_data_uri("https://example.org/x").startswith("data:image/svg+xml;base64,")
    assert Client().get(f"/public/licences/{licence.code}.pdf").status_code == 404  # not for strangers


def test_the_keygen_prints_a_working_pair(settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("licence_keygen", stdout=out)
    env = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.ZHENWU_LICENCE_PRIVATE_KEY = env["ZHENWU_LICENCE_PRIVATE_KEY"]
    settings.ZHENWU_LICENCE_PUBLIC_KEY = env["ZHENWU_LICENCE_PUBLIC_KEY"]
    text = licences.canonical_text({"code": "X", "name": "卫生许可证"})
    doc = {
        "canonical": text,
        "signature": licences.sign(text),
        "public_key": licences.public_key(),
        "status": "valid",
    }
    assert gmssl_verify(doc)


def test_check_deploy_refuses_the_development_licence_key(settings: Any) -> None:
    from zhenwu.accounts.management.commands.check_deploy import zhenwu_deploy_problems

    assert any("ZHENWU_LICENCE_PRIVATE_KEY" in p for p in zhenwu_deploy_problems())
