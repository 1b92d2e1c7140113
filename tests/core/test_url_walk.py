"""Issue 9, item 7: walk EVERY URL pattern as every role, with hostile values in every query
parameter the view reads and in every text path segment, and assert no 5xx.

Data: the 牛塘镇 demo (a town in use), so path ids point at real objects; identities: anonymous and
one demo account per role of the test cast (town admin, village cadre, village viewer, citizen,
operator, leader, department staff, grid worker, inspector and the three separated admins).
The parameters a view reads are found in its source (`request.GET[...]`, `request.GET.get(...)`,
a form bound to `request.GET` or parsed by `read_filters`, `paginate`) and in the module's helpers
it calls with `request`. The figures are printed (run with -s) and checked against a floor.
"""

from __future__ import annotations

import inspect
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhenwu.testing import login

HOSTILE = [
    "\x00",
    "'",
    '"',
    "<script>alert(1)</script>",
    "1e309",
    "99999999999999999999999",
    "-1",
    "abc",
    "x" * 10_000,
]
ROLES = [
    "",  # anonymous
    "town_admin",
    "yahe_cadre",
    "yahe_viewer",
    "citizen",
    "operator",
    "leader",
    "cgb_staff",
    "yahe_grid",
    "inspector",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
# GETs with side effects on the walker's own session.
SKIP = {"accounts/logout/"}

PARAM_RE = re.compile(r"request\.(?:GET|query_params)(?:\.get\(|\.getlist\(|\[)\s*[\"'](\w+)[\"']")
FORM_RE = re.compile(r"([\w.]+)\(\s*request\.(?:GET|query_params)\b|read_filters\(\s*request,\s*([\w.]+)")
HELPER_RE = re.compile(r"\b(_?\w+)\(\s*request\b")


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(inspect.unwrap(obj))
    except (OSError, TypeError):
        return ""


def _resolve(name: str, module: ModuleType) -> Any:
    obj: Any = module
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def params_read(callback: Any) -> set[str]:
    """Query parameters the view (and the helpers of its module it passes `request` to) reads."""
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    view = inspect.unwrap(view)
    module = sys.modules[view.__module__]
    sources, seen = [_source(view)], set()
    for helper in HELPER_RE.findall(sources[0]):
        fn = getattr(module, helper, None)
        if helper not in seen and inspect.isfunction(fn) and fn.__module__ == module.__name__:
            seen.add(helper)
            sources.append(_source(fn))
    names: set[str] = set()
    for src in sources:
        names.update(PARAM_RE.findall(src))
        for a, b in FORM_RE.findall(src):
            form = _resolve(a or b, module)
            if isinstance(form, type) and hasattr(form, "base_fields"):
                names.update(form.base_fields)
        if "paginate(" in src:
            names.add("page")
    return names


def path_values() -> dict[str, dict[str, Any]]:
    """Real ids from the demo for each path converter (route -> {name: value})."""
    from zhenwu.accounts.models import User
    from zhenwu.assessment import models as am
    from zhenwu.audit.models import AuditEvent
    from zhenwu.dispatch.models import CatalogueEntry
    from zhenwu.hotline import models as hm
    from zhenwu.knowledge.models import Article as KArticle
    from zhenwu.orgs.models import Membership, Role, Unit
    from zhenwu.workorders.models import Category, Open311App, WorkOrder

    def first(qs: Any) -> Any:
        obj = qs.order_by("pk").first()
        return obj.pk if obj is not None else 1

    order = WorkOrder.objects.exclude(photos=None).order_by("pk").first() or WorkOrder.objects.first()
    photo = order.photos.first() if order else None
    episode = hm.Episode.objects.exclude(issues=None).order_by("pk").first() or hm.Episode.objects.first()
    issue = episode.issues.first() if episode else None
    finding = am.Finding.objects.exclude(photos=None).order_by("pk").first() or am.Finding.objects.first()
    result = am.MonthlyResult.objects.order_by("pk").first()
    return {
        "user": {"pk": first(User.objects.filter(is_demo=True))},
        "membership": {"pk": first(Membership.objects)},
        "role": {"pk": first(Role.objects)},
        "unit": {"pk": first(Unit.objects)},
        "event": {"pk": first(AuditEvent.objects)},
        "year": {"year": 2026},
        "category": {"code": Category.objects.order_by("pk").first().code},
        "order": {
            "number": order.number if order else "NT-1",
            "action": "accept",
            "pk": photo.pk if photo else 1,
        },
        "app": {"pk": first(Open311App.objects), "action": "disable"},
        "open311": {
            "fmt": "json",
            "code": Category.objects.filter(is_active=True).order_by("pk").first().code,
            "number": order.number if order else "NT-1",
            "token": "abc",
        },
        "catalogue": {"pk": first(CatalogueEntry.objects)},
        "knowledge": {"pk": first(KArticle.objects)},
        "slot": {"pk": first(hm.OnAirSlot.objects)},
        "leave": {"pk": first(hm.LeaveRequest.objects)},
        "episode": {"pk": episode.pk if episode else 1, "issue_pk": issue.pk if issue else 1},
        "commitment": {"pk": first(hm.Commitment.objects)},
        "harticle": {"pk": first(hm.Article.objects)},
        "finding": {"pk": finding.pk if finding else 1},
        "file": {"pk": finding.photos.first().pk if finding and finding.photos.exists() else 1},
        "objection": {"pk": first(am.Objection.objects)},
        "month": {
            "pk": result.month_id if result else first(am.AssessmentMonth.objects),
            "month_pk": result.month_id if result else 1,
            "unit_pk": result.unit_id if result else 1,
            "kind": "docx",
        },
        "scheme": {"pk": first(am.Scheme.objects)},
        "indicator": {"pk": first(am.Indicator.objects)},
        "meeting": {"pk": first(am.ReviewMeeting.objects)},
        "task": {"pk": first(am.MeetingDecision.objects)},
    }


KIND_BY_PREFIX = [  # the first matching route prefix names the object kind of its path ids
    ("manage/users/", "user"),
    ("manage/security/unlock/", "user"),
    ("manage/memberships/", "membership"),
    ("manage/roles/", "role"),
    ("orgs/units/", "unit"),
    ("manage/units/", "unit"),
    ("audit/events/", "event"),
    ("calendar/", "year"),
    ("workorders/categories/", "category"),
    ("workorders/open311/apps/", "app"),
    ("workorders/", "order"),
    ("public/photos/", "order"),
    ("open311/", "open311"),
    ("dispatch/catalogue/", "catalogue"),
    ("knowledge/", "knowledge"),
    ("hotline/schedule/slots/", "slot"),
    ("hotline/schedule/leaves/", "leave"),
    ("hotline/episodes/", "episode"),
    ("public/hotline/episodes/", "episode"),
    ("hotline/commitments/", "commitment"),
    ("public/hotline/commitments/", "commitment"),
    ("public/hotline/articles/", "harticle"),
    ("assessment/findings/", "finding"),
    ("assessment/files/", "file"),
    ("assessment/objections/", "objection"),
    ("assessment/months/", "month"),
    ("assessment/scheme/", "scheme"),
    ("assessment/indicators/", "indicator"),
    ("assessment/meetings/", "meeting"),
    ("assessment/tasks/", "task"),
]
CONVERTER_RE = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def build(route: str, values: dict[str, dict[str, Any]], text_override: str | None = None) -> str:
    """The URL of `route` with its converters filled; `text_override` replaces every str segment."""
    kind = next((k for prefix, k in KIND_BY_PREFIX if route.startswith(prefix)), "")
    filled = values.get(kind, {})

    def fill(m: re.Match[str]) -> str:
        converter, name = (m.group(1) or "str", m.group(2)) if m.group(2) else ("str", m.group(3))
        value = filled.get(name, 1)
        if text_override is not None and converter == "str" and name != "fmt":
            value = text_override
        return quote(str(value), safe="")

    url = CONVERTER_RE.sub(fill, route)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".")


@pytest.fixture
def demo_town(db: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from zhenwu.accounts.town_demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZHENWU_DEMO_ACCOUNTS = True  # else the policy middleware signs demo accounts out
    load_demo()
    return path_values()


def test_every_url_pattern_survives_hostile_parameters_as_every_role(demo_town: dict[str, Any]) -> None:
    from zhenwu.accounts.models import User

    patterns = [(route, p) for route, p in walk(get_resolver().url_patterns) if route not in SKIP]
    plan = []
    for route, pattern in patterns:
        params = sorted(params_read(pattern.callback))
        has_text_segment = any(
            (m.group(1) in (None, "str") and m.group(2) not in (None, "fmt"))
            or m.group(3) not in (None, "fmt")
            for m in CONVERTER_RE.finditer(route)
        )
        plan.append((route, build(route, demo_town), params, has_text_segment))

    started, requests, hostile_inputs, failures = time.monotonic(), 0, 0, []
    statuses: Counter[int] = Counter()
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role:
            login(client, User.objects.get(username=role))
        for route, url, params, has_text_segment in plan:
            probes = [url]
            for value in HOSTILE:
                if params:
                    probes.append(f"{url}?{urlencode({name: value for name in params})}")
                    hostile_inputs += len(params)
                if has_text_segment:
                    probes.append(build(route, demo_town, text_override=value))
                    hostile_inputs += 1
            for probe in probes:
                requests += 1
                response = client.get(probe)
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    failures.append(f"{role or 'anonymous'} {response.status_code} {route} {probe[:160]}")
    elapsed = time.monotonic() - started
    with_params = sum(1 for _, _, params, _ in plan if params)
    print(
        f"\nURL walk: {len(plan)} patterns ({with_params} reading query parameters), {len(ROLES)} identities, "
        f"{len(HOSTILE)} hostile values, {hostile_inputs} hostile inputs in {requests} requests, "
        f"{elapsed:.0f} s, {len(failures)} server errors; answers by status: {dict(sorted(statuses.items()))}"
    )
    assert not failures, "\n".join(failures[:40])
    assert len(plan) >= 130 and with_params >= 25
    assert statuses[200] > requests / 3, "most probes should reach a page, not a login redirect"
