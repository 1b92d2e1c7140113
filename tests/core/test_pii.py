"""Tests of zhenwu.core.pii: masks and GB 11643 / GB 32100 validators."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhenwu.core.pii import (
    mask_id_number,
    mask_name,
    mask_phone,
    mask_value,
    normalize_id_number,
    normalize_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_id_check(first17: str) -> str:
    """Append the GB 11643 check character (computed independently of the module)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def error_code(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.code


def error_message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc.value.messages[0]


# --------------------------------------------------------------------------- masks


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13800138000", "138****8000"),
        (" 138 0013 8000 ", "138****8000"),
        ("0519-86123456", "051********56"),
        ("051986123456", "051*******56"),
        ("86123456", "86****56"),
        ("12345", "1***5"),
        ("1234", "1**4"),
        ("123", "1**"),
        ("12", "1*"),
        ("1", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: str | None, expected: str) -> None:
    assert mask_phone(value) == expected


@given(st.text(alphabet="0123456789-", min_size=1, max_size=30))
def test_mask_phone_never_reveals_more_than_half_of_non_mobiles(value: str) -> None:
    masked = mask_phone(value)
    if masked.count("*") == 4 and len(masked) == 11:
        return  # a mainland mobile: national convention 3 + 4
    assert len(masked) == len(value.strip())
    revealed = sum(1 for c in masked if c != "*")
    assert revealed <= len(masked) // 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "1101********002"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value: str | None, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", ""), (None, ""), (" 王小明 ", "王**")],
)
def test_mask_name(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected


def test_mask_value_dispatch() -> None:
    assert mask_value("phone", "13800138000") == "138****8000"
    assert mask_value("id_number", VALID_ID) == "110105********002X"
    assert mask_value("name", "张三") == "张*"
    with pytest.raises(ValueError):
        mask_value("email", "a@b.c")


# --------------------------------------------------------------------------- mobile


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15000000000"])
def test_valid_mobiles(value: str) -> None:
    validate_mobile(value)


@pytest.mark.parametrize(
    "value",
    ["", "1380013800", "138001380000", "12800138000", "23800138000", "1380013800a", "１３８００１３８０００"],
)
def test_invalid_mobiles(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert error_message(exc) == "请输入11位手机号码，例如 13800138000。"


# --------------------------------------------------------------------------- ID number


def test_valid_id_number() -> None:
    validate_id_number(VALID_ID)
    validate_id_number(VALID_ID.lower())
    validate_id_number(f" {VALID_ID} ")
    assert normalize_id_number(" 11010519491231002x ") == VALID_ID


@pytest.mark.parametrize("check", [c for c in "0123456789X" if c != "X"])
def test_id_number_wrong_check_character(check: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(VALID_ID[:17] + check)
    assert error_code(exc) == "id_number_checksum"
    assert "校验码不正确" in error_message(exc)
    assert "X" not in error_message(exc)  # the correct check character is not revealed


@pytest.mark.parametrize(
    "value",
    [
        "",
        "11010519491231002",
        "11010519491231002XX",
        "1101051949123100XX",
        "11010519491231002Y",
        "ABCDEF19491231002X",
    ],
)
def test_id_number_format(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert error_code(exc) == "id_number_format"
    assert "18位" in error_message(exc)


@pytest.mark.parametrize(
    "birth",
    ["19490231", "19491301", "19490000", "20230229", "18991231", "00000000"],
)
def test_id_number_impossible_birth_date(birth: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check("110105" + birth + "002"))
    assert error_code(exc) == "id_number_birth_date"
    assert "出生日期" in error_message(exc)


def test_id_number_birth_date_in_future() -> None:
    tomorrow = (date.today() + timedelta(days=2)).strftime("%Y%m%d")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check("110105" + tomorrow + "002"))
    assert error_code(exc) == "id_number_birth_date"


def test_id_number_leap_day_is_valid() -> None:
    validate_id_number(with_id_check("320412" + "20000229" + "123"))
    validate_id_number(with_id_check("320412" + "19000101" + "001"))


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
def test_id_number_generated_valid(birth: date, digits: str) -> None:
    number = with_id_check(digits[:6] + birth.strftime("%Y%m%d") + digits[6:])
    validate_id_number(number)
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(ValidationError):
                validate_id_number(number[:17] + wrong)


# --------------------------------------------------------------------------- USCC


def test_valid_uscc() -> None:
    validate_uscc(VALID_USCC)
    validate_uscc(VALID_USCC.lower())
    assert normalize_uscc(" 91350100m000100y43 ") == VALID_USCC


@pytest.mark.parametrize("check", [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != "3"])
def test_uscc_wrong_check_character(check: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_uscc(VALID_USCC[:17] + check)
    assert error_code(exc) == "uscc_checksum"
    assert "校验码不正确" in error_message(exc)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100M000100I43",
        "91350100O000100Y43",
        "9135010-M000100Y43",
    ],
)
def test_uscc_format(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert error_code(exc) == "uscc_format"
    assert "18位" in error_message(exc)


def test_uscc_single_character_change_is_detected() -> None:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        for replacement in charset:
            if replacement == VALID_USCC[position]:
                continue
            candidate = VALID_USCC[:position] + replacement + VALID_USCC[position + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(candidate)
