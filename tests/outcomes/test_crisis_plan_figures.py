"""The lead's count of crisis plans reviewed within the set period, with exact figures.

Ten plans on Riverside's caseload (Ben is on each care team), one on another
team's; the dashboard period is the first half of 2026, and the set period is
183 days (settings.CRISIS_PLAN_REVIEW_DAYS) before its end.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.models import Side
from outcomes import metrics
from outcomes.metrics import CrisisPlanFigures, DashboardFilter
from plans.models import CrisisPlan, Plan
from tests import factories as f
from tests.conftest import Cast

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
SECTION = "Crisis plans"
SHARE = "Share with a crisis plan reviewed within the set period (%)"
REVIEWED = "With a crisis plan reviewed within the set period"


def _at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


# name -> (has a crisis plan, when it was reviewed, plan closed)
PLANS: dict[str, tuple[bool, dt.datetime | None, bool]] = {
    "p1": (True, _at(2026, 3, 1), False),  # counts
    "p2": (True, _at(2026, 6, 30, 23), False),  # the last hour of the period: counts
    "p3": (True, _at(2026, 7, 2), False),  # after the period: not reviewed within it
    "p4": (True, _at(2025, 6, 1), False),  # too long before the end
    "p5": (True, None, False),  # never reviewed
    "p6": (False, None, False),  # no crisis plan
    "p7": (True, _at(2026, 5, 1), True),  # closed: not counted at all
    "p8": (True, _at(2026, 4, 1), False),  # counts
    "p9": (True, _at(2026, 2, 1), False),  # counts
}


def _crisis_plan(plan: Plan, reviewed_at: dt.datetime | None) -> None:
    user = plan.person.user
    CrisisPlan.objects.create(
        plan=plan,
        created_by=user,
        created_side=Side.PERSON,
        helps="A walk",
        reviewed_at=reviewed_at,
        reviewed_by=user if reviewed_at else None,
    )


@pytest.fixture
def crisis_caseload(cast: Cast) -> Cast:
    _crisis_plan(cast.plan, _at(2026, 6, 1))  # Amara's: counts
    _crisis_plan(cast.priya_plan, _at(2026, 6, 1))  # another team's caseload
    for name, (has_plan, reviewed_at, closed) in PLANS.items():
        person = f.make_person(name, f"Person {name}")
        status = Plan.Status.CLOSED if closed else Plan.Status.ACTIVE
        plan = f.make_plan(person, areas=False, status=status)
        f.add_to_care_team(plan, cast.ben)
        if has_plan:
            _crisis_plan(plan, reviewed_at)
    return cast


def _filter(cast: Cast, **options: Any) -> DashboardFilter:
    return DashboardFilter(team_id=cast.team.pk, start=START, end=END, **options)


def test_exact_figures(crisis_caseload: Cast) -> None:
    figures = metrics.caseload_figures(_filter(crisis_caseload)).crisis
    assert figures == CrisisPlanFigures(open_plans=9, with_crisis_plan=8, crisis_reviewed=5)
    assert figures.people == {"open_plans": 9, "with_crisis_plan": 8, "crisis_reviewed": 5}
    assert figures.crisis_reviewed_share == pytest.approx(5 / 9)


def test_the_set_period_is_a_setting(crisis_caseload: Cast, settings: Any) -> None:
    settings.CRISIS_PLAN_REVIEW_DAYS = 60  # from 2 May: Amara's (1 June) and p2's
    figures = metrics.caseload_figures(_filter(crisis_caseload)).crisis
    assert (figures.open_plans, figures.crisis_reviewed) == (9, 2)


def test_figures_follow_the_period(crisis_caseload: Cast) -> None:
    august = DashboardFilter(
        team_id=crisis_caseload.team.pk, start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31)
    )
    # From 2 March: p3 (2 July) now counts; p1 (1 March) and p9 (1 February) no longer.
    figures = metrics.caseload_figures(august).crisis
    assert figures.crisis_reviewed == 4


def test_no_plans_no_share(cast: Cast) -> None:
    empty = DashboardFilter(team_id=cast.other_team.pk + 1000, start=START, end=END)
    assert metrics.caseload_figures(empty).crisis.crisis_reviewed_share is None


def _csv(client: Client) -> dict[tuple[str, str], str]:
    response = client.get(reverse("team_dashboard_csv"), PERIOD)
    assert response.status_code == 200
    _, *rows = csv.reader(io.StringIO(response.content.decode()))
    return {(section, metric): value for section, metric, _side, value, _ in rows}


def test_on_the_page_and_in_the_csv(client: Client, crisis_caseload: Cast) -> None:
    client.force_login(crisis_caseload.chloe.user)
    page = client.get(reverse("team_dashboard"), PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="table-crisis_plans"' in html and REVIEWED in html
    found = _csv(client)
    assert found[(SECTION, "Plans not closed")] == "9"
    assert found[(SECTION, "With a crisis plan")] == "8"
    assert found[(SECTION, REVIEWED)] == "5"
    assert found[(SECTION, SHARE)] == "55.60"


def test_small_cells_are_not_shown(client: Client, crisis_caseload: Cast, settings: Any) -> None:
    settings.CRISIS_PLAN_REVIEW_DAYS = 60  # two people: too few to show
    client.force_login(crisis_caseload.chloe.user)
    found = _csv(client)
    assert found[(SECTION, REVIEWED)].startswith("fewer than 5 people")
    # The share would give the count away: hidden with it.
    assert found[(SECTION, SHARE)].startswith("fewer than 5 people")
    assert found[(SECTION, "Plans not closed")] == "9"
