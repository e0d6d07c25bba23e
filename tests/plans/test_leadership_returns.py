"""Leadership that comes back: agreed until a date or the next review, then returned.

Expiry needs no process state: it happens when the plan is next opened (or
edited, or checked live) and by `manage.py return_leadership` for cron.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from outcomes.models import Review
from plans.leadership import return_due_leadership
from plans.models import Leadership, LifeArea, Plan, PlanChange, Proposal
from tests import factories as f
from tests.conftest import Cast, login

MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def propose_url(cast: Cast, area: LifeArea) -> str:
    return reverse("leadership_propose", args=[cast.plan.code, area.code])


def accept(client: Client, cast: Cast) -> None:
    proposal = Proposal.objects.get(action="leadership", status="pending")
    login(client, cast.amara)
    url = reverse("proposal_answer", args=[cast.plan.code, proposal.code, "accept"])
    assert client.post(url).status_code == 302


def agree_until(client: Client, cast: Cast, **how_long: str) -> LifeArea:
    """Ben suggests professionals lead Mental wellbeing for a time; Amara agrees."""
    area = f.area(cast.plan, "Mental wellbeing")
    login(client, cast.ben)
    data = {"leadership": "5", "reason": "The medication change", **how_long}
    assert client.post(propose_url(cast, area), data).status_code == 302
    accept(client, cast)
    area.refresh_from_db()
    return area


def test_a_balance_agreed_until_a_date_is_stored_and_shown(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        area = agree_until(client, cast, how_long="date", until="2026-03-20")
        proposal = Proposal.objects.get(action="leadership")
        assert (proposal.proposed_leadership, proposal.leadership_until) == (
            5,
            dt.date(2026, 3, 20),
        )
        assert area.leadership == Leadership.PROFESSIONAL_LEADS
        assert area.previous_leadership == Leadership.PERSON_LEADS
        assert area.leadership_until == dt.date(2026, 3, 20)
        cast.plan.refresh_from_db()
        assert cast.plan.leadership_returns_on == dt.date(2026, 3, 21)
        change = PlanChange.objects.get(action="leadership")
        assert "until 20 March 2026" in change.summary
        page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
        assert "Agreed until" in page and "20 March 2026" in page


def test_it_returns_lazily_when_the_plan_is_opened(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        agree_until(client, cast, how_long="date", until="2026-03-20")
    # On its last day it still holds.
    with time_machine.travel(dt.datetime(2026, 3, 20, 18, 0, tzinfo=dt.UTC), tick=False):
        login(client, cast.amara)
        client.get(reverse("plan_detail", args=[cast.plan.code]))
        assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.PROFESSIONAL_LEADS
    with time_machine.travel(dt.datetime(2026, 3, 21, 9, 0, tzinfo=dt.UTC), tick=False):
        login(client, cast.amara)  # a new day, a new session
        page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
        area = f.area(cast.plan, "Mental wellbeing")
        assert area.leadership == Leadership.PERSON_LEADS
        assert "Leadership returned to you on" in page
        assert "21 March 2026" in page and "(agreed until 20 March 2026)" in page
        # Ben sees it too, in his words.
        login(client, cast.ben)
        page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
        assert "Leadership returned to Amara on" in page
    returned = PlanChange.objects.filter(action="leadership").order_by("at", "id").last()
    assert returned is not None
    assert returned.actor is None  # nobody did it: the agreement ran out
    assert returned.before == {"leadership": "Professional leads"}
    assert returned.after == {"leadership": "Person leads"}
    assert returned.summary == (
        "Leadership came back in Mental wellbeing: Person leads (agreed until 20 March 2026)"
    )
    cast.plan.refresh_from_db()
    assert cast.plan.leadership_returns_on is None


def test_the_live_check_sends_the_returned_area(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        agree_until(client, cast, how_long="date", until="2026-03-20")
    cast.plan.refresh_from_db()
    seen = cast.plan.version
    with time_machine.travel(dt.datetime(2026, 3, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        login(client, cast.ben)
        response = client.get(reverse("plan_live", args=[cast.plan.code]), {"v": seen})
        assert response.status_code == 200
        assert "Leadership returned to Amara" in response.content.decode()


def test_returns_to_the_previous_balance_not_always_person_leads(
    client: Client, cast: Cast
) -> None:
    area = f.area(cast.plan, "Mental wellbeing")
    LifeArea.objects.filter(pk=area.pk).update(leadership=Leadership.SHARED)
    with time_machine.travel(MONDAY, tick=False):
        agree_until(client, cast, how_long="date", until="2026-03-03")
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("return_leadership", stdout=StringIO())
    assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.SHARED


def test_the_command_returns_it_once(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        agree_until(client, cast, how_long="date", until="2026-03-20")
    with time_machine.travel(dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("return_leadership", stdout=out)
        assert "Leadership returned in 1 part(s) of plans." in out.getvalue()
        call_command("return_leadership", stdout=(again := StringIO()))
        assert "returned in 0 part(s)" in again.getvalue()
    assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.PERSON_LEADS
    assert PlanChange.objects.filter(summary__startswith="Leadership came back").count() == 1


def test_until_the_next_review_returns_when_it_is_completed(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        area = agree_until(client, cast, how_long="review")
        assert area.leadership_until_review and area.leadership_until is None
        login(client, cast.ben)
        client.post(reverse("review_start", args=[cast.plan.code]))
        review = Review.objects.get()
        # Still professionals' while the review is under way.
        assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.PROFESSIONAL_LEADS
        url = reverse("review_complete", args=[cast.plan.code, review.code])
        assert client.post(url, {"next_review_date": "2026-06-01"}).status_code == 302
        area.refresh_from_db()
        assert area.leadership == Leadership.PERSON_LEADS
        assert area.leadership_returned_why == "agreed until the next review"
        page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
        assert "(agreed until the next review)" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"how_long": "date"}, "Enter the last day it is agreed for."),
        ({"how_long": "date", "until": "2026-03-02"}, "The date must be after today."),
        ({"how_long": "date", "until": "not a date"}, "Enter a real date"),
        ({"how_long": "forever"}, "Choose one of the options."),
        (
            {"how_long": "review", "leadership": "2"},
            "Only a balance where professionals lead is agreed for a time.",
        ),
    ],
)
def test_bad_terms_are_shown_with_what_was_typed(
    client: Client, cast: Cast, data: dict[str, str], message: str
) -> None:
    area = f.area(cast.plan, "Mental wellbeing")
    login(client, cast.ben)
    with time_machine.travel(MONDAY, tick=False):
        posted = {"leadership": "5", "reason": "Kept reason", **data}
        response = client.post(propose_url(cast, area), posted)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body and "Kept reason" in body
    assert not Proposal.objects.exists()


def test_an_open_ended_agreement_does_not_return(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        area = agree_until(client, cast)
    assert area.leadership_until is None and not area.leadership_until_review
    with time_machine.travel(dt.datetime(2027, 1, 1, tzinfo=dt.UTC), tick=False):
        call_command("return_leadership", stdout=StringIO())
    assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.PROFESSIONAL_LEADS


def test_opening_a_plan_with_nothing_due_costs_no_extra_query(
    client: Client, cast: Cast, django_assert_num_queries: object
) -> None:
    """The due date lives on the plan row the access check already reads."""
    login(client, cast.amara)
    plan = Plan.objects.get(pk=cast.plan.pk)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert return_due_leadership(plan) == 0


def test_the_history_of_the_balance_is_shown(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        area = agree_until(client, cast, how_long="date", until="2026-03-03")
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        login(client, cast.ben)
        page = client.get(propose_url(cast, area)).content.decode()
    assert "How the balance has changed here" in page
    assert "Professional leads → Person leads" in page  # it came back on 5 March
    assert "Person leads → Professional leads" in page  # agreed on 2 March
    assert page.index("5 March 2026") < page.index("2 March 2026")


def test_nothing_returns_on_a_closed_plan(client: Client, cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        agree_until(client, cast, how_long="date", until="2026-03-03")
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("return_leadership", stdout=StringIO())
        assert return_due_leadership(Plan.objects.get(pk=cast.plan.pk)) == 0
    assert f.area(cast.plan, "Mental wellbeing").leadership == Leadership.PROFESSIONAL_LEADS
