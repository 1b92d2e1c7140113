"""Evidence photos are re-encoded before they are stored: what is kept is pixels, not the uploaded file
(no hidden payload, no EXIF with the photographer's GPS position), at most 2560 px on the long side."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from zhenwu.core.errors import DomainError

MAX_SIDE = 2560
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


def reencode_image(upload: Any, *, max_bytes: int) -> Any:
    """A clean copy of an uploaded photo; a file that is not a JPEG/PNG/WebP photo is returned as is
    (the attachment service refuses it by its content), a damaged one is a Chinese error."""
    from PIL import Image, UnidentifiedImageError

    size = upload.size or 0
    if size == 0 or size > max_bytes:
        return upload  # the attachment service names the problem
    upload.seek(0)
    try:
        with Image.open(upload) as img:
            fmt = img.format or ""
            if fmt not in FORMATS:
                upload.seek(0)
                return upload
            img.load()
            clean = img.convert("RGBA" if fmt == "PNG" and img.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or head[8:12] == b"WEBP":
            raise DomainError(
                f"照片“{upload.name}”已损坏或无法识别，请重新拍摄后上传。", field="photos"
            ) from None
        return upload
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    clean.save(buffer, format=fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    content_type, ext = FORMATS[fmt]
    stem = (upload.name or "photo").rsplit(".", 1)[0][:200]
    return SimpleUploadedFile(stem + ext, buffer.getvalue(), content_type=content_type)
