"""The shell's accessibility markup, checked without a browser (axe itself runs in tests/e2e)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from zhenwu.testing import login


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <title>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def ids(self) -> set[str]:
        return {a["id"] for _t, a in self.tags if "id" in a}

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def test_a_failed_h5_submit_is_announced_and_each_error_is_tied_to_its_field(db: Any, client: Any) -> None:
    page = Elements(client.post("/public/h5/", {"description": ""}).content.decode())
    assert page.title.startswith("提交未成功 · ")
    summary = [a for t, a in page.tags if "data-zw-error-summary" in a]
    assert len(summary) == 1 and summary[0]["role"] == "alert" and summary[0]["tabindex"] == "-1"
    invalid = [a for _t, a in page.tags if a.get("aria-invalid") == "true"]
    assert [a["name"] for a in invalid] == ["description"]
    described = invalid[0]["aria-describedby"].split()
    assert "id_description_error" in described and set(described) <= page.ids()
    assert page.find("a", href="#id_description"), "the summary links to the field"


def test_the_shell_has_landmarks_a_skip_link_and_an_h1(cast: Any, client: Any) -> None:
    html = login(client, cast.yahe_cadre).get("/workbench/").content.decode()
    page = Elements(html)
    assert page.tags[[t for t, _a in page.tags].index("body") + 1] == (
        "a",
        {"class": "zw-skip", "href": "#main"},
    )
    assert len(page.find("main", id="main")) == 1
    assert page.find("nav", id="sidebar-menu", **{"aria-label": "主菜单"})
    assert re.search(r"<h1 class=\"page-title\">\s*\S", html)
    assert page.find("button", **{"data-zw-large-toggle": "", "aria-pressed": "false"})
    assert page.find("script", src="/static/zhenwu/large-text.js")


def test_public_pages_name_the_platform_and_offer_the_large_text_switch(db: Any, client: Any) -> None:
    for path in ["/", "/accounts/login/", "/public/h5/", "/public/h5/track/"]:
        page = Elements(client.get(path).content.decode())
        assert page.title.endswith(" · 镇务 · 牛塘镇"), (path, page.title)
        assert page.find("main", id="main") and page.find("button", **{"data-zw-large-toggle": ""}), path
        head = [t for t, _a in page.tags].index("body")
        assert ("script", {"src": "/static/zhenwu/large-text.js"}) in page.tags[:head], "applied before paint"


def test_inbox_tabs_are_links_marked_with_aria_current(cast: Any, client: Any) -> None:
    html = login(client, cast.yahe_cadre).get("/workorders/inbox/?tab=handling").content.decode()
    assert 'role="tablist"' not in html and 'role="tab"' not in html
    page = Elements(html)
    current = [
        a
        for t, a in page.tags
        if t == "a" and a.get("aria-current") == "page" and "?tab=" in a.get("href", "")
    ]
    assert [a["href"] for a in current] == ["?tab=handling"]
