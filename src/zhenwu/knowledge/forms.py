from __future__ import annotations

from typing import Any

from django import forms

from zhenwu.core.forms import control
from zhenwu.knowledge.models import Article
from zhenwu.orgs.models import Unit

_control = control


class ArticleSearchForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_control(placeholder="如：停水、路灯、社保卡补办", type="search")),
    )
    category = forms.CharField(label="工单分类编码", required=False, max_length=40, widget=forms.HiddenInput)


class ArticleForm(forms.Form):
    title = forms.CharField(label="标题", max_length=120, widget=forms.TextInput(attrs=_control()))
    question = forms.CharField(
        label="常见问法",
        required=False,
        widget=forms.Textarea(attrs=_control(rows=2)),
        help_text="群众通常怎么问，帮助检索命中。",
    )
    answer = forms.CharField(label="标准答复", widget=forms.Textarea(attrs=_control(rows=6)))
    category_code = forms.ChoiceField(
        label="对应的诉求分类",
        required=False,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    keywords = forms.CharField(
        label="关键词",
        required=False,
        widget=forms.TextInput(attrs=_control()),
        help_text="用顿号或逗号分隔。",
    )
    unit = forms.ModelChoiceField(
        label="答复单位",
        required=False,
        queryset=Unit.objects.filter(handles_requests=True, is_active=True).order_by("path"),
        empty_label="不指定",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    valid_until = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs=_control(type="date")),
        help_text="政策有时效的，过期后不再出现在检索结果中。",
    )
    is_published = forms.BooleanField(
        label="发布",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "question": article.question,
            "answer": article.answer,
            "category_code": article.category_code,
            "keywords": "、".join(article.keywords),
            "unit": article.unit_id,
            "valid_until": article.valid_until,
            "is_published": article.is_published,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "不限分类")] + category_choices()
        current = (self.initial.get("category_code") or "").strip()
        if current and current not in dict(choices):  # a code no part knows any more stays selectable
            choices.append((current, current))
        self.fields["category_code"].choices = choices


def category_choices() -> list[tuple[str, str]]:
    """The request categories by Chinese name in tree order, from the part that owns them."""
    from zhenwu.core.parts import part_modules

    choices: list[tuple[str, str]] = []
    for module in part_modules("dispatch_source"):
        if hasattr(module, "category_choices"):
            choices.extend(module.category_choices())
    return choices


def category_name(code: str) -> str:
    """The Chinese name of a category code (the code itself only if no part knows it)."""
    return dict(category_choices()).get(code, code).strip().lstrip("└ ").strip()
