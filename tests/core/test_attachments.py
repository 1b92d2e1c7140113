"""Attachments: the type is sniffed from the bytes, never taken from the name or the browser."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhenwu.audit.models import AuditEvent
from zhenwu.core.errors import DomainError
from zhenwu.core.models import Attachment
from zhenwu.core.services import DOCUMENT_TYPES, attachment_create


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def tiny_png() -> bytes:
    """A valid 1x1 red PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_real_png_is_stored(cast: Any, media: Path) -> None:
    data = tiny_png()
    upload = SimpleUploadedFile("现场照片.png", data, content_type="image/png")
    attachment = attachment_create(actor=cast.yahe_cadre, upload=upload)
    attachment.refresh_from_db()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "现场照片.png"
    assert attachment.uploaded_by == cast.yahe_cadre
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media)
    # Re-encoded (issue 9, item 11): the same pixels, size and digest of what is stored.
    content = stored.read_bytes()
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert Image.open(io.BytesIO(content)).convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    assert Image.open(io.BytesIO(data)).convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    event = AuditEvent.objects.get(action="attachment.create")
    assert event.object_id == str(attachment.pk) and event.changes["extra"]["sha256"] == attachment.sha256


def test_the_claimed_type_and_name_are_not_trusted(cast: Any, media: Path) -> None:
    upload = SimpleUploadedFile("photo.jpg", tiny_png(), content_type="image/jpeg")
    assert attachment_create(actor=cast.yahe_cadre, upload=upload).content_type == "image/png"


def test_text_named_png_is_refused(cast: Any, media: Path) -> None:
    upload = SimpleUploadedFile("photo.png", "这不是图片，是一段文字。".encode(), content_type="image/png")
    with pytest.raises(DomainError, match="文件类型") as exc:
        attachment_create(actor=cast.yahe_cadre, upload=upload)
    assert exc.value.field == "file"
    assert "PNG 图片" in exc.value.message  # tells what is allowed
    assert not Attachment.objects.exists() and _files(media) == []
    assert not AuditEvent.objects.filter(action="attachment.create").exists()


def test_an_oversize_file_is_refused(cast: Any, media: Path) -> None:
    data = tiny_png()
    upload = SimpleUploadedFile("big.png", data, content_type="image/png")
    with pytest.raises(DomainError, match="文件过大"):
        attachment_create(actor=cast.yahe_cadre, upload=upload, max_bytes=len(data) - 1)
    assert not Attachment.objects.exists() and _files(media) == []
    upload.seek(0)
    assert attachment_create(actor=cast.yahe_cadre, upload=upload, max_bytes=len(data)).size == len(data)


def test_the_default_size_limit_comes_from_settings(cast: Any, media: Path, settings: Any) -> None:
    settings.ZHENWU_UPLOAD_MAX_BYTES = 16
    with pytest.raises(DomainError, match="文件过大"):
        attachment_create(actor=cast.yahe_cadre, upload=SimpleUploadedFile("a.png", tiny_png()))


def test_an_empty_file_is_refused(cast: Any, media: Path) -> None:
    with pytest.raises(DomainError, match="空的"):
        attachment_create(actor=cast.yahe_cadre, upload=SimpleUploadedFile("empty.png", b""))
    assert not Attachment.objects.exists()


def test_a_pdf_needs_the_document_types(cast: Any, media: Path) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(DomainError, match="文件类型"):
        attachment_create(actor=cast.yahe_cadre, upload=SimpleUploadedFile("通报.pdf", pdf))
    attachment = attachment_create(
        actor=cast.yahe_cadre, upload=SimpleUploadedFile("通报.pdf", pdf), allowed_types=DOCUMENT_TYPES
    )
    assert attachment.content_type == "application/pdf"
