"""Take my data: the printable plan, the FHIR download, and closing an account."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import User
from plans.models import (
    AccessRequest,
    CareTeamMember,
    ExpertiseKind,
    Leadership,
    Plan,
    PlanChange,
    PlanView,
)
from tests import factories as f
from tests.conftest import Cast, login


def fhir_url(cast: Cast) -> str:
    return reverse("plan_export_fhir", args=[cast.plan.code])


def print_url(cast: Cast) -> str:
    return reverse("plan_print", args=[cast.plan.code])


def remove_ben(cast: Cast) -> None:
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now(), removed_by=cast.amara.user
    )


# --- who may download ---------------------------------------------------------------


@pytest.mark.parametrize("url", [fhir_url, print_url])
@pytest.mark.parametrize("who", ["amara", "ben"])
def test_the_person_and_the_care_team_may_download(
    client: Client, cast: Cast, who: str, url
) -> None:  # type: ignore[no-untyped-def]
    login(client, getattr(cast, who))
    assert client.get(url(cast)).status_code == 200


@pytest.mark.parametrize("url", [fhir_url, print_url])
@pytest.mark.parametrize("who", ["oscar", "chloe", "priya", "removed ben"])
def test_nobody_else_may_download(client: Client, cast: Cast, who: str, url) -> None:  # type: ignore[no-untyped-def]
    if who == "removed ben":
        remove_ben(cast)
        who = "ben"
    login(client, getattr(cast, who))
    assert client.get(url(cast)).status_code == 404
    assert not PlanView.objects.exists()


@pytest.mark.parametrize("url", [fhir_url, print_url])
def test_downloads_need_sign_in(client: Client, cast: Cast, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the FHIR download --------------------------------------------------------------


def test_fhir_download_is_a_bundle_file(client: Client, cast: Cast) -> None:
    f.make_outcome(cast.plan, text="Café on Fridays ☕ with my sister")
    login(client, cast.amara)
    response = client.get(fhir_url(cast))
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="coproduce-plan-{cast.plan.code}.fhir.json"'
    )
    # Not escaped to \u sequences: the file reads as the person wrote it.
    assert "Café on Fridays ☕".encode() in response.content
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"CarePlan", "Goal", "CareTeam", "Patient"} <= kinds


def test_a_professionals_export_is_logged_and_the_persons_is_not(
    client: Client, cast: Cast
) -> None:
    login(client, cast.amara)
    client.get(fhir_url(cast))
    assert not PlanView.objects.exists()
    login(client, cast.ben)
    client.get(fhir_url(cast))
    client.get(print_url(cast))
    assert sorted(PlanView.objects.values_list("page", "viewer")) == [
        ("export", cast.ben.user.pk),
        ("print", cast.ben.user.pk),
    ]


# --- the printable plan -------------------------------------------------------------


def fill(cast: Cast) -> None:
    amara, ben = cast.amara.user, cast.ben.user
    Plan.objects.filter(pk=cast.plan.pk).update(
        about_admire="My sense of humour",
        about_matters="My sister and my allotment",
        about_support="Text before you call",
    )
    work = f.area(cast.plan)
    work.leadership = Leadership.SHARED
    work.save()
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer", why_it_matters="Money")
    f.make_rating(outcome, amara, 3, on=timezone.localdate().replace(month=1, day=10))
    f.make_rating(outcome, ben, 5, on=timezone.localdate().replace(month=1, day=11), note="Keen")
    f.make_rating(outcome, amara, 6, on=timezone.localdate().replace(month=2, day=10))
    f.make_resource(cast.plan, ben, name="Individual placement and support")
    f.make_commitment(cast.plan, ben, who=amara, what="update my CV")
    f.make_expertise(cast.plan, amara, ExpertiseKind.STRENGTHS, "I am good with people")
    f.make_expertise(cast.plan, ben, ExpertiseKind.SEEN_WITH_OTHERS, "Part-time first works")
    PlanChange.objects.create(
        plan=cast.plan, actor=amara, actor_side="person", action="edit", summary="Changed about me"
    )
    rita = f.make_professional("rita", "Rita Moss", cast.team)
    f.add_to_care_team(cast.plan, rita)
    CareTeamMember.objects.filter(professional=rita).update(removed_at=timezone.now())


def test_printable_page_has_the_whole_plan(client: Client, cast: Cast) -> None:
    fill(cast)
    login(client, cast.amara)
    response = client.get(print_url(cast))
    body = response.content.decode()
    for text in [
        "My sense of humour",
        "My sister and my allotment",
        "Text before you call",
        "Mental wellbeing",
        "Work and learning",
        "Shared between you and your team",  # leadership, in the person's words
        "Back to work by the summer",
        "Keen",  # a rating's note
        "Individual placement and support",
        "update my CV",
        "I am good with people",
        "Part-time first works",
        "Ben Okafor",
        "Rita Moss",  # past care team members too
        "Changed about me",  # recent history
        "css/print.css",
    ]:
        assert text in body, text
    (outcome,) = [o for s in response.context["page"].areas for o in s.outcomes]
    history = [(r.score, r.side) for r in outcome.rating_history]
    assert history == [(3, "person"), (5, "professional"), (6, "person")]


def test_printable_page_speaks_to_the_professional_about_the_person(
    client: Client, cast: Cast
) -> None:
    fill(cast)
    login(client, cast.ben)
    body = client.get(print_url(cast)).content.decode()
    assert "Amara Osei's plan" in body
    assert "About Amara" in body


@pytest.mark.parametrize("size", [1, 10])
def test_printable_page_queries_stay_flat(
    client: Client, cast: Cast, django_assert_max_num_queries, size: int
) -> None:
    for _ in range(size):
        outcome = f.make_outcome(cast.plan)
        f.make_rating(outcome, cast.amara.user, 4)
        f.make_rating(outcome, cast.ben.user, 5)
        f.make_resource(cast.plan, cast.ben.user).outcomes.add(outcome)
        commitment = f.make_commitment(cast.plan, cast.ben.user)
        f.make_reply(cast.plan, cast.ben.user, "outcome", outcome.code)
        f.make_reply(cast.plan, cast.amara.user, "commitment", commitment.code)
    login(client, cast.amara)
    # the plan page's 17 (its replies in one), plus ratings, care team, history,
    # the "For you" count in the header
    with django_assert_max_num_queries(21):
        response = client.get(print_url(cast))
    assert response.status_code == 200


# --- closing an account -------------------------------------------------------------


def test_closing_asks_for_the_password_and_explains_what_happens(
    client: Client, cast: Cast
) -> None:
    login(client, cast.amara)
    body = client.get(reverse("close_account")).content.decode()
    assert "not deleted straight away" in body
    assert "loses access to your plan straight away" in body
    assert 'type="password"' in body


@pytest.mark.parametrize("password", ["", "wrong"])
def test_closing_with_the_wrong_password_changes_nothing(
    client: Client, cast: Cast, password: str
) -> None:
    login(client, cast.amara)
    response = client.post(reverse("close_account"), {"password": password})
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    cast.amara.user.refresh_from_db()
    assert cast.amara.user.is_active
    assert Plan.objects.get(pk=cast.plan.pk).status == Plan.Status.ACTIVE
    assert CareTeamMember.objects.current().filter(plan=cast.plan).count() == 1


def test_closing_an_account(client: Client, cast: Cast) -> None:
    old = f.make_plan(cast.amara, status=Plan.Status.CLOSED, closed_at=timezone.now())
    oscar_member = f.add_to_care_team(cast.plan, cast.oscar)
    waiting = AccessRequest.objects.create(plan=cast.plan, professional=cast.chloe)
    ben_client = login(Client(), cast.ben)

    login(client, cast.amara)
    response = client.post(reverse("close_account"), {"password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_closed")

    plan = Plan.objects.get(pk=cast.plan.pk)
    assert plan.status == Plan.Status.CLOSED
    assert plan.closed_at is not None
    assert Plan.objects.get(pk=old.pk).closed_at == old.closed_at
    assert not CareTeamMember.objects.current().filter(plan=cast.plan).exists()
    oscar_member.refresh_from_db()
    assert oscar_member.removed_by == cast.amara.user
    waiting.refresh_from_db()
    assert waiting.status == AccessRequest.Status.DECLINED
    user = User.objects.get(pk=cast.amara.user.pk)
    assert not user.is_active
    # Nothing deleted: the plan is a health record.
    assert Plan.objects.filter(person=cast.amara).count() == 2

    summaries = list(
        PlanChange.objects.filter(plan=plan).order_by("id").values_list("action", "summary")
    )
    assert summaries == [
        (
            "access",
            "Access ended for Ben Okafor (community mental health nurse): the account was closed",
        ),
        ("access", "Access ended for Oscar Lind (social worker): the account was closed"),
        ("edit", "Closed the plan: the account was closed"),
    ]

    # Signed out, and cannot come back.
    assert client.get(reverse("plan_detail", args=[plan.code])).status_code == 302
    page = client.get(reverse("account_closed"))
    assert page.status_code == 200
    assert "Your account is closed" in page.content.decode()
    assert not Client().login(username="amara", password=f.PASSWORD)
    # Ben's open session loses the plan at once.
    assert ben_client.get(reverse("plan_detail", args=[plan.code])).status_code == 404


@pytest.mark.parametrize("who", ["ben", "chloe", "oscar"])
def test_professionals_cannot_close_a_persons_account(client: Client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    assert client.get(reverse("close_account")).status_code == 403
    assert client.post(reverse("close_account"), {"password": f.PASSWORD}).status_code == 403
    assert User.objects.filter(is_active=False).count() == 0


def test_closing_needs_sign_in(client: Client, cast: Cast) -> None:
    response = client.post(reverse("close_account"), {"password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
