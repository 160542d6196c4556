"""The staff's second factor: a TOTP code (django-otp) for everyone who can reveal personal data.

Staff who hold ``disnaker.reveal_person_nik`` (and superusers) confirm every login with a code from an
authenticator app; until they do, ``StaffSecondFactorMiddleware`` sends them to enrol (first time) or
to enter the code. Each member has at most one device, named ``DEVICE_NAME``.
"""

import base64
import binascii

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def needs_second_factor(user) -> bool:
    """Staff who can reveal a person's NIK (superusers hold every permission) log in with a code."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("disnaker.reveal_person_nik")
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def device_for_enrolment(*, user) -> TOTPDevice:
    """The device being enrolled: kept across page loads so the QR code shown stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirms an enrolled device with its first code; other devices of the member are removed."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def device_reset(*, user) -> int:
    """Removes the member's devices: the next login asks them to enrol again. Returns how many went."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def device_set_key(*, user, key_hex: str) -> TOTPDevice:
    """A confirmed device with a known key (the demo superuser's, printed with the demo logins)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def key_base32(key_hex: str) -> str:
    return base64.b32encode(binascii.unhexlify(key_hex)).decode().rstrip("=")


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
