"""Forms of the work-order pages. They only parse input; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from zhenwu.core.forms import MultipleFileField, VersionedSelect, VersionedSelectMultiple, control
from zhenwu.orgs.manage_forms import UnitChoiceField, UnitMultipleChoiceField
from zhenwu.orgs.models import Unit
from zhenwu.workorders.choices import Channel, Satisfaction, Status, Urgency
from zhenwu.workorders.models import DESCRIPTION_MAX, Category
from zhenwu.workorders.services import MAX_PHOTOS

_control = control


def tree_ordered(categories: Any) -> list[Category]:
    """Categories in tree order: each parent, then its children (by their sort order), depth first."""
    items = list(categories)
    ids = {c.pk for c in items}
    children: dict[int | None, list[Category]] = {}
    for c in items:
        key = c.parent_id if c.parent_id in ids else None
        children.setdefault(key, []).append(c)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.sort, c.code))
    out: list[Category] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            c.tree_depth = depth  # type: ignore[attr-defined]
            out.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def category_label(category: Category) -> str:
    """The Chinese name, indented under its parent; never the code."""
    depth = getattr(category, "tree_depth", 1 if category.parent_id else 0)
    return "　" * depth + ("└ " if depth else "") + category.name


class _TreeIterator(forms.models.ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in tree_ordered(self.queryset):
            yield self.choice(obj)


class CategoryChoiceField(forms.ModelChoiceField):
    """A category picker: Chinese names in tree order."""

    iterator = _TreeIterator

    def label_from_instance(self, obj: Any) -> str:
        return category_label(obj)


def category_queryset() -> Any:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("sort", "code")


def category_choices() -> list[tuple[str, str]]:
    """(code, Chinese label) pairs in tree order, for filters that take the code as value."""
    return [(c.code, category_label(c)) for c in tree_ordered(category_queryset())]


def handling_units() -> Any:
    return Unit.objects.filter(is_active=True, handles_requests=True).order_by("path")


def place_units() -> Any:
    return Unit.objects.filter(is_active=True, kind__in=["village", "community", "grid"]).order_by("path")


PHOTO_HELP = f"最多 {MAX_PHOTOS} 张，JPEG/PNG/WebP，每张不超过 5 MB。"


class OrderFieldsMixin(forms.Form):
    category = CategoryChoiceField(
        label="诉求分类",
        queryset=Category.objects.none(),
        required=False,
        empty_label="请选择分类（不确定可不选）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label="诉求内容",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(
            attrs=_control(rows=5, maxlength=DESCRIPTION_MAX, placeholder="请说明时间、地点和具体情况")
        ),
        help_text=f"纯文本，不超过 {DESCRIPTION_MAX} 字。",
    )
    address = forms.CharField(
        label="地点",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_control(placeholder="如：丫河村村口公交站旁")),
    )
    reporter_name = forms.CharField(
        label="姓名", required=False, max_length=50, widget=forms.TextInput(attrs=_control())
    )
    reporter_phone = forms.CharField(
        label="联系电话",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=_control(inputmode="tel", autocomplete="tel")),
        help_text="仅用于告知办理结果，加密保存，工作人员只看到脱敏号码。",
    )
    anonymous = forms.BooleanField(
        label="匿名反映（不留姓名和电话，无法短信告知结果）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    photos = MultipleFileField(label="照片", required=False, help_text=PHOTO_HELP)
    client_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_queryset()
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4().hex)


class IntakeForm(OrderFieldsMixin):
    """The operator's 登记 form (phone, on-air, SMS, inspector)."""

    field_order = [
        "channel",
        "category",
        "description",
        "urgency",
        "address",
        "grid",
        "reporter_name",
        "reporter_phone",
        "anonymous",
        "confidential",
        "photos",
    ]
    channel = forms.ChoiceField(
        label="来源渠道",
        choices=[
            (c.value, c.label)
            for c in Channel
            if c in {Channel.PHONE, Channel.ON_AIR, Channel.SMS, Channel.INSPECTOR, Channel.WEB}
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    urgency = forms.ChoiceField(
        label="紧急程度", choices=Urgency.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    grid = UnitChoiceField(
        label="所在村（社区）/网格",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="不确定",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    confidential = forms.BooleanField(
        label="保密（诉求人信息不对承办单位显示）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = place_units()


class PublicSubmitForm(OrderFieldsMixin):
    """Citizen H5 form. `website` is a honeypot: people never see it, bots fill it in."""

    field_order = [
        "category",
        "description",
        "photos",
        "address",
        "reporter_name",
        "reporter_phone",
        "anonymous",
    ]
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    long = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"class": "zw-hp", "tabindex": "-1", "autocomplete": "off"}),
    )


class TrackForm(forms.Form):
    number = forms.CharField(
        label="工单编号",
        max_length=32,
        widget=forms.TextInput(
            attrs=_control(placeholder="如 NT-20261128-0042", autocapitalize="characters")
        ),
    )
    code = forms.CharField(
        label="查询码",
        max_length=12,
        widget=forms.TextInput(
            attrs=_control(
                placeholder="登记时收到的 6 位查询码", autocapitalize="characters", autocomplete="off"
            )
        ),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label="您对办理结果是否满意？",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择一项。"},
    )
    note = forms.CharField(
        label="意见（可选）", required=False, max_length=500, widget=forms.Textarea(attrs=_control(rows=3))
    )


class ActionForm(forms.Form):
    """One form for every lifecycle action; the view shows only the fields the action uses."""

    note = forms.CharField(
        label="说明",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs=_control(rows=3)),
    )
    unit = UnitChoiceField(
        label="主办单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（采用上方选中的建议）",
        widget=VersionedSelect(attrs={"class": "form-select"}),
    )
    assisting = UnitMultipleChoiceField(
        label="协办单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=VersionedSelectMultiple(attrs={"class": "form-select", "size": "4"}),
    )
    days = forms.IntegerField(
        label="延期工作日数",
        required=False,
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs=_control()),
    )
    satisfaction = forms.ChoiceField(
        label="回访结果", required=False, choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    parent = forms.CharField(
        label="并入的主工单编号", required=False, max_length=32, widget=forms.TextInput(attrs=_control())
    )
    photos = MultipleFileField(label="照片", required=False, help_text=PHOTO_HELP)
    category = CategoryChoiceField(
        label="诉求分类",
        queryset=Category.objects.none(),
        required=False,
        empty_label="请选择分类",
        widget=VersionedSelect(attrs={"class": "form-select"}),
    )
    unclassified = forms.BooleanField(
        label="确认未分类派单（请在说明中写明理由）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, option_stamps: tuple[int, int] | None = None, **kwargs: Any) -> None:
        """``option_stamps`` (the units' and the categories' version stamps, ``option_stamps()``):
        the unit and category options are rendered once per version instead of on every page."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_queryset()
        self.fields["unit"].queryset = handling_units()
        self.fields["assisting"].queryset = handling_units()
        if option_stamps is not None:
            units, categories = option_stamps
            self.fields["unit"].widget.keep_options("workorders.action.unit", units)
            self.fields["assisting"].widget.keep_options("workorders.action.assisting", units)
            self.fields["category"].widget.keep_options("workorders.action.category", categories)


def option_stamps() -> tuple[int, int]:
    """The version stamps ActionForm's kept options follow (one query for a page of forms)."""
    from zhenwu.core.versions import read
    from zhenwu.orgs.apps import UNITS_VERSION
    from zhenwu.workorders.apps import CATEGORIES_VERSION

    units, categories = read(UNITS_VERSION, CATEGORIES_VERSION)
    return units, categories


STATUS_FILTER = [("", "全部状态"), ("open", "未办结")] + list(Status.choices)


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs=_control(type="search", placeholder="编号、内容或地点")),
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=STATUS_FILTER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    category = forms.ChoiceField(
        label="分类", required=False, choices=[], widget=forms.Select(attrs={"class": "form-select"})
    )
    unit = UnitChoiceField(
        label="主办单位",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="全部单位",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    channel = forms.ChoiceField(
        label="渠道",
        required=False,
        choices=[("", "全部渠道")] + list(Channel.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label="登记日期从", required=False, widget=forms.DateInput(attrs=_control(type="date"))
    )
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs=_control(type="date")))
    overdue = forms.BooleanField(
        label="仅超期", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    supervised = forms.BooleanField(
        label="仅督办", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "全部分类")] + category_choices()
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user).filter(handles_requests=True).order_by("path")
        )


class MetricsForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs=_control(type="date")))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs=_control(type="date")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        if start and end and (end - start).days > 366:
            raise forms.ValidationError("统计期最长一年。")
        return data


EXTRA_TYPES = [
    ("string", "单行文字"),
    ("text", "多行文字"),
    ("number", "数字"),
    ("datetime", "日期时间"),
    ("singlevaluelist", "单选"),
    ("multivaluelist", "多选"),
]


class CategoryForm(forms.Form):
    code = forms.CharField(
        label="编码",
        max_length=60,
        help_text="如 municipal.streetlight，也是 Open311 的 service_code。",
        widget=forms.TextInput(attrs=_control()),
    )
    name = forms.CharField(label="名称", max_length=60, widget=forms.TextInput(attrs=_control()))
    parent = forms.ModelChoiceField(
        label="上级分类",
        required=False,
        queryset=Category.objects.filter(parent__isnull=True),
        empty_label="（一级分类）",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    time_limit_days = forms.IntegerField(
        label="办理时限（工作日）", min_value=1, max_value=60, widget=forms.NumberInput(attrs=_control())
    )
    sign_limit_hours = forms.IntegerField(
        label="签收时限（工作小时）", min_value=1, max_value=40, widget=forms.NumberInput(attrs=_control())
    )
    keywords = forms.CharField(
        label="关键词", required=False, max_length=300, widget=forms.TextInput(attrs=_control())
    )
    description = forms.CharField(
        label="说明", required=False, max_length=300, widget=forms.TextInput(attrs=_control())
    )
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    MAX_EXTRA = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing: list[dict[str, Any]] = list(self.initial.get("extra_fields") or [])
        self._existing = {str(f.get("code")): f for f in existing}
        if self.is_bound:
            rows = sum(1 for k in self.data if k.startswith("ef_") and k.endswith("_label"))
        else:
            rows = len(existing) + 2
        self.extra_rows = max(1, min(rows, self.MAX_EXTRA))
        for i in range(self.extra_rows):
            f = existing[i] if i < len(existing) else {}
            self.fields[f"ef_{i}_label"] = forms.CharField(
                label=f"附加字段 {i + 1} 名称",
                required=False,
                max_length=40,
                initial=f.get("label", ""),
                widget=forms.TextInput(attrs=_control(placeholder="如：发生时段")),
            )
            self.fields[f"ef_{i}_datatype"] = forms.ChoiceField(
                label=f"附加字段 {i + 1} 类型",
                choices=EXTRA_TYPES,
                initial=f.get("datatype", "string"),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"ef_{i}_required"] = forms.BooleanField(
                label="必填",
                required=False,
                initial=bool(f.get("required")),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"ef_{i}_values"] = forms.CharField(
                label=f"附加字段 {i + 1} 选项",
                required=False,
                max_length=500,
                initial="、".join(v["name"] for v in f.get("values", [])),
                widget=forms.TextInput(
                    attrs=_control(placeholder="单选、多选时填写，用顿号分隔，如：白天、夜间")
                ),
            )
            self.fields[f"ef_{i}_code"] = forms.CharField(
                required=False, initial=f.get("code", ""), widget=forms.HiddenInput
            )

    @property
    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("ef_")]

    @property
    def extra_field_rows(self) -> list[tuple[int, Any, Any, Any, Any, Any]]:
        return [
            (
                i + 1,
                self[f"ef_{i}_label"],
                self[f"ef_{i}_datatype"],
                self[f"ef_{i}_required"],
                self[f"ef_{i}_values"],
                self[f"ef_{i}_code"],
            )
            for i in range(self.extra_rows)
        ]

    def clean(self) -> dict[str, Any]:
        """The rows become the category's attribute list; a kept field keeps its code and option keys."""
        import re

        data = super().clean() or {}
        out: list[dict[str, Any]] = []
        used: set[str] = set()
        for i in range(self.extra_rows):
            label = (data.get(f"ef_{i}_label") or "").strip()
            names = [
                n.strip() for n in re.split(r"[、,，;；\n]", data.get(f"ef_{i}_values") or "") if n.strip()
            ]
            if not label:
                if names:
                    self.add_error(f"ef_{i}_label", f"第 {i + 1} 个附加字段填了选项，请填写字段名称。")
                continue
            datatype = data.get(f"ef_{i}_datatype") or "string"
            if datatype.endswith("valuelist") and not names:
                self.add_error(
                    f"ef_{i}_values", f"第 {i + 1} 个附加字段“{label}”是选择类型，请填写至少一个选项。"
                )
                continue
            code = (data.get(f"ef_{i}_code") or "").strip()
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code) or code in used:
                code = next(
                    f"field{n}" for n in range(1, 100) if f"field{n}" not in used | set(self._existing)
                )
            used.add(code)
            old_keys = {v["name"]: v["key"] for v in self._existing.get(code, {}).get("values", [])}
            values, keys = [], set()
            for n, name in enumerate(names, 1):
                key = old_keys.get(name) or f"o{n}"
                while key in keys:
                    key += "_"
                keys.add(key)
                values.append({"key": key, "name": name})
            out.append(
                {
                    "code": code,
                    "label": label,
                    "datatype": datatype,
                    "required": bool(data.get(f"ef_{i}_required")),
                    "values": values if datatype.endswith("valuelist") else [],
                }
            )
        data["extra_fields"] = out
        return data
