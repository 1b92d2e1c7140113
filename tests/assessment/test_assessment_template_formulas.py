"""The inspection import template carries unit and indicator names: they stay text, never formulas."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_template_names_never_become_formulas(cast: Any, scheme: Any) -> None:
    from zhenwu.assessment.imports import build_template
    from zhenwu.orgs.models import Unit

    Unit.objects.filter(kind__in=["village", "community"]).update(name='=HYPERLINK("http://evil.example")')
    wb = load_workbook(io.BytesIO(build_template(scheme)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") for c in cells)
