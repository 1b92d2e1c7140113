"""Forms of the system-admin pages: users, memberships and roles. Rules are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from zhenwu.core.forms import control
from zhenwu.core.parts import capability_choices
from zhenwu.orgs.choices import Capability, DataScope
from zhenwu.orgs.manage_forms import UnitChoiceField, UnitMultipleChoiceField
from zhenwu.orgs.models import Role, Unit
from zhenwu.orgs.scope import user_has_capability

_control = control


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        kind = obj.get_admin_kind_display() if obj.admin_kind else ""
        if not kind:
            return str(obj.name)
        return f"{obj.name}（三员角色）" if obj.name == kind else f"{obj.name}（三员角色：{kind}）"


STATE_CHOICES = [
    ("", "全部状态"),
    ("active", "启用"),
    ("inactive", "已停用"),
    ("must_change", "待首次改密"),
]


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs=_control(placeholder="用户名、姓名或完整手机号", type="search")),
    )
    unit = UnitChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全部单位",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = RoleChoiceField(
        label="角色",
        queryset=Role.objects.all(),
        required=False,
        empty_label="全部角色",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=STATE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("path")  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a tampered parameter is ignored rather than breaking the page."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


username_validator = RegexValidator(
    r"^[A-Za-z0-9_.@+-]+$", "用户名只能使用字母、数字和 _ . @ + - 符号。", code="invalid_username"
)


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        validators=[username_validator],
        widget=forms.TextInput(attrs=_control(autocomplete="off", autocapitalize="none")),
        help_text="登录时使用，建议用姓名拼音，创建后不能修改。",
    )
    real_name = forms.CharField(label="姓名", max_length=40, widget=forms.TextInput(attrs=_control()))
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=_control(inputmode="tel", autocomplete="off")),
        help_text="加密保存，页面上只显示脱敏后的号码。",
    )


class UserEditForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=40, widget=forms.TextInput(attrs=_control()))
    phone = forms.CharField(
        label="新手机号",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=_control(inputmode="tel", autocomplete="off")),
    )
    clear_phone = forms.BooleanField(
        label="清除已登记的手机号",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    is_active = forms.BooleanField(
        label="启用账号（取消勾选即停用，停用后不能登录）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"real_name": user.real_name, "is_active": user.is_active})
        super().__init__(*args, **kwargs)
        self.user = user
        if user.phone:
            self.fields["phone"].help_text = f"当前号码 {user.phone_masked}。留空表示不修改。"
        else:
            self.fields["phone"].help_text = "当前未登记手机号。"
            del self.fields["clear_phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("clear_phone") and data.get("phone"):
            self.add_error("phone", "已勾选“清除手机号”，请不要同时填写新号码。")
        return data

    def new_phone(self) -> str:
        """The phone to save: the new number, nothing if cleared, else the current one (never shown in full)."""
        if self.cleaned_data.get("phone"):
            return str(self.cleaned_data["phone"]).strip()
        if self.cleaned_data.get("clear_phone"):
            return ""
        return str(self.user.phone or "")


class MembershipForm(forms.Form):
    unit = UnitChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择您有权管理的单位。"},
    )
    role = RoleChoiceField(
        label="角色", queryset=Role.objects.all(), widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label="职务",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=_control(placeholder="例如 村委委员（可不填）")),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(actor, "change").filter(is_active=True).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = "请选择单位"  # type: ignore[attr-defined]
        self.fields["role"].empty_label = "请选择角色"  # type: ignore[attr-defined]
        # 三员分立: the security administrator grants the administrator roles, everyone else the business roles.
        roles = Role.objects.all()
        if user_has_capability(actor, Capability.MANAGE_SECURITY):
            roles = roles.exclude(admin_kind="")
        else:
            roles = roles.filter(admin_kind="")
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    name = forms.CharField(label="角色名称", max_length=40, widget=forms.TextInput(attrs=_control()))
    description = forms.CharField(
        label="说明", max_length=200, required=False, widget=forms.TextInput(attrs=_control())
    )
    data_scope = forms.ChoiceField(
        label="数据范围",
        choices=DataScope.choices,
        widget=forms.RadioSelect,
        help_text="数据范围以任职所在单位为基准：例如“本单位及下级”的村干部能看到本村及其网格的数据。",
    )
    custom_units = UnitMultipleChoiceField(
        label="自定义单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": "10"}),
        help_text="仅在数据范围为“自定义单位”时生效，可按住 Ctrl（手机上直接点选）选择多个单位。",
        error_messages={"invalid_choice": "请选择有效的单位。", "invalid_pk_value": "请选择有效的单位。"},
    )
    can_write = forms.BooleanField(
        label="可写（取消勾选则该角色只能查看，不能修改任何数据）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    capabilities = forms.MultipleChoiceField(
        label="功能权限", choices=capability_choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, actor: Any, role: Role, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": role.name,
                "description": role.description,
                "data_scope": role.data_scope,
                "custom_units": list(role.custom_units.values_list("pk", flat=True)),
                "can_write": role.can_write,
                "capabilities": list(role.capabilities),
            },
        )
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["custom_units"].queryset = Unit.objects.visible_to(actor).order_by("path")  # type: ignore[attr-defined]
