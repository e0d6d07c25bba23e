"""Two-step sign-in rules, shared by the sign-in pages (coproduce.accounts.two_step)
and the links that let someone set it up (coproduce.onboarding).

- The first authenticator can only be set up in a session that has just
  redeemed an invitation or a set-up link (``allow_enrolment``): holding the
  password alone is never enough.
- Wrong codes are counted per sign-in (the session) and per account and
  address, never per device: someone who has the password can end their own
  attempt, but cannot lock the owner out of theirs.
- Backup codes (django-otp's static device), shown once when two-step
  sign-in is set up; each works once, at sign-in, instead of the app's code.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.security import client_ip, count_attempt

ENROL_SESSION_KEY = "onboarding_enrol_user"

# Wrong codes one sign-in may make before it is ended (the password is asked again,
# and django-axes throttles passwords).
SIGN_IN_CODE_LIMIT = 5
# Wrong codes for one account from one address in a window: slows guessing across
# many sign-ins from one place, without touching the owner elsewhere.
ADDRESS_CODE_LIMIT = 20
WINDOW_SECONDS = 15 * 60

BACKUP_CODE_COUNT = 10
BACKUP_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"
BACKUP_CODE_LENGTH = 10


# --- enrolment ----------------------------------------------------------------------


def allow_enrolment(request: HttpRequest, user: Any) -> None:
    """This session redeemed a link for this user: it may set up an authenticator."""
    request.session[ENROL_SESSION_KEY] = user.pk


def may_enrol(request: HttpRequest) -> bool:
    return request.session.get(ENROL_SESSION_KEY) == getattr(request.user, "pk", None)


def enrolment_done(request: HttpRequest) -> None:
    request.session.pop(ENROL_SESSION_KEY, None)


def forget_devices(user: Any) -> None:
    """A set-up link replaces the authenticator and the backup codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- wrong codes ----------------------------------------------------------------------


def _incr(key: str) -> int:
    return count_attempt(key, WINDOW_SECONDS)


def _session_key(request: HttpRequest) -> str:
    return f"two-step-wrong:session:{request.session.session_key}"


def _address_key(request: HttpRequest, user: Any) -> str:
    return f"two-step-wrong:user:{user.pk}:ip:{client_ip(request)}"


def codes_blocked(request: HttpRequest, user: Any) -> bool:
    """Too many wrong codes for this account from this address, lately."""
    return int(cache.get(_address_key(request, user), 0)) >= ADDRESS_CODE_LIMIT


def wrong_code(request: HttpRequest, user: Any) -> bool:
    """Count a wrong code. True when this sign-in has had too many and must end."""
    _incr(_address_key(request, user))
    return _incr(_session_key(request)) >= SIGN_IN_CODE_LIMIT


# --- codes ------------------------------------------------------------------------------


def normalise_backup_code(text: str) -> str:
    return "".join(text.split()).replace("-", "").lower()


def looks_like_backup_code(code: str) -> bool:
    return len(code) == BACKUP_CODE_LENGTH and all(c in BACKUP_ALPHABET for c in code)


def verify_sign_in_code(user: Any, code: str) -> Device | None:
    """The device that accepts this code: the authenticator app, or a backup code (used up)."""
    if code.isdigit():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is not None and device.verify_token(code):
            return device
        return None
    backup = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if backup is not None and backup.verify_token(code):  # deletes the token it matched
        return backup
    return None


def display_backup_code(code: str) -> str:
    half = BACKUP_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def new_backup_codes(user: Any) -> list[str]:
    """Replace the user's backup codes; the returned codes are shown once and never again."""
    codes = [
        "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [display_backup_code(c) for c in codes]
