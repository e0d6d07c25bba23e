"""A person's request for more leadership that nobody answers in time goes to the lead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.models import Leadership, LifeArea, Proposal
from tests import factories as f
from tests.conftest import Cast, login
from tests.outcomes.factories import make_proposal


def request_more(cast: Cast, days_ago: float, proposed: int = Leadership.PERSON_LEADS) -> Proposal:
    """Amara asks to lead Mental wellbeing again (professionals lead it now)."""
    area = f.area(cast.plan, "Mental wellbeing")
    LifeArea.objects.filter(pk=area.pk).update(leadership=Leadership.PROFESSIONAL_LEADS)
    return make_proposal(
        cast.plan,
        cast.amara.user,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        area_name="Mental wellbeing",
        action=Proposal.Action.LEADERSHIP,
        item_type="life_area",
        proposed_leadership=proposed,
    )


def overdue() -> list[Proposal]:
    return list(Proposal.objects.leadership_requests_overdue(timezone.now()))


def test_waiting_over_fourteen_days_is_overdue(cast: Cast) -> None:
    old = request_more(cast, days_ago=14.01)
    assert overdue() == [old]


def test_waiting_under_fourteen_days_is_not(cast: Cast) -> None:
    request_more(cast, days_ago=13.9)
    assert overdue() == []


def test_the_number_of_days_is_a_setting(cast: Cast, settings: object) -> None:
    settings.LEADERSHIP_ESCALATION_DAYS = 3  # type: ignore[attr-defined]
    waiting = request_more(cast, days_ago=4)
    assert overdue() == [waiting]


@pytest.mark.parametrize(
    "why_not",
    ["answered", "asks for less", "by a professional"],
)
def test_only_unanswered_requests_for_more_by_the_person(cast: Cast, why_not: str) -> None:
    if why_not == "answered":
        proposal = request_more(cast, days_ago=20)
        Proposal.objects.filter(pk=proposal.pk).update(
            status=Proposal.Status.DECLINED, answered_at=timezone.now()
        )
    elif why_not == "asks for less":
        area = f.area(cast.plan, "Mental wellbeing")
        proposal = request_more(cast, days_ago=20)
        LifeArea.objects.filter(pk=area.pk).update(leadership=Leadership.SHARED)
        Proposal.objects.filter(pk=proposal.pk).update(
            proposed_leadership=Leadership.PROFESSIONAL_LEADS
        )
    else:
        proposal = request_more(cast, days_ago=20)
        Proposal.objects.filter(pk=proposal.pk).update(proposed_side="professional")
    assert overdue() == []


def test_the_lead_sees_a_count_for_plans_they_may_not_open(client: Client, cast: Cast) -> None:
    request_more(cast, days_ago=20)
    login(client, cast.chloe)
    page = client.get(reverse("team_overview")).content.decode()
    assert "Requests for more leadership waiting over 14 days" in page
    assert "1 request on plans whose care team you are not on" in page
    assert "Amara Osei" not in page


def test_the_lead_sees_names_on_plans_they_may_open(client: Client, cast: Cast) -> None:
    proposal = request_more(cast, days_ago=20)
    f.add_to_care_team(cast.plan, cast.chloe)
    login(client, cast.chloe)
    page = client.get(reverse("team_overview")).content.decode()
    assert "Amara Osei: Mental wellbeing" in page
    assert f"#proposal-{proposal.code}" in page
    assert "whose care team you are not on" not in page


def test_another_teams_requests_are_not_shown(client: Client, cast: Cast) -> None:
    make_proposal(
        cast.priya_plan,
        cast.priya.user,
        created_at=timezone.now() - dt.timedelta(days=30),
        area_name="Mental wellbeing",
        action=Proposal.Action.LEADERSHIP,
        item_type="life_area",
        proposed_leadership=Leadership.PERSON_LEADS,
    )
    LifeArea.objects.filter(plan=cast.priya_plan).update(leadership=Leadership.SHARED)
    login(client, cast.chloe)
    page = client.get(reverse("team_overview")).content.decode()
    assert "None: every request for more leadership has been answered in time." in page
