"""Forms of the unit administration pages (单位管理). Validation of the tree rules lives in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from zhenwu.core.forms import control
from zhenwu.orgs.choices import UnitKind, UnitType
from zhenwu.orgs.models import Unit

INDENT = "\u3000"  # full-width space: indents option labels by tree depth without CSS


_control = control


class UnitChoiceField(forms.ModelChoiceField):
    """A unit select whose labels show the tree: indented by depth, with the unit's kind."""

    def label_from_instance(self, obj: Any) -> str:
        label = f"{INDENT * obj.depth}{obj.name}（{UnitKind(obj.kind).label}）"
        if not obj.is_active:
            label += " [已停用]"
        return label


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{INDENT * obj.depth}{obj.name}（{UnitKind(obj.kind).label}）"


ACTIVE_CHOICES = [("", "全部状态"), ("1", "启用"), ("0", "已停用")]


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs=_control(placeholder="单位名称、简称或编码", type="search")),
    )
    kind = forms.ChoiceField(
        label="单位类别",
        required=False,
        choices=[("", "全部类别"), *UnitKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    unit_type = forms.ChoiceField(
        label="职能类型",
        required=False,
        choices=[("", "全部职能类型"), *UnitType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    active = forms.ChoiceField(
        label="状态",
        required=False,
        choices=ACTIVE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a tampered parameter is ignored rather than breaking the page."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class UnitForm(forms.Form):
    """Create (`unit` is None) or edit a unit. The parent choices are the units the person may change."""

    parent = UnitChoiceField(
        label="上级单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（无，作为顶级单位）",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="只列出您有权管理的单位。只有“镇”可以作为顶级单位。",
        error_messages={"invalid_choice": "请选择您有权管理的上级单位。"},
    )
    kind = forms.ChoiceField(
        label="单位类别",
        choices=[("", "请选择"), *UnitKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="镇下设部门、村、社区；村和社区下设网格、便民服务站；部门下可设科室和服务站。",
    )
    code = forms.CharField(
        label="单位编码",
        max_length=40,
        widget=forms.TextInput(attrs=_control(autocomplete="off", placeholder="例如 NT-YH-G03")),
        help_text="字母、数字、连字符或下划线，创建后不能修改。",
    )
    name = forms.CharField(label="单位名称", max_length=80, widget=forms.TextInput(attrs=_control()))
    short_name = forms.CharField(
        label="简称", max_length=40, required=False, widget=forms.TextInput(attrs=_control())
    )
    unit_type = forms.ChoiceField(
        label="职能类型",
        required=False,
        choices=[("", "不设置"), *UnitType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="承办群众诉求的单位必须填写，用于派单目录。",
    )
    handles_requests = forms.BooleanField(
        label="承办群众诉求（可作为工单的承办单位）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    is_sample = forms.BooleanField(
        label="示例数据（演示用，不是真实单位）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sort_order = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=99999,
        initial=0,
        widget=forms.NumberInput(attrs=_control(inputmode="numeric")),
        help_text="组织机构树中同级单位按此数字从小到大排列。",
    )
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=_control(inputmode="tel")),
    )
    address = forms.CharField(
        label="地址", max_length=200, required=False, widget=forms.TextInput(attrs=_control())
    )

    def __init__(self, *args: Any, user: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        self.unit = unit
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "parent": unit.parent_id,
                "kind": unit.kind,
                "code": unit.code,
                "name": unit.name,
                "short_name": unit.short_name,
                "unit_type": unit.unit_type,
                "handles_requests": unit.handles_requests,
                "is_active": unit.is_active,
                "sort_order": unit.sort_order,
                "contact_phone": unit.contact_phone,
                "address": unit.address,
            }
        super().__init__(*args, **kwargs)
        changeable = Unit.objects.visible_to(user, "change").filter(is_active=True).values("pk")
        choices = Q(pk__in=changeable)
        if unit is not None:
            # Keep the current parent selectable even if it is outside the person's write scope, so
            # an edit that does not move the unit still validates; never offer the unit's own subtree.
            if unit.parent_id:
                choices |= Q(pk=unit.parent_id)
            parents = Unit.objects.filter(choices).exclude(path__startswith=unit.path)
        else:
            parents = Unit.objects.filter(choices)
        self.fields["parent"].queryset = parents.order_by("path")  # type: ignore[attr-defined]
        if unit is None:
            del self.fields["is_active"]
        else:
            del self.fields["code"]
            del self.fields["is_sample"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "parent": data.get("parent"),
            "name": data["name"],
            "kind": data["kind"],
            "unit_type": data.get("unit_type") or "",
            "handles_requests": bool(data.get("handles_requests")),
            "short_name": data.get("short_name") or "",
            "sort_order": data.get("sort_order") or 0,
            "contact_phone": data.get("contact_phone") or "",
            "address": data.get("address") or "",
        }
        if self.unit is None:
            kwargs["code"] = data["code"]
            kwargs["is_sample"] = bool(data.get("is_sample"))
        else:
            kwargs["is_active"] = bool(data.get("is_active"))
        return kwargs
