"""Choices and the transition table of the enterprises part."""

from __future__ import annotations

from django.db import models

from zhenwu.core.statemachine import StateMachine, Transition
from zhenwu.enterprises.capabilities import CAPABILITIES as CAP


class HighTechStatus(models.TextChoices):
    CULTIVATING = "cultivating", "培育库"
    APPLIED = "applied", "已申报"
    CERTIFIED = "certified", "已认定"
    REJECTED = "rejected", "未通过"


class HighTechAction(models.TextChoices):
    APPLY = "apply", "申报"
    CERTIFY = "certify", "登记认定"
    REJECT = "reject", "登记未通过"
    WITHDRAW = "withdraw", "退回培育库"


S, A = HighTechStatus, HighTechAction
HIGHTECH_FLOW = StateMachine(
    name="高企认定",
    states=S.choices,
    actions=A.choices,
    transitions=[
        Transition(A.APPLY, frozenset({S.CULTIVATING}), S.APPLIED, capability=CAP.MANAGE),
        Transition(A.CERTIFY, frozenset({S.APPLIED}), S.CERTIFIED, capability=CAP.MANAGE),
        Transition(A.REJECT, frozenset({S.APPLIED}), S.REJECTED, capability=CAP.MANAGE, needs_note=True),
        Transition(A.WITHDRAW, frozenset({S.APPLIED}), S.CULTIVATING, capability=CAP.MANAGE),
    ],
)


class TalentProgramme(models.TextChoices):
    LONGCHENG_STARTUP = "longcheng_startup", "“龙城英才计划”创业类"
    CITY_LEADING = "city_leading", "市领军型创新人才引进培育项目"
    WUJIN_DOUBLING = "wujin_doubling", "“武进英才计划”领军型创新人才“倍增工程”"
    OTHER = "other", "其他人才项目"


class PartnershipStatus(models.TextChoices):
    SIGNED = "signed", "已签约"
    ONGOING = "ongoing", "执行中"
    COMPLETED = "completed", "已结题"
    TERMINATED = "terminated", "已终止"


class PartnershipAction(models.TextChoices):
    START = "start", "开始执行"
    COMPLETE = "complete", "结题"
    TERMINATE = "terminate", "终止"


P, PA = PartnershipStatus, PartnershipAction
PARTNERSHIP_FLOW = StateMachine(
    name="产学研合作",
    states=P.choices,
    actions=PA.choices,
    transitions=[
        Transition(PA.START, frozenset({P.SIGNED}), P.ONGOING, capability=CAP.MANAGE),
        Transition(PA.COMPLETE, frozenset({P.ONGOING}), P.COMPLETED, capability=CAP.MANAGE),
        Transition(
            PA.TERMINATE,
            frozenset({P.SIGNED, P.ONGOING}),
            P.TERMINATED,
            capability=CAP.MANAGE,
            needs_note=True,
        ),
    ],
)


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class EventKind(models.TextChoices):
    SALON = "salon", "主题沙龙"
    DIAGNOSIS_SALON = "diagnosis_salon", "沙龙诊断"
    STUDY_TOUR = "study_tour", "示范游学"
    BRIEFING = "briefing", "政策宣讲（含直播）"
    ALLIANCE = "alliance", "创新联合体活动"


class System(models.TextChoices):
    ERP = "ERP", "ERP 企业资源计划"
    MES = "MES", "MES 制造执行系统"
    WMS = "WMS", "WMS 仓库管理系统"
    SRM = "SRM", "SRM 供应商关系管理"
    PLM = "PLM", "PLM 产品生命周期管理"
    APS = "APS", "APS 高级计划排程"
    QMS = "QMS", "QMS 质量管理系统"
    CRM = "CRM", "CRM 客户关系管理"
    SCADA = "SCADA", "SCADA 数据采集与监控"
    OA = "OA", "OA 协同办公"


class NodeStatus(models.TextChoices):
    PLANNED = "planned", "未完成"
    DONE = "done", "已完成"


class NodeAction(models.TextChoices):
    DONE = "done", "标记完成"


NODE_FLOW = StateMachine(
    name="项目节点",
    states=NodeStatus.choices,
    actions=NodeAction.choices,
    transitions=[
        Transition(NodeAction.DONE, frozenset({NodeStatus.PLANNED}), NodeStatus.DONE, capability=CAP.MANAGE)
    ],
)


class TargetKey(models.TextChoices):
    TECHSME = "techsme", "科技型中小企业入库"
    SME_ATTRACTED = "sme_attracted", "科技型中小微企业招引"
    HIGHTECH_APPLIED = "hightech_applied", "高企申报"
    DIAGNOSES = "diagnoses", "智改数转诊断"
