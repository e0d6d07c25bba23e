"""A professional starts a plan for someone new and invites them, by email or by letter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from coproduce.models import Person, User
from coproduce.onboarding import throttle
from plans.models import DEFAULT_LIFE_AREAS, CareTeamMember, Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast, login
from tests.onboarding.conftest import Inbox

NEW = {
    "full_name": "Zara Ahmed",
    "preferred_name": "Zee",
    "email": "zee@example.org",
    "invite_by": "email",
}
CHOSEN = {"username": "zee", "new_password1": "my-own-long-pw", "new_password2": "my-own-long-pw"}


def start(client: Client, capture: Any, **data: str) -> Any:
    with capture(execute=True):
        return client.post(reverse("plan_start"), {**NEW, **data})


def test_a_draft_plan_with_the_default_areas_and_its_coordinator(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, cast.ben)
    response = start(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    person = Person.objects.get(user__email="zee@example.org")
    [plan] = person.plans.all()
    assert plan.status == Plan.Status.DRAFT
    assert [a.name for a in plan.life_areas.all()] == DEFAULT_LIFE_AREAS
    [member] = CareTeamMember.objects.filter(plan=plan)
    assert (member.professional, member.is_coordinator) == (cast.ben, True)
    assert person.user.name == "Zee"
    assert PlanChange.objects.filter(plan=plan, action=PlanChange.Action.CREATE).exists()

    # Zara accepts the invitation that arrived over SMTP, and sees her draft plan.
    invitation = smtp_server.last_to("zee@example.org")
    assert invitation.subject == "Your plan is waiting for you"
    assert "Zara" not in invitation.text and "Zee" not in invitation.html
    zara = Client()
    page = zara.get(invitation.link())
    assert 'value="zee"' in page.content.decode()
    response = zara.post(invitation.link(), CHOSEN)
    assert response["Location"] == reverse("home")
    response = zara.get(reverse("home"))
    assert response["Location"] == reverse("plan_detail", args=[plan.code])
    assert zara.get(response["Location"]).status_code == 200


def test_someone_with_an_account_is_invited_to_the_new_plan_instead(
    client: Client, cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    login(client, cast.ben)
    response = start(client, django_capture_on_commit_callbacks, email="AMARA@example.org")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="amara@example.org").count() == 1
    assert cast.amara.plans.filter(status=Plan.Status.DRAFT).count() == 1
    message = smtp_server.last_to("amara@example.org")
    assert message.subject == "Something is waiting for you on Coproduce"
    assert message.link() == reverse("login")


def test_an_email_in_use_is_a_clear_error_that_keeps_what_was_typed(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    cast.oscar.user.email = "zee@example.org"
    cast.oscar.user.save()
    login(client, cast.ben)
    response = start(client, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    content = response.content.decode()
    assert "already used by another account. We cannot say whose" in content
    assert "Oscar" not in content
    assert 'value="Zara Ahmed"' in content and 'value="Zee"' in content
    assert not Person.objects.filter(user__display_name="Zee").exists()


def test_email_invitation_needs_an_email(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    response = client.post(reverse("plan_start"), {**NEW, "email": ""})
    assert response.status_code == 422
    assert "Enter their email address, or choose a printed letter" in response.content.decode()


def test_a_printed_letter_with_a_code_for_someone_without_email(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    response = client.post(reverse("plan_start"), {**NEW, "email": "", "invite_by": "letter"})
    assert response.status_code == 200
    code = re.search(r'id="letter-code">([0-9A-Z]{5}-[0-9A-Z]{5})<', response.content.decode())
    assert code is not None
    plan = Plan.objects.get(person__user__display_name="Zee")

    person = Client()
    page = person.post(reverse("letter_start"), {"code": code.group(1).lower()})
    assert page.status_code == 200
    assert "Choose a password" in page.content.decode()
    response = person.post(reverse("letter_start"), {"code": code.group(1), **CHOSEN})
    assert response.status_code == 302
    assert person.get(reverse("plan_detail", args=[plan.code])).status_code == 200
    # Used up.
    again = Client().post(reverse("letter_start"), {"code": code.group(1)})
    assert again.status_code == 422


def test_letter_codes_are_throttled_against_guessing(client: Client, cast: Cast) -> None:
    for _ in range(throttle.LETTER_CODE_ATTEMPTS):
        response = client.post(reverse("letter_start"), {"code": "ABCDE-12345"})
        assert response.status_code == 422
        assert "That code did not work" in response.content.decode()
    response = client.post(reverse("letter_start"), {"code": "ABCDE-12345"})
    assert response.status_code == 429
    assert "Too many codes tried from here" in response.content.decode()
    # Elsewhere is not affected.
    assert (
        Client(REMOTE_ADDR="192.0.2.1").post(reverse("letter_start"), {"code": "x"}).status_code
        == 422
    )


def test_one_coordinator_per_plan_in_the_database(cast: Cast) -> None:
    f.add_to_care_team(cast.plan, cast.chloe)
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(is_coordinator=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMember.objects.filter(plan=cast.plan, professional=cast.chloe).update(
            is_coordinator=True
        )


def test_a_second_coordinator_gets_a_clear_page(client: Client, cast: Cast) -> None:
    f.add_to_care_team(cast.plan, cast.chloe)
    url = reverse("plan_coordinator", args=[cast.plan.code])
    login(client, cast.ben)
    assert client.post(url).status_code == 302
    assert CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben).is_coordinator

    login(client, cast.chloe)
    response = client.post(url)
    assert response.status_code == 409
    content = response.content.decode()
    assert "This plan already has a care coordinator" in content
    assert "Ben Okafor is the care coordinator" in content
    assert not CareTeamMember.objects.get(plan=cast.plan, professional=cast.chloe).is_coordinator


def test_the_person_cannot_use_the_care_teams_invitation_page(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    assert client.get(reverse("plan_invitation", args=[cast.plan.code])).status_code == 403
    login(client, cast.oscar)
    assert client.get(reverse("plan_invitation", args=[cast.plan.code])).status_code == 404


def test_no_letter_for_someone_who_already_has_a_password(client: Client, cast: Cast) -> None:
    """A letter code sets a password: it must never take over an account in use."""
    login(client, cast.ben)
    response = client.post(
        reverse("plan_invitation", args=[cast.plan.code]), {"invite_by": "letter"}
    )
    assert response.status_code == 422
    assert "They already have an account" in response.content.decode()


def test_a_letter_code_is_no_link(client: Client, cast: Cast) -> None:
    """Typed into the address bar, a letter's code would dodge the letter page's throttle."""
    from coproduce.onboarding import services
    from coproduce.onboarding.models import AccountLink

    user = f.make_person(name="Zara Ahmed").user
    code = services.issue_link(
        user, AccountLink.Purpose.INVITATION, AccountLink.Delivery.LETTER, by=None
    )
    assert client.get(reverse("welcome", args=[code])).status_code == 404
    assert client.post(reverse("letter_start"), {"code": code}).status_code == 200
