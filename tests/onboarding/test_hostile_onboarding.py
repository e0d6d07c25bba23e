"""Hostile input at every onboarding form, the same way as tests/test_hostile_input.py.

The same kinds of hostile value, the same checks (never a 500, nothing stored
when refused, nothing unescaped), through that module's own machinery. Staff
pages are used by Chloe made staff for the example (inside its savepoint).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import strategies as st

from coproduce.models import Discipline, User
from coproduce.onboarding import services
from coproduce.onboarding.models import AccountLink
from coproduce.onboarding.views import EMAIL_CHANGE_SALT, _email_fingerprint
from tests import factories as f
from tests.conftest import Cast
from tests.test_hostile_input import Endpoint, Request, cast_draw, fuzz

PASSWORDS = {"new_password1": ["a-long-new-password"], "new_password2": ["a-long-new-password"]}


def _as_staff(cast: Cast) -> None:
    User.objects.filter(pk=cast.chloe.user.pk).update(is_staff=True)


def staff_team(cast: Cast) -> Request:
    _as_staff(cast)
    valid = {
        "name": ["Northside CMHT", "Riverside CMHT"],
        "lead_name": ["Dana Lee"],
        "lead_email": ["dana@example.org", "ben@example.org"],
        "lead_discipline": list(Discipline.values),
    }
    return Request(reverse("staff_teams"), valid)


def setup_link(cast: Cast) -> Request:
    pk = cast_draw(st.one_of(st.just(cast.ben.pk), st.integers(0, 2**70)))
    return Request(reverse("professional_setup_link", args=[pk]))


def invite_professional(cast: Cast) -> Request:
    valid = {
        "full_name": ["Hana Berg"],
        "email": ["hana@example.org"],
        "discipline": list(Discipline.values),
        "job_title": ["", "Social worker"],
    }
    return Request(reverse("team_professionals"), valid)


def deactivate(cast: Cast) -> Request:
    pk = cast_draw(st.one_of(st.just(cast.ben.pk), st.integers(0, 2**70)))
    return Request(reverse("professional_deactivate", args=[pk]))


def start_plan(cast: Cast) -> Request:
    valid = {
        "full_name": ["Zara Ahmed"],
        "preferred_name": ["", "Zee"],
        "email": ["", "zee@example.org"],
        "invite_by": ["email", "letter"],
    }
    return Request(reverse("plan_start"), valid)


def invite_again(cast: Cast) -> Request:
    url = reverse("plan_invitation", args=[cast.plan.code])
    return Request(url, {"invite_by": ["email", "letter"]})


def coordinate(cast: Cast) -> Request:
    return Request(reverse("plan_coordinator", args=[cast.plan.code]))


def _invited() -> User:
    return f.make_person(name="Zara Ahmed").user


def welcome(cast: Cast) -> Request:
    user = _invited()
    token = services.issue_link(
        user, AccountLink.Purpose.INVITATION, AccountLink.Delivery.EMAIL, by=None
    )
    drawn = cast_draw(st.one_of(st.just(token), st.text(min_size=1, max_size=60)))
    url = reverse("welcome", args=[drawn.replace("/", "_")])
    return Request(url, {"username": ["zara", "ben"], **PASSWORDS})


def letter(cast: Cast) -> Request:
    code = services.issue_link(
        _invited(), AccountLink.Purpose.INVITATION, AccountLink.Delivery.LETTER, by=None
    )
    valid = {"code": [code, services.display_letter_code(code)], "username": ["zara"], **PASSWORDS}
    return Request(reverse("letter_start"), valid)


def password_reset(cast: Cast) -> Request:
    return Request(reverse("password_reset"), {"email": ["amara@example.org", "x@example.org"]})


def password_reset_confirm(cast: Cast) -> Request:
    user = cast.amara.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return Request(reverse("password_reset_confirm", args=[uid, token]), PASSWORDS)


def email_change(cast: Cast) -> Request:
    valid = {"email": ["amara.new@example.org"], "password": [f.PASSWORD]}
    return Request(reverse("email_change"), valid)


def email_change_confirm(cast: Cast) -> Request:
    user = cast.amara.user
    token = signing.dumps(
        {"u": user.pk, "e": "amara.new@example.org", "o": _email_fingerprint(user.email)},
        salt=EMAIL_CHANGE_SALT,
    )
    drawn = cast_draw(st.one_of(st.just(token), st.text(min_size=1, max_size=80)))
    return Request(reverse("email_change_confirm", args=[drawn.replace("/", "_")]))


ONBOARDING_POSTED = [
    Endpoint("staff_teams", "chloe", staff_team),
    Endpoint("professional_setup_link", "chloe", setup_link, takes_fields=False),
    Endpoint("team_professionals", "chloe", invite_professional),
    Endpoint("professional_deactivate", "chloe", deactivate, takes_fields=False),
    Endpoint("plan_start", "ben", start_plan),
    Endpoint("plan_invitation", "ben", invite_again),
    Endpoint("plan_coordinator", "ben", coordinate, takes_fields=False),
    Endpoint("welcome", "priya", welcome),
    Endpoint("letter_start", "priya", letter),
    Endpoint("password_reset", "priya", password_reset),
    Endpoint("password_reset_confirm", "priya", password_reset_confirm),
    Endpoint("email_change", "amara", email_change),
    Endpoint("email_change_confirm", "priya", email_change_confirm, takes_fields=False),
]
# Pages that read nothing from the request but their URL (GET only).
ONBOARDING_NO_INPUT: dict[str, set[str]] = {
    "password_reset_done": set(),
    "password_reset_complete": set(),
}


@contextlib.contextmanager
def _fast_passwords(cast: Cast) -> Iterator[None]:
    """Argon2 is slow on purpose; these forms hash or check a password on every request."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *django_settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        cast.amara.user.set_password(f.PASSWORD)
        cast.amara.user.email = "amara@example.org"
        cast.amara.user.save(update_fields=["password", "email"])
        yield


@pytest.mark.parametrize("endpoint", ONBOARDING_POSTED, ids=str)
def test_hostile_input_never_hurts(endpoint: Endpoint, cast: Cast) -> None:
    with _fast_passwords(cast):
        fuzz(endpoint, cast)


@pytest.mark.parametrize("name", sorted(ONBOARDING_NO_INPUT))
def test_pages_said_to_take_no_input_refuse_posts(name: str, cast: Cast) -> None:
    response = Client().post(reverse(name), {"text": "<script>x-probe</script>"})
    assert response.status_code == 405
