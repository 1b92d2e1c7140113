"""Reads on the organisation tree, always scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from zhenwu.orgs.models import Membership, Unit


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)
    people: int = 0


def unit_list(*, user: Any, filters: dict[str, Any] | None = None, action: str = "view") -> Any:
    filters = filters or {}
    qs = Unit.objects.visible_to(user, action).select_related("parent")  # type: ignore[arg-type]
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(short_name__icontains=q))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("unit_type"):
        qs = qs.filter(unit_type=filters["unit_type"])
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs.order_by("path")


def unit_tree(*, user: Any) -> list[TreeNode]:
    """The visible part of the tree; a visible unit whose parent is hidden becomes a root."""
    units = list(
        Unit.objects.visible_to(user)
        .annotate(people=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("depth", "sort_order", "code")
    )
    nodes = {u.pk: TreeNode(unit=u, people=getattr(u, "people", 0)) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        node = nodes[u.pk]
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def unit_members(*, user: Any, unit: Unit) -> Any:
    return (
        Membership.objects.visible_to(user)
        .filter(unit=unit, is_active=True)
        .select_related("user", "role")
        .order_by("role_id", "user__username")
    )
