"""The side navigation's building blocks; accounts.navigation builds it for a person."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class NavItem:
    label: str
    url: str
    icon: str = ""
    active: bool = False


@dataclass
class NavSection:
    title: str
    items: list[NavItem] = field(default_factory=list)
