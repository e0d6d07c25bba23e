"""Staff start teams and invite leads; a lead invites and deactivates professionals."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.models import Discipline, Professional, Team, User
from coproduce.onboarding.models import AccountLink
from plans.models import CareTeamMember, PlanChange
from tests import factories as f
from tests.conftest import Cast, login
from tests.onboarding.conftest import Inbox


def staff_client(client: Client) -> Client:
    client.force_login(f.make_user("sam", "Sam Admin", is_staff=True))
    return client


TEAM = {
    "name": "Northside CMHT",
    "lead_name": "Dana Lee",
    "lead_email": "Dana.Lee@example.org",
    "lead_discipline": Discipline.TEAM_MANAGER,
}


def test_staff_start_a_team_and_its_lead_is_invited_over_smtp(
    client: Client, db: None, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    staff_client(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff_teams"), TEAM)
    assert response.status_code == 302

    team = Team.objects.get(name="Northside CMHT")
    assert team.lead is not None
    lead = team.lead.user
    assert (lead.name, lead.email, lead.has_usable_password()) == (
        "Dana Lee",
        "dana.lee@example.org",
        False,
    )
    assert team.lead.team == team
    invitation = smtp_server.last_to("dana.lee@example.org")
    assert invitation.subject == "You have been invited to Coproduce"
    assert invitation.link().startswith("/welcome/")
    assert "Northside" not in invitation.text  # nothing about the service in the email
    page = client.get(reverse("staff_teams"))
    assert "Northside CMHT" in page.content.decode()


def test_a_used_team_name_or_email_is_a_clear_error_that_keeps_what_was_typed(
    client: Client, cast: Cast
) -> None:
    staff_client(client)
    cast.ben.user.email = "dana.lee@example.org"
    cast.ben.user.save()
    response = client.post(reverse("staff_teams"), TEAM)
    assert response.status_code == 422
    content = response.content.decode()
    assert "already used by another account. We cannot say whose" in content
    assert 'value="Northside CMHT"' in content
    assert 'value="Dana Lee"' in content

    response = client.post(reverse("staff_teams"), {**TEAM, "name": "Riverside CMHT"})
    assert response.status_code == 422
    assert "A team already has this name" in response.content.decode()
    assert Team.objects.count() == 2


def test_only_staff_see_the_teams_page(client: Client, cast: Cast) -> None:
    for who in (cast.amara, cast.ben, cast.chloe):
        login(client, who)
        assert client.get(reverse("staff_teams")).status_code == 403


def test_a_lead_invites_a_professional_to_their_team(
    client: Client, cast: Cast, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, cast.chloe)
    data = {"full_name": "Hana Berg", "email": "hana@example.org", "discipline": "social_worker"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("team_professionals"), data)
    assert response.status_code == 302
    hana = Professional.objects.get(user__email="hana@example.org")
    assert hana.team == cast.team
    [message] = mail.outbox
    assert message.to == ["hana@example.org"]
    assert AccountLink.objects.get(user=hana.user).purpose == AccountLink.Purpose.INVITATION


def test_a_lead_cannot_touch_another_teams_professionals(client: Client, cast: Cast) -> None:
    login(client, cast.chloe)
    for name in ("professional_deactivate", "professional_setup_link"):
        url = reverse(name, args=[cast.oscar.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    cast.oscar.user.refresh_from_db()
    assert cast.oscar.user.is_active


def test_deactivation_ends_every_plan_at_once_and_each_person_sees_it(
    client: Client, cast: Cast
) -> None:
    second = f.make_plan(f.make_person("dan", "Dan Reed"))
    f.add_to_care_team(second, cast.ben)
    ben = Client()
    login(ben, cast.ben)
    assert ben.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 200

    login(client, cast.chloe)
    response = client.post(reverse("professional_deactivate", args=[cast.ben.pk]))
    assert response.status_code == 302

    # The very next request: signed out, and on no care team.
    response = ben.get(reverse("plan_detail", args=[cast.plan.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not CareTeamMember.objects.current().filter(professional=cast.ben).exists()
    for plan in (cast.plan, second):
        [change] = PlanChange.objects.filter(plan=plan, action=PlanChange.Action.ACCESS)
        assert change.summary.startswith("Access ended for Ben Okafor")
        assert change.actor == cast.chloe.user
    amara = Client()
    login(amara, cast.amara)
    history = amara.get(reverse("plan_history", args=[cast.plan.code])).content.decode()
    assert "Access ended for Ben Okafor" in history
    assert not User.objects.get(pk=cast.ben.user.pk).is_active


def test_a_lead_or_staff_sends_a_set_up_link(
    client: Client, cast: Cast, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    cast.ben.user.email = "ben@example.org"
    cast.ben.user.save()
    login(client, cast.chloe)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(reverse("professional_setup_link", args=[cast.ben.pk])).status_code == 302
        )
    staff_client(client)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(reverse("professional_setup_link", args=[cast.ben.pk])).status_code == 302
        )
    assert [m.subject for m in mail.outbox] == ["Set up your sign-in to Coproduce again"] * 2
    # Only the newest works.
    assert AccountLink.objects.usable().filter(user=cast.ben.user).count() == 1

    login(client, cast.ben)
    assert client.post(reverse("professional_setup_link", args=[cast.ben.pk])).status_code == 403
