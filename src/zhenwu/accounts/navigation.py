"""The side navigation, built from the person's capabilities and memberships."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhenwu.core.navigation import NavItem, NavSection
from zhenwu.core.parts import part_modules
from zhenwu.orgs.choices import Capability
from zhenwu.orgs.scope import user_grants, user_has_capability


def navigation_for(user: Any, path: str) -> list[NavSection]:
    sections: list[NavSection] = []
    work = NavSection("工作", [NavItem("我的工作台", reverse("dashboard:home"), "home")])
    if user_has_capability(user, Capability.VIEW_DASHBOARD):
        work.items.append(NavItem("领导驾驶舱", reverse("dashboard:cockpit"), "gauge"))
    if user_grants(user):
        work.items.append(NavItem("组织机构", reverse("orgs:unit_tree"), "tree"))
    work.items.append(NavItem("工作日历", reverse("core:calendar"), "calendar"))
    sections.append(work)
    for module in part_modules("nav"):
        part_section = module.section(user)
        if part_section is not None and part_section.items:
            sections.append(part_section)

    admin = NavSection("系统管理")
    if user_has_capability(user, Capability.MANAGE_USERS):
        admin.items.append(NavItem("用户管理", reverse("accounts:user_list"), "users"))
    if user_has_capability(user, Capability.MANAGE_ROLES):
        admin.items.append(NavItem("角色管理", reverse("accounts:role_list"), "shield"))
    if user_has_capability(user, Capability.MANAGE_UNITS):
        admin.items.append(NavItem("单位管理", reverse("orgs:unit_list"), "building"))
    if user_has_capability(user, Capability.MANAGE_SECURITY):
        admin.items.append(NavItem("账号安全", reverse("accounts:security"), "lock"))
    if user_has_capability(user, Capability.VIEW_AUDIT):
        admin.items.append(NavItem("审计日志", reverse("audit:event_list"), "file-search"))
        admin.items.append(NavItem("登录日志", reverse("audit:login_list"), "login"))
    if admin.items:
        sections.append(admin)

    me = NavSection(
        "个人",
        [
            NavItem("修改密码", reverse("accounts:password_change"), "key"),
            NavItem("双因素认证", reverse("accounts:otp_setup"), "device"),
        ],
    )
    sections.append(me)
    # Only the longest matching entry is active (/audit/logins/ is 登录日志, not also 审计日志).
    items = [item for section in sections for item in section.items]
    matches = [i for i in items if path == i.url or (len(i.url) > 1 and path.startswith(i.url))]
    if matches:
        max(matches, key=lambda i: len(i.url)).active = True
    return sections
