"""Tests of zhenwu.core.crypto: SM3/SM4 vectors, field encryption, blind index, audit MAC, SM2."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from gmssl import func as gm_func
from gmssl import sm3 as gm_sm3
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from pytest_django import Settings as SettingsWrapper

from zhenwu.core import crypto
from zhenwu.core.crypto import (
    CryptoError,
    audit_mac,
    blind_index,
    decrypt_text,
    encrypt_text,
    hmac_sm3,
    sm2_generate_keypair,
    sm2_sign,
    sm2_verify,
    sm3,
    sm3_hex,
    sm4_ecb_encrypt_block,
)

KEY1 = "0123456789abcdeffedcba9876543210"
KEY2 = "00112233445566778899aabbccddeeff"
INDEX_KEY = "6e697574616e672d696e6465782d6b65792d646576"
AUDIT_KEY = "6e697574616e672d61756469742d6b65792d646576"


@pytest.fixture(autouse=True)
def crypto_keys(settings: SettingsWrapper) -> Iterator[SettingsWrapper]:
    settings.ZHENWU_DATA_KEY = f"1:{KEY1}"
    settings.ZHENWU_INDEX_KEY = INDEX_KEY
    settings.ZHENWU_AUDIT_KEY = AUDIT_KEY
    yield settings


# --------------------------------------------------------------------------- vectors


def test_sm3_standard_vector() -> None:
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abc") == expected
    assert sm3(b"abc") == bytes.fromhex(expected)


def test_sm3_second_standard_vector() -> None:
    # GB/T 32905 example 2: "abcd" repeated 16 times.
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_ecb_standard_vector() -> None:
    key = bytes.fromhex(KEY1)
    assert sm4_ecb_encrypt_block(key, key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_ecb_rejects_wrong_sizes() -> None:
    with pytest.raises(ValueError):
        sm4_ecb_encrypt_block(b"short", bytes(16))


def _reference_hmac_sm3(key: bytes, data: bytes) -> bytes:
    """Independent HMAC (RFC 2104) over gmssl's pure-Python SM3, block size 64."""

    def h(message: bytes) -> bytes:
        return bytes.fromhex(gm_sm3.sm3_hash(gm_func.bytes_to_list(message)))

    if len(key) > 64:
        key = h(key)
    key = key.ljust(64, b"\x00")
    inner = h(bytes(b ^ 0x36 for b in key) + data)
    return h(bytes(b ^ 0x5C for b in key) + inner)


@pytest.mark.parametrize(
    ("key", "data"),
    [(b"key", b"The quick brown fox"), (b"", b""), (b"k" * 100, b"x" * 1000)],
)
def test_hmac_sm3_matches_reference(key: bytes, data: bytes) -> None:
    assert hmac_sm3(key, data) == _reference_hmac_sm3(key, data)


# --------------------------------------------------------------------------- SM4-GCM field encryption


def test_encrypt_token_format() -> None:
    token = encrypt_text("张三")
    prefix, key_id, body = token.split(":")
    assert (prefix, key_id) == ("sm4g1", "1")
    assert token.isascii()
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert len(raw) == 12 + len("张三".encode()) + 16
    assert crypto.is_encrypted_token(token)
    assert not crypto.is_encrypted_token("13800138000")


def test_encryption_is_randomised() -> None:
    assert encrypt_text("13800138000") != encrypt_text("13800138000")


@hyp_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(st.text())
def test_encrypt_decrypt_round_trip(plain: str) -> None:
    assert decrypt_text(encrypt_text(plain)) == plain


def test_key_rotation(settings: SettingsWrapper) -> None:
    old_token = encrypt_text("11010519491231002X")
    assert old_token.startswith("sm4g1:1:")

    settings.ZHENWU_DATA_KEY = f"1:{KEY1},2:{KEY2}"
    new_token = encrypt_text("11010519491231002X")
    assert new_token.startswith("sm4g1:2:")
    assert decrypt_text(old_token) == "11010519491231002X"
    assert decrypt_text(new_token) == "11010519491231002X"

    # Once key 1 is retired, its tokens no longer decrypt.
    settings.ZHENWU_DATA_KEY = f"2:{KEY2}"
    assert decrypt_text(new_token) == "11010519491231002X"
    with pytest.raises(CryptoError, match="密钥编号 1"):
        decrypt_text(old_token)


def test_unknown_key_id(settings: SettingsWrapper) -> None:
    token = encrypt_text("secret")
    forged = token.replace("sm4g1:1:", "sm4g1:9:", 1)
    with pytest.raises(CryptoError, match="密钥编号 9 不存在"):
        decrypt_text(forged)


def test_swapping_key_id_is_detected(settings: SettingsWrapper) -> None:
    # Same key material under two ids: the key id is authenticated, so relabelling fails.
    settings.ZHENWU_DATA_KEY = f"1:{KEY1},2:{KEY1}"
    token = encrypt_text("secret")
    relabelled = token.replace("sm4g1:2:", "sm4g1:1:", 1)
    with pytest.raises(CryptoError, match="篡改"):
        decrypt_text(relabelled)


def test_tampering_is_detected() -> None:
    token = encrypt_text("13800138000")
    prefix, key_id, body = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for index in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        tampered = bytearray(raw)
        tampered[index] ^= 0x01
        tampered_body = base64.urlsafe_b64encode(bytes(tampered)).rstrip(b"=").decode()
        with pytest.raises(CryptoError, match="篡改"):
            decrypt_text(f"{prefix}:{key_id}:{tampered_body}")


def test_truncated_token_is_detected() -> None:
    token = encrypt_text("13800138000")
    with pytest.raises(CryptoError):
        decrypt_text(token[:-4])


@pytest.mark.parametrize("token", ["", "plain text", "sm4g1:1:", "sm4g1:1:!!!", "sm4g1:1:AAAA", "aes:1:AAAA"])
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(CryptoError, match="[\u4e00-\u9fff]"):
        decrypt_text(token)


@pytest.mark.parametrize("spec", ["", "1", "1:xyz", f"1:{KEY1}00", f"1:{KEY1},1:{KEY2}", f"a b:{KEY1}"])
def test_bad_key_configuration(settings: SettingsWrapper, spec: str) -> None:
    settings.ZHENWU_DATA_KEY = spec
    with pytest.raises(ImproperlyConfigured):
        encrypt_text("x")


def test_keyring_is_cached() -> None:
    crypto._parse_data_keys.cache_clear()
    for _ in range(5):
        decrypt_text(encrypt_text("x"))
    info = crypto._parse_data_keys.cache_info()
    assert info.misses == 1
    assert info.hits >= 9


# --------------------------------------------------------------------------- blind index, audit MAC


def test_blind_index_is_stable_and_full_length() -> None:
    first = blind_index("11010519491231002X", kind="id_number")
    assert first == blind_index("11010519491231002X", kind="id_number")
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_blind_index_normalises_case_and_spaces() -> None:
    upper = blind_index("11010519491231002X", kind="id_number")
    assert blind_index("11010519491231002x", kind="id_number") == upper
    assert blind_index(" 110105 19491231 002x ", kind="id_number") == upper
    # Full-width characters typed with a Chinese IME.
    assert blind_index("１１０１０５１９４９１２３１００２Ｘ", kind="id_number") == upper


def test_blind_index_separates_kinds_and_values() -> None:
    assert blind_index("13800138000", kind="phone") != blind_index("13800138000", kind="id_number")
    assert blind_index("13800138000", kind="phone") != blind_index("13800138001", kind="phone")


def test_blind_index_depends_on_key(settings: SettingsWrapper) -> None:
    before = blind_index("13800138000", kind="phone")
    settings.ZHENWU_INDEX_KEY = "00" * 32
    assert blind_index("13800138000", kind="phone") != before


def test_blind_index_matches_definition() -> None:
    expected = hmac_sm3(bytes.fromhex(INDEX_KEY), b"phone:13800138000").hex()
    assert blind_index("138 0013 8000", kind="phone") == expected


def test_blind_index_rejects_bad_kind() -> None:
    with pytest.raises(ValueError):
        blind_index("x", kind="")
    with pytest.raises(ValueError):
        blind_index("x", kind="a:b")


def test_audit_mac_chain() -> None:
    first = audit_mac("", b'{"id":1}')
    assert first == hmac_sm3(bytes.fromhex(AUDIT_KEY), b'|{"id":1}').hex()
    second = audit_mac(first, b'{"id":2}')
    assert len(second) == 64
    # Changing an earlier link changes the next one.
    assert audit_mac(audit_mac("", b'{"id":1,"x":0}'), b'{"id":2}') != second
    assert audit_mac(first, b'{"id":2}') == second


# --------------------------------------------------------------------------- SM2


_SM2_P = int(crypto._SM2_TABLE["p"], 16)
_SM2_A = int(crypto._SM2_TABLE["a"], 16)
_SM2_B = int(crypto._SM2_TABLE["b"], 16)


def test_sm2_keypair_is_on_curve() -> None:
    private_hex, public_hex = sm2_generate_keypair()
    assert len(private_hex) == 64
    assert len(public_hex) == 128
    assert 1 <= int(private_hex, 16) < int(crypto._SM2_TABLE["n"], 16)
    x, y = int(public_hex[:64], 16), int(public_hex[64:], 16)
    assert (y * y - (x * x * x + _SM2_A * x + _SM2_B)) % _SM2_P == 0


def test_sm2_sign_and_verify() -> None:
    private_hex, public_hex = sm2_generate_keypair()
    data = "牛塘镇 电子证照 No.2025-0001".encode()
    signature = sm2_sign(private_hex, public_hex, data)
    assert len(signature) == 128
    assert sm2_verify(public_hex, data, signature)
    assert sm2_verify("04" + public_hex, data, signature)
    assert not sm2_verify(public_hex, data + b"!", signature)
    assert not sm2_verify(public_hex, data.replace(b"0001", b"0002"), signature)


def test_sm2_verify_rejects_wrong_key_and_garbage() -> None:
    private_hex, public_hex = sm2_generate_keypair()
    _other_private, other_public = sm2_generate_keypair()
    signature = sm2_sign(private_hex, public_hex, b"data")
    assert not sm2_verify(other_public, b"data", signature)
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not sm2_verify(public_hex, b"data", flipped)
    assert not sm2_verify(public_hex, b"data", "")
    assert not sm2_verify(public_hex, b"data", "zz" * 64)
    assert not sm2_verify(public_hex, b"data", "00" * 64)
    assert not sm2_verify("not-a-key", b"data", signature)


def test_sm2_public_key_with_leading_zero_digits() -> None:
    # gmssl's own constructor mangles public keys whose hex starts with 0 or 4; ours must not.
    for _ in range(200):
        private_hex, public_hex = sm2_generate_keypair()
        if public_hex[0] in "04":
            break
    else:  # pragma: no cover - probability (14/16)^200
        pytest.skip("no key with a leading 0/4 digit generated")
    signature = sm2_sign(private_hex, public_hex, b"x")
    assert sm2_verify(public_hex, b"x", signature)
