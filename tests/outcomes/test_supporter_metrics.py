"""The dashboard's "plans with supporters involved": exact figures, drill-down, CSV, small cells.

The caseload of tests/outcomes/test_metrics.py (North: A, A_old, B, C, D; people
Amara, Bilal, Cara, Dev), with Efua on Amara's side, Kofi on Bilal's and Lola
removed from Cara's.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from outcomes import metrics
from plans.access import get_plan_for_user
from plans.supporters import remove_supporter
from tests import factories as base
from tests.outcomes.test_metrics import (
    END,
    START,
    TODAY,
    Caseload,
    build_caseload,
    make_staff,
    north,
    plan_names,
)

pytestmark = pytest.mark.django_db

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
LABEL = ("Caseload", "Plans with supporters involved", "")


def _with_supporters() -> tuple[Any, Caseload]:
    staff = make_staff()
    caseload = build_caseload(staff)
    plans = caseload.plans
    base.make_supporter(plans["A"], "efua", "Efua")
    base.make_supporter(plans["B"], "kofi", "Kofi", relationship="friend")
    lola = base.make_supporter(plans["C"], "lola", "Lola", relationship="carer")
    cara = plans["C"].person.user
    remove_supporter(get_plan_for_user(cara, plans["C"].code), lola)
    return staff, caseload


def test_plans_with_supporters_counts_plans_whose_person_has_one_now() -> None:
    staff, caseload = _with_supporters()

    figures = metrics.caseload_figures(north(staff), today=TODAY)

    # A and A_old are both Amara's (Efua is on her side, whichever plan); B is Bilal's.
    # Cara's supporter was removed: C does not count.
    assert figures.with_supporters == 3
    assert figures.people_behind["with_supporters"] == 2
    assert (figures.people, figures.plans) == (4, 5)  # the rest of the table is as before
    behind = metrics.plans_behind(north(staff), ("caseload", "with_supporters"), today=TODAY)
    assert plan_names(caseload, behind) == ["A", "A_old", "B"]


def test_no_supporters_is_zero() -> None:
    staff = make_staff()
    build_caseload(staff)

    assert metrics.caseload_figures(north(staff), today=TODAY).with_supporters == 0


def _csv(client: Client) -> dict[tuple[str, str, str], str]:
    response = client.get(reverse("team_dashboard_csv"), PERIOD)
    _, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {(section, metric, side): value for section, metric, side, value, _ in rows}


def test_the_csv_shows_the_figure_when_enough_people_are_behind_it(
    client: Client, settings: Any
) -> None:
    settings.SMALL_CELL_THRESHOLD = 2
    staff, _ = _with_supporters()
    client.force_login(staff.north.lead.user)

    assert _csv(client)[LABEL] == "3"


def test_the_figure_is_hidden_when_too_few_people_are_behind_it(
    client: Client, settings: Any
) -> None:
    settings.SMALL_CELL_THRESHOLD = 3  # two people behind it: not shown
    staff, _ = _with_supporters()
    client.force_login(staff.north.lead.user)

    assert _csv(client)[LABEL].startswith("fewer than 3 people: not shown")
    page = client.get(reverse("team_dashboard"), PERIOD).content.decode()
    assert "Plans with supporters involved" in page
