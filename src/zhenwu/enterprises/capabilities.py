"""Functional permissions of the enterprises part and the built-in roles that get them."""

from __future__ import annotations

from django.db import models


class CAPABILITIES(models.TextChoices):
    VIEW = "enterprises.view", "查看企业库与科技创新台账"
    MANAGE = "enterprises.manage", "维护企业库、认定、人才、产学研与诊断"


C = CAPABILITIES
ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [C.VIEW, C.MANAGE],
    "leader": [C.VIEW],
    "dept_staff": [C.VIEW, C.MANAGE],
    "village_cadre": [C.VIEW],
    "village_viewer": [C.VIEW],
}
