"""The business parts of zhenwu and the hooks through which each plugs into the shell.

A part is a Django app under ``zhenwu.<name>``. Each hook is an optional module of the part:

- ``<part>.capabilities``: ``CAPABILITIES`` (a TextChoices of capability codes) and
  ``ROLE_GRANTS`` (built-in role code -> capability codes given when the role is created).
- ``<part>.nav``: ``section(user) -> NavSection | None`` for the side navigation and
  ``todo_cards(user) -> list[dict]`` for the workbench (title, value, url, hint).
- ``<part>.demo``: ``load_demo(admin) -> dict[str, int]`` (idempotent, through services) and
  optionally ``describe() -> list[str]`` for lines printed after the demo is loaded.
- ``<part>.beat``: ``SCHEDULE``, entries merged into Celery beat's schedule.

Keeping these in the part means a new part touches no shared file besides this list.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

PARTS: list[str] = ["workorders", "dispatch", "knowledge", "hotline", "assessment"]


def part_modules(hook: str) -> Iterator[ModuleType]:
    """Yield ``zhenwu.<part>.<hook>`` for every part that has it, in PARTS order."""
    for part in PARTS:
        name = f"zhenwu.{part}.{hook}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the hook exists but imports something missing: a real error
                raise


def capability_choices() -> list[tuple[str, str]]:
    from zhenwu.orgs.choices import Capability

    choices = list(Capability.choices)
    for module in part_modules("capabilities"):
        choices.extend(module.CAPABILITIES.choices)
    return choices


def capability_label(code: str) -> str:
    return dict(capability_choices()).get(code, code)


def role_grants(role_code: str) -> list[str]:
    grants: list[str] = []
    for module in part_modules("capabilities"):
        grants.extend(str(c) for c in getattr(module, "ROLE_GRANTS", {}).get(role_code, []))
    return grants
