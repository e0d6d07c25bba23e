"""Dates that make sense, and withdrawing a rating (issue 15, part 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Rating, ValuedOutcome
from plans.models import Commitment, Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast, login

HTMX = {"HX-Request": "true"}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def outcome(cast: Cast) -> ValuedOutcome:
    # The plan was started 40 days ago.
    started = timezone.now() - dt.timedelta(days=40)
    Plan.objects.filter(pk=cast.plan.pk).update(created_at=started)
    cast.plan.refresh_from_db()
    return f.make_outcome(cast.plan, text="Get back to work by the summer")


def rate_url(cast: Cast, outcome: ValuedOutcome) -> str:
    return reverse("outcome_rate", args=[cast.plan.code, outcome.code])


def withdraw_url(cast: Cast, rating: Rating) -> str:
    return reverse("rating_withdraw", args=[cast.plan.code, rating.outcome.code, rating.code])


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [41, 400, 365 * 200])
def test_a_rating_cannot_be_dated_before_the_plan_started(
    client: Client, cast: Cast, outcome: ValuedOutcome, days_ago: int
) -> None:
    login(client, cast.amara)
    day = (today() - dt.timedelta(days=days_ago)).isoformat()
    response = client.post(rate_url(cast, outcome), {"score": "4", "rated_on": day})
    assert response.status_code == 422
    page = response.content.decode()
    assert "when this plan was started, up to today" in page
    assert day in page  # what was typed is kept
    assert not Rating.objects.exists()


def test_a_rating_on_the_day_the_plan_started_is_kept(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    login(client, cast.ben)
    day = timezone.localdate(cast.plan.created_at)
    response = client.post(rate_url(cast, outcome), {"score": "4", "rated_on": day.isoformat()})
    assert response.status_code == 302
    assert Rating.objects.get().rated_on == day


@pytest.mark.parametrize(
    ("counted_from", "offset_days", "accepted"),
    [
        ("start", -31, True),
        ("start", -32, False),
        ("today", 365 * 10 - 2, True),
        ("today", 365 * 10 + 5, False),
    ],
)
def test_target_and_due_dates_fall_in_a_sane_window(
    client: Client,
    cast: Cast,
    outcome: ValuedOutcome,
    counted_from: str,
    offset_days: int,
    accepted: bool,
) -> None:
    # From the day the plan started (in the site's time zone: 40 days before a
    # late November evening is already the next day in summer time), or today.
    started = timezone.localdate(cast.plan.created_at)
    base = started if counted_from == "start" else today()
    day = (base + dt.timedelta(days=offset_days)).isoformat()
    area = str(f.area(cast.plan).code)
    login(client, cast.amara)
    add_outcome = reverse("item_add", args=[cast.plan.code, "outcome"])
    add_commitment = reverse("item_add", args=[cast.plan.code, "commitment"])
    posts = [
        (add_outcome, {"text": "Walk daily", "status": "active", "target_date": day}),
        (
            add_commitment,
            {"who": str(cast.amara.user.pk), "what": "Call", "status": "open", "due_date": day},
        ),
    ]
    for url, data in posts:
        response = client.post(url, {**data, "area": area})
        if accepted:
            assert response.status_code == 302, response.content.decode()[:2000]
        else:
            assert response.status_code == 422
            assert "Choose a date" in response.content.decode()
    assert ValuedOutcome.objects.filter(text="Walk daily").exists() == accepted
    assert Commitment.objects.filter(what="Call").exists() == accepted


# --- withdrawing -------------------------------------------------------------------------------


def test_the_person_withdraws_her_own_rating_with_a_reason(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    rating = f.make_rating(outcome, cast.amara.user, 3, today())
    login(client, cast.amara)
    confirm = client.get(withdraw_url(cast, rating))
    assert confirm.status_code == 200
    assert "Withdraw this rating" in confirm.content.decode()

    empty = client.post(withdraw_url(cast, rating), {"reason": ""})
    assert empty.status_code == 422
    assert "Say why you are withdrawing this rating." in empty.content.decode()

    response = client.post(withdraw_url(cast, rating), {"reason": "I rated the wrong outcome"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.is_withdrawn and rating.withdrawn_reason == "I rated the wrong outcome"
    change = PlanChange.objects.get(action=PlanChange.Action.RATE)
    assert change.summary.startswith("Withdrew a rating of 3 out of 10")
    assert change.after == {"withdrawn": True, "reason": "I rated the wrong outcome"}
    # It no longer counts as the latest rating, and is shown as withdrawn.
    latest = ValuedOutcome.objects.with_latest_ratings().get(pk=outcome.pk)
    assert latest.latest_person_score is None  # type: ignore[attr-defined]
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Withdrawn" in page and "<del>" in page
    # Once only.
    assert client.post(withdraw_url(cast, rating), {"reason": "again"}).status_code == 403


def test_withdrawing_inline_with_htmx(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    rating = f.make_rating(outcome, cast.ben.user, 8, today())
    login(client, cast.ben)
    form = client.get(withdraw_url(cast, rating), headers=HTMX)
    assert form.status_code == 200
    assert "<html" not in form.content.decode()
    assert f'hx-post="{withdraw_url(cast, rating)}"' in form.content.decode()
    response = client.post(withdraw_url(cast, rating), {"reason": "Wrong date"}, headers=HTMX)
    assert response.status_code == 200
    assert "coproduce:saved" in response["HX-Trigger"]
    rating.refresh_from_db()
    assert rating.is_withdrawn


def test_nobody_withdraws_someone_elses_rating(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    rating = f.make_rating(outcome, cast.amara.user, 3, today())
    login(client, cast.ben)
    assert client.post(withdraw_url(cast, rating), {"reason": "No"}).status_code == 403
    login(client, cast.chloe)
    assert client.post(withdraw_url(cast, rating), {"reason": "No"}).status_code == 404
    rating.refresh_from_db()
    assert not rating.is_withdrawn
    assert not PlanChange.objects.exists()


def test_a_withdrawn_rating_is_marked_in_the_fhir_download(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    rating = f.make_rating(outcome, cast.amara.user, 3, today())
    kept = f.make_rating(outcome, cast.amara.user, 5, today())
    Rating.objects.filter(pk=rating.pk).update(withdrawn_at=timezone.now(), withdrawn_reason="x")
    login(client, cast.amara)
    bundle = client.get(reverse("plan_export_fhir", args=[cast.plan.code])).json()
    status = {
        entry["resource"]["id"]: entry["resource"]["status"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "Observation"
    }
    assert status == {str(rating.code): "entered-in-error", str(kept.code): "final"}
