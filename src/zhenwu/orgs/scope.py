"""Data scope: the one place that decides which rows a person may see or change.

Every scoped model declares `SCOPE_UNIT` (lookup from the model to its owning Unit, "" for Unit
itself) and optionally `SCOPE_OWNER` (lookup to the user who owns the row, for the "self" scope).
`Model.objects.visible_to(user, action)` returns only rows inside the user's scope; pages, API,
exports and htmx partials all read through it. Out of scope is 404, read-only is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from zhenwu.accounts.models import User

Action = Literal["view", "change"]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeGrant:
    scope: str
    unit_id: int
    unit_path: str
    custom_unit_ids: tuple[int, ...]
    can_write: bool
    admin: bool = False  # from a 三员 role: reaches only models that declare SCOPE_ADMIN


@dataclass(frozen=True)
class Access:
    """What one person may do, loaded once per request from their active memberships."""

    grants: tuple[ScopeGrant, ...]
    capabilities: frozenset[str]
    admin_kinds: frozenset[str]


NO_ACCESS = Access((), frozenset(), frozenset())


def access_of(user: Any) -> Access:
    """Scope grants, capabilities and 三员 kinds in one query, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NO_ACCESS
    cached = getattr(user, "_zhenwu_access", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from zhenwu.orgs.models import Membership

    grants: list[ScopeGrant] = []
    capabilities: set[str] = set()
    admin_kinds: set[str] = set()
    memberships = (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("unit", "role")
        .prefetch_related("role__custom_units")
    )
    for m in memberships:
        if m.role.admin_kind:
            admin_kinds.add(m.role.admin_kind)
        if not m.unit.is_active:
            continue  # a disabled unit grants neither scope nor capabilities
        capabilities.update(m.role.capabilities)
        grants.append(
            ScopeGrant(
                scope=m.role.data_scope,
                unit_id=m.unit_id,
                unit_path=m.unit.path,
                custom_unit_ids=tuple(u.pk for u in m.role.custom_units.all()),
                can_write=m.role.can_write,
                admin=bool(m.role.admin_kind),
            )
        )
    access = Access(tuple(grants), frozenset(capabilities), frozenset(admin_kinds))
    user._zhenwu_access = access
    return access


def user_grants(user: Any) -> tuple[ScopeGrant, ...]:
    """The business grants: what a person may see of citizens' and units' business data.

    Grants of the three administrator roles (三员) are left out: least privilege keeps the system,
    security and audit administrators out of work orders, photos, assessments and the rest. They
    reach only the models that declare ``SCOPE_ADMIN = True`` (units, people, memberships).
    """
    return tuple(g for g in access_of(user).grants if not g.admin)


def scope_q(model: type[models.Model], user: Any, action: Action = "view") -> Q | None:
    """A Q selecting the rows of `model` inside the user's scope; None means everything."""
    from zhenwu.orgs.choices import DataScope

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    unit_lookup: str | None = getattr(model, "SCOPE_UNIT", None)
    owner_lookup: str | None = getattr(model, "SCOPE_OWNER", None)
    if unit_lookup is None and owner_lookup is None:
        raise TypeError(f"{model.__name__} declares neither SCOPE_UNIT nor SCOPE_OWNER")
    id_field = f"{unit_lookup}__id" if unit_lookup else "id"
    path_field = f"{unit_lookup}__path" if unit_lookup else "path"

    q = Q(pk__in=[])
    grants = access_of(user).grants if getattr(model, "SCOPE_ADMIN", False) else user_grants(user)
    for grant in grants:
        if action == "change" and not grant.can_write:
            continue
        if grant.scope == DataScope.ALL:
            return None
        if grant.scope == DataScope.SELF:
            if owner_lookup:
                q |= Q(**{owner_lookup: user.pk})
            continue
        if unit_lookup is None:
            continue
        if grant.scope == DataScope.UNIT:
            q |= Q(**{id_field: grant.unit_id})
        elif grant.scope == DataScope.UNIT_AND_BELOW:
            q |= Q(**{f"{path_field}__startswith": grant.unit_path})
        elif grant.scope == DataScope.CUSTOM:
            q |= Q(**{f"{id_field}__in": grant.custom_unit_ids})
    return q


class ScopedQuerySet(models.QuerySet[M]):
    def visible_to(self, user: Any, action: Action = "view") -> ScopedQuerySet[M]:
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or not getattr(user, "is_active", False)
        ):
            return self.none()
        q = scope_q(self.model, user, action)
        if q is None:
            return self
        unit_lookup = getattr(self.model, "SCOPE_UNIT", None) or ""
        if "__" in unit_lookup or getattr(self.model, "SCOPE_MULTI", False):
            # A multi-valued path would duplicate rows; select by key instead.
            return self.filter(pk__in=self.model._default_manager.filter(q).values("pk"))
        return self.filter(q)


def get_scoped_object(
    queryset: models.QuerySet[M], user: User | Any, action: Action = "view", **lookup: Any
) -> M:
    """Fetch one object for `user`: 404 outside the view scope, 403 if visible but not changeable."""
    qs: Any = queryset
    visible = qs.visible_to(user, "view")
    try:
        obj = visible.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("记录不存在或不在您的数据范围内。") from exc
    if action == "change" and not qs.visible_to(user, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied("您对该记录只有查看权限。")
    return obj  # type: ignore[no-any-return]


def business_unit_q(user: Any, action: Action = "view") -> Q | None:
    """A Q over Unit for the units whose business data the person may see (or change).

    None means every unit (a town-wide grant); administrator grants are left out (least privilege).
    Models whose rows belong to several units (a work order's lead and assisting units) build
    their scope on it, so one unit list serves every lookup.
    """
    from zhenwu.orgs.choices import DataScope

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    q = Q(pk__in=[])
    for grant in user_grants(user):
        if action == "change" and not grant.can_write:
            continue
        if grant.scope == DataScope.ALL:
            return None
        if grant.scope == DataScope.UNIT:
            q |= Q(pk=grant.unit_id)
        elif grant.scope == DataScope.UNIT_AND_BELOW:
            q |= Q(path__startswith=grant.unit_path)
        elif grant.scope == DataScope.CUSTOM:
            q |= Q(pk__in=grant.custom_unit_ids)
    return q


def user_has_capability(user: Any, capability: str) -> bool:
    return capability in access_of(user).capabilities


def require_capability(actor: Any, capability: str, what: str = "") -> None:
    """The one permission check of the services. A missing actor is refused like anyone without the
    capability; commands and timers act as ``core.actors.SYSTEM``, which passes explicitly."""
    from zhenwu.core.actors import is_system
    from zhenwu.core.errors import PermissionDeniedError

    if is_system(actor):
        return
    if not user_has_capability(actor, capability):
        from zhenwu.core.parts import capability_label

        raise PermissionDeniedError(f"您没有“{what or capability_label(capability)}”的权限。")


def admin_kinds_of(user: Any) -> set[str]:
    """Fresh from the database (for the 三员分立 check before a grant); pages use access_of(user)."""
    from zhenwu.orgs.models import Role

    if user is None or not getattr(user, "pk", None):
        return set()
    kinds = (
        Role.objects.filter(memberships__user_id=user.pk, memberships__is_active=True)
        .exclude(admin_kind="")
        .values_list("admin_kind", flat=True)
    )
    return set(kinds)
