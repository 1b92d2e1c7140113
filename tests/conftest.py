from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at production cost would spend most of the suite hashing the cast's passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    """The calendar and other process caches must not leak between tests (each test rolls back the DB)."""
    from django.core.cache import cache

    import zhenwu.core.selectors as core_selectors
    from zhenwu.core.forms import forget_rendered_options
    from zhenwu.dispatch.engine import forget_cache
    from zhenwu.workorders.open311 import forget_hot

    cache.clear()
    core_selectors._cached = None
    forget_hot()
    forget_cache()
    forget_rendered_options()
    yield
    cache.clear()
    core_selectors._cached = None
    forget_cache()
    forget_rendered_options()


@pytest.fixture
def cast(db: Any) -> Any:
    from zhenwu.testing import make_cast

    return make_cast()
