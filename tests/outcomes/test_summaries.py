"""The dashboard's rating summaries (outcomes.summaries) always say what the
ratings say.

A property test drives Amara's plan through the same services the views call
(ratings and their withdrawal, edits, reviews, achieved and let go, removals)
in random order, then compares the figures read from the summaries with those
computed from the raw rating rows (`metrics.rating_journeys`, the reference)
for several filters. The bulk synthetic caseload and the migration's rebuild
are checked the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coproduce.models import Team
from outcomes import metrics, summaries
from outcomes import services as outcome_services
from outcomes.models import Rating, RatingSummary, ValuedOutcome
from plans import services
from plans.access import get_plan_for_user
from plans.models import LifeArea
from plans.services import KINDS
from tests.conftest import Cast

AREAS = ["Mental wellbeing", "Home", "Work and learning"]
WHO = st.sampled_from(["amara", "ben"])
OUTCOME = st.integers(0, len(AREAS) - 1)
ACTIONS = st.one_of(
    st.tuples(st.just("rate"), WHO, OUTCOME, st.integers(1, 10), st.integers(0, 40)),
    st.tuples(st.just("withdraw"), WHO, OUTCOME),
    st.tuples(st.just("edit"), OUTCOME, st.text("abc ", min_size=1, max_size=8)),
    st.tuples(st.just("status"), OUTCOME, st.sampled_from(["achieved", "let_go", "active"])),
    st.tuples(st.just("review"), OUTCOME, st.integers(1, 10), st.integers(1, 10)),
    st.tuples(st.just("remove"), OUTCOME),
)


def today() -> dt.date:
    return timezone.localdate()


def access(cast: Cast, who: str) -> Any:
    return get_plan_for_user(getattr(cast, who).user, cast.plan.code)


def filters(cast: Cast) -> list[metrics.DashboardFilter]:
    """The default period and others that end today or later (the summaries
    answer those), by life area and by professional."""
    team = cast.team.pk
    start = today() - dt.timedelta(days=183)
    return [
        metrics.DashboardFilter(team_id=team, start=start, end=today()),
        metrics.DashboardFilter(team_id=team, start=today() - dt.timedelta(days=10), end=today()),
        metrics.DashboardFilter(
            team_id=team, start=start, end=today() + dt.timedelta(days=30), life_area_name="Home"
        ),
        metrics.DashboardFilter(
            team_id=team, start=start, end=today(), life_area_name=metrics.OWN_AREAS
        ),
        metrics.DashboardFilter(
            team_id=team, start=start, end=today(), professional_id=cast.ben.pk
        ),
    ]


def every_field(figures: metrics.OutcomeFigures) -> dict[str, Any]:
    """All the figures, the people behind each included (dataclass equality skips those)."""
    return dataclasses.asdict(figures)


def journeys(rows: Any) -> list[list[tuple[str, Any]]]:
    return sorted(sorted((k, v) for k, v in row.items() if k != "late") for row in rows)


def assert_summaries_agree(cast: Cast, *, only_default: bool = False) -> None:
    for f in filters(cast)[:1] if only_default else filters(cast):
        assert metrics.summaries_answer(f)
        assert journeys(metrics.summarised_journeys(f)) == journeys(metrics.rating_journeys(f))
        summarised = metrics.outcome_figures(f, summarised=True)
        assert every_field(summarised) == every_field(metrics.outcome_figures(f, summarised=False))
        # The dashboard's own choice is the summaries, and agrees too.
        assert every_field(metrics.outcome_figures(f)) == every_field(summarised)


def add_outcomes(cast: Cast) -> list[ValuedOutcome]:
    outcomes = []
    for name in AREAS:
        area = LifeArea.objects.get(plan=cast.plan, name=name)
        result = services.submit_add(
            access(cast, "amara"),
            KINDS["outcome"],
            outcome_form(text=f"Outcome in {name}"),
            area=area,
        )
        outcomes.append(result.item)
    return outcomes


def outcome_form(item: Any = None, **fields: Any) -> dict[str, Any]:
    data = {"text": "", "why_it_matters": "", "target_date": "", "status": "active"}
    if item is not None:
        data.update(text=item.text, why_it_matters=item.why_it_matters, version=item.version)
    return {**data, **fields}


def apply(cast: Cast, outcomes: list[ValuedOutcome], action: tuple[Any, ...]) -> None:
    kind, *args = action
    index = args[1] if kind in ("rate", "withdraw") else args[0]
    outcome = ValuedOutcome.objects.get(pk=outcomes[index].pk)
    if kind == "rate":
        who, _, score, days_ago = args
        outcome_services.rate_outcome(
            access(cast, who), outcome, score=score, rated_on=today() - dt.timedelta(days=days_ago)
        )
    elif kind == "withdraw":
        who, _ = args
        mine = outcome.ratings.filter(rated_by=getattr(cast, who).user, withdrawn_at__isnull=True)
        rating = mine.order_by("-id").first()
        if rating is not None:
            outcome_services.withdraw_rating(
                access(cast, who), rating, reason="Rated the wrong one"
            )
    elif kind == "edit":
        services.submit_change(
            access(cast, "amara"), KINDS["outcome"], outcome, outcome_form(outcome, text=args[1])
        )
    elif kind == "status":
        outcome_services.set_outcome_status(access(cast, "amara"), outcome, args[1])
    elif kind == "review":
        _, mine, theirs = args
        for who, score in (("amara", mine), ("ben", theirs)):
            review, _ = outcome_services.start_review(access(cast, who))
            answer = outcome_services.ReviewAnswer(outcome=outcome, score=score)
            outcome_services.answer_review(access(cast, who), review, [answer])
        outcome_services.complete_review(
            access(cast, "amara"), review, today() + dt.timedelta(days=90)
        )
    elif kind == "remove":
        services.submit_remove(
            access(cast, "amara"),
            KINDS["outcome"],
            outcome,
            {"reason": "Not for me now", "version": outcome.version},
        )


@settings(
    max_examples=15,  # each example is a dozen service calls and their comparisons
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking replays the database: slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTIONS, min_size=1, max_size=10))
def test_summarised_figures_equal_the_raw_computation(cast: Cast, actions: list[Any]) -> None:
    with transaction.atomic():  # each example starts from the same plan
        outcomes = add_outcomes(cast)
        for action in actions:
            # A refused write (e.g. rating or editing a removed outcome) writes nothing.
            with contextlib.suppress(PermissionDenied, services.Invalid, services.Conflict):
                apply(cast, outcomes, action)
            assert_summaries_agree(cast, only_default=True)
        assert_summaries_agree(cast)  # and every filter at the end
        transaction.set_rollback(True)


def test_a_rating_and_its_withdrawal_change_the_summary(cast: Cast) -> None:
    (outcome, *_) = add_outcomes(cast)
    rating = outcome_services.rate_outcome(access(cast, "amara"), outcome, score=4)
    outcome_services.rate_outcome(access(cast, "amara"), outcome, score=7)
    summary = RatingSummary.objects.get(outcome=outcome)
    assert (summary.person_ratings, summary.professional_ratings) == (2, 0)
    assert summary.person_first is not None and summary.person_latest is not None
    assert (summary.person_first % 16, summary.person_latest % 16) == (4, 7)
    outcome_services.withdraw_rating(access(cast, "amara"), rating, reason="Mistake")
    summary.refresh_from_db()
    assert summary.person_first is not None
    assert (summary.person_ratings, summary.person_first % 16) == (1, 7)
    assert_summaries_agree(cast)


def test_a_period_ending_in_the_past_is_computed_from_the_ratings(cast: Cast) -> None:
    past = metrics.DashboardFilter(
        team_id=cast.team.pk, start=today() - dt.timedelta(days=60), end=today() - dt.timedelta(1)
    )
    assert not metrics.summaries_answer(past)
    (outcome, *_) = add_outcomes(cast)
    # Written a month ago (the period counts outcomes written by its end).
    ValuedOutcome.objects.filter(pk=outcome.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    outcome_services.rate_outcome(
        access(cast, "amara"), outcome, score=3, rated_on=today() - dt.timedelta(days=5)
    )
    outcome_services.rate_outcome(access(cast, "amara"), outcome, score=8)  # after the period
    assert metrics.outcome_figures(past).change.person.not_enough_ratings == 1


def test_a_rating_dated_after_the_period_falls_back_to_the_ratings(cast: Cast) -> None:
    """Data from before the forms checked dates can hold a rating dated in the
    future: the summary counts it, so such a filter is computed from the ratings."""
    (outcome, *_) = add_outcomes(cast)
    outcome_services.rate_outcome(access(cast, "amara"), outcome, score=3)
    Rating.objects.create(
        outcome=outcome,
        plan=cast.plan,
        side="person",
        rated_by=cast.amara.user,
        score=9,
        rated_on=today() + dt.timedelta(days=3),
    )
    summaries.refresh(outcome)
    f = filters(cast)[0]
    assert metrics.outcome_figures(f).change.person.not_enough_ratings == 1
    assert every_field(metrics.outcome_figures(f)) == every_field(
        metrics.outcome_figures(f, summarised=False)
    )


@pytest.mark.long  # seeds the demo and a synthetic caseload
@pytest.mark.django_db
def test_the_synthetic_caseload_leaves_summaries_equal_to_the_ratings() -> None:
    call_command("seed_demo", people=12, verbosity=0)
    assert RatingSummary.objects.exists()
    for team in Team.objects.all():
        f = metrics.DashboardFilter(
            team_id=team.pk, start=today() - dt.timedelta(days=365), end=today()
        )
        assert metrics.summaries_answer(f)
        summarised = metrics.outcome_figures(f, summarised=True)
        assert every_field(summarised) == every_field(metrics.outcome_figures(f, summarised=False))
    synthetic = metrics.DashboardFilter(
        team_id=Team.objects.get(name="Synthetic team").pk, start=today(), end=today()
    )
    assert metrics.outcome_figures(synthetic, summarised=True).change.outcomes > 0


@pytest.mark.django_db
def test_rebuild_from_nothing_restores_every_summary(cast: Cast) -> None:
    outcomes = add_outcomes(cast)
    for score, outcome in enumerate(outcomes, start=2):
        outcome_services.rate_outcome(access(cast, "ben"), outcome, score=score)
    before = sorted(RatingSummary.objects.values_list())
    RatingSummary.objects.all().delete()
    summaries.rebuild()
    assert sorted(RatingSummary.objects.values_list()) == before
    assert_summaries_agree(cast)
