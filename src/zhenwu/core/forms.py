"""Forms of the shared pages: the holiday calendar editor."""

from __future__ import annotations

from typing import Any

from django import forms

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
