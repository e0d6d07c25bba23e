"""Two-step sign-in (TOTP), staying signed in, and the sign-in lockout page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce import two_step_rules
from coproduce.htmx import render_form
from coproduce.middleware import needs_two_factor
from coproduce.security import log_event

WRONG_CODE = (
    "That code did not work. Enter the 6 numbers your authenticator app shows now "
    "(they change every 30 seconds)."
)
TOO_MANY_CODES = (
    "Too many wrong codes from here. For your safety, wait 15 minutes and try again, "
    "or use one of your backup codes from another device."
)
SIGN_IN_ENDED = "Too many wrong codes. For your safety, sign in again with your password."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 numbers, for example 123456",
        max_length=8,
        error_messages={"required": "Enter the 6 numbers your authenticator app shows"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6 numbers your authenticator app shows")
        return code


class SignInCodeForm(CodeForm):
    """At sign-in, a backup code works instead of the app's 6 numbers."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 numbers, for example 123456, or one of your backup codes",
        max_length=20,
        error_messages={"required": "Enter the 6 numbers your authenticator app shows"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        backup = two_step_rules.normalise_backup_code(self.cleaned_data["code"])
        if two_step_rules.looks_like_backup_code(backup):
            return backup
        return super().clean_code()


def _next_url(request: HttpRequest) -> str:
    """Where to go after the code: the page they asked for, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _confirmed_device(user: Any, for_update: bool = False) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    if for_update:
        devices = devices.select_for_update()
    return devices.first()


def _signed_in_with(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key at each step up in trust, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)


def _qr_svg(url: str) -> SafeString:
    svg = segno.make(url, error="m").svg_inline(
        scale=4, light="#fff", svgclass="cp-qr", lineclass=None
    )
    # segno's output is markup it built from the URL alone: numbers and paths.
    label = "QR code for your authenticator app"
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308


def _secret_for_reading(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a professional: add Coproduce to an authenticator app."""
    user = request.user
    if not needs_two_factor(user):
        raise Http404("Two-step sign-in is for professionals")
    if _confirmed_device(user) is not None:
        # Set up already: a password alone must never replace the device.
        if user.is_verified():  # type: ignore[union-attr]
            messages.info(request, "Two-step sign-in is already set up for you.")
            return redirect(_next_url(request))
        return redirect("two_factor_verify")
    if not two_step_rules.may_enrol(request):
        # A password alone never sets up the first authenticator (issue 15.5).
        return render(request, "onboarding/ask_for_setup_link.html", {}, status=403)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, confirmed=False, name="Authenticator app")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if two_step_rules.codes_blocked(request, user):
                form.add_error("code", TOO_MANY_CODES)
            elif device.verify_token(form.cleaned_data["code"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            else:
                form.add_error("code", WRONG_CODE)
                two_step_rules.wrong_code(request, user)
        if device.confirmed:
            _signed_in_with(request, device)
            two_step_rules.enrolment_done(request)
            log_event("two_factor_setup", request)
            # Shown once, in this response only: never stored anywhere readable.
            codes = {"codes": two_step_rules.new_backup_codes(user), "next": _next_url(request)}
            return render(request, "onboarding/backup_codes.html", codes)
        log_event("two_factor_failed", request, step="setup")
    context = {
        "form": form,
        "secret": _secret_for_reading(device),
        "otpauth_url": device.config_url,
        "qr_svg": _qr_svg(device.config_url),
        "next": _next_url(request),
    }
    return render_form(request, "registration/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, before any other page."""
    user = request.user
    if _confirmed_device(user) is None:
        if needs_two_factor(user):
            return redirect("two_factor_setup")
        raise Http404("Two-step sign-in is for professionals")
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Wrong codes count against this sign-in and this address, never the
        # device: nobody with the password can lock the owner out.
        allowed = not two_step_rules.codes_blocked(request, user)
        device = None
        if not allowed:
            form.add_error("code", TOO_MANY_CODES)
        else:
            with transaction.atomic():
                device = two_step_rules.verify_sign_in_code(user, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", WRONG_CODE)
                if two_step_rules.wrong_code(request, user):
                    log_event("two_factor_failed", request, step="verify", ended=True)
                    logout(request)
                    messages.error(request, SIGN_IN_ENDED)
                    return redirect(settings.LOGIN_URL)
        if device is not None:
            _signed_in_with(request, device)
            log_event("two_factor_ok", request)
            return redirect(_next_url(request))
        log_event("two_factor_failed", request, step="verify", throttled=not allowed)
    context = {"form": form, "next": _next_url(request)}
    return render_form(request, "registration/two_factor_verify.html", context)


@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the request itself is the activity (IdleTimeoutMiddleware)."""
    return HttpResponse(status=204)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, *args: Any
) -> HttpResponse:
    """django-axes calls this instead of its plain-text lockout message."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    by_address = getattr(request, "locked_out_by_address", False)
    context = {"minutes": minutes, "by_address": by_address}
    return render(request, "registration/locked_out.html", context, status=429)
