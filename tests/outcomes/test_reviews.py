"""Reviews: either side starts one, each side rates its own view, the person decides."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Side
from outcomes.models import Rating, Review, ValuedOutcome
from plans.models import Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast, login


def today() -> datetime.date:
    return timezone.localdate()


def start_url(cast: Cast) -> str:
    return reverse("review_start", args=[cast.plan.code])


def review_url(review: Review) -> str:
    return reverse("review_detail", args=[review.plan.code, review.code])


def complete_url(review: Review) -> str:
    return reverse("review_complete", args=[review.plan.code, review.code])


@pytest.fixture
def outcomes(cast: Cast) -> list[ValuedOutcome]:
    return [
        f.make_outcome(cast.plan, text="Sleep through the night", area_name="Physical health"),
        f.make_outcome(cast.plan, text="Back to work", area_name="Work and learning"),
    ]


def start(client: Client, cast: Cast, who: str) -> Review:
    login(client, getattr(cast, who))
    response = client.post(start_url(cast))
    assert response.status_code == 302
    review = Review.objects.get(plan=cast.plan, completed_at__isnull=True)
    assert response["Location"] == review_url(review)
    return review


def answers(outcomes: list[ValuedOutcome], *scores: int | str, **extra: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for outcome, score in zip(outcomes, scores, strict=False):
        data[f"{outcome.code.hex}-score"] = str(score)
    for key, value in extra.items():
        data[key] = value
    return data


@pytest.mark.parametrize(("who", "side"), [("amara", Side.PERSON), ("ben", Side.PROFESSIONAL)])
def test_either_side_starts_a_review(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome], who: str, side: str
) -> None:
    review = start(client, cast, who)
    assert review.started_by == getattr(cast, who).user
    assert review.started_side == side
    assert review.held_on == today()
    change = PlanChange.objects.get(action=PlanChange.Action.REVIEW)
    assert change.actor == getattr(cast, who).user


def test_starting_again_joins_the_open_review(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    first = start(client, cast, "amara")
    second = start(client, cast, "ben")
    assert first == second
    assert Review.objects.count() == 1
    assert PlanChange.objects.filter(action=PlanChange.Action.REVIEW).count() == 1


@pytest.mark.parametrize("who", ["chloe", "oscar", "priya"])
def test_others_cannot_see_or_start_reviews(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome], who: str
) -> None:
    review = Review.objects.create(
        plan=cast.plan, started_by=cast.amara.user, started_side=Side.PERSON
    )
    login(client, getattr(cast, who))
    assert client.post(start_url(cast)).status_code == 404
    assert client.get(review_url(review)).status_code == 404
    assert client.post(review_url(review), answers(outcomes, 5)).status_code == 404
    assert client.post(complete_url(review), {"next_review_date": "2099-01-01"}).status_code == 404
    assert client.get(reverse("review_list", args=[cast.plan.code])).status_code == 404
    assert Review.objects.count() == 1
    assert not Rating.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast) -> None:
    response = client.post(start_url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Review.objects.exists()


def test_review_of_another_plan_is_404(client: Client, cast: Cast) -> None:
    theirs = Review.objects.create(
        plan=cast.priya_plan, started_by=cast.priya.user, started_side=Side.PERSON
    )
    login(client, cast.amara)
    url = reverse("review_detail", args=[cast.plan.code, theirs.code])
    assert client.get(url).status_code == 404


def test_review_by_both_sides(client: Client, cast: Cast, outcomes: list[ValuedOutcome]) -> None:
    sleep, work = outcomes
    review = start(client, cast, "ben")

    # Ben gives the professional view of both outcomes; a posted side is ignored.
    response = client.post(
        review_url(review),
        answers(outcomes, 6, 4, side=Side.PERSON, **{f"{sleep.code.hex}-note": "Better nights"}),
    )
    assert response.status_code == 302
    ben_ratings = Rating.objects.filter(rated_by=cast.ben.user)
    assert sorted(ben_ratings.values_list("side", "score")) == [
        (Side.PROFESSIONAL, 4),
        (Side.PROFESSIONAL, 6),
    ]
    assert all(r.review == review for r in ben_ratings)

    # Amara joins the open review and gives her own view.
    login(client, cast.amara)
    page = client.get(review_url(review)).content.decode()
    assert "How close am I to this outcome?" in page
    assert "Better nights" in page  # Ben's note is there to talk about
    response = client.post(review_url(review), answers(outcomes, 3, 5))
    assert response.status_code == 302
    assert sorted(
        Rating.objects.filter(rated_by=cast.amara.user).values_list("side", "score", "review")
    ) == [(Side.PERSON, 3, review.pk), (Side.PERSON, 5, review.pk)]

    # Both took part, and the page shows both views side by side.
    assert set(review.participants.all()) == {cast.amara.user, cast.ben.user}
    response = client.get(review_url(review))
    assert response.status_code == 200
    rows = {row["outcome"].pk: row for row in response.context["rows"]}
    assert (rows[sleep.pk]["person"].score, rows[sleep.pk]["professional"].score) == (3, 6)
    assert (rows[work.pk]["person"].score, rows[work.pk]["professional"].score) == (5, 4)
    body = response.content.decode()
    assert "Amara Osei (person)" in body and "Ben Okafor (professional)" in body

    # Every rating wrote its history entry.
    assert PlanChange.objects.filter(action=PlanChange.Action.RATE).count() == 4

    # Amara completes it and sets the next review.
    next_review = today() + datetime.timedelta(days=90)
    response = client.post(
        complete_url(review), {"next_review_date": next_review.isoformat(), "notes": "Good talk"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    cast.plan.refresh_from_db()
    assert review.completed_at is not None
    assert (review.next_review_date, review.notes) == (next_review, "Good talk")
    assert cast.plan.next_review_date == next_review
    completed = PlanChange.objects.filter(action=PlanChange.Action.REVIEW).latest("id")
    assert completed.after == {"next_review_date": next_review.isoformat(), "notes": "Good talk"}


def test_each_side_rates_only_its_own_view(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    review = start(client, cast, "amara")
    # Ben's page asks Ben's question and has no person's view to fill in.
    login(client, cast.ben)
    body = client.get(review_url(review)).content.decode()
    assert "How close is Amara to this outcome?" in body
    assert 'name="side"' not in body
    client.post(review_url(review), answers(outcomes, 7, side=Side.PERSON, rated_by="1"))
    assert list(Rating.objects.values_list("side", "rated_by")) == [
        (Side.PROFESSIONAL, cast.ben.user.pk)
    ]


def test_person_marks_achieved_and_let_go(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    sleep, work = outcomes
    review = start(client, cast, "amara")
    response = client.post(
        review_url(review),
        answers(
            outcomes,
            9,
            **{f"{sleep.code.hex}-status": "achieved", f"{work.code.hex}-status": "let_go"},
        ),
    )
    assert response.status_code == 302
    sleep.refresh_from_db()
    work.refresh_from_db()
    assert (sleep.status, work.status) == ("achieved", "let_go")
    assert sleep.status_changed_at is not None and work.status_changed_at is not None
    assert sleep.version == 2 and sleep.updated_by == cast.amara.user
    edits = PlanChange.objects.filter(action=PlanChange.Action.EDIT).order_by("id")
    assert [(c.item_code, c.before, c.after) for c in edits] == [
        (sleep.code, {"status": "Working on it"}, {"status": "Achieved"}),
        (work.code, {"status": "Working on it"}, {"status": "Let go"}),
    ]
    # The rating was recorded before the outcome was marked achieved.
    assert Rating.objects.get().score == 9
    # Decided outcomes are shown in the review, but not asked about again.
    response = client.get(review_url(review))
    assert {row["outcome"].pk for row in response.context["rows"]} == {sleep.pk, work.pk}
    assert response.context["answer_forms"] == []


def test_professional_cannot_mark_achieved(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    sleep, _ = outcomes
    review = start(client, cast, "ben")
    body = client.get(review_url(review)).content.decode()
    assert f"{sleep.code.hex}-status" not in body
    response = client.post(
        review_url(review), answers(outcomes, 6, **{f"{sleep.code.hex}-status": "achieved"})
    )
    assert response.status_code == 302  # the rating is saved; the status is not Ben's to set
    sleep.refresh_from_db()
    assert sleep.status == ValuedOutcome.Status.ACTIVE
    assert sleep.status_changed_at is None
    assert not PlanChange.objects.filter(action=PlanChange.Action.EDIT).exists()
    assert Rating.objects.get().score == 6


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (lambda: today(), "The next review must be on a date after today."),
        (lambda: today() - datetime.timedelta(days=1), "The next review must be on a date after"),
        (lambda: "", "Enter the date of the next review."),
        (lambda: "2027-13-01", "Enter a real date"),
    ],
)
def test_next_review_date_must_be_in_the_future(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome], date, message: str
) -> None:
    review = start(client, cast, "amara")
    value = date()
    response = client.post(
        complete_url(review),
        {
            "next_review_date": value.isoformat() if isinstance(value, datetime.date) else value,
            "notes": "Kept notes",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "Kept notes" in body
    review.refresh_from_db()
    assert review.completed_at is None
    cast.plan.refresh_from_db()
    assert cast.plan.next_review_date is None


@pytest.mark.parametrize("score", ["0", "11", "abc"])
def test_bad_scores_in_a_review_are_422(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome], score: str
) -> None:
    sleep, _ = outcomes
    review = start(client, cast, "amara")
    response = client.post(
        review_url(review),
        answers(outcomes, score, 5, **{f"{sleep.code.hex}-note": "My typed note"}),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose a number from 1 to 10." in body
    assert "My typed note" in body
    assert not Rating.objects.exists()  # nothing is half-saved


def test_an_empty_answer_is_422(client: Client, cast: Cast, outcomes: list[ValuedOutcome]) -> None:
    review = start(client, cast, "amara")
    response = client.post(review_url(review), {})
    assert response.status_code == 422
    assert "Rate at least one outcome" in response.content.decode()


def test_a_completed_review_takes_no_more_ratings(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    review = start(client, cast, "amara")
    Review.objects.filter(pk=review.pk).update(completed_at=timezone.now())
    login(client, cast.ben)
    response = client.post(review_url(review), answers(outcomes, 5))
    assert response.status_code == 302
    assert not Rating.objects.exists()
    response = client.post(complete_url(review), {"next_review_date": "2099-01-01"})
    assert response.status_code == 302
    cast.plan.refresh_from_db()
    assert cast.plan.next_review_date is None
    body = client.get(review_url(review)).content.decode()
    assert "Save my view" not in body


def test_a_new_review_can_start_after_one_is_completed(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    first = start(client, cast, "amara")
    Review.objects.filter(pk=first.pk).update(completed_at=timezone.now())
    second = start(client, cast, "ben")
    assert second != first


def test_closed_plan_cannot_be_reviewed(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    login(client, cast.amara)
    assert client.post(start_url(cast)).status_code == 403
    assert not Review.objects.exists()


def test_plan_page_lists_reviews(client: Client, cast: Cast, outcomes: list[ValuedOutcome]) -> None:
    plan_url = reverse("plan_detail", args=[cast.plan.code])
    login(client, cast.amara)
    body = client.get(plan_url).content.decode()
    assert "This plan has not been reviewed yet." in body
    assert "Start a review" in body
    review = start(client, cast, "ben")
    login(client, cast.amara)
    body = client.get(plan_url).content.decode()
    assert "Join the review" in body
    assert review_url(review) in body
    login(client, cast.ben)
    assert "Continue the review" in client.get(plan_url).content.decode()


def test_overdue_review_is_flagged_on_plan_and_caseload(client: Client, cast: Cast) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(
        next_review_date=today() - datetime.timedelta(days=3)
    )
    login(client, cast.amara)
    assert (
        "Review overdue"
        in client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    )
    login(client, cast.ben)
    caseload = client.get(reverse("caseload"))
    assert "1 review overdue" in " ".join(caseload.content.decode().split())
    # After a completed review the warning goes.
    review = start(client, cast, "ben")
    client.post(
        complete_url(review),
        {"next_review_date": (today() + datetime.timedelta(days=30)).isoformat()},
    )
    login(client, cast.amara)
    assert (
        "Review overdue"
        not in client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    )


def test_review_list_shows_who_took_part(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    review = start(client, cast, "ben")
    client.post(review_url(review), answers(outcomes, 5))
    login(client, cast.amara)
    body = client.get(reverse("review_list", args=[cast.plan.code])).content.decode()
    assert "Started by Ben Okafor (professional)" in body
    assert "Took part: Ben Okafor." in body


@pytest.mark.parametrize("size", [2, 20])
def test_review_page_queries_do_not_grow(
    client: Client, cast: Cast, django_assert_max_num_queries, size: int
) -> None:
    outcomes = [f.make_outcome(cast.plan) for _ in range(size)]
    review = start(client, cast, "ben")
    client.post(review_url(review), answers(outcomes, *([6] * size)))
    login(client, cast.amara)
    client.post(review_url(review), answers(outcomes, *([4] * size)))
    # Session and user, plan, review, outcomes, their ratings in the review, participants,
    # session save (+2 savepoints), the "For you" count in the header.
    with django_assert_max_num_queries(11):
        response = client.get(review_url(review))
    assert response.status_code == 200
    assert len(response.context["rows"]) == size


def test_the_form_keeps_what_this_side_said_and_saving_it_again_adds_nothing(
    client: Client, cast: Cast, outcomes: list[ValuedOutcome]
) -> None:
    sleep, work = outcomes
    review = start(client, cast, "ben")
    note = {f"{sleep.code.hex}-note": "Better nights"}
    assert client.post(review_url(review), answers(outcomes, 6, **note)).status_code == 302

    form = client.get(review_url(review)).context["answer_forms"]
    given = {outcome.code: form.initial.get("score") for outcome, form in form}
    assert given == {sleep.code: 6, work.code: None}
    page = client.get(review_url(review)).content.decode()
    assert re.search(rf'name="{sleep.code.hex}-score" value="6"[^>]* checked', page)

    # The same view sent again is not a second rating; a changed one is.
    client.post(review_url(review), answers(outcomes, 6, **note))
    assert Rating.objects.filter(outcome=sleep).count() == 1
    client.post(review_url(review), answers(outcomes, 7, **note))
    assert sorted(Rating.objects.filter(outcome=sleep).values_list("score", flat=True)) == [6, 7]
