"""The `zhenwu` command: Django's manage.py with zhenwu's own commands under friendly names.

zhenwu demo            load the 牛塘镇 demo (idempotent)
zhenwu serve           migrate and serve on http://127.0.0.1:8000 (development server)
zhenwu check-deploy    Django's deploy checks plus zhenwu's own
zhenwu audit verify    verify the audit chain; `zhenwu audit seal` seals pending rows
zhenwu <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenwu.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = (
            args[1].replace("-", "_")
            if args[1] in {"check-deploy", "calendar-seed", "enterprise-figures"}
            else args[1]
        )
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
