"""Forms of the enterprises pages: they parse input (list filters included); the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zhenwu.enterprises.choices import (
    EventKind,
    HighTechAction,
    HonourLevel,
    System,
    TalentProgramme,
    TargetKey,
)
from zhenwu.enterprises.maturity import DOMAINS
from zhenwu.enterprises.models import Diagnosis, Enterprise
from zhenwu.enterprises.precheck import DIRECT_PATHS
from zhenwu.orgs.models import Unit

MAX_TEXT = 100
DATE = {"type": "date"}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class EnterpriseFilterForm(StyledForm):
    """The list's query string: a bad value is ignored with the field's default, never a 500."""

    q = forms.CharField(label="名称或信用代码", required=False, max_length=MAX_TEXT)
    unit = forms.ModelChoiceField(
        label="村(社区)", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    scale = forms.ChoiceField(
        label="规模", required=False, choices=[("", "全部"), ("above", "规上"), ("below", "规下")]
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        scale = data.get("scale") or ""
        unit = data.get("unit")
        return {
            "q": (data.get("q") or "").replace("\x00", "").strip(),
            "unit_id": unit.pk if unit else None,
            "above_scale": {"above": True, "below": False}.get(scale),
        }


class EnterpriseForm(StyledForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    override_reason = forms.CharField(
        label="校验例外说明",
        required=False,
        max_length=200,
        help_text="仅在信用代码校验未通过、但已核对营业执照确认无误时填写，将记入审计日志。",
    )
    name = forms.CharField(label="企业名称", max_length=120)
    unit = forms.ModelChoiceField(label="所在村(社区)", queryset=Unit.objects.none(), empty_label="请选择")
    grid = forms.ModelChoiceField(
        label="所在网格", queryset=Unit.objects.none(), required=False, empty_label="未划定"
    )
    industry_code = forms.CharField(
        label="行业代码（GB/T 4754）", max_length=5, required=False, help_text="如 C3670"
    )
    industry_name = forms.CharField(label="行业名称", max_length=60, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    above_scale = forms.BooleanField(label="规上企业", required=False)
    in_green_zone = forms.BooleanField(label="位于武进绿建区", required=False)
    registered_on = _date_field("成立日期", required=False)
    staff = forms.IntegerField(label="职工人数", min_value=0, max_value=1_000_000, required=False)
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args: Any, units: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]


class ImportForm(StyledForm):
    file = forms.FileField(
        label="企业名单（xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class HighTechAddForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class HighTechActionForm(StyledForm):
    action = forms.ChoiceField(label="操作", choices=HighTechAction.choices)
    certificate_no = forms.CharField(label="证书编号", max_length=40, required=False)
    issued_on = _date_field("发证日期", required=False)
    applied_on = _date_field("申报日期", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class TechSmeForm(StyledForm):
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)
    reg_no = forms.CharField(label="入库编号", max_length=40)
    registered_on = _date_field("入库日期")


class ValidOnForm(forms.Form):
    on = forms.DateField(required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


# --- pre-check figures ----------------------------------------------------------------------------

YEARS = ("第一年", "第二年", "第三年（最近一年）")


def _money(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=f"{label}（万元）", min_value=Decimal(0), max_digits=14, decimal_places=2)


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000)


class HighTechProfileForm(StyledForm):
    registered_on = _date_field("注册成立日期")
    apply_on = _date_field("拟申报日期")
    core_ip = forms.BooleanField(label="拥有对主要产品发挥核心支持作用的知识产权", required=False)
    field_listed = forms.BooleanField(label="技术属于《国家重点支持的高新技术领域》", required=False)
    staff = _count("职工总数")
    tech_staff = _count("科技人员数")
    sales_0, sales_1, sales_2 = (_money(f"销售收入·{y}") for y in YEARS)
    rd_0, rd_1, rd_2 = (_money(f"研发费用·{y}") for y in YEARS)
    rd_domestic_0, rd_domestic_1, rd_domestic_2 = (_money(f"境内研发费用·{y}") for y in YEARS)
    hightech_income = _money("近一年高新技术产品(服务)收入")
    total_income = _money("近一年总收入")
    net_assets_0, net_assets_1, net_assets_2 = (_money(f"净资产·{y}") for y in YEARS)
    ip = forms.DecimalField(label="知识产权得分（≤30）", min_value=0, max_value=30, decimal_places=1)
    conversion = forms.DecimalField(
        label="科技成果转化能力得分（≤30）", min_value=0, max_value=30, decimal_places=1
    )
    rd_management = forms.DecimalField(
        label="研究开发组织管理水平得分（≤20）", min_value=0, max_value=20, decimal_places=1
    )
    major_violation = forms.BooleanField(
        label="申请前一年内发生重大安全、质量事故或严重环境违法行为", required=False
    )

    SERIES = ("sales", "rd", "rd_domestic", "net_assets")
    POINTS = ("ip", "conversion", "rd_management")

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            k: d[k]
            for k in (
                "registered_on",
                "apply_on",
                "core_ip",
                "field_listed",
                "staff",
                "tech_staff",
                "hightech_income",
                "total_income",
                "major_violation",
            )
        }
        for s in self.SERIES:
            data[s] = [d[f"{s}_{i}"] for i in range(3)]
        data["innovation_points"] = {k: d[k] for k in self.POINTS}
        data["registered_on"] = d["registered_on"].isoformat()
        data["apply_on"] = d["apply_on"].isoformat()
        return data

    @classmethod
    def initial_from(cls, profile: dict[str, Any]) -> dict[str, Any]:
        if not profile:
            return {"apply_on": timezone.localdate()}
        initial = {k: v for k, v in profile.items() if not isinstance(v, list | dict)}
        for s in cls.SERIES:
            for i, v in enumerate(profile.get(s) or []):
                initial[f"{s}_{i}"] = v
        initial.update(profile.get("innovation_points") or {})
        for k in ("registered_on", "apply_on"):
            if isinstance(initial.get(k), str):
                try:
                    initial[k] = date.fromisoformat(initial[k])
                except ValueError:
                    initial.pop(k)
        return initial


class TechSmeProfileForm(StyledForm):
    staff = _count("职工总数")
    tech_staff = _count("科技人员数")
    sales = _money("年销售收入")
    assets = _money("资产总额")
    total_cost = _money("成本费用支出总额")
    rd = _money("研发费用总额")
    ip_class1 = _count("Ⅰ类知识产权（项）")
    ip_class2 = _count("Ⅱ类知识产权（项）")
    direct = forms.MultipleChoiceField(
        label="直接确认条件",
        required=False,
        choices=list(DIRECT_PATHS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def to_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


PROFILE_FORMS: dict[str, type[HighTechProfileForm] | type[TechSmeProfileForm]] = {
    "hightech": HighTechProfileForm,
    "techsme": TechSmeProfileForm,
}


# --- records on an enterprise ---------------------------------------------------------------------


class TalentForm(StyledForm):
    programme = forms.ChoiceField(label="人才计划", choices=TalentProgramme.choices)
    level = forms.CharField(label="类别/层次", max_length=60, required=False)
    year = forms.IntegerField(label="入选年度", min_value=2000, max_value=2100)
    person_name = forms.CharField(label="人才姓名", max_length=40, help_text="加密保存，页面上只显示姓氏")


class PartnershipForm(StyledForm):
    institution = forms.CharField(label="合作高校院所", max_length=120)
    title = forms.CharField(label="项目名称", max_length=160)
    amount_wan = forms.DecimalField(
        label="合同金额（万元）", min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    signed_on = _date_field("签订日期")
    ends_on = _date_field("截止日期", required=False)


class HonourForm(StyledForm):
    title = forms.CharField(label="荣誉名称", max_length=120)
    level = forms.ChoiceField(label="级别", choices=HonourLevel.choices)
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    issuer = forms.CharField(label="授予单位", max_length=80, required=False)


class AttractionFileForm(forms.Form):
    filed_on = forms.DateField()


class VisitForm(StyledForm):
    visited_on = _date_field("走访日期")
    purpose = forms.CharField(label="事由", max_length=120)
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttractionForm(StyledForm):
    attracted_on = _date_field("落户日期")
    source = forms.CharField(label="招引来源", max_length=120, required=False)
    city_filed_on = _date_field("市科技局备案日期", required=False)


RATING_HELP = (
    "每条要求一个分值，用空格分隔：1 全部满足，0.8 大部分满足，0.5 部分满足，0 不满足；未评的等级留空。"
)


class DiagnosisForm(StyledForm):
    diagnosed_on = _date_field("诊断日期")
    provider = forms.CharField(label="诊断服务商", max_length=120)
    systems = forms.MultipleChoiceField(
        label="在用系统", required=False, choices=System.choices, widget=forms.CheckboxSelectMultiple
    )
    recommendations = forms.CharField(
        label="改造建议", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for _, _, code, name in DOMAINS:
            for level in range(1, 6):
                self.fields[f"r_{code}_{level}"] = forms.CharField(
                    label=f"{name}·{level}级",
                    required=False,
                    max_length=60,
                    widget=forms.TextInput(
                        attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}
                    ),
                )

    def rating_rows(self) -> list[dict[str, Any]]:
        return [
            {"element": el, "name": name, "cells": [self[f"r_{code}_{lv}"] for lv in range(1, 6)]}
            for el, _, code, name in DOMAINS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ratings: dict[str, dict[str, list[float]]] = {}
        for _, _, code, name in DOMAINS:
            for level in range(1, 6):
                raw = (
                    (data.get(f"r_{code}_{level}") or "")
                    .replace("，", " ")
                    .replace(",", " ")
                    .replace("、", " ")
                )
                if not raw.strip():
                    continue
                try:
                    values = [float(v) for v in raw.split()]
                except ValueError:
                    values = [-1.0]
                if any(v not in (0.0, 0.5, 0.8, 1.0) for v in values):
                    self.add_error(f"r_{code}_{level}", f"{name}·{level}级：评分只能是 1、0.8、0.5 或 0。")
                    continue
                ratings.setdefault(code, {})[str(level)] = values
        if not ratings and not self.errors:
            raise forms.ValidationError("请至少填写一个能力子域的评分。")
        data["ratings"] = ratings
        return data


NODE_ROWS = 6


class ProjectForm(StyledForm):
    title = forms.CharField(label="项目名称", max_length=160)
    deadline = _date_field("完成期限")
    diagnosis = forms.ModelChoiceField(
        label="来源诊断", queryset=Diagnosis.objects.none(), required=False, empty_label="无"
    )

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["diagnosis"].queryset = enterprise.diagnoses.all()  # type: ignore[attr-defined]
        for i in range(NODE_ROWS):
            self.fields[f"node_{i}"] = forms.CharField(label=f"节点 {i + 1}", max_length=120, required=False)
            self.fields[f"days_{i}"] = forms.IntegerField(
                label=f"节点 {i + 1} 截止前工作日数", min_value=0, max_value=500, required=False
            )
        _style(self)

    def nodes(self) -> list[tuple[str, int]]:
        d = self.cleaned_data
        return [
            (d[f"node_{i}"].strip(), d[f"days_{i}"] or 0)
            for i in range(NODE_ROWS)
            if (d.get(f"node_{i}") or "").strip()
        ]


class TargetForm(StyledForm):
    key = forms.ChoiceField(label="指标", choices=TargetKey.choices)
    value = forms.IntegerField(label="目标值", min_value=0, max_value=100_000)


class EventForm(StyledForm):
    title = forms.CharField(label="活动名称", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    held_on = _date_field("举办日期")
    place = forms.CharField(label="地点", max_length=120, required=False)
    summary = forms.CharField(label="内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    invited = forms.ModelMultipleChoiceField(
        label="邀请企业", queryset=Enterprise.objects.none(), required=False
    )
    attended = forms.ModelMultipleChoiceField(
        label="实际参加", queryset=Enterprise.objects.none(), required=False
    )

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["attended"].queryset = enterprises  # type: ignore[attr-defined]
        for name in ("invited", "attended"):
            self.fields[name].widget.attrs.update({"class": "form-select", "size": "8"})
