"""Password reset and change of email address: by link, throttled, revealing nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from coproduce.onboarding import throttle
from tests.conftest import Cast, login
from tests.factories import PASSWORD
from tests.onboarding.conftest import Inbox


def ask_reset(client: Client, capture: Any, email: str) -> Any:
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def test_a_password_reset_by_email_over_smtp(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    response = ask_reset(client, django_capture_on_commit_callbacks, "amara@example.org")
    assert response["Location"] == reverse("password_reset_done")
    message = smtp_server.last_to("amara@example.org")
    assert message.subject == "Reset your Coproduce password"

    page = client.get(message.link(), follow=True)
    assert "Choose a new password" in page.content.decode()
    new = "brand-new-long-password"
    response = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("password_reset_complete")
    cast.amara.user.refresh_from_db()
    assert cast.amara.user.check_password(new)
    # Used up.
    again = Client().get(message.link(), follow=True)
    assert "This link does not work" in again.content.decode()


def test_a_reset_does_not_reveal_whether_an_account_exists(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    known = ask_reset(client, django_capture_on_commit_callbacks, "amara@example.org")
    unknown = ask_reset(Client(), django_capture_on_commit_callbacks, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert smtp_server.to("nobody@example.org") == []


def test_resets_are_throttled_per_address_asked_for(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    for _ in range(throttle.RESETS_PER_EMAIL + 2):
        response = ask_reset(client, django_capture_on_commit_callbacks, "amara@example.org")
        assert response["Location"] == reverse("password_reset_done")
    assert len(smtp_server.to("amara@example.org")) == throttle.RESETS_PER_EMAIL


def test_a_new_email_address_counts_only_once_confirmed_from_it(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    login(client, cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("email_change"), {"email": "amara.new@example.org", "password": PASSWORD}
        )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    cast.amara.user.refresh_from_db()
    assert cast.amara.user.email == "amara@example.org"

    link = smtp_server.last_to("amara.new@example.org").link()
    confirmer = Client()  # the link may be opened anywhere
    assert "Use amara.new@example.org?" in confirmer.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert confirmer.post(link).status_code == 200
    cast.amara.user.refresh_from_db()
    assert cast.amara.user.email == "amara.new@example.org"
    assert smtp_server.last_to("amara@example.org").subject == (
        "Your Coproduce email address has changed"
    )
    assert confirmer.get(link).status_code == 410  # single use


def test_an_email_in_use_is_told_only_to_that_address(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    cast.ben.user.email = "ben@example.org"
    cast.ben.user.save()
    login(client, cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("email_change"), {"email": "ben@example.org", "password": PASSWORD}
        )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()  # the same page as any other
    [message] = smtp_server.to("ben@example.org")
    assert message.subject == "Your email address and Coproduce"
    assert "/account/email/confirm/" not in message.text


def test_the_wrong_password_keeps_the_address_typed(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.post(reverse("email_change"), {"email": "new@example.org", "password": "no"})
    assert response.status_code == 422
    assert 'value="new@example.org"' in response.content.decode()


def test_a_tampered_email_link_is_refused(client: Client, cast: Cast) -> None:
    response = client.get(reverse("email_change_confirm", args=["abc:def:ghi"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
