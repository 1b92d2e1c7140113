"""The test cast and reusable scope tests (after healthchecks' BaseTestCase and NetBox's ViewTestCases).

Cast: town admin (all data); 丫河村 cadre (read-write); 丫河村 viewer (read-only); 卢家巷村 cadre
(the outsider); a citizen (self only); plus the three separated admins. Every scoped page's tests
inherit `ScopedViewTests`, so no page can forget the 404/403 rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.test import Client
from django.utils import timezone

PASSWORD = "Cast#2026pass"


@dataclass
class Cast:
    town: Any
    department: Any
    yahe: Any
    yahe_grid: Any
    yahe_station: Any
    lujiaxiang: Any
    lujiaxiang_grid: Any
    town_admin: Any
    yahe_cadre: Any
    yahe_viewer: Any
    ljx_cadre: Any
    citizen: Any
    sysadmin: Any
    secadmin: Any
    auditadmin: Any
    operator: Any = None
    leader: Any = None


def _unit(code: str, name: str, kind: str, parent: Any = None, unit_type: str = "township") -> Any:
    from zhenwu.orgs.models import Unit

    path = f"{parent.path if parent else '/'}{code}/"
    return Unit.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        unit_type=unit_type,
        handles_requests=True,
        path=path,
        depth=(parent.depth + 1) if parent else 0,
    )


def make_user(
    username: str, *, unit: Any = None, role: str = "", real_name: str = "", phone: str = ""
) -> Any:
    from zhenwu.accounts.models import PasswordHistory, User
    from zhenwu.orgs.models import Membership, Role

    # The built-in roles exist: post_migrate creates them (and again after a transactional flush).
    user = User(
        username=username,
        real_name=real_name or username,
        phone=phone,
        must_change_password=False,
        password_changed_at=timezone.now(),
    )
    user.set_password(PASSWORD)
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    if unit is not None and role:
        Membership.objects.create(user=user, unit=unit, role=Role.objects.get(code=role))
    return user


def make_cast() -> Cast:
    town = _unit("NT", "牛塘镇", "town")
    department = _unit("NT-CGB", "城市管理办公室", "department", town, "urban_mgmt")
    yahe = _unit("NT-YH", "丫河村", "village", town)
    yahe_grid = _unit("NT-YH-G01", "丫河村第一网格", "grid", yahe)
    yahe_station = _unit("NT-YH-ST", "丫河便民服务站", "station", yahe)
    lujiaxiang = _unit("NT-LJX", "卢家巷村", "village", town)
    lujiaxiang_grid = _unit("NT-LJX-G01", "卢家巷村第一网格", "grid", lujiaxiang)
    return Cast(
        town=town,
        department=department,
        yahe=yahe,
        yahe_grid=yahe_grid,
        yahe_station=yahe_station,
        lujiaxiang=lujiaxiang,
        lujiaxiang_grid=lujiaxiang_grid,
        town_admin=make_user(
            "town_admin", unit=town, role="town_admin", real_name="镇管理员", phone="13800138001"
        ),
        yahe_cadre=make_user(
            "yahe_cadre", unit=yahe, role="village_cadre", real_name="丫河干部", phone="13800138004"
        ),
        yahe_viewer=make_user("yahe_viewer", unit=yahe, role="village_viewer", real_name="丫河查看员"),
        ljx_cadre=make_user(
            "ljx_cadre", unit=lujiaxiang, role="village_cadre", real_name="卢家巷干部", phone="13800138006"
        ),
        citizen=make_user("citizen", unit=town, role="citizen", real_name="张三", phone="13912345678"),
        sysadmin=make_user("sysadmin", unit=department, role="sys_admin", real_name="系统管理员"),
        secadmin=make_user("secadmin", unit=department, role="sec_admin", real_name="安全管理员"),
        auditadmin=make_user("auditadmin", unit=department, role="audit_admin", real_name="审计管理员"),
        operator=make_user("operator", unit=town, role="operator", real_name="话务员", phone="13800138002"),
        leader=make_user("leader", unit=town, role="leader", real_name="镇领导", phone="13800138009"),
    )


def login(client: Client, user: Any) -> Client:
    """Sign in; admin roles also get a verified TOTP device, as after a real second-factor check."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhenwu.orgs.scope import admin_kinds_of

    client.force_login(user)
    if admin_kinds_of(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class ScopedViewTests:
    """Inherit in a test class for a scoped model's pages; set the hooks, get the scope tests.

    Hooks: `make_object(cast)` returns an object owned by 丫河村; `detail_url(obj)`; optionally
    `change_url(obj)` (a GET or POST that needs write access) and `change_method` ("get"/"post").
    """

    change_method: ClassVar[str] = "post"
    change_data: ClassVar[dict[str, Any]] = {}

    def make_object(self, cast: Cast) -> Any:
        raise NotImplementedError

    def detail_url(self, obj: Any) -> str:
        raise NotImplementedError

    def change_url(self, obj: Any) -> str | None:
        return None

    def test_it_shows_the_object_to_its_unit(self, client: Client, cast: Cast) -> None:
        obj = self.make_object(cast)
        response = login(client, cast.yahe_cadre).get(self.detail_url(obj))
        assert response.status_code == 200

    def test_it_hides_the_object_from_another_village(self, client: Client, cast: Cast) -> None:
        obj = self.make_object(cast)
        response = login(client, cast.ljx_cadre).get(self.detail_url(obj))
        assert response.status_code == 404
        assert "不存在" in response.content.decode()

    def test_it_requires_login(self, client: Client, cast: Cast) -> None:
        obj = self.make_object(cast)
        response = client.get(self.detail_url(obj))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_it_refuses_changes_from_a_read_only_member(self, client: Client, cast: Cast) -> None:
        obj = self.make_object(cast)
        url = self.change_url(obj)
        if url is None:
            return
        c = login(client, cast.yahe_viewer)
        response = c.post(url, self.change_data) if self.change_method == "post" else c.get(url)
        assert response.status_code == 403

    def test_it_refuses_changes_from_another_village(self, client: Client, cast: Cast) -> None:
        obj = self.make_object(cast)
        url = self.change_url(obj)
        if url is None:
            return
        c = login(client, cast.ljx_cadre)
        response = c.post(url, self.change_data) if self.change_method == "post" else c.get(url)
        assert response.status_code == 404
