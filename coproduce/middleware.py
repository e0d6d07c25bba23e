"""Session and sign-in middleware: idle timeout, two-step sign-in, the security log."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import HttpResponseClientRedirect

from coproduce.security import LAST_ACTIVITY_KEY, log_event, mark_active

# Requests a page makes by itself, not because someone did something: they
# must not keep a session alive, or an open plan page would never time out.
PASSIVE_URL_NAMES = frozenset({"plan_live"})

# Reachable by a professional who has given a password but no code yet.
TWO_FACTOR_URL_NAMES = frozenset({"two_factor_setup", "two_factor_verify", "logout"})


def _url_name_in(request: HttpRequest, names: frozenset[str]) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name in names


def is_passive(request: HttpRequest) -> bool:
    return _url_name_in(request, PASSIVE_URL_NAMES)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows whether or not htmx made the request."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _send_to(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to `url`; a plain page visit comes back to where it was after."""
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return redirect_to_login(request.get_full_path(), url)
    return _redirect(request, url)


class _BeforeViewMiddleware(MiddlewareMixin):
    """Looks at a request once its URL has resolved, and may answer instead of the view."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        return self.before_view(request, view_func)

    def before_view(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | None:
        raise NotImplementedError


class IdleTimeoutMiddleware(_BeforeViewMiddleware):
    """Sign out after SESSION_IDLE_SECONDS without activity, and say so.

    Every request someone makes refreshes the clock; passive ones (the plan
    page's polling) only read it. The session cookie lives longer than the
    idle limit, so an idle session is still recognised here, ended, and the
    next page explains what happened.
    """

    def before_view(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        last = request.session.get(LAST_ACTIVITY_KEY)
        idle_limit = settings.SESSION_IDLE_SECONDS
        if isinstance(last, int) and time.time() - last > idle_limit:
            request.sign_out_reason = "idle"  # type: ignore[attr-defined]
            logout(request)
            minutes = max(1, round(idle_limit / 60))
            messages.info(
                request,
                f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
                "without activity, to keep your plan private. Sign in again to carry on.",
            )
            return _send_to(request, reverse(settings.LOGIN_URL))
        if not is_passive(request):
            mark_active(request)
            request.session_refreshed = True  # type: ignore[attr-defined]
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Lets session.js restart its countdown after an htmx request.
        if getattr(request, "session_refreshed", False):
            response["X-Session-Refreshed"] = "1"
        return response


def needs_two_factor(user: Any) -> bool:
    """Professionals (leads too) and staff sign in with a code; people never do."""
    return bool(user.is_staff or hasattr(user, "professional"))


class TwoFactorMiddleware(_BeforeViewMiddleware):
    """With REQUIRE_2FA, a professional sees nothing but the two-step pages
    until they have entered a code from their authenticator app (or set one up).
    """

    def before_view(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | None:
        if not settings.REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # sign-in, health check: open to everyone anyway
        if _url_name_in(request, TWO_FACTOR_URL_NAMES):
            return None
        if not needs_two_factor(user):
            return None
        from django_otp import user_has_device

        name = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
        return _send_to(request, reverse(name))


class SecurityLogMiddleware:
    """Logs every refused page (403, 404) a signed-in user was given.

    Anonymous requests are not logged: LoginRequiredMiddleware sends them to
    sign-in before any object is looked up, and crawlers' 404s are noise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                match = request.resolver_match
                log_event(
                    "access_denied",
                    request,
                    status=response.status_code,
                    method=request.method,
                    route=match.route if match is not None else None,
                    url_name=match.view_name if match is not None else None,
                )
        return response


class AccessEndedMiddleware:
    """An open plan page whose access has ended says so, instead of going quiet.

    When the person removes a professional, every later request from that
    professional's open page is a 404. htmx does not swap error bodies, so
    a live update, a save or an edit form would simply do nothing. For htmx
    requests to a plan's URLs, the 404 carries HX-Redirect to a neutral page
    ("You no longer have access to this plan") that names no plan.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if (
            response.status_code == 404
            and request.headers.get("HX-Request") == "true"
            and match is not None
            and "code" in match.kwargs
            and "HX-Redirect" not in response
        ):
            response["HX-Redirect"] = reverse("access_ended")
            if isinstance(response, HttpResponse):
                response.content = b""  # htmx follows the redirect; the body is never seen
        return response
