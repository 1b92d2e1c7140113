"""Functional permissions of 专项行动 and 目标任务, and the built-in roles that get them."""

from __future__ import annotations

from django.db import models


class CAPABILITIES(models.TextChoices):
    MANAGE = "campaigns.manage", "专项行动：建立方案、里程碑、路线图与发布"
    REPORT = "campaigns.report", "专项行动：报送进展"
    COMMENT = "campaigns.comment", "专项行动：领导批示与审阅进展"
    MANAGE_TARGETS = "campaigns.manage_targets", "目标任务：下达目标与填报完成值"


C = CAPABILITIES
ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [C.MANAGE, C.REPORT, C.MANAGE_TARGETS],
    "leader": [C.COMMENT],
    "dept_staff": [C.REPORT, C.MANAGE_TARGETS],
    "village_cadre": [C.REPORT, C.MANAGE_TARGETS],
}
