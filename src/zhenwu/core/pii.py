"""Personal information: masking for display and validators with Chinese messages.

Masks follow common practice for Chinese government systems (手机号 138****8000,
身份证号 110105********002X, 姓名 张*). Validators implement GB 11643 (公民身份号码) and
GB 32100 (统一社会信用代码) check characters.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

__all__ = [
    "MASK_KINDS",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_value",
    "normalize_id_number",
    "normalize_uscc",
    "validate_id_number",
    "validate_mobile",
    "validate_uscc",
]

_MASK = "*"
_TZ = ZoneInfo("Asia/Shanghai")

_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(_USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i-1) mod 31 for i = 1..17


# --------------------------------------------------------------------------- masking


def _mask_middle(value: str, head: int, tail: int) -> str:
    """Keep up to ``head`` leading and ``tail`` trailing characters, revealing at most half."""
    n = len(value)
    if n == 0:
        return ""
    allowed = n // 2
    keep_tail = min(tail, allowed // 2)
    keep_head = min(head, allowed - keep_tail)
    return value[:keep_head] + _MASK * (n - keep_head - keep_tail) + value[n - keep_tail :]


def mask_phone(value: str | None) -> str:
    """Mask a telephone number for display.

    Mainland mobiles become ``138****8000`` (first 3 and last 4 digits, the national
    convention). Any other number keeps at most its first 3 and last 2 characters and never
    reveals more than half of them, e.g. ``0519-86123456`` -> ``051********56``.
    """
    text = (value or "").strip()
    compact = re.sub(r"[\s-]", "", text)
    if _MOBILE_RE.match(compact):
        return compact[:3] + _MASK * 4 + compact[-4:]
    return _mask_middle(text, 3, 2)


def mask_id_number(value: str | None) -> str:
    """Mask an identity document number: ``11010519491231002X`` -> ``110105********002X``.

    18-character 居民身份证号码 keep the first 6 (region) and last 4 characters; other
    lengths keep at most half of the characters.
    """
    text = (value or "").strip()
    if len(text) == 18:
        return text[:6] + _MASK * 8 + text[-4:]
    return _mask_middle(text, 6, 4)


def mask_name(value: str | None) -> str:
    """Mask a personal name, keeping only the first character: 张三 -> 张*, 欧阳娜娜 -> 欧***."""
    text = (value or "").strip()
    if len(text) <= 1:
        return _MASK * len(text)
    return text[0] + _MASK * (len(text) - 1)


MASK_KINDS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "name": mask_name,
}


def mask_value(kind: str, value: str | None) -> str:
    """Mask ``value`` according to ``kind`` (``"phone"``, ``"id_number"`` or ``"name"``)."""
    try:
        masker = MASK_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown PII kind: {kind!r}") from None
    return masker(value)


# --------------------------------------------------------------------------- validators


def validate_mobile(value: str) -> None:
    """Mainland China mobile number: 11 digits starting with 13-19."""
    if not isinstance(value, str) or not _MOBILE_RE.match(value.strip()):
        raise ValidationError("请输入11位手机号码，例如 13800138000。", code="invalid_mobile")


def normalize_id_number(value: str) -> str:
    """Canonical form of a 居民身份证号码: surrounding whitespace removed, ``x`` upper-cased."""
    return value.strip().upper()


def _today() -> date:
    return datetime.now(_TZ).date()


def validate_id_number(value: str) -> None:
    """GB 11643 18-digit 公民身份号码: format, birth date and check character."""
    text = normalize_id_number(value) if isinstance(value, str) else ""
    if not _ID_RE.match(text):
        raise ValidationError(
            "身份证号码应为18位：前17位为数字，最后一位为数字或字母X。",
            code="id_number_format",
        )
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > _today():
        raise ValidationError(
            "身份证号码中的出生日期（第7至14位）无效，应为1900年以后且不晚于今天的真实日期。",
            code="id_number_birth_date",
        )
    total = sum(int(ch) * w for ch, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if text[17] != _ID_CHECK_CHARS[total % 11]:
        raise ValidationError("身份证号码校验码不正确，请核对后重新输入。", code="id_number_checksum")


def normalize_uscc(value: str) -> str:
    """Canonical form of a 统一社会信用代码: surrounding whitespace removed, upper case."""
    return value.strip().upper()


def validate_uscc(value: str) -> None:
    """GB 32100 统一社会信用代码: 18 characters from the code charset and a valid check character."""
    text = normalize_uscc(value) if isinstance(value, str) else ""
    if len(text) != 18 or any(ch not in _USCC_VALUES for ch in text):
        raise ValidationError(
            "统一社会信用代码应为18位，由数字和大写英文字母组成（不含 I、O、Z、S、V）。",
            code="uscc_format",
        )
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(text[:17], _USCC_WEIGHTS, strict=True))
    expected = _USCC_CHARSET[(31 - total % 31) % 31]
    if text[17] != expected:
        raise ValidationError("统一社会信用代码校验码不正确，请核对后重新输入。", code="uscc_checksum")


_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[2-9]\d{6,7})$")


def normalize_phone(value: str | None) -> str:
    """A mobile (13800138000) or a landline (0519-86123456, 86123456), compacted; '' when empty.

    Raises ValidationError with a Chinese message when it is neither.
    """
    text = re.sub(r"[\s()（）]", "", value or "")
    if not text:
        return ""
    if text.startswith("+86"):
        text = text[3:]
    if not _PHONE_RE.match(text):
        raise ValidationError(
            "电话号码格式不正确：手机号应为11位（如13800138000），固话如0519-86123456。", code="invalid_phone"
        )
    return text


def is_mobile(value: str | None) -> bool:
    return bool(value) and bool(_MOBILE_RE.match(str(value)))
