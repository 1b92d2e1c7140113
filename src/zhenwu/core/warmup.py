"""Warm-up of a server process: load at start what each worker's first requests would wait for.

``zhenwu.wsgi`` calls ``warm()`` when a server imports the application (gunicorn, runserver); tests
and management commands never import that module, so they do not pay for it. With gunicorn's
``--preload`` it runs once in the master and the forked workers share what it loaded: the URL
configuration with every view module, the compiled templates, and each part's ``warmup`` hook
(the dispatch engine's jieba dictionary, scikit-learn and the current classifier). A failure is
logged and the server starts anyway: a worker then loads these on first use, as it did before.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("zhenwu.warmup")


def _urls() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every view


def _templates() -> None:
    """Compile every template of the project and the apps into the cached loader."""
    from pathlib import Path

    from django.template import engines
    from django.template.utils import get_app_template_dirs

    ours = Path(__file__).resolve().parent.parent  # the zhenwu package
    for backend in engines.all():
        dirs = [Path(d) for d in backend.template_dirs] + [
            Path(d) for d in get_app_template_dirs("templates")
        ]
        for base in dirs:
            if ours not in base.resolve().parents:  # only zhenwu's own templates, not every library's
                continue
            for path in base.rglob("*.html"):
                try:
                    backend.get_template(path.relative_to(base).as_posix())
                except Exception:  # a broken template fails when it is used, as without warm-up
                    log.debug("template %s not compiled", path, exc_info=True)


def warm() -> dict[str, float]:
    """Load everything once; milliseconds per step (logged). Database connections are closed after,
    so processes forked from this one (gunicorn --preload) open their own."""
    from django.db import connections

    from zhenwu.core.parts import part_modules

    steps = [("urls", _urls), ("templates", _templates)]
    steps += [(module.__name__, module.warm) for module in part_modules("warmup")]
    timings: dict[str, float] = {}
    for name, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception:
            log.warning("warm-up step %s failed; loaded on first use instead", name, exc_info=True)
        timings[name] = round((time.perf_counter() - started) * 1000, 1)
    connections.close_all()
    log.info("warm-up done: %s", ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items()))
    return timings
