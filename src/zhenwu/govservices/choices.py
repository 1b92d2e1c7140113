"""Code lists of 小牛办 and the state machines of applications and rectifications (one table each)."""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition


class ExerciseLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWN = "town", "镇（乡、街道）级"
    VILLAGE = "village", "村（社区）级"


class ProcessingKind(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    COMMITTED = "committed", "承诺件"


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", "工作日"
    NATURAL_DAY = "natural_day", "自然日"


class HandlingForm(models.TextChoices):
    WINDOW = "window", "窗口办理"
    ONLINE = "online", "网上办理"
    BOTH = "both", "窗口办理、网上办理"


class OnlineDepth(models.TextChoices):
    I = "1", "Ⅰ级（网上咨询与下载表格）"  # noqa: E741 - the national level names
    II = "2", "Ⅱ级（网上预审）"
    III = "3", "Ⅲ级（网上受理，到现场取件）"
    IV = "4", "Ⅳ级（全程网办，不见面）"


class ServiceScope(models.TextChoices):
    LOCAL = "local", "本镇"
    COUNTY = "county", "全区通办"
    CITY = "city", "全市通办"
    PROVINCE = "province", "全省通办"
    CROSS = "cross", "跨省通办"


class Necessity(models.TextChoices):
    REQUIRED = "required", "必要"
    OPTIONAL = "optional", "非必要"
    CONDITIONAL = "conditional", "容缺后补"


class MaterialForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质、电子"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT = "government", "政府部门核发"
    LICENCE_LIBRARY = "licence_library", "证照库调取"
    OTHER = "other", "其他"


class ResultType(models.TextChoices):
    LICENCE = "licence", "证照"
    APPROVAL = "approval", "批文"
    OTHER = "other", "其他"


class Channel(models.TextChoices):
    WINDOW = "window", "大厅窗口"
    STATION = "station", "便民服务站"
    GRID = "grid", "网格员上门"
    ONLINE = "online", "网上申请"


class ServiceMode(models.TextChoices):
    STANDARD = "standard", "常规办理"
    PRIORITY = "youban", "小牛优办"
    HELP = "bangban", "小牛帮办"
    FAST = "suban", "小牛速办"
    JOINT = "lianban", "小牛联办"


class Status(models.TextChoices):
    RECEIVED = "received", "已收件"
    REFUSED = "refused", "不予受理"
    ACCEPTED = "accepted", "已受理"
    REVIEWING = "reviewing", "审查中"
    SUPPLEMENT = "supplement", "待补正"
    DONE = "done", "已办结"
    RETURNED = "returned", "已退回"
    DELIVERED = "delivered", "已出证送达"


class Action(models.TextChoices):
    ACCEPT = "accept", "受理"
    REFUSE = "refuse", "不予受理"
    REVIEW = "review", "开始审查"
    REQUEST_SUPPLEMENT = "request_supplement", "要求补正"
    SUPPLEMENT = "supplement", "提交补正材料"
    COMPLETE = "complete", "办结"
    RETURN = "return", "退回"
    DELIVER = "deliver", "出证送达"


class Actor(models.TextChoices):
    INTAKE = "intake", "受理人员"
    REVIEWER = "reviewer", "审批人员"
    APPLICANT = "applicant", "申请人"


S, A = Status, Action
APPLICATION_MACHINE = StateMachine(
    name="办件",
    states=Status.choices,
    actions=Action.choices,
    transitions=[
        Transition(A.ACCEPT, frozenset({S.RECEIVED}), S.ACCEPTED, Actor.INTAKE),
        Transition(A.REFUSE, frozenset({S.RECEIVED}), S.REFUSED, Actor.INTAKE, needs_note=True),
        Transition(A.REVIEW, frozenset({S.ACCEPTED}), S.REVIEWING, Actor.REVIEWER),
        Transition(
            A.REQUEST_SUPPLEMENT,
            frozenset({S.ACCEPTED, S.REVIEWING}),
            S.SUPPLEMENT,
            Actor.REVIEWER,
            needs_note=True,
        ),
        Transition(A.SUPPLEMENT, frozenset({S.SUPPLEMENT}), S.REVIEWING, Actor.APPLICANT),
        Transition(A.COMPLETE, frozenset({S.ACCEPTED, S.REVIEWING}), S.DONE, Actor.REVIEWER),
        Transition(
            A.RETURN, frozenset({S.ACCEPTED, S.REVIEWING}), S.RETURNED, Actor.REVIEWER, needs_note=True
        ),
        Transition(A.DELIVER, frozenset({S.DONE}), S.DELIVERED, Actor.REVIEWER),
    ],
)
FINISHED = {S.DONE, S.DELIVERED}
CLOSED = {S.DONE, S.DELIVERED, S.REFUSED, S.RETURNED}


class Score(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_SCORES = {Score.DISSATISFIED, Score.VERY_DISSATISFIED}


class RectificationStatus(models.TextChoices):
    OPEN = "open", "待整改"
    REPLIED = "replied", "已整改待核实"
    VERIFIED = "verified", "已核实办结"


class RectificationAction(models.TextChoices):
    REPLY = "reply", "提交整改答复"
    VERIFY = "verify", "核实通过"
    REOPEN = "reopen", "退回重新整改"


RECTIFICATION_MACHINE = StateMachine(
    name="差评整改",
    states=RectificationStatus.choices,
    actions=RectificationAction.choices,
    transitions=[
        Transition("reply", frozenset({"open"}), "replied", "unit", needs_note=True),
        Transition("verify", frozenset({"replied"}), "verified", "supervisor"),
        Transition("reopen", frozenset({"replied"}), "open", "supervisor", needs_note=True),
    ],
)


class LicenceStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已注销"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    DONE = "done", "已办理"
    MISSED = "missed", "过号"


# The national 事项类型 code list (provinces may add theirs): ensured after every migrate and flush.
DEFAULT_ITEM_TYPES: list[tuple[str, str]] = [
    ("XK", "行政许可"),
    ("GF", "行政给付"),
    ("JC", "行政检查"),
    ("QR", "行政确认"),
    ("JL", "行政奖励"),
    ("CJ", "行政裁决"),
    ("QT", "其他行政权力"),
    ("GG", "公共服务"),
]
