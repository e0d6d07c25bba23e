"""Counting attempts in the shared cache (the database), so every app server counts together."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from coproduce.security import client_ip, count_attempt

# Letter codes: wrong codes from one address.
LETTER_CODE_ATTEMPTS = 10
# Password resets: requests from one address, and for one email address.
RESETS_PER_ADDRESS = 10
RESETS_PER_EMAIL = 3
# Email changes: requests by one account.
EMAIL_CHANGES_PER_USER = 5
WINDOW_SECONDS = 60 * 60


def count(key: str, window: int = WINDOW_SECONDS) -> int:
    """Count one more attempt under this key; the number so far in this window."""
    return count_attempt(f"throttle:{key}", window)


def seen(key: str) -> int:
    return int(cache.get(f"throttle:{key}", 0))


def address(request: HttpRequest) -> str:
    return str(client_ip(request))
