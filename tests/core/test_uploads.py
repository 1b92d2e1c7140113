"""Issue 9, item 11: uploads. Images are re-encoded with Pillow (pixel count bounded, metadata
stripped, anything after the image dropped); other files are served as downloads; an oversized
body is refused before it is read; staff pages, exports and photos are never cached."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhenwu.core.errors import DomainError
from zhenwu.core.models import Attachment
from zhenwu.core.services import DOCUMENT_TYPES, IMAGE_TYPES, attachment_create
from zhenwu.testing import login

pytestmark = pytest.mark.django_db
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(width: int = 8, height: int = 8) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def declared_png(width: int, height: int) -> bytes:
    """A small file whose header declares a huge image (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 16), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 43.0, 55.0), 4: (119.0, 53.0, 25.0)}  # GPS: where the citizen stood
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(att: Attachment) -> bytes:
    with att.file.open("rb") as fh:
        return bytes(fh.read())


def test_a_png_followed_by_html_is_stored_clean(cast: Any, media: Path) -> None:
    att = attachment_create(actor=cast.citizen, upload=SimpleUploadedFile("a.png", png() + HTML))
    data = stored(att)
    assert b"<script" not in data and b"<html" not in data
    assert Image.open(io.BytesIO(data)).size == (8, 8)
    assert att.size == len(data)


def test_a_png_header_followed_by_html_is_refused(cast: Any, media: Path) -> None:
    with pytest.raises(DomainError) as refused:
        attachment_create(actor=cast.citizen, upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + HTML))
    assert "图片" in refused.value.message
    assert Attachment.objects.count() == 0 and not list(media.rglob("*.*"))


def test_a_png_declaring_50000_by_50000_is_refused_without_decoding(cast: Any, media: Path) -> None:
    with pytest.raises(DomainError) as refused:
        attachment_create(
            actor=cast.citizen, upload=SimpleUploadedFile("bomb.png", declared_png(50000, 50000))
        )
    assert "像素" in refused.value.message
    assert Attachment.objects.count() == 0


def test_exif_and_gps_are_stripped(cast: Any, media: Path) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really carries EXIF
    att = attachment_create(actor=cast.citizen, upload=SimpleUploadedFile("p.jpg", original))
    image = Image.open(io.BytesIO(stored(att)))
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored(att)


def test_a_pdf_is_never_served_inline(cast: Any, media: Path) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF"
    att = attachment_create(
        actor=cast.citizen, upload=SimpleUploadedFile("证据.pdf", pdf), allowed_types=DOCUMENT_TYPES
    )
    from zhenwu.core.web import attachment_response

    response = attachment_response(att)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_an_image_is_served_inline_but_never_cached(cast: Any, media: Path) -> None:
    att = attachment_create(
        actor=cast.citizen, upload=SimpleUploadedFile("a.png", png()), allowed_types=IMAGE_TYPES
    )
    from zhenwu.core.web import attachment_response

    response = attachment_response(att)
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"


def test_an_oversized_body_is_refused_before_it_is_read(client: Client, db: Any, settings: Any) -> None:
    settings.ZHENWU_REQUEST_MAX_BYTES = 1024 * 1024

    class Unreadable(io.RawIOBase):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the body was read")

    response = client.generic(
        "POST",
        "/public/h5/",
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "文件过大" in response.content.decode() or "过大" in response.content.decode()


@pytest.mark.parametrize("url", ["/workbench/", "/workorders/", "/workorders/export/", "/calendar/"])
def test_staff_pages_and_exports_are_not_cached(client: Client, cast: Any, url: str) -> None:
    response = login(client, cast.town_admin).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached(client: Client, db: Any) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")
