"""Shared writes: holiday calendar, document numbers, attachments."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F

from zhenwu.core.db import hot_cursor
from zhenwu.core.errors import DomainError, PermissionDeniedError
from zhenwu.core.models import Attachment, CalendarDay, CalendarYear, NumberSequence
from zhenwu.core.parts import has_capability
from zhenwu.core.parts import record_audit as audit_record
from zhenwu.core.selectors import build_work_calendar

CALENDAR_VERSION_KEY = "zhenwu:calendar:version"
MANAGE_CALENDAR = "core.manage_calendar"  # orgs.choices.Capability.MANAGE_CALENDAR


def calendar_changed() -> None:
    try:
        cache.incr(CALENDAR_VERSION_KEY)
    except ValueError:
        cache.set(CALENDAR_VERSION_KEY, 1, None)


def calendar_seed(*, actor: Any = None, years: list[int] | None = None) -> int:
    """Load official holidays and 调休 days from chinesecalendar; days edited by hand are kept."""
    from zhenwu.core.workcalendar import chinese_calendar_seed

    known, days = chinese_calendar_seed()
    wanted = set(years) if years else known
    created = 0
    with transaction.atomic():
        for year in sorted(wanted & known):
            CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinesecalendar"})
        manual = set(CalendarDay.objects.filter(source="manual").values_list("date", flat=True))
        existing = set(CalendarDay.objects.values_list("date", flat=True))
        rows = [
            CalendarDay(date=d, is_workday=is_workday, name=name, source="chinesecalendar")
            for d, (is_workday, name) in sorted(days.items())
            if d.year in wanted and d not in manual and d not in existing
        ]
        CalendarDay.objects.bulk_create(rows, batch_size=500)
        created = len(rows)
        if created and actor is not None:
            audit_record(
                actor=actor,
                action="calendar.seed",
                object_type="core.calendarday",
                message=f"导入 {created} 个节假日/调休日",
            )
    calendar_changed()
    return created


def _require_calendar_admin(actor: Any) -> None:
    from zhenwu.core.actors import is_system

    if is_system(actor):
        return  # `zhenwu calendar ...` on the server and the daily beat task
    if not has_capability(actor, MANAGE_CALENDAR):
        raise PermissionDeniedError("您没有维护节假日日历的权限。")


@transaction.atomic
def calendar_year_add(*, actor: Any, year: int, note: str = "") -> CalendarYear:
    """Declare a year known (after its official schedule is published); then enter its exceptions."""
    _require_calendar_admin(actor)
    if year < 2000 or year > 2100:
        raise DomainError("年度应在 2000 至 2100 之间。", field="year")
    old = build_work_calendar()
    obj, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": "manual", "note": note})
    if not created:
        raise DomainError(f"{year} 年已在日历中。", field="year")
    audit_record(actor=actor, action="calendar.year_add", obj=obj, message=note)
    calendar_changed()
    recompute_deadlines(actor=actor, old=old)
    return obj


# --------------------------------------------------------------------------- official years


def _official_year_write(
    *, actor: Any, year: int, days: dict[date, tuple[bool, str]], source: str, note: str = ""
) -> int:
    """Make ``year`` official with exactly ``days`` as its exceptions (hand-edited days kept)."""
    old = build_work_calendar()
    obj, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "note": note})
    manual = set(CalendarDay.objects.filter(source="manual", date__year=year).values_list("date", flat=True))
    CalendarDay.objects.filter(date__year=year).exclude(source="manual").delete()
    rows = [
        CalendarDay(date=d, is_workday=workday, name=name[:40], source=source)
        for d, (workday, name) in sorted(days.items())
        if d not in manual and workday != (d.weekday() < 5)
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    audit_record(
        actor=actor,
        action="calendar.official_year",
        obj=obj,
        message=f"{year} 年正式节假日安排：{len(rows)} 个节假日/调休日（来源：{source}）",
    )
    calendar_changed()
    return recompute_deadlines(actor=actor, old=old)


@transaction.atomic
def calendar_sync(*, actor: Any, year: int) -> int:
    """Take ``year``'s official schedule from the installed chinesecalendar package."""
    from zhenwu.core.workcalendar import chinese_calendar_seed

    _require_calendar_admin(actor)
    known, days = chinese_calendar_seed([year])
    if year not in known:
        import chinese_calendar

        version = getattr(chinese_calendar, "__version__", "")
        raise DomainError(
            f"已安装的节假日数据包（chinesecalendar {version}）还没有 {year} 年的安排。"
            f"请在国务院办公厅发布通知后升级该软件包，或在“节假日日历”页面手工录入或导入 {year} 年的安排。",
            code="year_not_in_package",
        )
    return _official_year_write(actor=actor, year=year, days=days, source="chinesecalendar")


IMPORT_HEADERS = ("日期", "类型", "名称")
_TYPE_WORDS = {"放假": False, "休息": False, "节假日": False, "上班": True, "调休上班": True, "工作日": True}


@transaction.atomic
def calendar_import_xlsx(*, actor: Any, year: int, content: bytes) -> int:
    """Import ``year``'s holidays and 调休 working days from a spreadsheet: 日期 | 类型 | 名称.

    Every bad row is reported with its row and column; nothing is written unless all rows are good.
    """
    import io
    from datetime import datetime as dt

    from openpyxl import load_workbook

    _require_calendar_admin(actor)
    try:
        ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:
        raise DomainError("无法读取该文件：请上传 .xlsx 格式的表格。", field="file") from exc
    rows = list(ws.iter_rows(values_only=True))
    if not rows or tuple(str(c or "").strip() for c in rows[0][:3]) != IMPORT_HEADERS:
        raise DomainError("第 1 行应为表头：日期、类型、名称（可下载模板对照）。", field="file")
    errors: list[str] = []
    days: dict[date, tuple[bool, str]] = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = list(row[:3]) + [None] * (3 - len(row[:3]))
        raw_date, raw_type, raw_name = cells
        if raw_date is None and raw_type is None and raw_name is None:
            continue
        if isinstance(raw_date, dt):
            day: date | None = raw_date.date()
        elif isinstance(raw_date, date):
            day = raw_date
        else:
            try:
                day = date.fromisoformat(str(raw_date or "").strip().replace("/", "-"))
            except ValueError:
                day = None
        if day is None:
            errors.append(
                f"第 {n} 行 A 列（日期）：“{raw_date or ''}”不是有效日期，应写成 {year}-10-01 这样的格式。"
            )
            continue
        if day.year != year:
            errors.append(f"第 {n} 行 A 列（日期）：{day.isoformat()} 不在 {year} 年内。")
            continue
        kind = str(raw_type or "").strip()
        if kind not in _TYPE_WORDS:
            errors.append(f"第 {n} 行 B 列（类型）：应填“放假”或“上班”，而不是“{kind}”。")
            continue
        workday = _TYPE_WORDS[kind]
        if day in days and days[day][0] != workday:
            errors.append(f"第 {n} 行 B 列（类型）：{day.isoformat()} 同时被标为放假和上班。")
            continue
        days[day] = (workday, str(raw_name or "").strip() or ("调休上班" if workday else "节假日"))
    if errors:
        raise DomainError("导入失败，未写入任何数据：" + "；".join(errors[:20]), field="file")
    if not days:
        raise DomainError("表格中没有任何日期。", field="file")
    return _official_year_write(actor=actor, year=year, days=days, source="import")


def recompute_deadlines(*, actor: Any, old: Any) -> int:
    """After a calendar change, let every part move its open deadlines (never earlier)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from zhenwu.core.parts import deadline_recomputers
    from zhenwu.core.selectors import build_work_calendar as build
    from zhenwu.core.workcalendar import UnknownCalendarYear

    new = build()
    today = timezone.localdate()
    anchor: date | None = None
    day = today
    for _ in range(3 * 366):  # the first day from today on where the two calendars differ
        states = []
        for calendar in (old, new):
            try:
                states.append(calendar.is_workday(day))
            except UnknownCalendarYear:
                states.append(None)
        if states == [None, None]:
            break  # beyond what either calendar covers: nothing further can differ
        if states[0] != states[1]:
            anchor = day
            break
        day += timedelta(days=1)
    if anchor is None:
        return 0
    since = datetime.combine(anchor, time.min, tzinfo=new.tz)
    return sum(recompute(actor=actor, old=old, new=new, since=since) for recompute in deadline_recomputers())


@transaction.atomic
def calendar_day_set(*, actor: Any, day: date, is_workday: bool, name: str = "") -> CalendarDay | None:
    """Mark a date as holiday or working day; a date that matches the Mon-Fri rule needs no row."""
    _require_calendar_admin(actor)
    if not CalendarYear.objects.filter(year=day.year).exists():
        raise DomainError(f"请先添加 {day.year} 年度，再维护该年的节假日。", field="date")
    old = build_work_calendar()
    existing = CalendarDay.objects.filter(date=day).first()
    before = (
        {"is_workday": existing.is_workday, "name": existing.name}
        if existing
        else {"is_workday": day.weekday() < 5}
    )
    default_workday = day.weekday() < 5
    result: CalendarDay | None
    if is_workday == default_workday:
        if existing:
            existing.delete()
        result = None
    else:
        result, _ = CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "name": name.strip(), "source": "manual"}
        )
    audit_record(
        actor=actor,
        action="calendar.day_set",
        object_type="core.calendarday",
        object_id=day.isoformat(),
        object_repr=str(day),
        before=before,
        after={"is_workday": is_workday, "name": name.strip()},
    )
    calendar_changed()
    recompute_deadlines(actor=actor, old=old)
    return result


def next_number(key: str, day: date) -> int:
    """Gap-free per-day counter. Call inside the transaction that uses the number: a rollback returns it.

    The UPDATE takes a row lock on one narrow (key, day) row only, held until the caller commits.
    """
    return _next_number(key, day, None)[0]


def next_number_and_id(key: str, day: date, id_sequence: str) -> tuple[int, int]:
    """``next_number`` and, in the same statement, the next value of a PostgreSQL key sequence
    (core.db.id_sequence): the key of the row being numbered, known before it is inserted."""
    value, key_value = _next_number(key, day, id_sequence)
    assert key_value is not None
    return value, key_value


def _next_number(key: str, day: date, id_sequence: str | None) -> tuple[int, int | None]:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside transaction.atomic()")
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    # One statement on the hot path: increment and read back (PostgreSQL and SQLite >= 3.35 both RETURN).
    extra = ", nextval(%s::regclass)" if id_sequence else ""
    sql = f"UPDATE {table} SET last_value = last_value + 1 WHERE key = %s AND day = %s RETURNING last_value{extra}"  # noqa: S608 - table name from the model
    params: list[Any] = [key, day, id_sequence] if id_sequence else [key, day]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), (int(row[1]) if id_sequence else None)
    try:
        with transaction.atomic():
            NumberSequence.objects.create(key=key, day=day, last_value=1)
        value = 1
    except IntegrityError:
        NumberSequence.objects.filter(key=key, day=day).update(last_value=F("last_value") + 1)
        value = int(NumberSequence.objects.values_list("last_value", flat=True).get(key=key, day=day))
    if not id_sequence:
        return value, None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [id_sequence])
        return value, int(cursor.fetchone()[0])


def document_number(prefix: str, day: date, *, width: int = 4) -> str:
    """E.g. NT-20261128-0042."""
    value = next_number(prefix, day)
    return format_number(prefix, day, value, width=width)


def format_number(prefix: str, day: date, value: int, *, width: int = 4) -> str:
    return f"{prefix}-{day:%Y%m%d}-{value:0{width}d}"


# Magic bytes -> MIME type. The browser's claimed type and the file name are never trusted.
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
]
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
DOCUMENT_TYPES = IMAGE_TYPES | {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TYPE_LABELS = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/webp": "WebP 图片",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格(xlsx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档(docx)",
}


def sniff_content_type(head: bytes, name: str = "") -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, offset, mime in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if mime == "application/zip":
                lower = name.lower()
                if lower.endswith(".xlsx"):
                    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                if lower.endswith(".docx"):
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            return mime
    return "application/octet-stream"


PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def reencode_image(upload: UploadedFile, content_type: str) -> UploadedFile:
    """A fresh encoding of the uploaded image: only its pixels survive. Metadata (EXIF with GPS,
    comments, ICC), anything hidden after the image data (HTML, scripts, a second file) and a
    mismatched format are gone. The declared size is checked before any pixel is decoded, so a
    small file declaring 50000×50000 costs nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = settings.ZHENWU_IMAGE_MAX_PIXELS
    unreadable = DomainError("图片已损坏或不是有效的图片文件，请重新拍照或换一张图片。", field="file")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise DomainError(
                    f"图片尺寸过大：{width}×{height} 像素，上限 {max_pixels // 1_000_000} 百万像素。",
                    field="file",
                )
            if PIL_FORMATS.get(content_type) != image.format:
                raise unreadable
            image.load()
            clean = ImageOps.exif_transpose(image)
            fmt = image.format
    except DomainError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own bound (Image.MAX_IMAGE_PIXELS) hit first
        raise DomainError(
            f"图片尺寸过大：像素数超过上限 {max_pixels // 1_000_000} 百万像素。", field="file"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise unreadable from exc
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    if fmt == "PNG" and clean.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        clean = clean.convert("RGBA")
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 88} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(buffer, fmt, **options)
    return SimpleUploadedFile(upload.name or "image", buffer.getvalue(), content_type=content_type)


@transaction.atomic
def attachment_create(
    *, actor: Any, upload: UploadedFile, allowed_types: set[str] | None = None, max_bytes: int | None = None
) -> Attachment:
    allowed = allowed_types or IMAGE_TYPES
    limit = max_bytes or settings.ZHENWU_UPLOAD_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise DomainError("上传的文件是空的。", field="file")
    if size > limit:
        raise DomainError(f"文件过大：{size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB。", field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, upload.name or "")
    if content_type not in allowed:
        names = "、".join(sorted(TYPE_LABELS.get(t, t) for t in allowed))
        raise DomainError(f"文件类型不支持（实际内容不是允许的格式）。允许：{names}。", field="file")
    if content_type in IMAGE_TYPES:
        upload = reencode_image(upload, content_type)
        size = upload.size or 0
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="attachment.create",
        obj=attachment,
        extra={"size": size, "content_type": content_type, "sha256": attachment.sha256},
    )
    return attachment
