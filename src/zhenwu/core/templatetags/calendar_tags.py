"""`{{ some_deadline|provisional_mark }}`: a 暂定 badge next to a date computed from a provisional year."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def is_provisional(value: Any) -> bool:
    from zhenwu.core.selectors import get_work_calendar

    if not isinstance(value, date | datetime):
        return False
    return get_work_calendar().is_provisional(value)


@register.filter
def provisional_mark(value: Any) -> SafeString | str:
    if not is_provisional(value):
        return ""
    return format_html(
        ' <span class="badge bg-yellow-lt zw-provisional" title="{}">暂定</span>',
        "该年度的节假日安排尚未正式公布，按国家放假规则暂算；正式安排公布后自动重算，只会顺延、不会提前。",
    )
