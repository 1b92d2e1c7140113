"""Forms of 专项行动 and 目标任务, list filters included (a hostile query string is a message, never a 500)."""

from __future__ import annotations

from typing import Any

from django import forms

from zhenwu.campaigns.choices import CampaignStatus, Direction, Rag, ReportCycle, TargetSource
from zhenwu.core.forms import MultipleFileField
from zhenwu.core.parts import metric_choices

DOC_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.xlsx,.docx"


class StyledForm(forms.Form):
    """Tabler classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


def _year_field(required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label="年度",
        required=required,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位数字。"},
    )


class CampaignFilterForm(StyledForm):
    year = _year_field()
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CampaignStatus.choices]
    )
    rag = forms.ChoiceField(label="进度状态", required=False, choices=[("", "全部颜色"), *Rag.choices])


class CampaignForm(StyledForm):
    title = forms.CharField(label="行动名称", max_length=80)
    year = _year_field(required=True)
    leader = forms.ModelChoiceField(label="挂钩领导", queryset=None, required=False, empty_label="（请选择）")  # type: ignore[arg-type]
    leader_title = forms.CharField(label="挂钩领导职务", max_length=40, required=False)
    lead_unit = forms.ModelChoiceField(label="牵头部门", queryset=None, empty_label="（请选择）")  # type: ignore[arg-type]
    units = forms.ModelMultipleChoiceField(
        label="责任部门",
        queryset=None,
        required=False,
        help_text="牵头部门自动列入；可多选。",  # type: ignore[arg-type]
    )
    owner_name = forms.CharField(label="责任人", max_length=40)
    members = forms.CharField(label="专班成员", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(
        label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label="完成时限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    report_cycle = forms.ChoiceField(label="报送周期", choices=ReportCycle.choices)
    summary = forms.CharField(label="行动方案要点", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    plan_document = forms.FileField(label="行动方案文件(PDF/Word)", required=False)
    is_public = forms.BooleanField(label="向社会公开进度", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhenwu.accounts.models import User
        from zhenwu.orgs.models import Unit

        units = (
            Unit.objects.visible_to(user)
            .filter(is_active=True, kind__in=["town", "department", "village", "community"])
            .order_by("path")
        )
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__role__code="leader", memberships__is_active=True, is_active=True
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "完成时限不能早于开始日期。")
        return data


class MilestoneRowForm(StyledForm):
    title = forms.CharField(label="里程碑", max_length=120)
    due_date = forms.DateField(
        label="计划完成", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    weight = forms.IntegerField(
        label="权重(%)", error_messages={"invalid": "权重应为整数。"}, min_value=1, max_value=100
    )


class StepRowForm(StyledForm):
    name = forms.CharField(label="步骤", max_length=80)
    owner = forms.CharField(label="责任人", max_length=40, required=False)
    days = forms.IntegerField(label="工期(工作日)", error_messages={"invalid": "工期应为整数个工作日。"})


class ObjectiveRowForm(StyledForm):
    title = forms.CharField(label="目标", max_length=120)
    measure_unit = forms.CharField(label="计量单位", max_length=12)
    baseline = forms.DecimalField(label="基数", max_digits=12, decimal_places=2, initial=0)
    target_value = forms.DecimalField(label="目标值", max_digits=12, decimal_places=2)
    direction = forms.ChoiceField(label="方向", choices=Direction.choices)
    actual = forms.DecimalField(label="当前值", max_digits=12, decimal_places=2, required=False)


MilestoneFormSet = forms.formset_factory(
    MilestoneRowForm, extra=2, max_num=20, absolute_max=20, can_delete=True
)
StepFormSet = forms.formset_factory(StepRowForm, extra=2, max_num=30, absolute_max=30, can_delete=True)
ObjectiveFormSet = forms.formset_factory(
    ObjectiveRowForm, extra=1, max_num=10, absolute_max=10, can_delete=True
)


class ReportForm(StyledForm):
    text = forms.CharField(label="本期工作进展", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    problems = forms.CharField(
        label="存在问题与下步打算", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    photos = MultipleFileField(label="现场照片", required=False)
    files = MultipleFileField(label="佐证文件(PDF/Excel/Word)", required=False, accept=DOC_ACCEPT)
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args: Any, milestones: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.milestones = [m for m in milestones if m.progress < 100]
        for m in self.milestones:
            self.fields[f"ms_{m.pk}"] = forms.IntegerField(
                label=f"里程碑“{m.title}”进度(%)",
                initial=m.progress,
                required=False,  # left empty: unchanged
                min_value=0,
                max_value=100,
                error_messages={"invalid": "进度应为 0–100 的整数。"},
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )

    def milestone_progress(self) -> dict[int, int]:
        return {
            m.pk: self.cleaned_data[f"ms_{m.pk}"]
            for m in self.milestones
            if self.cleaned_data.get(f"ms_{m.pk}") is not None
        }


class CommentForm(StyledForm):
    text = forms.CharField(label="批示", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(max_length=500, required=False)


class TargetFilterForm(StyledForm):
    year = _year_field()


class TargetForm(StyledForm):
    unit = forms.ModelChoiceField(label="责任单位", queryset=None, empty_label="（请选择）")  # type: ignore[arg-type]
    year = _year_field(required=True)
    title = forms.CharField(label="目标任务", max_length=120)
    category = forms.CharField(label="类别", max_length=40, required=False)
    measure_unit = forms.CharField(label="计量单位", max_length=12, help_text="如：家、个、%、万元")
    target_value = forms.DecimalField(
        label="年度目标值", max_digits=14, decimal_places=2, error_messages={"invalid": "请输入数字。"}
    )
    direction = forms.ChoiceField(label="方向", choices=Direction.choices)
    source = forms.ChoiceField(label="完成值来源", choices=TargetSource.choices, widget=forms.RadioSelect)
    metric_key = forms.ChoiceField(
        label="系统指标", required=False, help_text="完成值来源选“系统指标自动读取”时选择。"
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhenwu.orgs.models import Unit

        self.fields["unit"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.visible_to(user, "change")
            .filter(is_active=True, kind__in=["town", "department", "village", "community"])
            .order_by("path")
        )
        self.fields["metric_key"].choices = [("", "（不使用）"), *metric_choices()]  # type: ignore[attr-defined]
        self.fields["source"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == TargetSource.METRIC and not data.get("metric_key"):
            self.add_error("metric_key", "请从列表中选择系统指标。")
        if data.get("target_value") is not None and data["target_value"] <= 0:
            self.add_error("target_value", "年度目标值应大于 0。")
        return data


class ActualForm(StyledForm):
    value = forms.DecimalField(
        label="完成值", max_digits=14, decimal_places=2, error_messages={"invalid": "请输入数字。"}
    )
    note = forms.CharField(label="完成情况说明", max_length=300)
    evidence = MultipleFileField(label="佐证材料", required=False, accept=DOC_ACCEPT)
