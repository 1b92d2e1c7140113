"""Functional permissions of 小牛办 and the built-in roles that get them."""

from __future__ import annotations

from django.db import models


class CAPABILITIES(models.TextChoices):
    INTAKE = "govservices.intake", "政务服务收件受理（窗口、便民服务站、网格）"
    REVIEW = "govservices.review", "政务服务审查与办结"
    CATALOGUE = "govservices.catalogue", "维护政务服务事项目录与一件事"
    REVOKE = "govservices.revoke", "注销电子证照"
    RECTIFY = "govservices.rectify", "办理差评整改"
    SUPERVISE = "govservices.supervise", "核实差评整改"
    QUEUE = "govservices.queue", "窗口叫号"


C = CAPABILITIES
ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [C.INTAKE, C.REVIEW, C.CATALOGUE, C.RECTIFY, C.SUPERVISE, C.QUEUE],
    "leader": [C.REVOKE, C.SUPERVISE],
    "village_cadre": [C.INTAKE, C.RECTIFY],
    "grid_worker": [C.INTAKE, C.RECTIFY],
    "dept_staff": [C.RECTIFY],
}
