"""Invitation and set-up links: single-use, expiring, stored only as a hash; two-step after."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.onboarding import services
from coproduce.onboarding.models import AccountLink, token_hash
from tests.conftest import Cast, login
from tests.test_two_factor import code_for, give_device

NEW_PASSWORD = "a-long-new-password"


def choose(username: str = "ben.okafor", password: str = NEW_PASSWORD) -> dict[str, str]:
    return {"username": username, "new_password1": password, "new_password2": password}


def setup_link(cast: Cast) -> str:
    return services.issue_link(
        cast.ben.user, AccountLink.Purpose.SETUP, AccountLink.Delivery.EMAIL, by=cast.chloe.user
    )


def test_only_a_hash_of_the_token_is_stored(cast: Cast) -> None:
    token = setup_link(cast)
    link = AccountLink.objects.get(user=cast.ben.user)
    assert link.token_hash == token_hash(token)
    assert token not in link.token_hash


def test_a_link_works_once(client: Client, cast: Cast) -> None:
    token = setup_link(cast)
    url = reverse("welcome", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, choose()).status_code == 302

    again = Client().get(url)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    assert "What to do next" in again.content.decode()


def test_an_expired_link_says_so(client: Client, cast: Cast) -> None:
    token = setup_link(cast)
    AccountLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("welcome", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.post(reverse("welcome", args=[token]), choose()).status_code == 410


@pytest.mark.parametrize("token", ["nope", "x" * 300, "0" * 43])
def test_an_unknown_link_says_what_to_do(client: Client, cast: Cast, token: str) -> None:
    response = client.get(reverse("welcome", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_new_link_ends_the_old_one(client: Client, cast: Cast) -> None:
    old = setup_link(cast)
    new = setup_link(cast)
    assert client.get(reverse("welcome", args=[old])).status_code == 410
    assert client.get(reverse("welcome", args=[new])).status_code == 200


def test_a_mismatched_password_keeps_the_username_typed(client: Client, cast: Cast) -> None:
    token = setup_link(cast)
    data = {**choose("ben.new"), "new_password2": "something-else-entirely"}
    response = client.post(reverse("welcome", args=[token]), data)
    assert response.status_code == 422
    content = response.content.decode()
    assert "The two passwords are not the same" in content
    assert 'value="ben.new"' in content
    assert AccountLink.objects.get().used_at is None  # not used up by a mistake


def test_a_set_up_link_replaces_the_authenticator_and_backup_codes(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    old = give_device(cast.ben.user)
    StaticDevice.objects.create(user=cast.ben.user, name="Backup codes")
    response = client.post(reverse("welcome", args=[setup_link(cast)]), choose("ben"))
    assert response["Location"] == reverse("two_factor_setup")
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticDevice.objects.filter(user=cast.ben.user).exists()
    cast.ben.user.refresh_from_db()
    assert cast.ben.user.check_password(NEW_PASSWORD)
    assert client.get(reverse("two_factor_setup")).status_code == 200


def _set_up(client: Client, cast: Cast) -> tuple[TOTPDevice, list[str]]:
    client.post(reverse("welcome", args=[setup_link(cast)]), choose("ben"))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=cast.ben.user)
    page = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    codes = re.findall(
        r'<code class="cp-code">([a-z0-9]{5}-[a-z0-9]{5})</code>', page.content.decode()
    )
    return device, codes


def test_backup_codes_sign_in_once_each(client: Client, cast: Cast, settings: Any) -> None:
    settings.REQUIRE_2FA = True
    _, codes = _set_up(client, cast)
    assert len(codes) == len(set(codes)) == 10
    cast.ben.user.refresh_from_db()  # the link changed the password

    other = Client()
    login(other, cast.ben)
    verify = reverse("two_factor_verify")
    assert other.post(verify, {"code": codes[0].upper().replace("-", " ")}).status_code == 302
    assert other.get(reverse("caseload")).status_code == 200

    third = Client()
    login(third, cast.ben)
    assert third.post(verify, {"code": codes[0]}).status_code == 422  # used up
    assert third.post(verify, {"code": codes[1]}).status_code == 302


def test_the_setup_page_without_a_link_never_shows_a_secret(
    client: Client, cast: Cast, settings: Any
) -> None:
    settings.REQUIRE_2FA = True
    login(client, cast.ben)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=cast.ben.user).exists()


def test_an_attacker_with_the_password_cannot_lock_the_owner_out(cast: Cast, settings: Any) -> None:
    """Many sign-ins from one address, each using up its wrong codes: the owner is unaffected."""
    settings.REQUIRE_2FA = True
    device = give_device(cast.ben.user)
    verify = reverse("two_factor_verify")
    valid = {code_for(device, step) for step in (-1, 0, 1)}
    wrong = [f"{n:06d}" for n in range(100) if f"{n:06d}" not in valid]
    refused = 0
    for attempt in range(6):
        attacker = Client(REMOTE_ADDR="203.0.113.66")
        login(attacker, cast.ben)
        for code in wrong[attempt * 5 : attempt * 5 + 5]:
            response = attacker.post(verify, {"code": code})
            refused += "Too many wrong codes from here" in response.content.decode()
    assert refused > 0, "the attacker's address is slowed down"

    owner = Client(REMOTE_ADDR="198.51.100.7")
    login(owner, cast.ben)
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert owner.post(verify, {"code": f"{value:06d}"}).status_code == 302
    assert owner.get(reverse("caseload")).status_code == 200


def test_the_first_staff_member_gets_in_with_a_printed_set_up_link(
    client: Client, db: None, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tests import factories as f

    settings.REQUIRE_2FA = True
    f.make_user("admin", "Admin", is_staff=True, is_superuser=True)
    out = StringIO()
    call_command("setup_link", "admin", "--site", "https://coproduce.test", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("https://coproduce.test/welcome/")
    response = client.post(url.removeprefix("https://coproduce.test"), choose("admin"))
    assert response["Location"] == reverse("two_factor_setup")
    assert client.get(reverse("two_factor_setup")).status_code == 200
