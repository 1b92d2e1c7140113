"""Functional permissions of the assessment part and the built-in roles that get them."""

from __future__ import annotations

from django.db import models


class CAPABILITIES(models.TextChoices):
    INSPECT = "assessment.inspect", "考核检查：记录扣分与核验整改"
    REVIEW = "assessment.review", "考核申诉审核"
    CLOSE = "assessment.close", "考核月度关账与通报生成"
    REOPEN = "assessment.reopen", "重新开启已关账月份"
    APPROVE_BULLETIN = "assessment.approve_bulletin", "审批考核通报"
    MANAGE_SCHEME = "assessment.manage_scheme", "维护考核方案与权重"
    OBJECT = "assessment.object", "提出考核申诉与提交整改"


C = CAPABILITIES
ROLE_GRANTS: dict[str, list[str]] = {
    "inspector": [C.INSPECT],
    "town_admin": [C.INSPECT, C.REVIEW, C.CLOSE, C.MANAGE_SCHEME],
    "leader": [C.CLOSE, C.REOPEN, C.APPROVE_BULLETIN, C.REVIEW],
    "village_cadre": [C.OBJECT],
    "dept_staff": [C.OBJECT],
}
