"""htmx, done once: one URL and one view serve the whole page and, for htmx, a fragment of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views import csrf, defaults
from django_htmx.middleware import HtmxDetails

from coproduce.refusals import CSRF_REFUSAL_REASON, with_refusal_reason


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page_or_fragment(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page without JavaScript; for htmx, only the partial inside it.

    The two answers share a URL, so caches are told they differ by HX-Request.
    """
    name = f"{template}#{partial}" if getattr(request, "htmx", False) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page with its form (context["form"]): 422 while the form has errors, the
    status htmx is told to swap, so the user sees what to put right."""
    status = 422 if context["form"].errors else 200
    return render(request, template, context, status=status)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: Django's page (templates/403.html says why), and for htmx the why alone."""
    response = defaults.permission_denied(request, exception)
    return with_refusal_reason(request, response, str(exception))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's page (templates/403_csrf.html), and for htmx its why.

    Django's own `reason` is for developers ("CSRF token missing"): the reader
    gets the likely cause in their terms.
    """
    response = csrf.csrf_failure(request, reason)
    return with_refusal_reason(request, response, CSRF_REFUSAL_REASON)
