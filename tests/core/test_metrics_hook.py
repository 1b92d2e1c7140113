"""The metrics hook: an unknown key is a Chinese DomainError; every registered metric is complete."""

import pytest

from zhenwu.core import parts
from zhenwu.core.errors import DomainError


def test_unknown_metric_key_is_a_domain_error():
    with pytest.raises(DomainError) as exc:
        parts.metric("no.such.metric")
    assert exc.value.field == "metric"


def test_every_registered_metric_has_chinese_label_unit_and_definition():
    for key, metric in parts.metrics().items():
        assert key == metric.key and "." in key
        assert metric.label and metric.unit and len(metric.definition) >= 4
        assert callable(metric.compute)
