"""`zhenwu precheck hightech|techsme --json FILE`: output shape and exit status 2 on bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.enterprises.test_enterprises_precheck import HIGHTECH, TECHSME


def run(kind: str, path: Path) -> dict[str, Any]:
    out = io.StringIO()
    call_command("precheck", kind, "--json", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_hightech_prints_the_documented_shape(tmp_path: Path) -> None:
    path = tmp_path / "ht.json"
    path.write_text(json.dumps({**HIGHTECH, "net_assets": [2000, 2600, 3380], "sales": [4000, 4400, 4840]}))
    result = run("hightech", path)
    assert set(result) == {"eligible", "score", "conditions", "growth"}
    assert result["growth"] == {"net_assets": 0.3, "sales": 0.1}
    assert all(set(c) == {"code", "passed", "value", "threshold", "explain"} for c in result["conditions"])
    rd = next(c for c in result["conditions"] if c["code"] == "rd_ratio")
    assert rd["threshold"] == 0.05 and isinstance(rd["explain"], str) and "研究开发费用" in rd["explain"]


def test_techsme_has_no_growth(tmp_path: Path) -> None:
    path = tmp_path / "sme.json"
    path.write_text(json.dumps(TECHSME))
    result = run("techsme", path)
    assert set(result) == {"eligible", "score", "conditions"} and result["eligible"] is True
    assert result["score"] == 100


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({k: v for k, v in TECHSME.items() if k != "sales"}, "sales"),
        ({**TECHSME, "rd": -3}, "rd"),
        ({**TECHSME, "assets": "两亿"}, "assets"),
    ],
)
def test_a_missing_negative_or_malformed_figure_exits_2_naming_it(
    tmp_path: Path, content: Any, field: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content))
    with pytest.raises(CommandError) as exc:
        run("techsme", path)
    assert exc.value.returncode == 2 and field in str(exc.value)


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        run("hightech", tmp_path / "nope.json")
    assert exc.value.returncode == 2 and "找不到文件" in str(exc.value)


def test_the_zhenwu_command_exits_2_on_a_negative_figure(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**HIGHTECH, "rd": [1, -1, 1]}))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhenwu.settings", "ZHENWU_VAR_DIR": str(tmp_path)}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    code = "from zhenwu.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "precheck", "hightech", "--json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "rd[1]" in proc.stderr and "不能为负数" in proc.stderr and proc.stdout == ""
