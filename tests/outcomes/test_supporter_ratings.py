"""A supporter's own view of progress: a third view beside the person's and the
professionals', given only if the person lets them (Supporter.may_rate), and
never counted in either side's figures."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import SUPPORTER
from outcomes import metrics
from outcomes import services as outcome_services
from outcomes.models import Rating, ValuedOutcome
from plans import supporters as plan_supporters
from plans.access import get_plan_for_user
from plans.models import Plan, PlanChange, Supporter
from tests import factories as f
from tests.conftest import Cast, login
from tests.plans.test_plan_detail import PLAN_PAGE_QUERIES, grow

HTMX = {"HX-Request": "true"}


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def outcome(cast: Cast) -> ValuedOutcome:
    return f.make_outcome(cast.plan, text="Get back to work by the summer")


def efua(cast: Cast, *, may_rate: bool = True) -> Supporter:
    return f.make_supporter(cast.plan, "efua", "Efua Osei", may_rate=may_rate)


def as_supporter(client: Client, supporter: Supporter) -> Client:
    client.force_login(supporter.user)
    return client


def rate_url(cast: Cast, outcome: ValuedOutcome) -> str:
    return reverse("outcome_rate", args=[cast.plan.code, outcome.code])


def withdraw_url(cast: Cast, outcome: ValuedOutcome, rating: Rating) -> str:
    return reverse("rating_withdraw", args=[cast.plan.code, outcome.code, rating.code])


def plan_url(cast: Cast) -> str:
    return reverse("plan_detail", args=[cast.plan.code])


def supporter_rates(cast: Cast, supporter: Supporter, outcome: ValuedOutcome, score: int) -> Rating:
    access = get_plan_for_user(supporter.user, cast.plan.code, supporters=True)
    return outcome_services.rate_outcome(access, outcome, score=score)


# --- rating -------------------------------------------------------------------------


def test_supporter_who_may_rate_rates_as_themself(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter = efua(cast)
    as_supporter(client, supporter)
    assert client.get(rate_url(cast, outcome)).status_code == 200
    response = client.post(
        rate_url(cast, outcome),
        # A posted side is not a field: it is ignored.
        {"score": "6", "note": "She seems brighter", "rated_on": today(), "side": "person"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.side, rating.score, rating.rated_by, rating.note) == (
        SUPPORTER,
        6,
        supporter.user,
        "She seems brighter",
    )
    change = PlanChange.objects.filter(plan=cast.plan, action=PlanChange.Action.RATE).get()
    assert change.actor == supporter.user
    assert change.actor_side == SUPPORTER


def test_supporter_without_may_rate_is_refused(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    as_supporter(client, efua(cast, may_rate=False))
    assert client.get(rate_url(cast, outcome)).status_code == 403
    response = client.post(rate_url(cast, outcome), {"score": "6", "rated_on": today()})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_supporter_who_may_not_see_cannot_be_let_rate(cast: Cast) -> None:
    # Rating needs seeing the plan: the person's choice is normalised, and the
    # database refuses the combination outright.
    supporter = f.make_supporter(cast.plan, "efua", "Efua Osei", may_see=False, may_rate=True)
    assert supporter.may_rate is False
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Supporter.objects.filter(pk=supporter.pk).update(may_rate=True)


def test_removed_supporter_gets_404(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    supporter = efua(cast)
    rating = supporter_rates(cast, supporter, outcome, 5)
    plan_supporters.remove_supporter(get_plan_for_user(cast.amara.user, cast.plan.code), supporter)
    as_supporter(client, supporter)
    assert client.get(rate_url(cast, outcome)).status_code == 404
    assert client.post(rate_url(cast, outcome), {"score": "6"}).status_code == 404
    response = client.post(withdraw_url(cast, outcome, rating), {"reason": "Changed my mind"})
    assert response.status_code == 404
    assert Rating.objects.get().withdrawn_at is None


def test_supporter_of_another_person_gets_404(client: Client, cast: Cast) -> None:
    supporter = f.make_supporter(cast.priya_plan, "efua", "Efua Osei", may_rate=True)
    outcome = f.make_outcome(cast.plan)
    as_supporter(client, supporter)
    assert client.get(rate_url(cast, outcome)).status_code == 404


def test_closed_plan_is_refused(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    supporter = efua(cast)
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    as_supporter(client, supporter)
    response = client.post(rate_url(cast, outcome), {"score": "6", "rated_on": today()})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_bad_score_is_shown_again(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    as_supporter(client, efua(cast))
    for score in ("11", "0", "<script>", ""):
        response = client.post(rate_url(cast, outcome), {"score": score, "rated_on": today()})
        assert response.status_code == 422
    assert not Rating.objects.exists()


# --- withdrawing: their own rating changes only by them -------------------------------


def test_supporter_withdraws_their_own_and_nobody_else_does(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter = efua(cast)
    rating = supporter_rates(cast, supporter, outcome, 5)
    amaras = f.make_rating(outcome, cast.amara.user, 4)
    for who in (cast.amara, cast.ben):
        login(client, who)
        response = client.post(withdraw_url(cast, outcome, rating), {"reason": "Not hers"})
        assert response.status_code == 403
    as_supporter(client, supporter)
    response = client.post(withdraw_url(cast, outcome, amaras), {"reason": "Not mine"})
    assert response.status_code == 403
    response = client.post(withdraw_url(cast, outcome, rating), {"reason": "Too soon to say"})
    assert response.status_code == 302
    rating.refresh_from_db()
    amaras.refresh_from_db()
    assert rating.withdrawn_reason == "Too soon to say" and amaras.withdrawn_at is None


# --- the third view on the plan page ----------------------------------------------------


def test_plan_page_shows_the_third_view_beside_the_two(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter = efua(cast)
    f.make_rating(outcome, cast.amara.user, 4)
    f.make_rating(outcome, cast.ben.user, 7)
    login(client, cast.amara)
    assert "cp-rating--supporter" not in client.get(plan_url(cast)).content.decode()
    supporter_rates(cast, supporter, outcome, 6)

    page = client.get(plan_url(cast)).content.decode()
    assert "People on my side" in page
    assert "Efua Osei" in page
    # The gap is still the two sides' (7 - 4), not anyone else's.
    assert "3 points apart" in page

    login(client, cast.ben)
    page = client.get(plan_url(cast)).content.decode()
    assert "People on Amara" in page and "s side</dt>" in page


def test_withdrawn_supporter_rating_leaves_the_third_view(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter = efua(cast)
    rating = supporter_rates(cast, supporter, outcome, 6)
    access = get_plan_for_user(supporter.user, cast.plan.code, supporters=True)
    outcome_services.withdraw_rating(access, rating, reason="Too soon")
    login(client, cast.amara)
    assert "cp-rating--supporter" not in client.get(plan_url(cast)).content.decode()


def test_rate_link_only_for_a_supporter_who_may_rate(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter = efua(cast, may_rate=False)
    as_supporter(client, supporter)
    assert rate_url(cast, outcome) not in client.get(plan_url(cast)).content.decode()
    plan_supporters.change_permissions(
        get_plan_for_user(cast.amara.user, cast.plan.code),
        supporter,
        {"may_see": True, "may_rate": True},
    )
    assert rate_url(cast, outcome) in client.get(plan_url(cast)).content.decode()


def test_plan_page_queries_stay_bounded_with_supporter_ratings(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    grow(cast, 5)
    supporter = efua(cast)
    for outcome in ValuedOutcome.objects.filter(plan=cast.plan):
        supporter_rates(cast, supporter, outcome, 5)
    login(client, cast.amara)
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(plan_url(cast))
    assert response.status_code == 200
    assert "cp-rating--supporter" in response.content.decode()


# --- never counted in the dashboard ---------------------------------------------------


def test_supporter_ratings_change_no_dashboard_figure(cast: Cast, outcome: ValuedOutcome) -> None:
    start = today() - datetime.timedelta(days=30)
    ff = metrics.DashboardFilter(team_id=cast.team.pk, start=start, end=today())
    f.make_rating(outcome, cast.amara.user, 3, on=today() - datetime.timedelta(days=10))
    f.make_rating(outcome, cast.amara.user, 5)
    f.make_rating(outcome, cast.ben.user, 4)

    def figures() -> tuple[object, ...]:
        return (
            metrics.outcome_figures(ff),
            metrics.caseload_figures(ff, today=today()),
            sorted(map(sorted, (row.items() for row in metrics.rating_journeys(ff)))),
        )

    supporter = efua(cast)  # before the figures: having a supporter is a figure itself
    before = figures()
    supporter_rates(cast, supporter, outcome, 9)
    supporter_rates(cast, supporter, outcome, 1)
    assert Rating.objects.filter(side=SUPPORTER).count() == 2
    assert figures() == before


# --- the export -----------------------------------------------------------------------


def test_export_names_the_supporter_as_the_one_who_rated(
    cast: Cast, outcome: ValuedOutcome
) -> None:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    from coproduce.plan_page.fhir import plan_bundle, plan_for_export

    supporter = efua(cast)
    supporter_rates(cast, supporter, outcome, 6)
    bundle = plan_bundle(plan_for_export(cast.plan.code))
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    [observation] = [r for r in resources if r["resourceType"] == "Observation"]
    [related] = [r for r in resources if r["resourceType"] == "RelatedPerson"]
    assert observation["performer"][0]["reference"].endswith(related["id"])
    assert observation["valueInteger"] == 6


def test_a_supporters_rating_is_not_replied_to(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    # Replies are between the two sides (and counted as such on the dashboard).
    rating = supporter_rates(cast, efua(cast), outcome, 6)
    login(client, cast.ben)
    url = reverse("reply_add", args=[cast.plan.code, "rating", rating.code])
    assert client.post(url, {"text": "Thanks for this"}).status_code == 404


def test_print_names_the_supporter_side(client: Client, cast: Cast, outcome: ValuedOutcome) -> None:
    supporter_rates(cast, efua(cast), outcome, 6)
    login(client, cast.amara)
    page = client.get(reverse("plan_print", args=[cast.plan.code])).content.decode()
    assert "Efua Osei (supporter)" in page


# --- the person sets it -----------------------------------------------------------------


def test_person_lets_a_supporter_rate_and_the_history_says_so(client: Client, cast: Cast) -> None:
    supporter = efua(cast, may_rate=False)
    login(client, cast.amara)
    url = reverse("supporter_detail", args=[cast.plan.code, supporter.code])
    page = client.get(url).content.decode()
    assert "Rate progress from their own view" in page
    response = client.post(url, {"may_see": "on", "may_rate": "on"})
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.may_rate is True
    change = PlanChange.objects.filter(plan=cast.plan).latest("id")
    assert change.after is not None
    assert "rate progress from their own view" in change.after["may"]


def test_rating_without_seeing_is_refused_with_a_message(client: Client, cast: Cast) -> None:
    supporter = efua(cast, may_rate=False)
    login(client, cast.amara)
    url = reverse("supporter_detail", args=[cast.plan.code, supporter.code])
    for value in ("on", "true", "<script>alert(1)</script>"):
        response = client.post(url, {"may_rate": value})
        assert response.status_code == 422
        assert "To rate progress they need to see your plan too." in response.content.decode()
    supporter.refresh_from_db()
    assert (supporter.may_see, supporter.may_rate) == (True, False)


def test_at_a_glance_shows_the_third_view(
    client: Client, cast: Cast, outcome: ValuedOutcome
) -> None:
    supporter_rates(cast, efua(cast), outcome, 6)
    login(client, cast.amara)
    page = client.get(plan_url(cast)).content.decode()
    assert "People on my side: 6/10" in page
