"""The security log, the sign-in throttle's backend, and counting attempts.

`coproduce.security` writes one JSON object per line to stderr: sign-ins that
failed or succeeded, sign-outs, lockouts, two-step failures and refused pages
(403/404) of signed-in users. What it never writes: a password, a name, a
username in clear (only a keyed hash, enough to see "the same username again")
or anything from a plan. A user is an id; a page is its URL pattern.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.cache import cache
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("coproduce.security")


LAST_ACTIVITY_KEY = "last_activity"


def mark_active(request: HttpRequest) -> None:
    """The idle timeout (coproduce.middleware) counts from here; signing in starts it."""
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


def count_attempt(key: str, window: int) -> int:
    """Count one more attempt under this key in the shared cache (the database, so
    every app server counts together); the number so far in this window."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def username_hash(username: object) -> str:
    """The same username always gives the same short hash; it cannot be read back."""
    key = settings.SECRET_KEY.encode()
    text = str(username or "").strip().lower().encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()[:16]


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return get_client_ip_address(request)


def log_event(event: str, request: HttpRequest | None = None, **fields: Any) -> None:
    """Write one security event. Pass ids and codes only, never names or text."""
    data: dict[str, Any] = {"event": event}
    if request is not None:
        data["ip"] = client_ip(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "user_id" not in fields:
            data["user_id"] = user.pk
    data.update(fields)
    level = logging.INFO if event in {"sign_in", "sign_out", "two_factor_ok"} else logging.WARNING
    logger.log(level, event, extra={"security": data})


def address_failures(ip_address: str | None) -> int:
    """Wrong passwords from this address, whatever the username, within the cool-off.

    Read from django-axes' own records (one row per username and address),
    so both limits count the same attempts and expire together.
    """
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return int(total or 0)


def address_locked_out(request: HttpRequest) -> bool:
    """Password spraying: many usernames, one address.

    django-axes compares every lockout parameter set against the one
    AXES_FAILURE_LIMIT, so it cannot give the address a higher limit than a
    username has; this check does, with ADDRESS_FAILURE_LIMIT.
    """
    return address_failures(client_ip(request)) >= settings.ADDRESS_FAILURE_LIMIT


def _lock_out_by_address(request: HttpRequest, credentials: dict[str, Any]) -> None:
    # What django-axes' own middleware turns into the lockout page.
    request.axes_locked_out = True  # type: ignore[attr-defined]
    request.axes_credentials = credentials  # type: ignore[attr-defined]
    request.locked_out_by_address = True  # type: ignore[attr-defined]


class ThrottledSignIn(AxesStandaloneBackend):
    """django-axes' lockout check, and ours by address, for sign-ins over HTTP.

    Code that checks a password without a request (a management command, a
    test) cannot be a guessing attack from outside, so it is not throttled;
    django-axes would raise instead.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        if settings.AXES_ENABLED and address_locked_out(request):
            _lock_out_by_address(request, {"username": username})
            raise AxesBackendPermissionDenied("Too many wrong passwords from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if (
        request is not None
        and settings.AXES_ENABLED
        and not getattr(request, "axes_locked_out", False)
        and address_locked_out(request)
    ):
        # This failure (recorded by django-axes just before) reached the address limit.
        _lock_out_by_address(request, credentials)
        log_event("locked_out", request, by="address")
    log_event(
        "sign_in_failed",
        request,
        username_hash=username_hash(credentials.get("username")),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_active(request)
    log_event("sign_in", request, user_id=user.pk)


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    reason = getattr(request, "sign_out_reason", "asked")
    log_event("sign_out", request, user_id=getattr(user, "pk", None), reason=reason)


@receiver(user_locked_out)
def _locked_out(
    sender: object, request: HttpRequest, username: str | None, ip_address: str | None, **kw: Any
) -> None:
    by = "address" if getattr(request, "locked_out_by_address", False) else "username"
    log_event("locked_out", request, username_hash=username_hash(username), by=by)
