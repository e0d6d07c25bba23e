"""Why a request was refused, told to htmx (which shows nothing of a refusal's page).

static/js/coproduce.js reads it and says "Not saved" and why. UTF-8,
percent-encoded: a header holds only Latin-1, and the reasons are plain
English that may carry a curly apostrophe.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

REFUSAL_REASON_HEADER = "X-Refusal-Reason"
CSRF_REFUSAL_REASON = "This page had expired, or you signed out in another tab."
SIGNED_OUT_REASON = (
    "You are no longer signed in (perhaps you signed out in another tab). "
    "Reloading the page takes you to sign in again."
)


def with_refusal_reason(request: HttpRequest, response: HttpResponse, reason: str) -> HttpResponse:
    """`response`, saying `reason` in a header when htmx asked."""
    if reason and request.headers.get("HX-Request") == "true":
        response[REFUSAL_REASON_HEADER] = quote(reason)
    return response
