"""Password spraying is slowed: one address, many usernames, one wrong password each.

django-axes locks a username from an address after AXES_FAILURE_LIMIT (5)
wrong passwords; an address is locked, whatever the usernames, after the
higher ADDRESS_FAILURE_LIMIT (20 by default).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Cast
from tests.factories import PASSWORD

SPRAYER = "203.0.113.7"
NEIGHBOUR = "198.51.100.9"
ADDRESS_MESSAGE = "too many wrong passwords from your network"


@pytest.fixture(autouse=True)
def fast_hashing_of_unknown_usernames(settings: Any) -> None:
    """A made-up username still costs one hash (so timing says nothing); a fast hasher
    first keeps thirty of them quick. The people's own passwords stay Argon2."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *django_settings.PASSWORD_HASHERS,
    ]


def sign_in(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def without_tokens(body: str) -> str:
    """The page without its CSRF token, which differs from one browser to the next."""
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def usernames(count: int) -> list[str]:
    """Real ones among made-up ones, as a sprayer's list would be."""
    real = ["amara", "ben", "chloe", "oscar", "priya"]
    return [real[i // 6] if i % 6 == 0 else f"guess{i}" for i in range(count)]


def test_thirty_usernames_from_one_address_are_locked_out_at_the_address_limit(
    cast: Cast,
) -> None:
    limit = django_settings.ADDRESS_FAILURE_LIMIT
    assert limit > django_settings.AXES_FAILURE_LIMIT
    client = Client()

    statuses = [sign_in(client, name, "wrong", SPRAYER).status_code for name in usernames(30)]

    # Every wrong password before the limit is an ordinary "wrong password" answer;
    # the one that reaches it, and every later one, is the lockout page.
    assert statuses == [200] * (limit - 1) + [429] * (30 - limit + 1)
    response = sign_in(client, "amara", PASSWORD, SPRAYER)
    assert response.status_code == 429  # even the right password, from that address
    assert ADDRESS_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_affected(cast: Cast) -> None:
    for name in usernames(30):
        sign_in(Client(), name, "wrong", SPRAYER)

    client = Client()
    assert sign_in(client, "amara", PASSWORD, NEIGHBOUR).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.amara.user.pk)


def test_the_lockout_page_does_not_say_which_usernames_exist(cast: Cast) -> None:
    for name in usernames(django_settings.ADDRESS_FAILURE_LIMIT):
        sign_in(Client(), name, "wrong", SPRAYER)

    real = sign_in(Client(), "amara", "wrong", SPRAYER)
    made_up = sign_in(Client(), "nobody-by-this-name", "wrong", SPRAYER)

    assert real.status_code == made_up.status_code == 429
    body = real.content.decode()
    assert without_tokens(body) == without_tokens(made_up.content.decode())
    assert "amara" not in body.lower()
    assert "username" not in body.lower()
    assert f"wait {int(django_settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes" in body


def test_the_per_username_limit_is_still_the_lower_one(cast: Cast) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "amara", "wrong", SPRAYER).status_code == 200

    response = sign_in(client, "amara", "wrong", SPRAYER)

    assert response.status_code == 429
    assert ADDRESS_MESSAGE not in response.content.decode()
    assert sign_in(client, "priya", PASSWORD, SPRAYER).status_code == 302


def test_the_address_limit_comes_from_settings_and_lifts_after_the_cool_off(
    cast: Cast, settings: Any
) -> None:
    settings.ADDRESS_FAILURE_LIMIT = 3
    client = Client()
    assert sign_in(client, "guess1", "wrong", SPRAYER).status_code == 200
    assert sign_in(client, "guess2", "wrong", SPRAYER).status_code == 200
    assert sign_in(client, "guess3", "wrong", SPRAYER).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "amara", PASSWORD, SPRAYER).status_code == 302


def test_switching_throttling_off_switches_the_address_limit_off(cast: Cast, settings: Any) -> None:
    settings.AXES_ENABLED = False
    settings.ADDRESS_FAILURE_LIMIT = 2
    for name in usernames(4):
        assert sign_in(Client(), name, "wrong", SPRAYER).status_code == 200
    assert sign_in(Client(), "amara", PASSWORD, SPRAYER).status_code == 302
