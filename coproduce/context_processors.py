"""What every page needs to warn before the idle sign-out (see static/js/session.js)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def session_timeout(request: HttpRequest) -> dict[str, object]:
    idle = settings.SESSION_IDLE_SECONDS
    # Two minutes' warning, or half the time on a very short timeout.
    warning = min(120, idle // 2)
    if warning >= 60:
        minutes = round(warning / 60)
        text = f"{minutes} minute{'s' if minutes != 1 else ''}"
    else:
        text = f"{warning} seconds"
    return {
        "session_idle_seconds": idle,
        "session_warning_seconds": warning,
        "session_warning_text": text,
    }
