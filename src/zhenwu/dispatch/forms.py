"""Forms of the dispatch pages. Rules live in the services; forms parse and keep the input."""

from __future__ import annotations

from typing import Any

from django import forms

from zhenwu.core.forms import FilterForm, control, id_filter, text_filter
from zhenwu.dispatch.models import CatalogueEntry
from zhenwu.orgs.choices import UnitType
from zhenwu.orgs.models import Unit

PHRASE_HELP = "用顿号、逗号或换行分隔。"


_control = control


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs=_control(placeholder="事项、职责或关键词", type="search")),
    )
    unit_type = forms.ChoiceField(
        label="职能类型",
        required=False,
        choices=[("", "全部职能类型"), *UnitType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class UnitLabelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_unit_type_display() or '未设职能类型'}）"


class CatalogueEntryForm(forms.Form):
    unit_type = forms.ChoiceField(
        label="职能类型", choices=UnitType.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(label="事项名称", max_length=80, widget=forms.TextInput(attrs=_control()))
    unit = UnitLabelChoiceField(
        label="指定承办单位",
        required=False,
        queryset=Unit.objects.filter(handles_requests=True, is_active=True).order_by("path"),
        empty_label="按职能类型自动确定",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="留空时按职能类型确定；镇街类事项按事发地所在村（社区）确定。",
    )
    category_codes = forms.CharField(
        label="对应工单分类编码",
        required=False,
        widget=forms.TextInput(attrs=_control(placeholder="如 municipal.streetlight、appearance")),
        help_text="工单分类树的编码，多个用顿号或逗号分隔。",
    )
    responsibilities = forms.CharField(
        label="职责说明", required=False, widget=forms.Textarea(attrs=_control(rows=3))
    )
    keywords = forms.CharField(
        label="关键词", required=False, widget=forms.Textarea(attrs=_control(rows=4)), help_text=PHRASE_HELP
    )
    synonyms = forms.CharField(
        label="近义词与群众常用说法",
        required=False,
        widget=forms.Textarea(attrs=_control(rows=6)),
        help_text="群众口语化的说法，如“黑灯瞎火”“吵得睡不着”。" + PHRASE_HELP,
    )
    exclusions = forms.CharField(
        label="排除词",
        required=False,
        widget=forms.Textarea(attrs=_control(rows=2)),
        help_text="出现这些词时降低本条目录的权重。" + PHRASE_HELP,
    )
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    @staticmethod
    def initial_for(entry: CatalogueEntry) -> dict[str, Any]:
        return {
            "unit_type": entry.unit_type,
            "title": entry.title,
            "unit": entry.unit_id,
            "category_codes": "、".join(entry.category_codes),
            "responsibilities": entry.responsibilities,
            "keywords": "、".join(entry.keywords),
            "synonyms": "、".join(entry.synonyms),
            "exclusions": "、".join(entry.exclusions),
            "is_active": entry.is_active,
        }

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SuggestFilter(FilterForm):
    """The query string of the dispatch suggestion (the htmx partial and GET /api/dispatch/suggest/)."""

    text = text_filter("内容", 4000)
    category = text_filter("分类", 40)
    place = id_filter("地点")
