# -*- coding: utf-8 -*-
# ruff: noqa  -- a Python 2.7 script (the clients it drives are Python 2 only); py3 lint rules do not apply
"""Run the two Python 2 era Open311 clients (three 0.8.0, open311 1.1) against a live zhenwu.

Not collected by pytest (Python 2.7). Install the clients into a folder and run against a demo site:

    python2.7 -m pip install --target /tmp/py2clients three==0.8.0 open311==1.1
    PY2CLIENTS=/tmp/py2clients python2.7 tests/workorders/open311_clients_py2.py \
        http://127.0.0.1:8106/open311/v2/ API_KEY

Prints one line per client call: OK or FAIL with the reason (docs/open311.md lists the outcome).
"""

import os
import sys

sys.path.insert(0, os.environ.get("PY2CLIENTS", "/tmp/py2clients"))
B = sys.argv[1]
KEY = sys.argv[2]
results = []


def check(name, fn):
    try:
        out = fn()
        results.append((name, "OK", repr(out)[:110]))
    except Exception as exc:
        results.append((name, "FAIL", ("%s: %s" % (type(exc).__name__, exc))[:160]))


from three import Three

for fmt in ("json", "xml"):
    t = Three(B, api_key=KEY, format=fmt)
    check(
        "three %s discovery()" % fmt,
        lambda: t.discovery()["changeset"] if fmt == "json" else t.discovery().keys(),
    )
    check(
        "three %s services()" % fmt,
        lambda: len(t.services()) if fmt == "json" else len(t.services()["service"]),
    )
    check("three %s services('ecology.noise')" % fmt, lambda: t.services("ecology.noise"))
    posted = {}

    def do_post():
        r = t.post(
            "municipal.streetlight",
            lat="31.7321",
            long="119.8902",
            name="San Zhang",
            phone="555-5555",
            description="路灯不亮（three %s）" % fmt,
        )
        req = r[0] if fmt == "json" else r["request"]
        posted["id"] = req["service_request_id"]
        return req

    check("three %s post(...)" % fmt, do_post)
    check(
        "three %s requests()" % fmt,
        lambda: len(t.requests()) if fmt == "json" else len(t.requests()["request"]),
    )
    check(
        "three %s requests(status='open')" % fmt,
        lambda: (
            len(t.requests(status="open")) if fmt == "json" else len(t.requests(status="open")["request"])
        ),
    )
    check(
        "three %s requests('ecology.noise')" % fmt,
        lambda: len(t.requests("ecology.noise")) if fmt == "json" else t.requests("ecology.noise").keys(),
    )
    check(
        "three %s requests(start='11/20/2026', end='11/30/2026')" % fmt,
        lambda: len(t.requests(start="11/20/2026", end="11/30/2026")),
    )
    check("three %s request(id)" % fmt, lambda: t.request(posted["id"]))
    check("three %s token('x') -> error list" % fmt, lambda: t.token("x"))

from open311 import Open311

for fmt in ("xml", "json"):
    o = Open311(endpoint=B.rstrip("/"), api_key=KEY, format=fmt)
    o.base_url = B
    check("open311 %s service_list()" % fmt, lambda: len(o.service_list()))
    check(
        "open311 %s service_definition('ecology.noise')" % fmt, lambda: o.service_definition("ecology.noise")
    )
    check("open311 %s service_requests()" % fmt, lambda: len(o.service_requests()))
    ids = {}

    def o_post():
        r = o.post_service_request(
            service_code="municipal.streetlight",
            lat="31.7321",
            long="119.8902",
            description="井盖缺失（open311 %s）" % fmt,
        )
        return r

    check("open311 %s post_service_request(...)" % fmt, o_post)

    def one():
        lst = o.service_requests()
        first = lst[0] if isinstance(lst, list) else lst
        return o.get_service_request(first["service_request_id"])

    check("open311 %s get_service_request(id)" % fmt, one)
    check("open311 %s request_id_from_token('x')" % fmt, lambda: o.request_id_from_token("x"))

for name, status, detail in results:
    print("%-4s %-58s %s" % (status, name, detail))
