"""Forms of 小牛办: list filters (a bad query parameter is a message, never a 500), intake, tracking, rating."""

from __future__ import annotations

from typing import Any

from django import forms

from zhenwu.core.forms import MultipleFileField, control
from zhenwu.govservices.choices import Channel, Score, ServiceMode, Status
from zhenwu.govservices.services import SLOTS, MergedMaterial

DOC_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


def _clean_text(value: str) -> str:
    return value.replace("\x00", "").strip()


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs=control(placeholder="办件编号、事项或申请人")),
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label="渠道",
        required=False,
        choices=[("", "全部渠道"), *Channel.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    open_only = forms.BooleanField(label="只看在办", required=False)

    def clean_q(self) -> str:
        return _clean_text(self.cleaned_data.get("q") or "")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="搜索事项",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs=control(placeholder="如：卫生许可、开店、注销")),
    )

    def query(self) -> str:
        if not self.is_valid():
            return ""
        return _clean_text(self.cleaned_data.get("q") or "")


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    note = forms.CharField(
        label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs=control(rows=2))
    )
    days = forms.IntegerField(label="补正期限（工作日）", required=False, min_value=1, max_value=30)
    files = MultipleFileField(label="补正材料", required=False, accept=DOC_ACCEPT)


def apply_form_class(
    *,
    fields: list[dict[str, str]],
    materials: list[MergedMaterial],
    units: list[Any],
    staff: bool,
) -> type[forms.Form]:
    """One merged form: applicant, the union of the items' fields, one upload per shared material."""
    attrs: dict[str, Any] = {
        "applicant_name": forms.CharField(
            label="申请人（姓名或单位名称）", max_length=80, widget=forms.TextInput(attrs=control())
        ),
        "applicant_phone": forms.CharField(
            label="联系电话", max_length=20, widget=forms.TextInput(attrs=control(inputmode="tel"))
        ),
        "unit": forms.TypedChoiceField(
            label="办理地点",
            choices=[(u.pk, u.name) for u in units],
            coerce=int,
            widget=forms.Select(attrs={"class": "form-select"}),
        ),
        "client_token": forms.CharField(widget=forms.HiddenInput, required=False, max_length=64),
    }
    if staff:
        attrs["service_mode"] = forms.ChoiceField(
            label="服务方式", choices=ServiceMode.choices, widget=forms.Select(attrs={"class": "form-select"})
        )
    for f in fields:
        widget = (
            forms.Textarea(attrs=control(rows=2))
            if f["kind"] == "textarea"
            else forms.TextInput(attrs=control())
        )
        attrs[f"f_{f['key']}"] = forms.CharField(label=f["label"], max_length=500, widget=widget)
    for m in materials:
        hint = "（多个事项共用，只需上传一次）" if m.shared else ""
        attrs[f"m_{m.key}"] = forms.FileField(
            label=f"{m.name}{hint}",
            required=m.required and not staff and m.source != "licence_library",
            help_text=(m.standard or "") + ("；用于：" + "、".join(m.used_by) if m.shared else ""),
            widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": DOC_ACCEPT}),
        )
    return type("ApplyForm", (forms.Form,), attrs)


class TrackForm(forms.Form):
    number = forms.CharField(
        label="申请编号",
        max_length=40,
        widget=forms.TextInput(attrs=control(placeholder="如 XNB-20261128-0001")),
    )
    code = forms.CharField(
        label="查询码", max_length=12, widget=forms.TextInput(attrs=control(autocomplete="off"))
    )

    def clean_number(self) -> str:
        return _clean_text(self.cleaned_data["number"]).upper()


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label="评价", choices=Score.choices, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="评价意见（可选）", required=False, max_length=500, widget=forms.Textarea(attrs=control(rows=2))
    )


class SupplementForm(forms.Form):
    files = MultipleFileField(label="补正材料", accept=DOC_ACCEPT)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="注销原因", max_length=200, widget=forms.TextInput(attrs=control()))


class NoteForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs=control(rows=3))
    )


class LicenceLookupForm(forms.Form):
    code = forms.CharField(
        label="证照编号",
        max_length=40,
        widget=forms.TextInput(attrs=control(placeholder="扫码或输入证照编号")),
    )

    def clean_code(self) -> str:
        return _clean_text(self.cleaned_data["code"]).upper()


class BookingForm(forms.Form):
    window = forms.TypedChoiceField(
        label="办理窗口", coerce=int, choices=[], widget=forms.Select(attrs={"class": "form-select"})
    )
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs=control(type="date")))
    slot = forms.ChoiceField(
        label="时段",
        choices=[(s.strftime("%H:%M"), f"{s:%H:%M}–{s.hour + 1:02d}:00") for s in SLOTS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(label="姓名", max_length=80, widget=forms.TextInput(attrs=control()))
    phone = forms.CharField(
        label="联系电话", max_length=20, widget=forms.TextInput(attrs=control(inputmode="tel"))
    )

    def __init__(self, *args: Any, windows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = [(w.pk, w.name) for w in windows]  # type: ignore[attr-defined]


class ItemReviseForm(forms.Form):
    """Change the everyday elements of an item; saving makes a new version."""

    name = forms.CharField(label="事项名称", max_length=120, widget=forms.TextInput(attrs=control()))
    conditions = forms.CharField(label="受理条件", widget=forms.Textarea(attrs=control(rows=3)))
    legal_limit = forms.IntegerField(
        label="法定办结时限", min_value=0, max_value=3650, widget=forms.NumberInput(attrs=control())
    )
    promised_limit = forms.IntegerField(
        label="承诺办结时限", min_value=0, max_value=3650, widget=forms.NumberInput(attrs=control())
    )
    location = forms.CharField(label="办理地点", max_length=200, widget=forms.TextInput(attrs=control()))
    hours = forms.CharField(label="办理时间", max_length=200, widget=forms.TextInput(attrs=control()))
    consult_channel = forms.CharField(
        label="咨询方式", max_length=200, widget=forms.TextInput(attrs=control())
    )
    complaint_channel = forms.CharField(
        label="投诉方式", max_length=200, widget=forms.TextInput(attrs=control())
    )
    note = forms.CharField(label="变更说明", max_length=200, widget=forms.TextInput(attrs=control()))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="事项目录（xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
