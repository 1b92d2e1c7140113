"""The business parts of zhenwu and the hooks through which each plugs into the shell.

A part is a Django app under ``zhenwu.<name>``. Each hook is an optional module of the part:

- ``<part>.capabilities``: ``CAPABILITIES`` (a TextChoices of capability codes) and
  ``ROLE_GRANTS`` (built-in role code -> capability codes given when the role is created).
- ``<part>.nav``: ``section(user) -> NavSection | None`` for the side navigation and
  ``todo_cards(user) -> list[dict]`` for the workbench (title, value, url, hint).
- ``<part>.demo``: ``load_demo(admin) -> dict[str, int]`` (idempotent, through services),
  optionally ``load_history(admin, *, months) -> dict[str, int]`` (sample history of the months
  before today, run right after the part's ``load_demo`` when the demo is loaded with history) and
  ``describe() -> list[str]`` for lines printed after the demo is loaded.
- ``<part>.beat``: ``SCHEDULE``, entries merged into Celery beat's schedule.
- ``<part>.metrics``: ``METRICS: list[Metric]``, figures other parts read by key (below).
- ``<part>.portal``: ``ENTRIES: list[PortalEntry]``, public entry points on the home page (below).
- ``<part>.deadlines``: ``recompute(...)``, moves open deadlines after a calendar change (below).
- ``<part>.dispatch_source``: the request categories and training samples the dispatch engine is
  given as arguments (below).
- ``<part>.warmup``: ``warm()``, loads what the part's first request in a server process would
  wait for (libraries, models); called once per server process by ``core.warmup``.

Keeping these in the part means a new part touches no shared file besides this list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

PARTS: list[str] = [
    "workorders",
    "dispatch",
    "knowledge",
    "hotline",
    "assessment",
    "govservices",
    "enterprises",
    "campaigns",
]


def part_modules(hook: str) -> Iterator[ModuleType]:
    """Yield ``zhenwu.<part>.<hook>`` for every part that has it, in PARTS order."""
    for part in PARTS:
        name = f"zhenwu.{part}.{hook}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the hook exists but imports something missing: a real error
                raise


# --- foundation providers ---------------------------------------------------------------------
# core sits below audit and orgs but asks them three things: record an audit event, does this
# person hold a capability, what are the capabilities called. The answers come from these
# providers, loaded here by name: the one place core reaches up (import-linter keeps the rest down).

AUDIT_PROVIDER = "zhenwu.audit.services"
SCOPE_PROVIDER = "zhenwu.orgs.scope"
CAPABILITY_PROVIDER = "zhenwu.orgs.choices"


def record_audit(**kwargs: Any) -> Any:
    """``audit.services.audit_record`` for core's own writes (calendar, attachments, timers)."""
    return importlib.import_module(AUDIT_PROVIDER).audit_record(**kwargs)


def has_capability(actor: Any, capability: str) -> bool:
    """``orgs.scope.user_has_capability``; the explicit SYSTEM actor holds every capability."""
    from zhenwu.core.actors import is_system

    if is_system(actor):
        return True
    return bool(importlib.import_module(SCOPE_PROVIDER).user_has_capability(actor, capability))


def capability_choices() -> list[tuple[str, str]]:
    base = importlib.import_module(CAPABILITY_PROVIDER).Capability
    choices = list(base.choices)
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


# --- metrics hook -------------------------------------------------------------------------------
# ``<part>.metrics`` declares ``METRICS: list[Metric]``. Readers (assessment's computed indicators,
# annual targets, the 驾驶舱) find figures here by key and never import another part's selectors.

MetricFunc = Callable[[Sequence[Any], date, date], dict[int, float | None]]


@dataclass(frozen=True)
class Metric:
    """A figure a part offers to the others.

    ``compute(units, start, end)`` returns ``{unit_id: value}`` for the given units over the
    period (both days included); a town-wide figure is returned under the town unit's id. A unit
    with no data is absent or ``None`` — never an invented 0.
    """

    key: str  # "<part>.<name>", stable: stored in assessment indicators and targets
    label: str  # Chinese, shown everywhere
    unit: str  # "%", "件", "家", "天", "分" …
    definition: str  # Chinese text shown on the definitions page
    higher_is_better: bool
    compute: MetricFunc = field(compare=False)
    ratio: bool = False  # values are fractions 0..1, shown as percentages


def metrics() -> dict[str, Metric]:
    """Every registered metric by key, in PARTS order."""
    found: dict[str, Metric] = {}
    for module in part_modules("metrics"):
        for metric in getattr(module, "METRICS", []):
            if metric.key in found:
                raise ValueError(f"metric {metric.key!r} registered twice")
            found[metric.key] = metric
    return found


def metric(key: str) -> Metric:
    from zhenwu.core.errors import DomainError

    try:
        return metrics()[key]
    except KeyError:
        raise DomainError("指标不存在，请从列表中选择。", field="metric", code="unknown_metric") from None


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in metrics().values()]


# --- portal hook --------------------------------------------------------------------------------
# ``<part>.portal`` declares ``ENTRIES: list[PortalEntry]``: the public entry points the home page
# ``/`` shows to citizens and businesses (办事指南, 证照核验, 进度查询 …).


@dataclass(frozen=True)
class PortalEntry:
    title: str  # Chinese, short: "我要反映"
    description: str  # one Chinese sentence
    url_name: str  # a URL name reversible without arguments, e.g. "govservices:guide"
    icon: str = ""  # a Tabler icon name, optional
    order: int = 100  # lower first


def portal_entries() -> list[PortalEntry]:
    entries: list[PortalEntry] = []
    for module in part_modules("portal"):
        entries.extend(getattr(module, "ENTRIES", []))
    return sorted(entries, key=lambda e: e.order)


# --- deadlines hook -----------------------------------------------------------------------------
# ``<part>.deadlines`` declares ``recompute(*, actor, old, new, since) -> int``: after the working-day
# calendar changed from ``since`` on (an official year arrived, a holiday was entered), move the
# part's open deadlines that lie after ``since`` to what ``new`` gives — never earlier than before —
# recording each change in the object's timeline and the audit log. Returns how many moved.


def deadline_recomputers() -> list[Callable[..., int]]:
    return [module.recompute for module in part_modules("deadlines")]


# --- dispatch_source hook -----------------------------------------------------------------------
# The dispatch engine knows no business part: it is given texts, category names and training
# samples. ``<part>.dispatch_source`` (work orders) declares ``category_names(codes) -> {code: name}``
# and ``training_samples() -> iterable of (text, unit_id)`` for the dispatch pages and commands.


def dispatch_category_names(code: str | None) -> dict[str, str]:
    if not code:
        return {}
    codes = {code, code.split(".", 1)[0]}
    names: dict[str, str] = {}
    for module in part_modules("dispatch_source"):
        names.update(module.category_names(codes))
    return names


def dispatch_training_samples() -> list[tuple[str, int]]:
    samples: list[tuple[str, int]] = []
    for module in part_modules("dispatch_source"):
        samples.extend((str(text), int(unit_id)) for text, unit_id in module.training_samples())
    return samples
