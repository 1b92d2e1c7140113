"""Gap-free document numbers: one narrow counter row per (prefix, day), returned on rollback."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from zhenwu.core.models import NumberSequence
from zhenwu.core.services import document_number, next_number

DAY = date(2026, 11, 28)


@pytest.mark.django_db(transaction=True)
def test_numbers_count_up_per_prefix_and_day() -> None:
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0001"
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0002"
        assert document_number("NT", DAY) == "NT-20261128-0003"
    with transaction.atomic():
        assert document_number("NT", date(2026, 11, 29)) == "NT-20261129-0001"
        assert document_number("GD", DAY) == "GD-20261128-0001"
        assert document_number("GD", DAY, width=6) == "GD-20261128-000002"
    assert NumberSequence.objects.get(key="NT", day=DAY).last_value == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_returns_its_number() -> None:
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0002"
        raise RuntimeError("保存通报失败")
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0002"  # no gap


@pytest.mark.django_db(transaction=True)
def test_the_first_number_of_a_day_is_returned_on_rollback_too() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0001"
        raise RuntimeError("保存失败")
    assert not NumberSequence.objects.filter(key="NT", day=DAY).exists()
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0001"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_returns_its_number() -> None:
    with transaction.atomic():
        assert document_number("NT", DAY) == "NT-20261128-0001"
        with pytest.raises(RuntimeError), transaction.atomic():
            assert document_number("NT", DAY) == "NT-20261128-0002"
            raise RuntimeError("子事务失败")
        assert document_number("NT", DAY) == "NT-20261128-0002"


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        document_number("NT", DAY)
    with pytest.raises(RuntimeError):
        next_number("NT", DAY)
    assert not NumberSequence.objects.exists()
