from django.db import models


class CAPABILITIES(models.TextChoices):
    MANAGE = "knowledge.manage", "维护知识库"


ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [CAPABILITIES.MANAGE],
}
