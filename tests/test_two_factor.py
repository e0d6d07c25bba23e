"""Two-step sign-in (TOTP) for professionals, team leads and staff; never for people.

The suite runs with REQUIRE_2FA=0 (pyproject); every test here turns it on.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.models import User
from coproduce.onboarding import services as onboarding_services
from coproduce.onboarding.models import AccountLink
from outcomes.models import ValuedOutcome
from plans.models import Proposal
from tests import factories as f
from tests.conftest import Cast, login
from tests.factories import PASSWORD
from tests.test_security import SecurityLog, security_log  # noqa: F401

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def require_2fa(settings: Any) -> None:
    settings.REQUIRE_2FA = True


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    valid = {code_for(device, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def give_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client: Client, username: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


# --- first sign-in: setting up ---------------------------------------------------


def test_a_password_alone_only_reaches_ask_for_a_set_up_link(
    client: Client,
    cast: Cast,
) -> None:
    response = sign_in(client, "ben")
    assert response.status_code == 302
    response = client.get(response["Location"])  # home
    setup = reverse("two_factor_setup")
    assert response.status_code == 302
    assert response["Location"].startswith(setup + "?next=")

    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "Ask your team lead for a set-up link" in page.content.decode()
    assert "totp-secret" not in page.content.decode()
    assert client.post(setup, {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=cast.ben.user).exists()


def test_first_set_up_from_a_link_then_the_professional_is_let_in(
    client: Client,
    cast: Cast,
    security_log: SecurityLog,  # noqa: F811
) -> None:
    token = onboarding_services.issue_link(
        cast.ben.user, AccountLink.Purpose.SETUP, AccountLink.Delivery.EMAIL, by=None
    )
    response = client.post(
        reverse("welcome", args=[token]),
        {"username": "ben", "new_password1": "a-new-long-pass", "new_password2": "a-new-long-pass"},
    )
    setup = reverse("two_factor_setup")
    assert response.status_code == 302
    assert response["Location"] == setup

    page = client.get(setup + "?next=/caseload/")
    assert page.status_code == 200
    content = page.content.decode()
    device = TOTPDevice.objects.get(user=cast.ben.user, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', content)
    assert secret is not None
    assert secret.group(1).replace(" ", "") in device.config_url
    assert 'href="otpauth://totp/Coproduce%3Aben?secret=' in content
    assert re.search(r'<svg role="img" aria-label="QR code for your authenticator app"', content)
    assert 'autocomplete="one-time-code"' in content

    response = client.post(setup, {"code": wrong_code(device), "next": "/caseload/"})
    assert response.status_code == 422
    assert "That code did not work" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert security_log.of("two_factor_failed")

    response = client.post(setup, {"code": code_for(device), "next": "/caseload/"})
    # The backup codes, shown once, then on to the page asked for.
    assert response.status_code == 200
    assert 'href="/caseload/"' in response.content.decode()
    assert (
        len(
            re.findall(
                r'<code class="cp-code">[a-z0-9]{5}-[a-z0-9]{5}</code>', response.content.decode()
            )
        )
        == 10
    )
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("caseload")).status_code == 200
    assert security_log.of("two_factor_setup")


def test_setup_page_is_the_only_page_before_setup(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    for url in (reverse("caseload"), reverse("plan_detail", args=[cast.plan.code])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_password_alone_cannot_replace_a_device(client: Client, cast: Cast) -> None:
    give_device(cast.ben.user)
    login(client, cast.ben)

    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor_verify")
    response = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert response["Location"] == reverse("two_factor_verify")
    assert TOTPDevice.objects.filter(user=cast.ben.user).count() == 1


# --- later sign-ins: the code ------------------------------------------------


def test_with_a_device_every_page_waits_for_the_code(client: Client, cast: Cast) -> None:
    give_device(cast.ben.user)
    login(client, cast.ben)
    verify = reverse("two_factor_verify")

    response = client.get(reverse("plan_detail", args=[cast.plan.code]))
    assert response.status_code == 302
    assert response["Location"] == verify + "?next=" + reverse("plan_detail", args=[cast.plan.code])
    # htmx requests are sent to the page as a whole, not swapped into it.
    live = reverse("plan_live", args=[cast.plan.code]) + f"?v={cast.plan.version}"
    response = client.get(live, **HTMX)
    assert response["HX-Redirect"] == verify
    # Nothing is written before the code.
    area = f.area(cast.plan)
    response = client.post(
        reverse("item_add", args=[cast.plan.code, "outcome"]),
        {"area": str(area.code), "text": "Sneaky", "why_it_matters": "", "status": "active"},
    )
    assert response.status_code == 302
    assert response["Location"] == verify
    assert not ValuedOutcome.objects.exists()
    assert not Proposal.objects.exists()


def test_what_stays_open_before_the_code(client: Client, cast: Cast) -> None:
    give_device(cast.ben.user)
    login(client, cast.ben)

    assert client.get(reverse("two_factor_verify")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/coproduce.css").status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_right_code_lets_them_in_with_a_new_session_key(
    client: Client,
    cast: Cast,
    security_log: SecurityLog,  # noqa: F811
) -> None:
    device = give_device(cast.ben.user)
    login(client, cast.ben)
    key_before = client.session.session_key

    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "/caseload/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/caseload/"
    assert client.session.session_key != key_before
    assert client.get(reverse("caseload")).status_code == 200
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200
    [event] = security_log.of("two_factor_ok")
    assert event["user_id"] == cast.ben.user.pk


def test_a_wrong_code_is_refused_and_logged(
    client: Client,
    cast: Cast,
    security_log: SecurityLog,  # noqa: F811
) -> None:
    device = give_device(cast.ben.user)
    login(client, cast.ben)

    response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})

    assert response.status_code == 422
    content = response.content.decode()
    assert "That code did not work" in content
    assert "nhsuk-error-summary" in content
    assert client.get(reverse("caseload")).status_code == 302
    [event] = security_log.of("two_factor_failed")
    assert event["user_id"] == cast.ben.user.pk
    assert "code" not in event


@pytest.mark.parametrize(
    "code", ["", "12345", "1234567", "abcdef", "\uff11\uff12\uff13\uff14\uff15\uff16"]
)
def test_malformed_codes_are_a_message_not_a_crash(client: Client, cast: Cast, code: str) -> None:
    give_device(cast.ben.user)
    login(client, cast.ben)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 422
    assert "Enter the 6 numbers your authenticator app shows" in response.content.decode()


def test_a_code_works_only_once(client: Client, cast: Cast) -> None:
    device = give_device(cast.ben.user)
    code = code_for(device)
    login(client, cast.ben)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302

    other = Client()
    login(other, cast.ben)
    response = other.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 422


def test_guessing_codes_ends_that_sign_in_but_not_the_owners(client: Client, cast: Cast) -> None:
    """Wrong codes count against the sign-in that made them, never the device."""
    device = give_device(cast.ben.user)
    login(client, cast.ben)
    for _ in range(4):
        response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})
        assert response.status_code == 422
    response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    # That sign-in is over: the right code now needs the password again.
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response["Location"].startswith(reverse("login"))

    # The owner, signing in elsewhere at the same moment, is let straight in.
    owner = Client(REMOTE_ADDR="192.0.2.10")
    login(owner, cast.ben)
    assert owner.post(reverse("two_factor_verify"), {"code": code_for(device)}).status_code == 302
    assert owner.get(reverse("caseload")).status_code == 200


def test_signing_in_again_asks_for_the_code_again(client: Client, cast: Cast) -> None:
    device = give_device(cast.ben.user)
    login(client, cast.ben)
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("caseload")).status_code == 200

    client.post(reverse("logout"))
    sign_in(client, "ben")
    assert client.get(reverse("caseload")).status_code == 302


def test_next_must_be_a_page_of_ours(client: Client, cast: Cast) -> None:
    device = give_device(cast.ben.user)
    login(client, cast.ben)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse(django_settings.LOGIN_REDIRECT_URL)


# --- who is asked ---------------------------------------------------------------


def test_team_leads_and_staff_are_asked_too(client: Client, cast: Cast) -> None:
    login(client, cast.chloe)
    assert client.get(reverse("team_overview")).status_code == 302

    staff = f.make_user("admin1", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_people_are_never_asked(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200
    assert client.get(reverse("two_factor_setup")).status_code == 404
    assert client.get(reverse("two_factor_verify")).status_code == 404


def test_optional_when_not_required(client: Client, cast: Cast, settings: Any) -> None:
    settings.REQUIRE_2FA = False
    give_device(cast.ben.user)
    login(client, cast.ben)
    assert client.get(reverse("caseload")).status_code == 200
