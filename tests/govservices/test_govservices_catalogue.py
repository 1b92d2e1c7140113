from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from zhenwu.core.errors import DomainError
from zhenwu.govservices import catalogue
from zhenwu.govservices.demo import AGENCIES, REGION, town_items
from zhenwu.govservices.imports import ImportFailed, export_columns, export_rows, import_catalogue
from zhenwu.govservices.models import ItemVersion, ServiceItem
from zhenwu.testing import login

BASE = "XK9999000100"
USCC = AGENCIES["town"][1]


def good_code() -> str:
    return f"{BASE}{REGION}000{USCC}1001"


@pytest.mark.parametrize(
    ("code", "why"),
    [
        (f"{BASE}{REGION}000{USCC}1", "no 办理项"),
        (f"{BASE}{REGION[:-1]}000{USCC}1001", "11-digit 区划"),
        (f"{BASE}{REGION}001{USCC}1001", "not 000"),
        (f"{BASE}{REGION}000{USCC}2001", "not 1 before 办理项"),
        (f"XK9999000199{REGION}000{USCC}1001", "another base code"),
        (f"{BASE}{REGION}000{USCC[:-1]}{'0' if USCC[-1] != '0' else '1'}1001", "USCC check digit"),
        (f"{BASE}{REGION}000{AGENCIES['health'][1]}1001", "another agency's USCC"),
        ("hello", "garbage"),
    ],
)
def test_an_impl_code_of_the_wrong_shape_is_refused(code: str, why: str) -> None:
    with pytest.raises(DomainError) as exc:
        catalogue.validate_impl_code(code, base_code=BASE, agency_uscc=USCC)
    assert exc.value.field == "impl_code"
    assert "实施编码" in exc.value.message


def test_a_well_formed_impl_code_is_accepted_with_separators() -> None:
    spaced = f"{BASE}-{REGION}-000-{USCC}-1-001"
    assert catalogue.validate_impl_code(spaced, base_code=BASE, agency_uscc=USCC) == good_code()


def test_an_item_with_a_bad_impl_code_is_not_created(gov: Any) -> None:
    elements, _ = town_items()["sign"]
    before = ServiceItem.objects.count()
    with pytest.raises(DomainError):
        catalogue.item_create(actor=gov.cast.town_admin, base_code=BASE, impl_code="XK123", elements=elements)
    assert ServiceItem.objects.count() == before


def test_a_change_makes_a_new_version_and_applications_keep_theirs(gov: Any) -> None:
    item = gov.items["register"]
    app = gov.app(["register"])
    elements = catalogue._version_dict(item.current)
    elements["promised_limit"] = 2
    version = catalogue.item_revise(
        actor=gov.cast.town_admin, item=item, elements=elements, note="承诺时限调整"
    )
    item.refresh_from_db()
    app.refresh_from_db()
    assert version.number == 2
    assert item.current == version
    assert app.version.number == 1
    assert app.version.promised_limit == 1
    assert gov.app(["register"]).version == version


def test_an_unchanged_revision_is_refused(gov: Any) -> None:
    item = gov.items["register"]
    with pytest.raises(DomainError, match="没有变化"):
        catalogue.item_revise(
            actor=gov.cast.town_admin, item=item, elements=catalogue._version_dict(item.current)
        )


def test_a_visit_needs_a_reason(gov: Any) -> None:
    elements, _ = town_items()["sign"]
    elements = dict(elements, visits=1, visits_reason="")
    with pytest.raises(DomainError) as exc:
        catalogue.clean_elements(elements)
    assert exc.value.field == "visits_reason"


def test_only_stations_and_grids_take_delegated_items(gov: Any) -> None:
    with pytest.raises(DomainError, match="不是便民服务站或网格"):
        catalogue.item_delegate(actor=gov.cast.town_admin, item=gov.items["sign"], units=[gov.cast.yahe])


def test_a_village_cadre_cannot_edit_the_catalogue(gov: Any) -> None:
    from zhenwu.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        catalogue.item_delegate(actor=gov.cast.yahe_cadre, item=gov.items["sign"], units=[])


def _exported() -> bytes:
    from zhenwu.core.exports import build_xlsx

    return build_xlsx(title="政务服务事项目录", columns=export_columns(), rows=export_rows())


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.xlsx", data)


def test_the_export_imports_back_without_changes(gov: Any) -> None:
    versions = ItemVersion.objects.count()
    assert import_catalogue(actor=gov.cast.town_admin, upload=_upload(_exported())) == 0
    assert ItemVersion.objects.count() == versions


def _edit(data: bytes, edits: dict[tuple[int, str], Any]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 5) if ws.cell(r, 1).value == "基本编码")
    titles = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
    for (row, title), value in edits.items():
        ws.cell(header_row + row, titles[title]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_import_with_bad_rows_names_row_and_column_and_writes_nothing(gov: Any) -> None:
    data = _edit(
        _exported(),
        {
            (1, "承诺办结时限"): "7",
            (2, "实施编码"): "XK-WRONG",
            (3, "办件类型"): "慢办件",
            (4, "法定办结时限"): "abc",
        },
    )
    versions = ItemVersion.objects.count()
    with pytest.raises(ImportFailed) as exc:
        import_catalogue(actor=gov.cast.town_admin, upload=_upload(data))
    errors = exc.value.errors
    header_offset = 1  # the header is row 1
    assert any(e.startswith(f"第 {2 + header_offset} 行「实施编码」") for e in errors), errors
    assert any(e.startswith(f"第 {3 + header_offset} 行「办件类型」") for e in errors), errors
    assert any(e.startswith(f"第 {4 + header_offset} 行「法定办结时限」") for e in errors), errors
    assert ItemVersion.objects.count() == versions  # row 1 was fine but nothing was written


def test_a_good_import_revises_the_item(gov: Any) -> None:
    item = ServiceItem.objects.order_by("sort_order", "id").first()
    data = _edit(_exported(), {(1, "受理条件"): "新的受理条件"})
    assert import_catalogue(actor=gov.cast.town_admin, upload=_upload(data)) == 1
    item.refresh_from_db()
    assert item.current.number == 2
    assert item.current.conditions == "新的受理条件"


def test_a_file_that_is_not_xlsx_is_refused_clearly(gov: Any, client: Any) -> None:
    response = login(client, gov.cast.town_admin).post(
        "/govservices/catalogue/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.status_code == 200
    assert "无法读取该文件" in response.content.decode()


def test_the_catalogue_pages_render(gov: Any, client: Any) -> None:
    c = login(client, gov.cast.town_admin)
    assert c.get("/govservices/catalogue/").status_code == 200
    assert c.get(f"/govservices/catalogue/{gov.items['hygiene'].pk}/").status_code == 200
    response = c.get("/govservices/catalogue/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_bluebook_is_rebuilt_when_the_catalogue_changes(gov: Any, settings: Any, tmp_path: Any) -> None:
    from zhenwu.govservices.documents import bluebook_html, bluebook_path, catalogue_fingerprint
    from zhenwu.govservices.tasks import refresh_bluebook

    settings.VAR_DIR = tmp_path
    html = bluebook_html()
    assert "公共场所卫生许可（新办）" in html and "我要开服装店" in html and "target-counter" in html
    ServiceItem.objects.exclude(pk=gov.items["sign"].pk).update(is_active=False)  # a small booklet, fast
    before = catalogue_fingerprint()
    path = bluebook_path()
    assert path.read_bytes().startswith(b"%PDF")
    assert refresh_bluebook() == str(path)  # nothing changed: the same file
    item = gov.items["sign"]
    elements = catalogue._version_dict(item.current)
    elements["hours"] = "工作日 9:00—17:00"
    catalogue.item_revise(actor=gov.cast.town_admin, item=item, elements=elements)
    assert catalogue_fingerprint() != before
    new_path = bluebook_path()
    assert new_path != path and new_path.exists() and not path.exists()
