"""The explicit system actor: commands and timers act as it, never as "no actor".

A service that accepts ``SYSTEM`` says so in its permission check; every other service refuses
it like any person without the capability.
"""

from __future__ import annotations


class SystemActor:
    pk = None
    id = None
    is_authenticated = False
    is_active = True
    is_superuser = False
    username = "system"
    display_name = "系统"

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    return actor is SYSTEM
