"""PDF documents of 小牛办 (WeasyPrint with Noto CJK): the licence with its QR code and the 蓝皮书 booklet."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from zhenwu.govservices.models import Bundle, ItemVersion, Licence, ServiceItem

FONT_CSS = "font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC', 'WenQuanYi Micro Hei', sans-serif;"


def qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()  # type: ignore[no-any-return]


def licence_pdf_bytes(licence: Licence, url: str) -> bytes:
    data = json.loads(licence.canonical)
    html = render_to_string(
        "govservices/pdf/licence.html",
        {"licence": licence, "data": data, "qr": qr_data_uri(url), "url": url, "font": FONT_CSS},
    )
    return html_to_pdf(html)


def catalogue_fingerprint() -> str:
    """Changes whenever an item, its version, its delegation or a bundle changes."""
    parts = [
        ServiceItem.objects.count(),
        ServiceItem.objects.aggregate(m=Max("updated_at"))["m"],
        ItemVersion.objects.aggregate(m=Max("id"))["m"],
        Bundle.objects.count(),
        Bundle.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def bluebook_html() -> str:
    items = list(
        ServiceItem.objects.filter(is_active=True)
        .select_related("current", "current__item_type")
        .prefetch_related("delegated_units")
    )
    return render_to_string(
        "govservices/pdf/bluebook.html",
        {
            "items": items,
            "bundles": Bundle.objects.prefetch_related("items"),
            "font": FONT_CSS,
            "today": timezone.localdate(),
            "town": getattr(settings, "ZHENWU_TOWN_NAME", "牛塘镇"),
        },
    )


def bluebook_path() -> Path:
    """The booklet for the current catalogue; built once per catalogue state and kept under VAR_DIR."""
    folder = Path(settings.VAR_DIR) / "govservices"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bluebook-{catalogue_fingerprint()}.pdf"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(html_to_pdf(bluebook_html()))
        tmp.replace(path)
        for old in folder.glob("bluebook-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
    return path
