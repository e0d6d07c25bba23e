"""Reviews keep what was agreed: the outcomes in the words of the day it was held."""

from __future__ import annotations

import datetime as dt
import importlib

import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Review, ValuedOutcome
from plans.models import PlanChange
from tests import factories as f
from tests.conftest import Cast, login

rebuild = importlib.import_module("outcomes.migrations.0005_rebuild_review_snapshots")

HELD = dt.datetime(2026, 11, 14, 11, 0, tzinfo=dt.UTC)


def written_before(plan: object, **fields: object) -> ValuedOutcome:
    """An outcome written a week before the review."""
    with time_machine.travel(HELD - dt.timedelta(days=7), tick=False):
        return f.make_outcome(plan, **fields)  # type: ignore[arg-type]


def hold_review(client: Client, cast: Cast) -> Review:
    """Ben starts a review, both rate, Amara completes it."""
    outcome = ValuedOutcome.objects.get(plan=cast.plan)
    login(client, cast.ben)
    client.post(reverse("review_start", args=[cast.plan.code]))
    review = Review.objects.get()
    url = reverse("review_detail", args=[cast.plan.code, review.code])
    client.post(url, {f"{outcome.code.hex}-score": "4"})
    login(client, cast.amara)
    client.post(url, {f"{outcome.code.hex}-score": "6"})
    done = reverse("review_complete", args=[cast.plan.code, review.code])
    assert client.post(done, {"next_review_date": "2027-01-10"}).status_code == 302
    review.refresh_from_db()
    return review


def amara_rewrites(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    """Amara rewords her outcome after the review."""
    login(client, cast.amara)
    url = reverse("item_edit", args=[cast.plan.code, "outcome", outcome.code])
    data = {
        "text": "I want to sleep well and wake rested.",
        "why_it_matters": "So I can work",
        "target_date": "",
        "status": "active",
        "version": outcome.version,
    }
    assert client.post(url, data).status_code == 302


def test_completing_a_review_keeps_a_snapshot(client: Client, cast: Cast) -> None:
    outcome = written_before(
        cast.plan,
        text="I want to sleep through the night most nights.",
        why_it_matters="I am exhausted",
        area_name="Mental wellbeing",
    )
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    assert review.snapshot == [
        {
            "code": str(outcome.code),
            "area": "Mental wellbeing",
            "text": "I want to sleep through the night most nights.",
            "why_it_matters": "I am exhausted",
            "status": "active",
            "person_score": 6,
            "professional_score": 4,
        }
    ]


def test_an_old_review_shows_its_own_words_marked_changed_since(client: Client, cast: Cast) -> None:
    outcome = written_before(
        cast.plan,
        text="I want to sleep through the night most nights.",
        area_name="Mental wellbeing",
    )
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    outcome.refresh_from_db()
    amara_rewrites(client, cast, outcome)
    for who in (cast.amara, cast.ben):
        login(client, who)
        page = client.get(reverse("review_detail", args=[cast.plan.code, review.code]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "I want to sleep through the night most nights." in body
        assert "Changed since" in body
        assert "Now: I want to sleep well and wake rested." in body
        assert "6 out of 10" in body and "4 out of 10" in body


def test_an_unchanged_outcome_is_not_marked(client: Client, cast: Cast) -> None:
    written_before(cast.plan, text="Back to work", area_name="Work and learning")
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    page = client.get(reverse("review_detail", args=[cast.plan.code, review.code]))
    assert "Changed since" not in page.content.decode()


def test_a_review_without_a_snapshot_says_so(client: Client, cast: Cast) -> None:
    written_before(cast.plan, text="Back to work")
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    Review.objects.filter(pk=review.pk).update(snapshot=None)
    login(client, cast.amara)
    body = client.get(reverse("review_detail", args=[cast.plan.code, review.code])).content
    assert b"No record was kept of how the outcomes were worded at this review" in body


def test_the_migration_rebuilds_a_snapshot_from_history(client: Client, cast: Cast) -> None:
    outcome = written_before(
        cast.plan,
        text="I want to sleep through the night most nights.",
        why_it_matters="I am exhausted",
        area_name="Mental wellbeing",
    )
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    expected = review.snapshot
    Review.objects.filter(pk=review.pk).update(snapshot=None)
    outcome.refresh_from_db()
    with time_machine.travel(HELD + dt.timedelta(days=3), tick=False):
        amara_rewrites(client, cast, outcome)
        login(client, cast.amara)
        url = reverse("outcome_rate", args=[cast.plan.code, outcome.code])
        client.post(url, {"score": "9", "rated_on": "2026-11-17"})
    assert PlanChange.objects.filter(action="edit", item_code=outcome.code).exists()
    rebuild.rebuild_snapshots(apps, None)
    review.refresh_from_db()
    assert review.snapshot == expected


def test_the_migration_leaves_no_snapshot_when_history_cannot_say(
    client: Client, cast: Cast
) -> None:
    outcome = written_before(cast.plan, text="Back to work")
    with time_machine.travel(HELD, tick=False):
        review = hold_review(client, cast)
    Review.objects.filter(pk=review.pk).update(snapshot=None)
    # Changed later with no history entry (as data from before history was kept).
    ValuedOutcome.objects.filter(pk=outcome.pk).update(
        text="Something else", updated_at=timezone.now() + dt.timedelta(days=1)
    )
    rebuild.rebuild_snapshots(apps, None)
    review.refresh_from_db()
    assert review.snapshot is None
