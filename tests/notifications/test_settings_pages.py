"""The email settings page and the signed one-click unsubscribe link."""

from __future__ import annotations

from django.core import signing
from django.test import Client
from django.urls import reverse

from coproduce.notifications.models import Frequency, Kind
from coproduce.notifications.sending import settings_for, unsubscribe_token
from tests.conftest import Cast, login


def test_settings_show_the_defaults(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Suggestions to answer" in body
    assert 'name="kind_suggestion" value="daily" id="id_kind_suggestion_1" required checked' in body
    # Only a lead is asked about leadership requests raised to leads.
    assert "Requests for more leadership" not in body
    login(client, cast.chloe)
    body = client.get(reverse("notification_settings")).content.decode()
    assert (
        'name="kind_leadership" value="weekly" id="id_kind_leadership_2" required checked' in body
    )


def test_saving_choices_and_quiet_hours(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    data = {f"kind_{kind}": "daily" for kind in Kind.values}
    data.update(
        kind_suggestion="immediately", kind_reply="off", quiet_from="21:00", quiet_until="08:00"
    )
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 302
    choices = settings_for(cast.amara.user)
    assert choices.frequency("suggestion") == Frequency.IMMEDIATELY
    assert choices.frequency("reply") == Frequency.OFF
    assert str(choices.quiet_from) == "21:00:00"


def test_bad_input_is_shown_again_with_a_message(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    data = {f"kind_{kind}": "daily" for kind in Kind.values}
    data.update(kind_suggestion="hourly", quiet_from="21:00", quiet_until="")
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Error:" in body
    assert "Enter both times" in body
    assert "Select a valid choice" in body
    assert settings_for(cast.amara.user).choices == {}


def test_unsubscribe_link_works_without_signing_in(client: Client, cast: Cast) -> None:
    url = reverse("notifications_unsubscribe", args=[unsubscribe_token(cast.amara.user)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop all these emails" in page.content.decode()
    # Nothing changes until the button (or a mail program's one-click POST).
    assert settings_for(cast.amara.user).default == Frequency.DAILY
    done = client.post(url)
    assert done.status_code == 200
    choices = settings_for(cast.amara.user)
    assert all(choices.frequency(kind) == Frequency.OFF for kind in Kind.values)


def test_a_tampered_link_is_a_clear_400(client: Client, cast: Cast) -> None:
    token = unsubscribe_token(cast.amara.user)
    forged = signing.dumps(cast.priya.user.pk, salt="something else")
    for bad in (token[:-2] + "xx", forged, "nonsense", token.replace(":", "")):
        for method in (client.get, client.post):
            response = method(reverse("notifications_unsubscribe", args=[bad]))
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
    assert settings_for(cast.priya.user).default == Frequency.DAILY
