"""Chinese national cryptography (商用密码) behind one small interface.

Everything in zhenwu that hashes, encrypts, signs or MACs goes through this module, so that a
hardware cipher machine (密码机) or a KMS can replace the software implementation later
without touching callers.

* SM3 hash and HMAC-SM3 (``cryptography``),
* SM4-GCM field encryption with key ids for rotation (``cryptography``),
* blind indexes (HMAC-SM3) to search encrypted PII by equality,
* the audit-chain MAC,
* SM2 signatures (``gmssl``).

Keys are read from Django settings:

``ZHENWU_DATA_KEY``
    ``"keyid:32hex,keyid:32hex,..."`` — the last entry encrypts new data, every entry decrypts.
``ZHENWU_INDEX_KEY`` / ``ZHENWU_AUDIT_KEY``
    hex-encoded HMAC keys.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gmssl import sm2 as gm_sm2

__all__ = [
    "TOKEN_PREFIX",
    "CryptoError",
    "audit_mac",
    "blind_index",
    "decrypt_text",
    "encrypt_text",
    "hmac_sm3",
    "is_encrypted_token",
    "normalize_for_index",
    "sm2_generate_keypair",
    "sm2_sign",
    "sm2_verify",
    "sm3",
    "sm3_hex",
    "sm4_ecb_encrypt_block",
]

TOKEN_PREFIX = "sm4g1"
_NONCE_LEN = 12
_TAG_LEN = 16
_SM4_KEY_LEN = 16
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_HEX32_RE = re.compile(r"^[0-9A-Fa-f]{32}$")


class CryptoError(Exception):
    """Decryption or verification failed. The message is Chinese and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- SM3 / HMAC-SM3


def sm3(data: bytes) -> bytes:
    """SM3 digest (32 bytes) of ``data``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lower-case hex characters."""
    return sm3(data).hex()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 (32 bytes) of ``data`` under ``key``."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


# --------------------------------------------------------------------------- SM4


def sm4_ecb_encrypt_block(key: bytes, block: bytes) -> bytes:
    """Encrypt exactly one 16-byte block with SM4 in ECB mode.

    Only meant for checking the implementation against the GB/T 32907 test vector; never use
    ECB for data.
    """
    if len(key) != _SM4_KEY_LEN or len(block) != 16:
        raise ValueError("SM4 key and block must both be 16 bytes")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - test vector only
    return encryptor.update(block) + encryptor.finalize()


@dataclass(frozen=True)
class _DataKeyring:
    keys: dict[str, bytes]
    current_id: str


@functools.lru_cache(maxsize=8)
def _parse_data_keys(spec: str) -> _DataKeyring:
    keys: dict[str, bytes] = {}
    current_id = ""
    for raw_entry in spec.split(","):
        entry = raw_entry.strip()
        if not entry:
            continue
        key_id, sep, key_hex = entry.partition(":")
        key_id, key_hex = key_id.strip(), key_hex.strip()
        if not sep or not _KEY_ID_RE.match(key_id) or not _HEX32_RE.match(key_hex):
            raise ImproperlyConfigured(
                "ZHENWU_DATA_KEY 格式不正确：应为以逗号分隔的“密钥编号:32位十六进制密钥”，"
                "例如 1:0123456789abcdeffedcba9876543210。"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"ZHENWU_DATA_KEY 中密钥编号 {key_id} 重复。")
        keys[key_id] = bytes.fromhex(key_hex)
        current_id = key_id
    if not keys:
        raise ImproperlyConfigured("未配置数据加密密钥 ZHENWU_DATA_KEY。")
    return _DataKeyring(keys=keys, current_id=current_id)


def _keyring() -> _DataKeyring:
    return _parse_data_keys(str(getattr(settings, "ZHENWU_DATA_KEY", "")))


def _aad(key_id: str) -> bytes:
    # Bind the format version and the key id to the ciphertext.
    return f"{TOKEN_PREFIX}:{key_id}".encode("ascii")


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded, altchars=b"-_", validate=True)


def encrypt_text(plain: str) -> str:
    """Encrypt ``plain`` with the current data key (SM4-GCM, random 96-bit nonce).

    Returns an ASCII token ``sm4g1:<keyid>:<base64url(nonce || ciphertext || tag)>``.
    """
    ring = _keyring()
    key_id = ring.current_id
    nonce = secrets.token_bytes(_NONCE_LEN)
    encryptor = Cipher(algorithms.SM4(ring.keys[key_id]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(key_id))
    ciphertext = encryptor.update(plain.encode("utf-8")) + encryptor.finalize()
    return f"{TOKEN_PREFIX}:{key_id}:{_b64encode(nonce + ciphertext + encryptor.tag)}"


def is_encrypted_token(value: object) -> bool:
    """Whether ``value`` looks like a token produced by :func:`encrypt_text`."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX + ":")


def decrypt_text(token: str) -> str:
    """Decrypt a token produced by :func:`encrypt_text` with any configured key.

    Raises :class:`CryptoError` for malformed tokens, unknown key ids and failed
    authentication (tampering or a wrong key).
    """
    if not isinstance(token, str):
        raise CryptoError("密文格式不正确，无法解密。")
    prefix, key_id, body = (token.split(":", 2) + ["", ""])[:3]
    if prefix != TOKEN_PREFIX or not key_id or not body:
        raise CryptoError("密文格式不正确，无法解密。")
    ring = _keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise CryptoError(f"密钥编号 {key_id} 不存在或已停用，无法解密数据，请联系安全管理员。")
    try:
        raw = _b64decode(body)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("密文格式不正确，无法解密。") from exc
    if len(raw) < _NONCE_LEN + _TAG_LEN:
        raise CryptoError("密文格式不正确，无法解密。")
    nonce, ciphertext, tag = raw[:_NONCE_LEN], raw[_NONCE_LEN:-_TAG_LEN], raw[-_TAG_LEN:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(_aad(key_id))
    try:
        plain = decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag as exc:
        raise CryptoError("密文完整性校验失败，数据可能已被篡改。") from exc
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as exc:  # pragma: no cover - authenticated, so only with a broken key
        raise CryptoError("解密结果不是有效文本。") from exc


# --------------------------------------------------------------------------- blind index, audit MAC


@functools.lru_cache(maxsize=16)
def _hex_key(setting_name: str, value: str) -> bytes:
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting_name} 必须是十六进制字符串。") from exc
    if len(key) < 16:
        raise ImproperlyConfigured(f"{setting_name} 长度不足，至少需要16字节（32位十六进制）。")
    return key


def _setting_key(setting_name: str) -> bytes:
    return _hex_key(setting_name, str(getattr(settings, setting_name, "")))


def normalize_for_index(value: str) -> str:
    """Canonical form used by :func:`blind_index`.

    NFKC (so full-width digits and letters typed with a Chinese IME match their ASCII forms),
    all whitespace removed, letters upper-cased.
    """
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).upper()


def blind_index(value: str, *, kind: str) -> str:
    """Deterministic keyed index (64 hex chars) for equality search over encrypted values.

    ``kind`` separates domains (``"phone"``, ``"id_number"`` ...) so equal values of different
    kinds never share an index.
    """
    if not kind or ":" in kind:
        raise ValueError("kind must be a non-empty string without ':'")
    message = f"{kind}:{normalize_for_index(value)}".encode()
    return hmac_sm3(_setting_key("ZHENWU_INDEX_KEY"), message).hex()


def audit_mac(prev_mac: str, canonical: bytes) -> str:
    """Chain MAC of one audit record: HMAC-SM3(prev_mac || "|" || canonical) as hex."""
    return hmac_sm3(_setting_key("ZHENWU_AUDIT_KEY"), prev_mac.encode() + b"|" + canonical).hex()


# --------------------------------------------------------------------------- SM2

_SM2_TABLE: dict[str, str] = gm_sm2.default_ecc_table
_SM2_N = int(_SM2_TABLE["n"], 16)
_SM2_HEX_LEN = len(_SM2_TABLE["n"])  # 64 hex characters per coordinate / scalar
_PUBLIC_RE = re.compile(r"^(04)?[0-9A-Fa-f]{128}$")
_PRIVATE_RE = re.compile(r"^[0-9A-Fa-f]{64}$")
_SIGNATURE_RE = re.compile(r"^[0-9A-Fa-f]{128}$")


def _public_xy(public_hex: str) -> str:
    """Public key as 128 hex chars (x || y), dropping an uncompressed-point ``04`` prefix."""
    if not _PUBLIC_RE.match(public_hex):
        raise ValueError("SM2 public key must be 128 hex chars (x||y), optionally prefixed with 04")
    return public_hex[-128:].lower()


def _sm2(private_hex: str, public_hex: str) -> gm_sm2.CryptSM2:
    engine = gm_sm2.CryptSM2(private_key=private_hex, public_key="")
    # CryptSM2.__init__ strips a "04" prefix with str.lstrip, which also eats leading '0'/'4'
    # digits of x; set the normalised key directly instead.
    engine.public_key = _public_xy(public_hex) if public_hex else ""
    return engine


def _random_scalar() -> int:
    """Uniform integer in [1, n-2] (SM2 private keys must keep 1 + d invertible mod n)."""
    return secrets.randbelow(_SM2_N - 2) + 1


def sm2_generate_keypair() -> tuple[str, str]:
    """New SM2 key pair as ``(private_hex, public_hex)``; the public key is x || y (128 hex)."""
    private = _random_scalar()
    engine = _sm2("", "")
    public_xy: str | None = engine._kg(private, _SM2_TABLE["g"])
    if not public_xy:  # pragma: no cover - impossible for 1 <= d < n
        raise CryptoError("SM2 密钥生成失败。")
    return f"{private:064x}", public_xy.lower()


def sm2_sign(private_hex: str, public_hex: str, data: bytes) -> str:
    """SM2 signature (SM3 with the default user id Z value) over ``data``, as hex r || s."""
    if not _PRIVATE_RE.match(private_hex) or not 1 <= int(private_hex, 16) <= _SM2_N - 2:
        raise ValueError("SM2 private key must be 64 hex chars in [1, n-2]")
    engine = _sm2(private_hex.lower(), public_hex)
    for _ in range(16):
        # gmssl draws its nonce from `random`; supply one from a CSPRNG instead.
        nonce = f"{_random_scalar():0{_SM2_HEX_LEN}x}"
        signature: str | None = engine.sign_with_sm3(data, nonce)
        if signature:
            return signature
    raise CryptoError("SM2 签名失败，请重试。")  # pragma: no cover - probability ~ 2^-4000


def sm2_verify(public_hex: str, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex r || s) is a valid SM2 signature of ``data`` by ``public_hex``."""
    if not isinstance(signature, str) or not _SIGNATURE_RE.match(signature):
        return False
    r = int(signature[:64], 16)
    s = int(signature[64:], 16)
    if not (1 <= r < _SM2_N and 1 <= s < _SM2_N):
        return False
    try:
        engine = _sm2("", public_hex)
        return bool(engine.verify_with_sm3(signature.lower(), data))
    except (ValueError, TypeError, IndexError):
        return False
