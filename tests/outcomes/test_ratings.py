"""Rating progress on a valued outcome, from each side, inline and as a page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Side
from outcomes.models import Rating, ValuedOutcome
from plans.models import Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast, login

HTMX = {"HX-Request": "true"}


def rate_url(cast: Cast, outcome: ValuedOutcome) -> str:
    return reverse("outcome_rate", args=[cast.plan.code, outcome.code])


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def outcome(cast: Cast) -> ValuedOutcome:
    return f.make_outcome(cast.plan, text="Get back to work by the summer")


def test_person_rates_as_the_person(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    login(client, cast.amara)
    response = client.post(
        rate_url(cast, outcome), {"score": "4", "note": "Some good weeks", "rated_on": today()}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#outcome-{outcome.code}")
    rating = Rating.objects.get()
    assert (rating.side, rating.score, rating.note, rating.rated_by) == (
        Side.PERSON,
        4,
        "Some good weeks",
        cast.amara.user,
    )
    assert rating.plan == cast.plan and rating.outcome == outcome and rating.review is None


def test_professional_rates_as_professional(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    login(client, cast.ben)
    response = client.post(rate_url(cast, outcome), {"score": "7", "rated_on": today()})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.side, rating.score, rating.rated_by) == (Side.PROFESSIONAL, 7, cast.ben.user)


@pytest.mark.parametrize(
    ("who", "posted_side", "expected"),
    [
        ("ben", Side.PERSON, Side.PROFESSIONAL),
        ("amara", Side.PROFESSIONAL, Side.PERSON),
    ],
)
def test_posted_side_is_ignored(
    client: Client,
    cast: Cast,
    outcome: ValuedOutcome,
    who: str,
    posted_side: str,
    expected: str,
) -> None:
    login(client, getattr(cast, who))
    client.post(
        rate_url(cast, outcome),
        {"score": "5", "rated_on": today(), "side": posted_side, "rated_by": cast.chloe.user.pk},
    )
    rating = Rating.objects.get()
    assert rating.side == expected
    assert rating.rated_by == getattr(cast, who).user


@pytest.mark.parametrize("who", ["chloe", "oscar", "priya"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_get_404(
    client: Client, cast: Cast, outcome: ValuedOutcome, who: str, method: str
) -> None:
    # Chloe leads Ben's team but is not on Amara's care team: the plan does not exist for her.
    login(client, getattr(cast, who))
    response = getattr(client, method)(rate_url(cast, outcome), {"score": "5"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    response = client.post(rate_url(cast, outcome), {"score": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Rating.objects.exists()


def test_outcome_of_another_plan_is_404(client: Client, cast: Cast) -> None:
    theirs = f.make_outcome(cast.priya_plan)
    login(client, cast.amara)
    url = reverse("outcome_rate", args=[cast.plan.code, theirs.code])
    assert client.post(url, {"score": "5", "rated_on": today()}).status_code == 404
    assert not Rating.objects.exists()


def test_removed_outcome_is_404(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    ValuedOutcome.objects.filter(pk=outcome.pk).update(removed_at=timezone.now())
    login(client, cast.amara)
    assert client.get(rate_url(cast, outcome)).status_code == 404


@pytest.mark.parametrize("status", [ValuedOutcome.Status.ACHIEVED, ValuedOutcome.Status.LET_GO])
def test_only_active_outcomes_are_rated(
    client: Client, cast: Cast, outcome: ValuedOutcome, status: str
) -> None:
    ValuedOutcome.objects.filter(pk=outcome.pk).update(status=status)
    login(client, cast.amara)
    response = client.post(rate_url(cast, outcome), {"score": "5", "rated_on": today()})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_closed_plan_cannot_be_rated(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    login(client, cast.ben)
    response = client.post(rate_url(cast, outcome), {"score": "5", "rated_on": today()})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_form_page_asks_in_the_right_words(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    login(client, cast.amara)
    body = client.get(rate_url(cast, outcome)).content.decode()
    assert "How close am I to this outcome?" in body
    assert 'name="side"' not in body
    for score in range(1, 11):
        assert f'type="radio" name="score" value="{score}"' in body
    assert f'value="{today().isoformat()}"' in body  # the date defaults to today
    login(client, cast.ben)
    body = client.get(rate_url(cast, outcome)).content.decode()
    assert "How close is Amara to this outcome?" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"score": "0"}, "Choose a number from 1 to 10."),
        ({"score": "11"}, "Choose a number from 1 to 10."),
        ({"score": "abc"}, "Choose a number from 1 to 10."),
        ({"score": "-3"}, "Choose a number from 1 to 10."),
        ({"score": "5.5"}, "Choose a number from 1 to 10."),
        ({}, "Choose a number from 1 to 10."),
        ({"score": "5", "rated_on": "tomorrow"}, "The date cannot be in the future."),
        ({"score": "5", "rated_on": "2026-02-30"}, "Enter a real date"),
        ({"score": "5", "rated_on": ""}, "Enter the date of this rating."),
        ({"score": "5", "note": "x" * 1001}, "Keep this under 1000 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_422_and_keeps_the_note(
    client: Client,
    cast: Cast,
    outcome: ValuedOutcome,
    data: dict[str, str],
    message: str,
    htmx: bool,
) -> None:
    data = {"note": "Typed with care", "rated_on": today().isoformat(), **data}
    if data["rated_on"] == "tomorrow":
        data["rated_on"] = (today() + datetime.timedelta(days=1)).isoformat()
    login(client, cast.amara)
    response = client.post(rate_url(cast, outcome), data, headers=HTMX if htmx else {})
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert data["note"][:50] in body
    assert not Rating.objects.exists()
    assert not PlanChange.objects.filter(action=PlanChange.Action.RATE).exists()
    # The inline form is a fragment; the page without JavaScript is a whole page.
    assert ("<html" in body) is not htmx


def test_a_past_date_is_kept(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    # The plan was started a month ago (a rating cannot be dated before that).
    a_month_ago = timezone.now() - datetime.timedelta(days=30)
    Plan.objects.filter(pk=cast.plan.pk).update(created_at=a_month_ago)
    login(client, cast.amara)
    last_week = today() - datetime.timedelta(days=7)
    client.post(rate_url(cast, outcome), {"score": "3", "rated_on": last_week.isoformat()})
    assert Rating.objects.get().rated_on == last_week


def test_rating_writes_history_and_bumps_the_version(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    version = cast.plan.version
    login(client, cast.ben)
    client.post(rate_url(cast, outcome), {"score": "6", "note": "Steady", "rated_on": today()})
    change = PlanChange.objects.get(action=PlanChange.Action.RATE)
    assert change.actor == cast.ben.user
    assert change.actor_side == Side.PROFESSIONAL
    assert change.item_code == outcome.code
    assert change.life_area == outcome.life_area
    assert change.after == {"score": 6, "rated_on": today().isoformat(), "note": "Steady"}
    cast.plan.refresh_from_db()
    assert cast.plan.version == version + 1
    assert change.plan_version == cast.plan.version


def test_a_correction_is_a_new_rating(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    login(client, cast.amara)
    client.post(rate_url(cast, outcome), {"score": "8", "rated_on": today()})
    client.post(rate_url(cast, outcome), {"score": "4", "note": "Meant 4", "rated_on": today()})
    assert list(Rating.objects.order_by("id").values_list("score", flat=True)) == [8, 4]
    loaded = ValuedOutcome.objects.with_latest_ratings().get(pk=outcome.pk)
    assert loaded.latest_person_score == 4  # type: ignore[attr-defined]


def test_there_is_no_way_to_edit_a_rating(cast: Cast, outcome: ValuedOutcome) -> None:
    from django.urls import get_resolver

    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert not [name for name in names if "rating" in name and "edit" in name]
    assert not [
        name for name in names if name.startswith("outcome_rate") and name != "outcome_rate"
    ]


def test_htmx_get_returns_the_inline_form(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    login(client, cast.amara)
    response = client.get(rate_url(cast, outcome), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="rate-{outcome.code}"' in body
    assert "data-editing" in body
    assert f'hx-post="{rate_url(cast, outcome)}"' in body
    assert response["Vary"].count("HX-Request") == 1


def test_the_page_on_its_own_is_an_ordinary_form(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    # With JavaScript on, a form that posted through htmx here would have nowhere to swap.
    login(client, cast.amara)
    body = client.get(rate_url(cast, outcome)).content.decode()
    assert f'action="{rate_url(cast, outcome)}"' in body
    assert "hx-post" not in body


def test_htmx_post_refreshes_the_life_area(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    f.make_rating(outcome, cast.ben.user, 6, on=today() - datetime.timedelta(days=30))
    login(client, cast.amara)
    response = client.post(
        rate_url(cast, outcome), {"score": "3", "rated_on": today()}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert "coproduce:saved" in response["HX-Trigger"]
    body = response.content.decode()
    assert f'id="area-{outcome.life_area.code}"' in body
    assert 'hx-swap-oob="true"' in body
    # The refreshed area shows the new score, the gap and the chart with both points.
    assert '<span class="cp-score">3</span>' in body
    assert "3 points apart" in body
    assert body.count('data-side="person" data-score="3"') == 1
    assert body.count('data-side="professional" data-score="6"') == 1


@pytest.mark.parametrize("who", ["amara", "ben"])
def test_rating_form_queries_are_bounded(
    client: Client, cast: Cast, outcome: ValuedOutcome, django_assert_max_num_queries, who: str
) -> None:
    for i in range(10):
        f.make_rating(outcome, cast.amara.user, 1 + i % 10)
    login(client, getattr(cast, who))
    # Session and user, plan with membership, outcome; the session is saved (+2 savepoints);
    # the "For you" count in the header.
    with django_assert_max_num_queries(8):
        assert client.get(rate_url(cast, outcome)).status_code == 200
    # Saving: sign-in, access, outcome, insert, history (with the version bump), savepoints.
    with django_assert_max_num_queries(14):
        response = client.post(rate_url(cast, outcome), {"score": "5", "rated_on": today()})
    assert response.status_code == 302
