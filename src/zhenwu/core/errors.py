"""Domain errors: the one way services refuse something, always with a Chinese message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `message` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message


class PermissionDeniedError(DomainError):
    """The actor may see the object but not do this to it (HTTP 403)."""

    def __init__(self, message: str = "您没有执行此操作的权限。", **kwargs: object) -> None:
        super().__init__(message, code="permission_denied")


class NotFoundError(DomainError):
    """The object does not exist or is outside the actor's data scope (HTTP 404)."""

    def __init__(self, message: str = "记录不存在或不在您的数据范围内。") -> None:
        super().__init__(message, code="not_found")
