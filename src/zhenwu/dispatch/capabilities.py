from django.db import models


class CAPABILITIES(models.TextChoices):
    MANAGE = "dispatch.manage", "维护派单目录与派单模型"


ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [CAPABILITIES.MANAGE],
}
