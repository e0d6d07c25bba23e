from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests import factories as f
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


def test_caseload_puts_what_needs_the_professional_first(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    from datetime import date, timedelta

    from plans.models import CareTeamMember, Plan, PlanChange, Proposal

    plans = {}
    for name in ("Quiet", "Overdue", "Waiting", "Zed"):
        person = f.make_person(name.lower(), f"{name} Person")
        plans[name] = f.make_plan(person)
        f.add_to_care_team(plans[name], cast.ben)
    Plan.objects.filter(pk=plans["Overdue"].pk).update(
        next_review_date=date.today() - timedelta(days=3)
    )
    Proposal.objects.create(
        plan=plans["Waiting"],
        action="add",
        item_type="outcome",
        proposed_by=plans["Waiting"].person.user,
        proposed_side="person",
    )
    CareTeamMember.objects.filter(professional=cast.ben).update(last_seen_version=1)
    Plan.objects.filter(pk=plans["Zed"].pk).update(version=5)
    PlanChange.objects.create(
        plan=plans["Zed"], action="edit", summary="Zed changed something", plan_version=5
    )
    login(client, cast.ben)
    # session, user, the professional with their summary (which also counts the
    # pages), rows, session save (+2 savepoints), the "For you" count in the header
    with django_assert_max_num_queries(8):
        response = client.get(reverse("caseload"))
    names = [row.plan.person.user.name for row in response.context["rows"]]
    assert names[:3] == ["Waiting Person", "Overdue Person", "Zed Person"]
    assert "Latest: Zed changed something" in response.content.decode()
    assert response.context["summary"] == {"total": 5, "waiting": 1, "overdue": 1, "changed": 1}
    only = client.get(reverse("caseload"), {"show": "overdue"}).context["rows"]
    assert [row.plan for row in only] == [plans["Overdue"]]
    found = client.get(reverse("caseload"), {"q": "zed"}).context["rows"]
    assert [row.plan for row in found] == [plans["Zed"]]
    # Unknown filters and page numbers fall back instead of failing.
    assert client.get(reverse("caseload"), {"show": "<b>", "page": "999"}).status_code == 200


def test_team_overview_is_for_the_lead_only(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    assert client.get(reverse("team_overview")).status_code == 403
    login(client, cast.amara)
    assert client.get(reverse("team_overview")).status_code == 403
    login(client, cast.chloe)
    response = client.get(reverse("team_overview"))
    assert response.status_code == 200
    assert response.context["figures"] == {"people": 1, "active": 1, "overdue": 0}
