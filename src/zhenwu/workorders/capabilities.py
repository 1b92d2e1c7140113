"""Functional permissions of the work-order part and the built-in roles that get them."""

from django.db import models


class Cap(models.TextChoices):
    INTAKE = "workorders.intake", "登记受理诉求、直接答复"
    DISPATCH = "workorders.dispatch", "派单、改派、审定退单、并单"
    HANDLE = "workorders.handle", "签收、办理、回复本单位工单"
    APPROVE_EXTENSION = "workorders.approve_extension", "审批延期"
    CALLBACK = "workorders.callback", "回访"
    SUPERVISE = "workorders.supervise", "督办"
    EXPORT = "workorders.export", "导出工单"
    VIEW_METRICS = "workorders.metrics", "查看单位办理指标"
    MANAGE = "workorders.manage", "维护诉求分类与Open311应用"


CAPABILITIES = Cap

ROLE_GRANTS: dict[str, list[str]] = {
    "town_admin": [
        Cap.INTAKE,
        Cap.DISPATCH,
        Cap.HANDLE,
        Cap.APPROVE_EXTENSION,
        Cap.CALLBACK,
        Cap.EXPORT,
        Cap.VIEW_METRICS,
        Cap.MANAGE,
    ],
    "operator": [Cap.INTAKE, Cap.DISPATCH, Cap.CALLBACK, Cap.EXPORT],
    "dept_staff": [Cap.HANDLE, Cap.EXPORT],
    "village_cadre": [Cap.HANDLE, Cap.EXPORT],
    "grid_worker": [Cap.HANDLE],
    "leader": [Cap.SUPERVISE, Cap.APPROVE_EXTENSION, Cap.EXPORT, Cap.VIEW_METRICS],
}
