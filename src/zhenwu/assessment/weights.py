"""Weighting helpers: AHP (Saaty's eigenvector method) and the entropy-weight method.

Pure functions over numpy; the services and the `weights` command call them. Errors are
DomainError with a Chinese message naming the offending cell.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from zhenwu.core.errors import DomainError

# Saaty's random consistency index by matrix order (n = 1..10).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
CR_LIMIT = 0.10
RECIPROCAL_TOLERANCE = 0.01  # 0.3333 × 3 = 0.9999 is reciprocal enough


@dataclass(frozen=True)
class AhpResult:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float

    def as_dict(self, digits: int = 4) -> dict[str, Any]:
        return {
            "weights": [round(w, digits) for w in self.weights],
            "lambda_max": round(self.lambda_max, digits),
            "ci": round(self.ci, digits),
            "cr": round(self.cr, digits),
        }


def parse_number(value: Any) -> float:
    """A matrix cell: a number or a fraction such as "1/3"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError) as exc:
        raise DomainError(f"“{text}”不是数字或分数。", field="matrix") from exc


def _on_saaty_scale(value: float) -> bool:
    if value <= 0:
        return False
    for candidate in (value, 1 / value):
        nearest = round(candidate)
        if 1 <= nearest <= 9 and abs(candidate - nearest) <= RECIPROCAL_TOLERANCE * nearest:
            return True
    return False


def ahp_validate(matrix: list[list[Any]]) -> np.ndarray:
    if not isinstance(matrix, list) or not matrix:
        raise DomainError("判断矩阵不能为空。", field="matrix")
    n = len(matrix)
    if n > 10:
        raise DomainError("判断矩阵最多 10 阶（Saaty 随机一致性指标只给到 10 阶）。", field="matrix")
    if any(not isinstance(row, list) or len(row) != n for row in matrix):
        raise DomainError(f"判断矩阵必须是 {n}×{n} 的方阵。", field="matrix")
    a = np.array([[parse_number(v) for v in row] for row in matrix], dtype=float)
    for i in range(n):
        if abs(a[i, i] - 1) > 1e-9:
            raise DomainError(f"第 {i + 1} 行第 {i + 1} 列（对角线）必须为 1。", field="matrix")
        for j in range(n):
            if not _on_saaty_scale(a[i, j]):
                raise DomainError(
                    f"第 {i + 1} 行第 {j + 1} 列的值 {a[i, j]:g} 不在 1-9 标度内（应为 1~9 或其倒数）。",
                    field="matrix",
                )
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > RECIPROCAL_TOLERANCE:
                raise DomainError(
                    f"判断矩阵不互反：第 {i + 1} 行第 {j + 1} 列为 {a[i, j]:g}，"
                    f"第 {j + 1} 行第 {i + 1} 列应为其倒数 {1 / a[i, j]:.4g}，实际为 {a[j, i]:g}。",
                    field="matrix",
                )
    return a


def ahp(matrix: list[list[Any]], *, enforce_consistency: bool = True) -> AhpResult:
    """Weights from the principal eigenvector, λmax, CI = (λmax-n)/(n-1), CR = CI/RI."""
    a = ahp_validate(matrix)
    n = a.shape[0]
    if n == 1:
        return AhpResult([1.0], 1.0, 0.0, 0.0)
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    ci = (lambda_max - n) / (n - 1)
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    ci, cr = max(ci, 0.0), max(cr, 0.0)
    if enforce_consistency and cr >= CR_LIMIT:
        raise DomainError(
            f"一致性比率 CR = {cr:.3f} ≥ 0.10，判断矩阵不一致（λmax = {lambda_max:.4f}，CI = {ci:.4f}，"
            f"RI = {ri}）。请检查各两两比较是否前后矛盾（如 A 比 B 重要、B 比 C 重要，A 却不比 C 重要），调整后再计算。",
            field="matrix",
        )
    return AhpResult([float(w) for w in weights], lambda_max, ci, cr)


@dataclass(frozen=True)
class EntropyResult:
    weights: list[float]
    entropy: list[float]
    columns: list[str]

    def as_dict(self, digits: int = 4) -> dict[str, Any]:
        return {
            "weights": [round(w, digits) for w in self.weights],
            "entropy": [round(e, digits) for e in self.entropy],
            "columns": self.columns,
        }


def entropy_weights(rows: list[list[Any]], columns: list[str] | None = None) -> EntropyResult:
    """Entropy-weight method over a score matrix (rows = units, columns = indicators, larger is better)."""
    if len(rows) < 2:
        raise DomainError("熵权法至少需要 2 个单位（行）的得分。", field="file")
    width = len(rows[0])
    if width < 2:
        raise DomainError("熵权法至少需要 2 个指标（列）。", field="file")
    values: list[list[float]] = []
    for r, row in enumerate(rows, start=1):
        if len(row) != width:
            raise DomainError(f"第 {r} 行有 {len(row)} 列，应为 {width} 列。", field="file")
        parsed = []
        for c, cell in enumerate(row, start=1):
            try:
                v = float(cell)
            except (TypeError, ValueError) as exc:
                raise DomainError(f"第 {r} 行第 {c} 列“{cell}”不是数字。", field="file") from exc
            if v < 0 or math.isnan(v):
                raise DomainError(f"第 {r} 行第 {c} 列为负数或无效，熵权法要求非负得分。", field="file")
            parsed.append(v)
        values.append(parsed)
    x = np.array(values, dtype=float)
    m = x.shape[0]
    sums = x.sum(axis=0)
    for j, s in enumerate(sums):
        if s == 0:
            raise DomainError(f"第 {j + 1} 列全为 0，无法计算熵值。", field="file")
    p = x / sums
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(p > 0, np.log(p), 0.0)
    e = -(p * logs).sum(axis=0) / math.log(m)
    d = 1 - e
    if d.sum() <= 1e-12:
        raise DomainError("各指标在所有单位上的得分分布完全相同，熵权法无法区分权重。", field="file")
    w = d / d.sum()
    names = columns or [f"指标{j + 1}" for j in range(width)]
    return EntropyResult([float(v) for v in w], [float(v) for v in e], names)


def entropy_from_csv(text: str) -> EntropyResult:
    """CSV: an optional header row; a first column of unit names is skipped when it is not numeric."""
    reader = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(c.strip() for c in row)]
    if not reader:
        raise DomainError("文件为空。", field="file")

    def numeric(cell: str) -> bool:
        try:
            float(cell)
            return True
        except ValueError:
            return False

    header: list[str] | None = None
    if not all(numeric(c) for c in reader[0][1:]):
        header = [c.strip() for c in reader[0]]
        reader = reader[1:]
    label_column = bool(reader) and not numeric(reader[0][0])
    rows = [row[1:] if label_column else row for row in reader]
    if header is not None and label_column:
        header = header[1:]
    return entropy_weights(rows, header)
