"""Forms of the assessment pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from zhenwu.assessment.choices import (
    IndicatorKind,
    IndicatorSource,
    ObjectionAction,
    ObjectionStatus,
    RectificationStatus,
)
from zhenwu.assessment.models import Indicator
from zhenwu.core import forms as core_forms
from zhenwu.orgs.models import Unit


class MultipleFileField(core_forms.MultipleFileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


def _control(field: forms.Field, cls: str = "form-control") -> forms.Field:
    field.widget.attrs.setdefault("class", cls)
    return field


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="被考核单位", queryset=Unit.objects.none(), empty_label="请选择村（社区）"
    )
    indicator = forms.ModelChoiceField(
        label="考核细则", queryset=Indicator.objects.none(), empty_label="请选择细则"
    )
    count = forms.IntegerField(label="处数", min_value=1, max_value=999, initial=1)
    found_on = forms.DateField(
        label="检查日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    note = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label="照片", help_text="可拍照或从相册选择，可多张")
    lat = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    long = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    photo_times = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_photo_times(self) -> list[str]:
        """The capture times the page read from the photos (ISO 8601, one per photo); bad ones dropped."""
        from datetime import datetime

        out = []
        for raw in (self.cleaned_data.get("photo_times") or "").split(",")[:20]:
            try:
                out.append(datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).isoformat())
            except ValueError:
                out.append("")
        return out if any(out) else []

    def __init__(self, *args: Any, units: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["indicator"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.item.name} · {i.name}（{i.get_kind_display()}，每处{i.points_per_finding}分）"
        )
        self.fields["found_on"].initial = timezone.localdate()
        for name, field in self.fields.items():
            if name != "photos":
                _control(field, "form-select" if name in ("unit", "indicator") else "form-control")


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label="申诉理由", widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    evidence = MultipleFileField(
        label="证据材料",
        help_text="照片或 PDF",
        accept="image/*,application/pdf",
    )


class RectifyForm(forms.Form):
    note = forms.CharField(
        label="整改情况", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    photos = MultipleFileField(label="整改后照片")


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="核验结果",
        choices=[("1", "整改到位，核验通过"), ("0", "未整改到位，退回")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="核验意见", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class DecideForm(forms.Form):
    action = forms.ChoiceField(
        label="审核结果",
        choices=[
            (ObjectionAction.UPHOLD.value, "申诉成立，撤销扣分"),
            (ObjectionAction.UPHOLD_PART.value, "部分成立，按认定处数重算扣分"),
            (ObjectionAction.REJECT.value, "申诉不成立，维持扣分"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    accepted_count = forms.IntegerField(label="审核后认定处数", required=False, min_value=1, max_value=100000)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="重新开启原因", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class WeightForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="（按类别统一设定）"
    )
    unit_kind = forms.ChoiceField(
        label="单位类别", choices=[("", "—"), ("village", "村"), ("community", "社区")], required=False
    )
    valid_from = forms.DateField(
        label="起用月份", widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.item_codes = [i.code for i in items]
        for item in items:
            self.fields[f"w_{item.code}"] = forms.DecimalField(
                label=f"{item.name}权重", min_value=0, max_value=1, decimal_places=4, max_digits=6
            )
        for name, field in self.fields.items():
            _control(field, "form-select" if name in ("unit", "unit_kind") else "form-control")

    def weights(self) -> dict[str, Any]:
        return {code: self.cleaned_data[f"w_{code}"] for code in self.item_codes}


SAATY_WORDS = {
    1: "同等重要",
    2: "介于同等与稍微之间",
    3: "稍微重要",
    4: "介于稍微与明显之间",
    5: "明显重要",
    6: "介于明显与强烈之间",
    7: "强烈重要",
    8: "介于强烈与极端之间",
    9: "极端重要",
}


def saaty_choices() -> list[tuple[str, str]]:
    """Saaty's 1–9 scale for one pair: the first item more important (9…2), equal (1), the second (1/2…1/9)."""
    first = [(str(v), f"前者{SAATY_WORDS[v]}（{v}）") for v in range(9, 1, -1)]
    second = [(f"1/{v}", f"后者{SAATY_WORDS[v]}（1/{v}）") for v in range(2, 10)]
    return [*first, ("1", "两者同等重要（1）"), *second]


class AhpForm(forms.Form):
    """The AHP judgement as pairwise comparisons of the scheme's items on Saaty's 1–9 scale."""

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.pairs: list[tuple[int, int, Any]] = []
        for i, a in enumerate(self.items):
            for j in range(i + 1, len(self.items)):
                b = self.items[j]
                name = f"pair_{i}_{j}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{a.name} 与 {b.name}",
                    choices=saaty_choices(),
                    initial="1",
                    widget=forms.Select(
                        attrs={"class": "form-select zw-ahp-pair", "data-i": str(i), "data-j": str(j)}
                    ),
                )
                self.pairs.append((i, j, name))

    @property
    def pair_fields(self) -> list[Any]:
        return [self[name] for _, _, name in self.pairs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        n = len(self.items)
        matrix: list[list[str]] = [["1"] * n for _ in range(n)]
        for i, j, name in self.pairs:
            value = data.get(name)
            if value is None:
                continue
            matrix[i][j] = value
            matrix[j][i] = value[2:] if value.startswith("1/") else (f"1/{value}" if value != "1" else "1")
        data["matrix"] = matrix
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="检查结果表（xlsx）",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=120)
    held_on = forms.DateField(
        label="会议日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label="地点", max_length=120, required=False)
    attendees = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="决定事项", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    unit = forms.ModelChoiceField(
        label="交办单位", queryset=Unit.objects.none(), required=False, empty_label="（不交办）"
    )
    deadline = forms.DateField(
        label="完成期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].widget.attrs["class"] = "form-select"


class CompleteForm(forms.Form):
    note = forms.CharField(
        label="完成情况", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class IndicatorForm(forms.Form):
    item = forms.ModelChoiceField(label="考核项目", queryset=None, empty_label=None)  # type: ignore[arg-type]
    code = forms.SlugField(label="细则编码", max_length=40, help_text="字母、数字，如 ljlf")
    name = forms.CharField(label="细则内容", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=IndicatorKind.choices)
    source = forms.ChoiceField(label="来源", choices=IndicatorSource.choices)
    points_per_finding = forms.DecimalField(
        label="每处扣（加）分", min_value=0, max_digits=6, decimal_places=2, initial=1
    )
    max_score = forms.DecimalField(label="分值上限", min_value=0, max_digits=6, decimal_places=2, initial=10)
    metric_key = forms.ChoiceField(label="数据指标（系统计算类）", required=False)

    FORMULA_ROWS = 5
    FORMULA_INITIAL = [("0.6", "0"), ("0.95", "5")]  # 按期办结率 60% 得 0 分、95% 及以上得 5 分

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        from zhenwu.assessment.computed import metric_choices

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["metric_key"].choices = [("", "—"), *metric_choices()]  # type: ignore[attr-defined]
        # 换算公式: rows of (指标值, 得分), not JSON text.
        for i in range(1, self.FORMULA_ROWS + 1):
            value, score = self.FORMULA_INITIAL[i - 1] if i <= len(self.FORMULA_INITIAL) else ("", "")
            self.fields[f"point_{i}_value"] = forms.DecimalField(
                label=f"第 {i} 行 指标值", required=False, max_digits=12, decimal_places=4, initial=value
            )
            self.fields[f"point_{i}_score"] = forms.DecimalField(
                label=f"第 {i} 行 得分", required=False, max_digits=8, decimal_places=2, initial=score
            )
        for name, field in self.fields.items():
            _control(
                field, "form-select" if name in ("item", "kind", "source", "metric_key") else "form-control"
            )

    @property
    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("point_")]

    @property
    def formula_rows(self) -> list[tuple[int, Any, Any]]:
        return [
            (i, self[f"point_{i}_value"], self[f"point_{i}_score"]) for i in range(1, self.FORMULA_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        points = []
        for i in range(1, self.FORMULA_ROWS + 1):
            value, score = data.get(f"point_{i}_value"), data.get(f"point_{i}_score")
            if value is None and score is None:
                continue
            if value is None or score is None:
                self.add_error(f"point_{i}_value", f"第 {i} 行：请同时填写指标值和得分，或把两格都清空。")
                continue
            points.append([float(value), float(score)])
        data["formula"] = points or None
        return data


class IndicatorEditForm(forms.Form):
    name = forms.CharField(label="细则内容", max_length=200)
    points_per_finding = forms.DecimalField(
        label="每处扣（加）分", min_value=0, max_digits=6, decimal_places=2
    )
    max_score = forms.DecimalField(label="分值上限", min_value=0, max_digits=6, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field)


# ---------------------------------------------------------------- list filters (query string)


class FindingFilter(core_forms.FilterForm):
    month = core_forms.id_filter("考核月")
    unit = core_forms.id_filter("单位")
    rectification = core_forms.choice_filter("整改", RectificationStatus.choices)


class ObjectionFilter(core_forms.FilterForm):
    status = core_forms.choice_filter("状态", ObjectionStatus.choices, initial=ObjectionStatus.SUBMITTED)


class MonthUnitFilter(core_forms.FilterForm):
    month = core_forms.id_filter("考核月")
    unit = core_forms.id_filter("单位")
