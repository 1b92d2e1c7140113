"""Forms of the 政风热线 pages: input parsing with Chinese messages; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhenwu.core.forms import FilterForm, choice_filter, id_filter, integer_filter, text_filter
from zhenwu.hotline.choices import Channel, CommitmentStatus, Outcome, QuestionSource, Screening
from zhenwu.orgs.models import Unit

DATE_WIDGET = {"type": "date"}
SCHEDULABLE_CHANNELS = [(v, label) for v, label in Channel.choices if v != Channel.UNSTATED]
REQ = "请填写{}。"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "form-check-input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "form-select")
        else:
            w.attrs.setdefault("class", "form-control")
        if field.required:
            field.error_messages.setdefault("required", REQ.format(field.label))
            field.error_messages["required"] = REQ.format(field.label)
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = "请输入有效的日期，例如 2026-12-10。"
        if isinstance(field, forms.TimeField):
            field.error_messages["invalid"] = "请输入有效的时间，例如 09:00。"
        if isinstance(field, forms.ModelChoiceField):
            field.error_messages["invalid_choice"] = f"请选择有效的{field.label}。"


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def unit_choices() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind__in=["grid"]).order_by("path")


class PlanForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="名称", max_length=80, required=False, help_text="留空则为“20XX年政风热线上线计划”"
    )
    reminder_working_days = forms.IntegerField(
        label="提前提醒（工作日）",
        min_value=1,
        max_value=60,
        initial=10,
        help_text="在上线日期前多少个工作日提醒上线单位联络人",
    )


class SlotForm(StyledForm):
    date = forms.DateField(label="上线日期", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label="开始时间", initial="09:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label="结束时间", initial="10:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    channel = forms.ChoiceField(label="播出渠道", choices=SCHEDULABLE_CHANNELS)
    unit = forms.ModelChoiceField(
        label="上线单位", queryset=Unit.objects.none(), empty_label="请选择上线单位"
    )
    head_title = forms.CharField(label="一把手职务", max_length=40, help_text="例如：镇长、局长、村书记")
    head_name = forms.CharField(label="一把手姓名", max_length=40)
    contact_name = forms.CharField(label="联络人", max_length=40)
    contact_phone = forms.CharField(label="联络人电话", max_length=20, required=False)
    note = forms.CharField(
        label="备注", max_length=200, required=False, help_text="例如：电视台当晚22:20重播"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices()


class LeaveForm(StyledForm):
    substitute_title = forms.CharField(label="代为上线人职务", max_length=40)
    substitute_name = forms.CharField(label="代为上线人姓名", max_length=40)
    reason = forms.CharField(label="请假事由", widget=forms.Textarea(attrs={"rows": 2}))


class EpisodeForm(StyledForm):
    title = forms.CharField(
        label="标题", max_length=120, required=False, help_text="留空则为“某单位上线政风热线”"
    )
    unit = forms.ModelChoiceField(
        label="上线单位", queryset=Unit.objects.none(), required=False, empty_label="（不指定单位）"
    )
    air_date = forms.DateField(
        label="播出日期", required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    channel = forms.ChoiceField(label="播出渠道", choices=SCHEDULABLE_CHANNELS)
    host = forms.CharField(label="主持人", max_length=40, required=False)
    guests = forms.CharField(
        label="嘉宾",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一位：职务 姓名，例如“镇长 汤枫”",
    )
    topics = forms.CharField(
        label="主题",
        max_length=300,
        help_text="用顿号或逗号分隔，例如：科技创新、智改数转、典范之城、政务服务",
    )

    def __init__(self, *args: Any, slot: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices()
        if slot is not None:
            for name in ("unit", "air_date", "channel"):
                del self.fields[name]

    def clean_guests(self) -> list[tuple[str, str]]:
        pairs = []
        for n, line in enumerate(self.cleaned_data["guests"].splitlines(), start=1):
            parts = line.replace("　", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(f"第 {n} 行应为“职务 姓名”两部分，用空格分开。")
            pairs.append((parts[0], parts[1]))
        if not pairs:
            raise forms.ValidationError("请至少填写一位嘉宾。")
        return pairs

    def clean_topics(self) -> list[str]:
        raw = self.cleaned_data["topics"]
        for sep in ("，", ",", "；", ";"):
            raw = raw.replace(sep, "、")
        return [t.strip() for t in raw.split("、") if t.strip()]


class ImportForm(StyledForm):
    file = forms.FileField(label="文件（.csv/.xlsx）", help_text="表头：来源、姓名、电话、问题内容、主题")


class IssueForm(StyledForm):
    caller_name = forms.CharField(label="姓名（可不填）", max_length=40, required=False)
    caller_phone = forms.CharField(
        label="电话", max_length=20, required=False, help_text="登记后仅显示为 138****5678"
    )
    text = forms.CharField(label="问题内容", widget=forms.Textarea(attrs={"rows": 3}))
    topic = forms.ModelChoiceField(label="主题", queryset=None, required=False, empty_label="（未分类）")  # type: ignore[arg-type]
    source = forms.ChoiceField(label="来源", choices=QuestionSource.choices[:4], initial=QuestionSource.PHONE)
    client_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, episode: Any, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = episode.topics.all()
        if public:
            del self.fields["source"]
            self.fields["caller_phone"].help_text = "选填，便于回复您；仅工作人员可见，页面上显示为打码号码"


class ScreenForm(StyledForm):
    screening = forms.ChoiceField(label="筛选", choices=Screening.choices)
    topic = forms.ModelChoiceField(label="主题", queryset=None, required=False, empty_label="（未分类）")  # type: ignore[arg-type]

    def __init__(self, *args: Any, episode: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = episode.topics.all()


class AnswerForm(StyledForm):
    summary = forms.CharField(label="答复摘要", max_length=300, help_text="一句话记录嘉宾的答复")


class CommitmentForm(StyledForm):
    title = forms.CharField(label="承诺事项", max_length=200)
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.none(), required=False, empty_label="请选择责任单位"
    )
    responsible_person = forms.CharField(label="责任人", max_length=40)
    deadline = forms.DateField(label="承诺期限", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    milestones = forms.CharField(
        label="里程碑（可选）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一项：日期 节点，例如“2026-12-05 现场勘查”",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = unit_choices()

    def clean_milestones(self) -> list[tuple[str, Any]]:
        from datetime import date

        result = []
        for n, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            parts = line.strip().split(maxsplit=1)
            if not parts:
                continue
            try:
                day = date.fromisoformat(parts[0])
            except ValueError:
                raise forms.ValidationError(f"第 {n} 行的日期无效，应为 2026-12-05 这样的格式。") from None
            if len(parts) < 2:
                raise forms.ValidationError(f"第 {n} 行缺少节点名称。")
            result.append((parts[1], day))
        return result


class ReportForm(StyledForm):
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="佐证材料（照片/PDF）", required=False)
    completed = forms.BooleanField(label="已全部完成，申请核验", required=False)


class FollowUpItemForm(StyledForm):
    text = forms.CharField(label="反馈内容", widget=forms.Textarea(attrs={"rows": 2}))
    included = forms.BooleanField(label="纳入本期", required=False)


class ArticleForm(StyledForm):
    title = forms.CharField(label="标题", max_length=120)
    intro = forms.CharField(label="导语", widget=forms.Textarea(attrs={"rows": 3}))


class PairForm(StyledForm):
    text = forms.CharField(label="问", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer_text = forms.CharField(label="答", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    show_order = forms.IntegerField(label="顺序", required=False, min_value=1)
    in_article = forms.BooleanField(label="收入文章", required=False)


class RuleForm(StyledForm):
    weight_attendance = forms.IntegerField(label="一把手到场", min_value=0, max_value=100)
    weight_answered = forms.IntegerField(label="现场答复率", min_value=0, max_value=100)
    weight_on_time = forms.IntegerField(label="按期办结率", min_value=0, max_value=100)
    weight_satisfaction = forms.IntegerField(label="群众满意率", min_value=0, max_value=100)


# --------------------------------------------------------------------------- list filters (query string)


class ArchiveFilter(FilterForm):
    q = text_filter("搜索", 60)


class LedgerFilter(FilterForm):
    outcome = choice_filter("处理结果", Outcome.choices)
    episode = id_filter("期次")
    q = text_filter("搜索", 80)


class CommitmentFilter(FilterForm):
    status = choice_filter("状态", CommitmentStatus.choices)


class YearFilter(FilterForm):
    year = integer_filter("年份", 2000, 2100)


class QuestionTrackForm(StyledForm):
    number = forms.CharField(label="问题编号", max_length=30)
    code = forms.CharField(label="查询码", max_length=12)
