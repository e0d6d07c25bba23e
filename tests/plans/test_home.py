from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import Cast, login


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast) -> None:
    for url in (
        reverse("home"),
        reverse("caseload"),
        reverse("plan_detail", args=[cast.plan.code]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_public(client: Client, db: None) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_signing_in_sends_each_role_home(client: Client, cast: Cast) -> None:
    from tests.factories import PASSWORD

    expected = {
        "amara": reverse("plan_detail", args=[cast.plan.code]),
        "ben": reverse("caseload"),
        "chloe": reverse("team_overview"),
    }
    for username, landing in expected.items():
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == landing, username
        assert response.status_code == 200


def test_wrong_password_reshows_form_with_username(client: Client, cast: Cast) -> None:
    response = client.post(reverse("login"), {"username": "amara", "password": "nope"})
    assert response.status_code == 200
    assert b'value="amara"' in response.content
    assert b"correct username and password" in response.content


def test_everyone_can_sign_out(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_caseload_lists_only_current_memberships(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    response = client.get(reverse("caseload"))
    assert response.status_code == 200
    assert [row.plan for row in response.context["rows"]] == [cast.plan]


def test_team_overview_is_for_the_lead_only(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    assert client.get(reverse("team_overview")).status_code == 403
    login(client, cast.amara)
    assert client.get(reverse("team_overview")).status_code == 403
    login(client, cast.chloe)
    response = client.get(reverse("team_overview"))
    assert response.status_code == 200
    assert response.context["figures"] == {"people": 1, "active": 1, "overdue": 0}
