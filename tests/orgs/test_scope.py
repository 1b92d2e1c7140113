"""The five data scopes (RuoYi): all, custom units, own unit, own unit and below, self."""

from __future__ import annotations

import pytest

from zhenwu.accounts.models import User
from zhenwu.orgs.models import Membership, Role, Unit
from zhenwu.orgs.scope import get_scoped_object
from zhenwu.testing import make_user

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def role_with(code: str, scope: str, *, can_write: bool = True, custom: list[Unit] | None = None) -> Role:
    role = Role.objects.create(code=code, name=code, data_scope=scope, can_write=can_write)
    if custom:
        role.custom_units.set(custom)
    return role


def grant(user: User, unit: Unit, role: Role) -> None:
    Membership.objects.create(user=user, unit=unit, role=role)


def test_scope_all_sees_every_unit(cast):
    assert Unit.objects.visible_to(cast.town_admin).count() == Unit.objects.count()


def test_scope_unit_and_below_sees_the_village_and_its_grids(cast):
    assert codes(Unit.objects.visible_to(cast.yahe_cadre)) == ["NT-YH", "NT-YH-G01", "NT-YH-ST"]


def test_scope_own_unit_sees_only_that_unit(cast):
    worker = make_user("grid1", unit=cast.yahe_grid, role="grid_worker")
    assert codes(Unit.objects.visible_to(worker)) == ["NT-YH-G01"]


def test_scope_custom_sees_exactly_the_chosen_units(cast):
    role = role_with("patrol", "custom", custom=[cast.yahe_grid, cast.lujiaxiang])
    person = make_user("patrol1")
    grant(person, cast.town, role)
    assert codes(Unit.objects.visible_to(person)) == ["NT-LJX", "NT-YH-G01"]


def test_scope_self_sees_only_own_rows(cast):
    other = make_user("citizen2", unit=cast.town, role="citizen")
    visible = User.objects.visible_to(cast.citizen)
    assert list(visible) == [cast.citizen]
    assert other not in visible
    # A self-scoped person sees no unit rows at all (units have no owner).
    assert Unit.objects.visible_to(cast.citizen).count() == 0


def test_scopes_of_several_memberships_add_up(cast):
    grant(cast.yahe_cadre, cast.lujiaxiang_grid, Role.objects.get(code="grid_worker"))
    assert codes(Unit.objects.visible_to(cast.yahe_cadre)) == ["NT-LJX-G01", "NT-YH", "NT-YH-G01", "NT-YH-ST"]


def test_read_only_role_sees_but_cannot_change(cast):
    assert Unit.objects.visible_to(cast.yahe_viewer).filter(pk=cast.yahe.pk).exists()
    assert not Unit.objects.visible_to(cast.yahe_viewer, "change").exists()


def test_inactive_membership_and_inactive_unit_grant_nothing(cast):
    Membership.objects.filter(user=cast.ljx_cadre).update(is_active=False)
    assert Unit.objects.visible_to(cast.ljx_cadre).count() == 0
    Unit.objects.filter(pk=cast.yahe.pk).update(is_active=False)
    assert Unit.objects.visible_to(cast.yahe_cadre).count() == 0


def test_anonymous_and_inactive_users_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert Unit.objects.visible_to(AnonymousUser()).count() == 0
    cast.yahe_cadre.is_active = False
    assert Unit.objects.visible_to(cast.yahe_cadre).count() == 0


def test_users_are_scoped_through_their_memberships(cast):
    names = set(User.objects.visible_to(cast.yahe_cadre).values_list("username", flat=True))
    assert names == {"yahe_cadre", "yahe_viewer"}


def test_get_scoped_object_is_404_outside_and_403_read_only(cast):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        get_scoped_object(Unit.objects.all(), cast.ljx_cadre, pk=cast.yahe.pk)
    with pytest.raises(PermissionDenied):
        get_scoped_object(Unit.objects.all(), cast.yahe_viewer, "change", pk=cast.yahe.pk)
    assert get_scoped_object(Unit.objects.all(), cast.yahe_cadre, "change", pk=cast.yahe.pk) == cast.yahe
    with pytest.raises(Http404):
        get_scoped_object(Unit.objects.all(), cast.yahe_cadre, pk="not-a-number")


def test_moving_a_unit_moves_its_subtree_in_the_scope(cast):
    from zhenwu.orgs.services import unit_update

    u = cast.yahe_grid
    unit_update(
        actor=cast.sysadmin,
        unit=u,
        parent=cast.lujiaxiang,
        name=u.name,
        kind=u.kind,
        unit_type=u.unit_type,
        handles_requests=True,
        is_active=True,
    )
    assert "NT-YH-G01" in codes(Unit.objects.visible_to(cast.ljx_cadre))
    assert "NT-YH-G01" not in codes(Unit.objects.visible_to(cast.yahe_cadre))


from zhenwu.testing import ScopedViewTests  # noqa: E402


class TestUnitDetailPage(ScopedViewTests):
    def make_object(self, cast):
        return cast.yahe_grid

    def detail_url(self, obj):
        return f"/orgs/units/{obj.pk}/"
