"""The power check at each review, and taking back leadership at a review."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from outcomes.models import PowerCheck, Review
from plans.history import record
from plans.models import Leadership, LifeArea, PlanChange
from tests import factories as f
from tests.conftest import Cast, login


@pytest.fixture
def review(client: Client, cast: Cast) -> Review:
    login(client, cast.amara)
    client.post(reverse("review_start", args=[cast.plan.code]))
    return Review.objects.get()


def power_url(review: Review) -> str:
    return reverse("review_power_check", args=[review.plan.code, review.code])


def detail_url(review: Review) -> str:
    return reverse("review_detail", args=[review.plan.code, review.code])


def take_back_url(review: Review) -> str:
    return reverse("review_leadership", args=[review.plan.code, review.code])


def take_back(client: Client, review: Review, area: LifeArea) -> Any:
    return client.post(take_back_url(review), {"area": str(area.code)})


def test_the_person_answers_their_questions(client: Client, cast: Cast, review: Review) -> None:
    page = client.get(detail_url(review)).content.decode()
    assert "Did you lead your plan as much as you wanted?" in page
    assert "Were your words kept as you meant them?" in page
    assert "Did we share leadership as agreed?" not in page
    data = {"led": "less", "words_kept": "partly", "note": "My sleep goal was reworded"}
    response = client.post(power_url(review), data)
    assert response.status_code == 302
    check = PowerCheck.objects.get()
    assert (check.side, check.led, check.words_kept, check.shared_as_agreed) == (
        "person",
        "less",
        "partly",
        "",
    )
    assert check.note == "My sleep goal was reworded"
    assert PlanChange.objects.filter(summary="Answered the power check in the review").exists()
    page = client.get(detail_url(review)).content.decode()
    assert "Led the plan: Less than I wanted" in page
    assert "Words kept as meant: Partly" in page


def test_the_professional_answers_theirs(client: Client, cast: Cast, review: Review) -> None:
    login(client, cast.ben)
    page = client.get(detail_url(review)).content.decode()
    assert "Did we share leadership as agreed?" in page
    assert "Did you lead your plan" not in page
    # Anything posted for the person's questions is ignored.
    data = {"shared_as_agreed": "no", "led": "more", "note": ""}
    assert client.post(power_url(review), data).status_code == 302
    check = PowerCheck.objects.get()
    assert (check.side, check.led, check.words_kept, check.shared_as_agreed) == (
        "professional",
        "",
        "",
        "no",
    )


def test_answering_again_replaces_ones_own(client: Client, cast: Cast, review: Review) -> None:
    client.post(power_url(review), {"led": "less", "words_kept": "no"})
    client.post(power_url(review), {"led": "as_much", "words_kept": "yes"})
    assert PowerCheck.objects.values_list("led", "words_kept").get() == ("as_much", "yes")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"words_kept": "yes"}, "Say whether you led your plan as much as you wanted."),
        ({"led": "less"}, "Say whether your words were kept as you meant them."),
        ({"led": "all", "words_kept": "yes"}, "Choose one of the options."),
        ({"led": "less", "words_kept": "yes", "note": "x" * 1001}, "Keep this under 1000"),
    ],
)
def test_bad_answers_are_shown_again(
    client: Client, cast: Cast, review: Review, data: dict[str, str], message: str
) -> None:
    response = client.post(power_url(review), {"note": "kept words", **data})
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert "Error:" in body
    if len(data.get("note", "")) <= 1000:
        assert "kept words" in body
    assert not PowerCheck.objects.exists()


def test_no_answers_after_the_review_is_completed(
    client: Client, cast: Cast, review: Review
) -> None:
    Review.objects.filter(pk=review.pk).update(completed_at="2026-01-01T10:00Z")
    response = client.post(power_url(review), {"led": "less", "words_kept": "no"})
    assert response.status_code == 302
    assert not PowerCheck.objects.exists()


def professional_led(cast: Cast, previous: int | None = None) -> LifeArea:
    area = f.area(cast.plan, "Mental wellbeing")
    LifeArea.objects.filter(pk=area.pk).update(
        leadership=Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT, previous_leadership=previous
    )
    area.refresh_from_db()
    return area


def test_the_person_takes_back_leadership_at_a_review(
    client: Client, cast: Cast, review: Review
) -> None:
    area = professional_led(cast, previous=Leadership.SHARED)
    page = client.get(detail_url(review)).content.decode()
    assert "Take back leadership of a part of my plan" in page
    page = client.get(take_back_url(review)).content.decode()
    assert "Take back leadership of Mental wellbeing" in page
    assert "Take back leadership of Work and learning" not in page  # Amara leads it
    response = take_back(client, review, area)
    assert response.status_code == 302
    assert response["Location"] == detail_url(review)
    area.refresh_from_db()
    assert area.leadership == Leadership.SHARED
    change = PlanChange.objects.get(action="leadership")
    assert change.actor == cast.amara.user
    assert change.before == {"leadership": "Professional leads, with agreement"}
    assert change.after == {"leadership": "Shared"}
    assert "taken back at the review of" in change.summary


def test_without_a_stored_balance_it_returns_to_the_one_in_the_history(
    client: Client, cast: Cast, review: Review
) -> None:
    area = professional_led(cast)
    with transaction.atomic():  # through the history's one writer, as the services do
        record(
            None,
            cast.plan,
            "leadership",
            "New balance",
            life_area=area,
            before={"leadership": "Person leads, with support"},
            after={"leadership": "Professional leads, with agreement"},
        )
    take_back(client, review, area)
    area.refresh_from_db()
    assert area.leadership == Leadership.PERSON_LEADS_WITH_SUPPORT


def test_a_professional_cannot_take_leadership_back(
    client: Client, cast: Cast, review: Review
) -> None:
    area = professional_led(cast)
    login(client, cast.ben)
    assert "Take back leadership" not in client.get(detail_url(review)).content.decode()
    assert client.get(take_back_url(review)).status_code == 403
    assert take_back(client, review, area).status_code == 403
    area.refresh_from_db()
    assert area.leadership == Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT


def test_a_person_led_area_has_nothing_to_take_back(
    client: Client, cast: Cast, review: Review
) -> None:
    area = f.area(cast.plan, "Work and learning")
    page = client.get(take_back_url(review)).content.decode()
    assert "nothing to take back" in page
    response = take_back(client, review, area)
    assert response.status_code == 422
    assert "Choose a part of your plan that professionals lead now." in response.content.decode()
    assert not PlanChange.objects.filter(action="leadership").exists()


def test_an_outsider_gets_404(client: Client, cast: Cast, review: Review) -> None:
    area = professional_led(cast)
    login(client, cast.oscar)
    assert take_back(client, review, area).status_code == 404
    assert client.post(power_url(review), {"shared_as_agreed": "yes"}).status_code == 404
