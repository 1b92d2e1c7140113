"""TOTP second factor for the admin roles (django-otp)."""

from __future__ import annotations

import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenwu.audit.services import audit_record
from zhenwu.core.errors import DomainError

DEVICE_NAME = "镇务动态口令"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@transaction.atomic
def otp_confirm(*, user: Any, device: TOTPDevice, token: str, verified: bool) -> bool:
    """Bind ``device`` after its first correct code.

    A person who already has a confirmed device must have passed it in this session
    (``verified``): the password alone never replaces the second factor. A lost phone is reset by
    the security administrator (``otp_reset``).
    """
    if device.user_id != user.pk:
        raise DomainError("该动态口令设备不属于您。")
    if confirmed_device(user) is not None and not verified:
        audit_record(
            actor=user,
            action="otp.confirm",
            obj=user,
            result="failure",
            message="未通过现有动态口令验证即尝试重新绑定",
        )
        raise DomainError("您已绑定动态口令：请先输入当前验证码，再更换绑定；手机丢失请联系安全管理员重置。")
    if not device.verify_token(token):
        audit_record(actor=user, action="otp.confirm", obj=user, result="failure", message="验证码错误")
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="otp.confirm", obj=user, message="绑定动态口令")
    return True
