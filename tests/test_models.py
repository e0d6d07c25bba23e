"""The database itself refuses impossible data, whatever the forms do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from outcomes.models import Rating
from plans.models import CareTeamMember, LifeArea, Plan, Proposal
from tests import factories as f
from tests.conftest import Cast


def refused(action: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


@pytest.mark.parametrize("score", [0, 11, 255])
def test_rating_outside_1_to_10_is_refused(cast: Cast, score: int) -> None:
    outcome = f.make_outcome(cast.plan)
    refused(
        lambda: Rating.objects.create(
            outcome=outcome,
            plan=cast.plan,
            side="person",
            rated_by=cast.amara.user,
            score=score,
            rated_on=date.today(),
        )
    )


def test_rating_side_must_be_known(cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    refused(
        lambda: Rating.objects.create(
            outcome=outcome, plan=cast.plan, side="staff", rated_by=cast.amara.user, score=5
        )
    )


@pytest.mark.parametrize("value", [0, 6])
def test_leadership_outside_the_scale_is_refused(cast: Cast, value: int) -> None:
    refused(lambda: LifeArea.objects.filter(plan=cast.plan).update(leadership=value))


def test_plan_status_is_checked(cast: Cast) -> None:
    refused(lambda: Plan.objects.filter(pk=cast.plan.pk).update(status="archived"))


def test_life_area_names_are_unique_per_plan(cast: Cast) -> None:
    refused(lambda: LifeArea.objects.create(plan=cast.plan, name="Money"))


def test_one_current_membership_per_professional(cast: Cast) -> None:
    refused(lambda: CareTeamMember.objects.create(plan=cast.plan, professional=cast.ben))
    # ...but a removed membership can be followed by a new one.
    CareTeamMember.objects.filter(plan=cast.plan).update(removed_at=timezone.now())
    CareTeamMember.objects.create(plan=cast.plan, professional=cast.ben)


def test_answered_proposal_needs_answered_at(cast: Cast) -> None:
    refused(
        lambda: Proposal.objects.create(
            plan=cast.plan,
            action="add",
            item_type="outcome",
            proposed_by=cast.ben.user,
            proposed_side="professional",
            status="accepted",
        )
    )


def test_unknown_outcome_status_is_refused(cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    refused(lambda: type(outcome).objects.filter(pk=outcome.pk).update(status="forgotten"))


def test_strings_read_well(cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Sleep through the night")
    rating = f.make_rating(outcome, cast.amara.user, 4, on=date(2026, 3, 1))
    assert str(cast.plan) == "Plan for Amara Osei"
    assert str(outcome) == "Sleep through the night"
    assert str(rating) == "4/10 from the person side on 2026-03-01"
    assert str(cast.ben) == "Ben Okafor (Community mental health nurse)"
    assert str(cast.team) == "Riverside CMHT"
