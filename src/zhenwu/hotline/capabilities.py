"""Capabilities of the 政风热线 part and the built-in roles that get them."""

from django.db import models


class HotlineCapability(models.TextChoices):
    MANAGE = "hotline.manage", "管理政风热线（上线安排、期次、文章）"
    OPERATE = "hotline.operate", "政风热线直播控制台"
    APPROVE = "hotline.approve", "审批政风热线请假与文章发布"


CAPABILITIES = HotlineCapability

ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [HotlineCapability.MANAGE, HotlineCapability.OPERATE],
    "operator": [HotlineCapability.OPERATE],
    "leader": [HotlineCapability.APPROVE],
}
