"""Session and sign-in middleware: idle timeout, two-step sign-in, the security log."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified as otp_is_verified
from django_otp.models import Device

from coproduce.refusals import SIGNED_OUT_REASON, with_refusal_reason
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


def checks_sign_in_itself(view: Callable[..., Any]) -> Callable[..., Any]:
    """For a view that signs its user in from its own query (the live check).

    The middleware below then leaves the request alone, and the view calls
    `sign_in_from_viewers` and `refuse_unless_signed_in`, which ask the same
    questions in the same order (signed in? idle? a code still owed?).
    """
    view.login_required = False  # type: ignore[attr-defined]
    view.checks_sign_in_itself = True  # type: ignore[attr-defined]
    return view


def _open_to_everyone(view_func: Callable[..., Any]) -> bool:
    """Marked `login_not_required` (sign-in, the health check) or `checks_sign_in_itself`."""
    return getattr(view_func, "login_required", True) is False


def _checks_sign_in_itself(view_func: Callable[..., Any]) -> bool:
    return getattr(view_func, "checks_sign_in_itself", False)


def sign_in_from_viewers(request: HttpRequest, viewers: list[Any]) -> Any | None:
    """The signed-in user, if they are among `viewers` (users already loaded); else None.

    What `django.contrib.auth.get_user` and django-otp do, on rows loaded in
    the caller's own query: the session names the user and how they signed
    in, its hash matches their password's (a password change signs out
    everywhere), and they are active. A viewer row carrying `live_session_data`
    brings the session itself (database sessions), so it is not read again.

    Anything less certain answers None, and the caller goes the ordinary way
    (`request.user`, loaded lazily as usual), which decides the rest.
    """
    session: Any = request.session
    if viewers and hasattr(viewers[0], "live_session_data"):
        data = viewers[0].live_session_data
        if not data:
            return None  # no such session, or expired: the ordinary way says so
        # The session row came with the viewers: loading it again would cost a query.
        session._session_cache = session.decode(data)
    try:
        user_id = str(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
        session_hash = session[HASH_SESSION_KEY]
    except KeyError:
        return None
    if backend != settings.SIGN_IN_BACKEND:
        return None
    user = next((v for v in viewers if str(v.pk) == user_id), None)
    if user is None or not user.is_active:
        return None  # not someone who may see it: the ordinary way gives the 404
    if not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    # As django_otp.middleware.OTPMiddleware: verified by a confirmed device of theirs.
    user.otp_device = None
    user.is_verified = functools.partial(otp_is_verified, user)
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is None or device.user_id != user.pk or not device.confirmed:
            return None
        user.otp_device = device
    request.user = user
    return user


def refuse_unless_signed_in(request: HttpRequest) -> HttpResponse | None:
    """For a view that checks sign-in itself: what the middleware would have answered."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
    return _end_if_idle(request) or _code_still_owed(request)


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

    Every request someone makes refreshes the clock (at most every
    ACTIVITY_RESOLUTION_SECONDS); passive ones (the plan page's polling) only
    read it. The session cookie lives longer than the
    idle limit, so an idle session is still recognised here, ended, and the
    next page explains what happened.
    """

    def before_view(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | None:
        if _checks_sign_in_itself(view_func) or not request.user.is_authenticated:
            return None
        ended = _end_if_idle(request)
        if ended is not None:
            return ended
        if not is_passive(request) and _activity_is_stale(request):
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


# The idle clock is written at most once in this many seconds: a session row
# (or Redis entry) written on every page is three queries of every request,
# for a clock that counts in half hours. The sign-out can then come up to this
# much sooner than a clock written every time would have it: the warning
# (two minutes before, static/js/session.js) still comes at least 90 seconds
# ahead. The response says "refreshed" only when it was, so session.js
# restarts its countdown only when the server's clock moved.
ACTIVITY_RESOLUTION_SECONDS = 30


def _activity_is_stale(request: HttpRequest) -> bool:
    last = request.session.get(LAST_ACTIVITY_KEY)
    return not isinstance(last, int) or time.time() - last >= ACTIVITY_RESOLUTION_SECONDS


def _end_if_idle(request: HttpRequest) -> HttpResponse | None:
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
    return None


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
        if _open_to_everyone(view_func):
            return None  # sign-in, health check: open to everyone anyway
        return _code_still_owed(request)


def _code_still_owed(request: HttpRequest) -> HttpResponse | None:
    if not settings.REQUIRE_2FA:
        return None
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
        return None
    if _url_name_in(request, TWO_FACTOR_URL_NAMES):
        return None
    if not needs_two_factor(user):
        return None
    from django_otp import user_has_device

    name = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
    return _send_to(request, reverse(name))


class LoginRequiredMiddleware(_BeforeViewMiddleware, auth_middleware.LoginRequiredMiddleware):
    """Django's, asking the view first, so that a view open to everyone (or one
    that checks sign-in itself, the live check) does not load the user here.
    """

    def before_view(
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse | None:
        if _open_to_everyone(view_func) or request.user.is_authenticated:
            return None
        if request.headers.get("HX-Request") == "true":
            # htmx would follow the redirect and swap the sign-in page in over
            # the form being saved. A refusal is left alone instead, and the
            # page says "Not saved", why, and that what was typed is still there.
            return with_refusal_reason(request, HttpResponse(status=403), SIGNED_OUT_REASON)
        return self.handle_no_permission(request, view_func)


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
