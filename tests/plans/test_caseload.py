"""A busy professional's caseload: a page at a time, and every page reachable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan
from tests import factories as f
from tests.conftest import Cast, login


@pytest.mark.django_db
def test_a_long_caseload_links_to_its_other_pages(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    for n in range(30):  # and Amara's plan: 31, so two pages of 25
        f.add_to_care_team(
            f.make_plan(f.make_person(f"p{n}", f"Person {n:02d}"), areas=False), cast.ben
        )
    login(client, cast.ben)
    # as in test_home: session, user, the professional with their summary, rows,
    # session save (+2), For you
    with django_assert_max_num_queries(8):
        first = client.get(reverse("caseload"))
    assert len(first.context["rows"]) == 25
    page = first.content.decode()
    assert 'class="nhsuk-pagination' in page
    assert 'href="?page=2"' in page
    second = client.get(reverse("caseload"), {"page": "2"})
    assert len(second.context["rows"]) == 6
    seen = {row.plan.pk for row in first.context["rows"]} | {
        row.plan.pk for row in second.context["rows"]
    }
    assert len(seen) == 31
    # Filters are kept in the page links.
    filtered = client.get(reverse("caseload"), {"q": "Person"}).content.decode()
    assert "page=2" in filtered and "q=Person" in filtered


@pytest.mark.django_db
def test_each_row_shows_its_plans_status_and_links_to_it(client: Client, cast: Cast) -> None:
    for status in Plan.Status:
        person = f.make_person(f"status_{status}", f"Status {status.label}")
        f.add_to_care_team(f.make_plan(person, areas=False, status=status), cast.ben)
    login(client, cast.ben)
    response = client.get(reverse("caseload"))
    page = response.content.decode()
    rows = response.context["rows"]
    assert {row.plan.status for row in rows} == set(Plan.Status)
    for row in rows:
        assert row.status == row.plan.get_status_display()
        assert row.url == reverse("plan_detail", args=[row.plan.code])
        assert f'<a href="{row.url}">{row.plan.person}</a>' in page
        assert f'heading">Plan </span>{row.status}</td>' in page
