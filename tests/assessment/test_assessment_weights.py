"""AHP and entropy weights, as functions and as the `weights` command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zhenwu.assessment.weights import ahp, entropy_from_csv, entropy_weights
from zhenwu.core.errors import DomainError

SAATY = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def test_ahp_matches_the_reference_vector() -> None:
    result = ahp(SAATY)
    assert [round(w, 3) for w in result.weights] == [0.637, 0.258, 0.105]
    assert round(result.lambda_max, 4) == 3.0385
    assert round(result.cr, 3) == 0.033
    assert round(result.ci, 4) == 0.0193


def test_ahp_accepts_fractions_as_text() -> None:
    result = ahp([["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "1/3", "1"]])
    assert [round(w, 3) for w in result.weights] == [0.637, 0.258, 0.105]


def test_ahp_refuses_a_matrix_that_is_not_reciprocal() -> None:
    with pytest.raises(
        DomainError, match="不互反：第 1 行第 2 列为 3，第 2 行第 1 列应为其倒数 0.3333，实际为 0.5"
    ):
        ahp([[1, 3, 5], [0.5, 1, 3], [0.2, 1 / 3, 1]])


def test_ahp_refuses_values_off_the_scale() -> None:
    with pytest.raises(DomainError, match="第 1 行第 2 列的值 12 不在 1-9 标度内"):
        ahp([[1, 12, 5], [1 / 12, 1, 3], [0.2, 1 / 3, 1]])
    with pytest.raises(DomainError, match="不在 1-9 标度内"):
        ahp([[1, 2.5, 5], [0.4, 1, 3], [0.2, 1 / 3, 1]])


def test_ahp_refuses_an_inconsistent_matrix_with_an_explanation() -> None:
    with pytest.raises(DomainError, match=r"CR = \d\.\d{3} ≥ 0.10.*前后矛盾"):
        ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])


def test_ahp_refuses_a_matrix_that_is_not_square() -> None:
    with pytest.raises(DomainError, match="方阵"):
        ahp([[1, 3], [1 / 3, 1, 2]])


def test_entropy_gives_more_weight_to_the_column_that_varies() -> None:
    result = entropy_weights([[90, 80], [91, 40], [89, 95]])
    assert abs(sum(result.weights) - 1) < 1e-9
    assert result.weights[1] > 0.9


def test_entropy_csv_with_header_and_unit_names() -> None:
    result = entropy_from_csv("单位,城市长效管理,人居环境\n丫河村,90,80\n卢家巷村,91,40\n东塘村,89,95\n")
    assert result.columns == ["城市长效管理", "人居环境"]


def test_entropy_refuses_negative_scores() -> None:
    with pytest.raises(DomainError, match="第 2 行第 1 列为负数"):
        entropy_weights([[1, 2], [-1, 3]])


def test_command_prints_json_in_input_order() -> None:
    out = StringIO()
    call_command("weights", "ahp", "--matrix", "[[1,3,5],[0.3333,1,3],[0.2,0.3333,1]]", stdout=out)
    data = json.loads(out.getvalue())
    assert [round(w, 3) for w in data["weights"]] == [0.637, 0.258, 0.105]
    assert data["lambda_max"] == pytest.approx(3.0385, abs=1e-4) and data["cr"] == pytest.approx(
        0.033, abs=1e-3
    )
    assert set(data) == {"weights", "lambda_max", "ci", "cr"}


def test_command_fails_on_an_inconsistent_matrix() -> None:
    with pytest.raises(CommandError, match="CR"):
        call_command(
            "weights", "ahp", "--matrix", "[[1,9,0.1111],[0.1111,1,9],[9,0.1111,1]]", stdout=StringIO()
        )


def test_command_entropy_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("a,b,c\n90,80,70\n91,40,72\n89,95,71\n", encoding="utf-8")
    out = StringIO()
    call_command("weights", "entropy", "--file", str(path), stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["weights"]) == 3 and abs(sum(data["weights"]) - 1) < 1e-3


def test_the_zhenwu_cli_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    import subprocess
    import sys

    cli = Path(sys.executable).with_name("zhenwu")
    run = subprocess.run(
        [str(cli), "weights", "ahp", "--matrix", "[[1,9,0.1111],[0.1111,1,9],[9,0.1111,1]]"],
        capture_output=True,
        text=True,
        env={"ZHENWU_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert run.returncode != 0 and "一致性比率" in run.stderr
