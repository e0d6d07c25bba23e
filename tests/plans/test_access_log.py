"""Who has looked: every professional view of a plan page is logged, cheaply.

One insert per professional view, none for the person's own views, none for
live polls; the person reads the log in plain words, and only the person.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from plans.models import CareTeamMember, PlanView
from tests import factories as f
from tests.conftest import Cast, login
from tests.plans.test_plan_detail import PLAN_PAGE_QUERIES


def inserts(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if q["sql"].startswith("INSERT")]


def test_a_professional_viewing_the_plan_costs_one_insert(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("plan_detail", args=[cast.plan.code]))
    assert response.status_code == 200
    (insert,) = inserts(context)
    assert 'INTO "plans_planview"' in insert
    # The person's page count, plus the insert and the caseload's "last seen" update.
    assert len(context) <= PLAN_PAGE_QUERIES + 2
    (view,) = PlanView.objects.all()
    assert (view.plan, view.viewer, view.page) == (cast.plan, cast.ben.user, "plan")
    assert timezone.now() - view.viewed_at < dt.timedelta(minutes=1)


def test_repeats_within_ten_minutes_fold_into_one_row(client: Client, cast: Cast) -> None:
    # Issue 15: the same professional seeing the same thing again within the
    # same ten-minute slot adds to one row's count, so the log stays readable.
    login(client, cast.ben)
    start = dt.datetime(2026, 11, 30, 9, 0, 30, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            client.get(reverse("plan_detail", args=[cast.plan.code]))
        client.get(reverse("plan_history", args=[cast.plan.code]))
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        client.get(reverse("plan_detail", args=[cast.plan.code]))
    rows = PlanView.objects.order_by("page").values_list("page", "times", "last_seen_at")
    assert list(rows) == [
        ("history", 1, start),
        ("plan", 4, start + dt.timedelta(minutes=5)),
    ]
    # After the slot, a new row.
    with time_machine.travel(start + dt.timedelta(minutes=12), tick=False):
        client.get(reverse("plan_detail", args=[cast.plan.code]))
    assert PlanView.objects.filter(page="plan").count() == 2
    login(client, cast.amara)
    page = strip_tags(client.get(reverse("who_has_looked", args=[cast.plan.code])).content.decode())
    assert "4 times up to" in " ".join(page.split())


def test_a_folded_look_is_one_statement(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    client.get(reverse("plan_detail", args=[cast.plan.code]))
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("plan_detail", args=[cast.plan.code]))
    writes = [q["sql"] for q in context.captured_queries if 'INTO "plans_planview"' in q["sql"]]
    assert len(writes) == 1
    assert "ON CONFLICT" in writes[0]
    # A second look renders the body once more and keeps it (the database cache:
    # a read and a write of four statements); later looks read it (7 queries,
    # tests/plans/test_plan_body_cache.py). Was PLAN_PAGE_QUERIES + 2 = 24.
    assert len(context) <= 23


def test_an_area_fragment_and_a_live_update_with_content_are_logged(
    client: Client, cast: Cast
) -> None:
    area = cast.plan.life_areas.get(name="Money")
    login(client, cast.ben)
    htmx = {"HX-Request": "true"}
    fragment = client.get(reverse("area_fragment", args=[cast.plan.code, area.code]), headers=htmx)
    assert fragment.status_code == 200
    version = cast.plan.version
    # Nothing changed: 204, and nothing is written.
    with CaptureQueriesContext(connection) as context:
        quiet = client.get(reverse("plan_live", args=[cast.plan.code]) + f"?v={version}")
    assert quiet.status_code == 204
    assert not [q for q in context.captured_queries if not q["sql"].startswith("SELECT")]
    assert PlanView.objects.count() == 1
    # An answer that carries the plan is a look.
    changed = client.get(reverse("plan_live", args=[cast.plan.code]) + "?v=0")
    assert changed.status_code == 200
    assert sorted(PlanView.objects.values_list("page", "detail")) == [
        ("area", "Money"),
        ("update", ""),
    ]
    login(client, cast.amara)
    page = strip_tags(client.get(reverse("who_has_looked", args=[cast.plan.code])).content.decode())
    page = " ".join(page.split())
    assert "looked at “Money” in your plan" in page
    assert "saw updates to your plan while it was open" in page


def test_the_persons_own_views_are_not_logged(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("plan_detail", args=[cast.plan.code]))
        client.get(reverse("plan_history", args=[cast.plan.code]))
        client.get(reverse("plan_print", args=[cast.plan.code]))
        client.get(reverse("plan_export_fhir", args=[cast.plan.code]))
    assert inserts(context) == []
    assert not PlanView.objects.exists()


def test_live_polls_that_carry_nothing_are_not_logged(client: Client, cast: Cast) -> None:
    # Issue 15: a live answer that carries the plan's content is a look; the
    # 204 "nothing changed" answer writes nothing.
    login(client, cast.ben)
    live = reverse("plan_live", args=[cast.plan.code])
    htmx = {"HX-Request": "true"}
    with CaptureQueriesContext(connection) as context:
        unchanged = client.get(f"{live}?v={cast.plan.version}", headers=htmx)
    assert unchanged.status_code == 204
    assert inserts(context) == []
    assert not PlanView.objects.exists()
    changed = client.get(f"{live}?v=0", headers=htmx)
    assert changed.status_code == 200
    assert list(PlanView.objects.values_list("page", flat=True)) == ["update"]


def test_refused_views_are_not_logged(client: Client, cast: Cast) -> None:
    for who in [cast.oscar, cast.chloe]:
        login(client, who)
        assert client.get(reverse("plan_detail", args=[cast.plan.code])).status_code == 404
    assert not PlanView.objects.exists()


# --- the person reads the log ----------------------------------------------------------


def looked(cast: Cast, when: dt.datetime, page: str = "plan") -> PlanView:
    return PlanView.objects.create(plan=cast.plan, viewer=cast.ben.user, viewed_at=when, page=page)


def test_the_person_reads_who_looked_in_plain_words(client: Client, cast: Cast) -> None:
    year = timezone.localdate().year
    london = dt.timezone(dt.timedelta(0))  # 3 March is GMT in London
    when = dt.datetime(year, 3, 3, 14, 5, tzinfo=london)
    looked(cast, when)
    looked(cast, when + dt.timedelta(hours=1), "export")
    looked(cast, dt.datetime(year - 1, 11, 20, 9, 30, tzinfo=london), "history")
    login(client, cast.amara)
    response = client.get(reverse("who_has_looked", args=[cast.plan.code]))
    assert response.status_code == 200
    text = " ".join(strip_tags(response.content.decode()).split())
    weekday = when.strftime("%A")
    who = "Ben Okafor, community mental health nurse"
    assert f"{who}, looked at your plan on {weekday} 3 March at 14:05" in text
    assert f"downloaded a copy of your plan on {weekday} 3 March at 15:05" in text
    last_year = dt.date(year - 1, 11, 20).strftime("%A")
    assert (
        f"looked at the history of your plan on {last_year} 20 November {year - 1} at 09:30" in text
    )
    # Newest first.
    assert text.index("15:05") < text.index("14:05") < text.index("09:30")


def test_who_has_looked_is_paginated_newest_first(client: Client, cast: Cast) -> None:
    start = timezone.now() - dt.timedelta(days=40)
    for day in range(30):
        looked(cast, start + dt.timedelta(days=day))
    login(client, cast.amara)
    url = reverse("who_has_looked", args=[cast.plan.code])
    first = client.get(url).context["page_obj"]
    assert len(first.object_list) == 25
    assert first.object_list[0].viewed_at == start + dt.timedelta(days=29)
    second = client.get(url, {"page": 2}).context["page_obj"]
    assert len(second.object_list) == 5
    assert second.object_list[-1].viewed_at == start


def test_nobody_has_looked_yet(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    response = client.get(reverse("who_has_looked", args=[cast.plan.code]))
    assert "No professional has looked at your plan yet." in response.content.decode()


def test_only_this_plans_views_are_shown(client: Client, cast: Cast) -> None:
    PlanView.objects.create(plan=cast.priya_plan, viewer=cast.oscar.user, page="plan")
    login(client, cast.amara)
    body = client.get(reverse("who_has_looked", args=[cast.plan.code])).content.decode()
    assert "Oscar" not in body


@pytest.mark.parametrize("size", [1, 30])
def test_who_has_looked_queries_stay_flat(
    client: Client, cast: Cast, django_assert_max_num_queries, size: int
) -> None:
    others = [f.make_professional(name=f"Pro {i}", team=cast.team) for i in range(3)]
    for other in others:
        f.add_to_care_team(cast.plan, other)
    for i in range(size):
        PlanView.objects.create(plan=cast.plan, viewer=others[i % 3].user, page="plan")
    login(client, cast.amara)
    # session + user, plan, count, one page of views with their viewers, session save,
    # the "For you" count in the header
    with django_assert_max_num_queries(9):
        response = client.get(reverse("who_has_looked", args=[cast.plan.code]))
    assert response.status_code == 200


def test_professionals_cannot_see_who_has_looked(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    assert client.get(reverse("who_has_looked", args=[cast.plan.code])).status_code == 403


@pytest.mark.parametrize("who", ["oscar", "chloe", "priya"])
def test_who_has_looked_is_404_for_anyone_who_cannot_see_the_plan(
    client: Client, cast: Cast, who: str
) -> None:
    login(client, getattr(cast, who))
    assert client.get(reverse("who_has_looked", args=[cast.plan.code])).status_code == 404


def test_who_has_looked_is_404_for_a_removed_professional(client: Client, cast: Cast) -> None:
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now()
    )
    login(client, cast.ben)
    assert client.get(reverse("who_has_looked", args=[cast.plan.code])).status_code == 404


def test_who_has_looked_needs_sign_in(client: Client, cast: Cast) -> None:
    response = client.get(reverse("who_has_looked", args=[cast.plan.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_reviews_opened_by_a_professional_are_logged(client: Client, cast: Cast) -> None:
    from outcomes.models import Review
    from plans.models import PlanView

    review = Review.objects.create(
        plan=cast.plan, started_by=cast.amara.user, started_side="person"
    )
    login(client, cast.ben)
    assert client.get(reverse("review_list", args=[cast.plan.code])).status_code == 200
    assert (
        client.get(reverse("review_detail", args=[cast.plan.code, review.code])).status_code == 200
    )
    assert list(PlanView.objects.values_list("page", flat=True).order_by("id")) == [
        "reviews",
        "review",
    ]
    login(client, cast.amara)
    page = client.get(reverse("who_has_looked", args=[cast.plan.code])).content.decode()
    assert "looked at the reviews of your plan" in page
    assert "looked at a review of your plan" in page
