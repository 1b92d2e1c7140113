"""Forms of the shared pages (the holiday calendar editor) and the query-string filter parser every list uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

DATE_INVALID = "请输入有效的日期，例如 2027-01-01。"


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度。",
            "invalid": "年度应为四位数字，例如 2027。",
            "min_value": "年度应在 2000 至 2100 之间。",
            "max_value": "年度应在 2000 至 2100 之间。",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="依据",
        max_length=200,
        required=False,
        help_text="例如：国务院办公厅关于 2027 年部分节假日安排的通知",
        error_messages={"max_length": "依据最多 200 个字。"},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CalendarDayForm(forms.Form):
    DAY_TYPES = [("off", "休息（节假日）"), ("work", "上班（调休工作日）")]

    date = forms.DateField(
        label="日期",
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"],
        error_messages={"required": "请选择日期。", "invalid": DATE_INVALID},
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label="当天",
        choices=DAY_TYPES,
        initial="off",
        error_messages={"required": "请选择当天休息还是上班。", "invalid_choice": "请选择当天休息还是上班。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label="名称",
        max_length=40,
        required=False,
        help_text="例如：元旦、春节、国庆节调休。设为与常规相同（周一至周五上班、周末休息）时，该日的例外记录会被删除。",
        error_messages={"max_length": "名称最多 40 个字。"},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def cleaned_is_workday(self) -> bool:
        return self.cleaned_data["kind"] == "work"


def control(**attrs: Any) -> dict[str, Any]:
    """Widget attrs of a Tabler text control."""
    return {"class": "form-control", **attrs}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos); the services check each file's real type and size."""

    def __init__(self, *args: Any, accept: str = "image/jpeg,image/png,image/webp", **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CalendarImportForm(forms.Form):
    """The official schedule of a year from a spreadsheet: 日期 | 类型 (放假/上班) | 名称."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度。",
            "invalid": "年度应为四位数字，例如 2027。",
            "min_value": "年度应在 2000 至 2100 之间。",
            "max_value": "年度应在 2000 至 2100 之间。",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    file = forms.FileField(
        label="安排表（.xlsx）",
        help_text="三列：日期（如 2027-10-01）、类型（放假或上班）、名称（如 国庆节）。第 1 行为表头。",
        error_messages={"required": "请选择要导入的 .xlsx 文件。"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError("文件过大：安排表应小于 2 MB。")
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的表格。")
        return f


class FilterForm(forms.Form):
    """A list's query-string filters. A bad value (NUL, a quote, `abc` for a number, 1e309, a huge
    string) is dropped with a Chinese message and the list renders unfiltered on that field; it never
    reaches the database. `values` is the cleaned filters, with each field's `initial` for a bad one."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, *args, **kwargs)

    @property
    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {name: self.cleaned_data.get(name, field.initial) for name, field in self.fields.items()}

    def problems(self) -> list[str]:
        """One Chinese sentence per bad filter, for messages.warning."""
        self.is_valid()
        result = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            text = "；".join(str(e) for e in errors)
            result.append(f"筛选条件“{label or name}”无效，已忽略：{text}")
        return result


def read_filters(
    request: Any, form_class: type[FilterForm], *, quiet: bool = False, **kwargs: Any
) -> dict[str, Any]:
    """Parse `request.GET` with `form_class`; warn about each bad value (not on downloads: `quiet`)."""
    from django.contrib import messages

    form = form_class(request.GET, **kwargs)
    values = form.values
    if not quiet:
        for problem in form.problems():
            messages.warning(request, problem)
    return values


def text_filter(label: str, max_length: int = 100) -> forms.CharField:
    """A search box: NUL and over-long text are refused (the list shows unfiltered with a message)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={
            "max_length": f"{label}最多 {max_length} 个字。",
            "null_characters_not_allowed": "不能包含空字符。",
        },
    )


def choice_filter(label: str, choices: Any, initial: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        initial=initial,
        choices=[("", "全部"), *list(choices)],
        error_messages={"invalid_choice": "没有这个选项。"},
    )


def integer_filter(
    label: str, min_value: int | None = None, max_value: int | None = None
) -> forms.IntegerField:
    message = (
        "请输入整数。"
        if min_value is None or max_value is None
        else f"请输入 {min_value} 至 {max_value} 之间的整数。"
    )
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=min_value,
        max_value=max_value,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def id_filter(label: str) -> forms.IntegerField:
    """A record id in the query string (unit, month, episode): a positive 64-bit integer or nothing."""
    return integer_filter(label, 1, 2**63 - 1)


# ---------------------------------------------------------------- selects rendered once per version

_OPTIONS: dict[str, tuple[Any, str]] = {}


def forget_rendered_options() -> None:
    _OPTIONS.clear()


class VersionedOptionsMixin:
    """A select whose ``<option>`` list is rendered once per version of its source and kept in the
    process, instead of a query and a template per option on every page.

    ``keep_options(key, stamp)`` turns it on for one form: ``key`` names the list (one per field
    and queryset), ``stamp`` is what changes with its source (``core.versions.read``). Without it
    the widget renders as Django's. Only the options are kept; the field still validates against
    its queryset.
    """

    options_key = ""
    options_stamp: Any = None

    def keep_options(self, key: str, stamp: Any) -> None:
        self.options_key, self.options_stamp = key, stamp

    def _options_html(self) -> str | None:
        kept = _OPTIONS.get(self.options_key)
        if kept is not None and kept[0] == self.options_stamp:
            return kept[1]
        parts = []
        for value, label in self.choices:  # type: ignore[attr-defined]
            if isinstance(label, list | tuple):  # option groups: rendered by Django every time
                return None
            option_value = "" if value is None else str(value)
            parts.append(
                f'<option value="{conditional_escape(option_value)}">{conditional_escape(label)}</option>'
            )
        html = "".join(parts)
        _OPTIONS[self.options_key] = (self.options_stamp, html)
        return html

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        options = self._options_html() if self.options_key and self.options_stamp is not None else None
        if options is None:
            return super().render(name, value, attrs, renderer)  # type: ignore[misc]
        final = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            final["multiple"] = True
        for selected in dict.fromkeys(self.format_value(value)):  # type: ignore[attr-defined]
            tag = f'<option value="{conditional_escape(selected)}">'
            options = options.replace(tag, tag[:-1] + " selected>", 1)
        return mark_safe(f'<select name="{conditional_escape(name)}"{flatatt(final)}>{options}</select>')  # noqa: S308 - every part escaped above


class VersionedSelect(VersionedOptionsMixin, forms.Select):
    pass


class VersionedSelectMultiple(VersionedOptionsMixin, forms.SelectMultiple):
    pass
