"""Issue 14 in the browser: the AHP judgement as pairwise comparisons with CR shown live."""

from __future__ import annotations

from typing import Any

import pytest

from zhenwu.accounts.town_demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ahp_pairs_show_cr_live(demo_site: Any, desktop: Any, shot: Any) -> None:
    base = demo_site.url
    desktop.goto(f"{base}/accounts/login/")
    desktop.fill("input[name=username]", "town_admin")
    desktop.fill("input[name=password]", DEMO_PASSWORD)
    desktop.click("button[type=submit]")
    desktop.wait_for_url("**/workbench/")
    desktop.goto(f"{base}/assessment/scheme/")
    live = desktop.locator("#zw-ahp-live")
    assert "CR = 0.000" in live.inner_text()  # all pairs 同等重要: perfectly consistent
    pairs = desktop.locator("#zw-ahp select.zw-ahp-pair")
    assert pairs.count() == 10  # five items, every pair once
    # A contradictory judgement: A ≫ B, B ≫ C, but C ≫ A.
    desktop.select_option("select[name=pair_0_1]", "9")
    desktop.select_option("select[name=pair_1_2]", "9")
    desktop.select_option("select[name=pair_0_2]", "1/9")
    assert "≥ 0.10" in live.inner_text()
    desktop.select_option("select[name=pair_0_2]", "9")
    desktop.select_option("select[name=pair_1_2]", "3")
    desktop.select_option("select[name=pair_0_1]", "3")
    assert "CR = 0.138" in live.inner_text()  # the same figure the server's eigenvector method gives
    desktop.select_option("select[name=pair_0_2]", "1")
    desktop.select_option("select[name=pair_1_2]", "1")
    desktop.select_option("select[name=pair_0_1]", "2")
    text = live.inner_text()
    assert "CR = 0.013" in text and "通过一致性检验" in text, text
    shot(desktop, "assessment-10-ahp-pairs-desktop")
    desktop.get_by_role("button", name="计算权重").click()
    assert "通过一致性检验。已填入下方表单" in desktop.inner_text("body")
