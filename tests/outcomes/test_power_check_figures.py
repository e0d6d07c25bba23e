"""The power check on the lead's dashboard: exact figures, by period, team and professional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import Discipline, Professional
from outcomes import metrics
from outcomes.models import PowerCheck, Review
from plans.models import Plan
from tests import factories as f
from tests.conftest import Cast, login

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
IN_PERIOD = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2025, 12, 20, 12, 0, tzinfo=dt.UTC)


def review(plan: Plan, completed: dt.datetime | None, *answers: dict[str, Any]) -> Review:
    """A review on `plan`, completed then (None: still open), with these power check answers."""
    person = plan.person.user
    made = Review.objects.create(
        plan=plan,
        held_on=(completed or IN_PERIOD).date(),
        started_by=person,
        started_side="person",
        completed_at=completed,
    )
    for answer in answers:
        who = answer.pop("by", person)
        side = "person" if who == person else "professional"
        PowerCheck.objects.create(review=made, answered_by=who, side=side, **answer)
    return made


@pytest.fixture
def hana(cast: Cast) -> Professional:
    return f.make_professional("hana", "Hana Ito", cast.team, Discipline.SOCIAL_WORKER)


@pytest.fixture
def caseload(cast: Cast, hana: Professional) -> None:
    """Three plans on the team's caseload, one on another team's.

    Amara (Ben):  in period, person less/partly, Ben no;  before the period: as_much/yes
    Dev (Ben, Hana): in period, person as_much/yes, Ben yes, Hana partly
    Eve (Hana):   in period, nobody answered; an open review with answers (not counted)
    Priya (Oscar, other team): in period, person less/no (not counted)
    """
    ben = cast.ben.user
    review(
        cast.plan,
        IN_PERIOD,
        {"led": "less", "words_kept": "partly", "note": "reworded"},
        {"by": ben, "shared_as_agreed": "no"},
    )
    review(cast.plan, BEFORE, {"led": "as_much", "words_kept": "yes"})
    dev = f.make_plan(f.make_person("dev", "Dev Rao"))
    f.add_to_care_team(dev, cast.ben)
    f.add_to_care_team(dev, hana)
    review(
        dev,
        IN_PERIOD,
        {"led": "as_much", "words_kept": "yes"},
        {"by": ben, "shared_as_agreed": "yes"},
        {"by": hana.user, "shared_as_agreed": "partly"},
    )
    eve = f.make_plan(f.make_person("eve", "Eve Moss"))
    f.add_to_care_team(eve, hana)
    review(eve, IN_PERIOD)
    review(eve, None, {"led": "more", "words_kept": "no"})
    review(cast.priya_plan, IN_PERIOD, {"led": "less", "words_kept": "no"})


def figures(cast: Cast, professional: Professional | None = None) -> metrics.PowerCheckFigures:
    return metrics.power_check_figures(
        metrics.DashboardFilter(
            team_id=cast.team.pk,
            start=START,
            end=END,
            professional_id=professional.pk if professional else None,
        )
    )


def test_the_whole_team(cast: Cast, caseload: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        result = figures(cast)
    assert result == metrics.PowerCheckFigures(
        reviews=3,
        person_answered=2,
        led={"less": 1, "as_much": 1, "more": 0},
        words_kept={"yes": 1, "partly": 1, "no": 0},
        professional_answers=3,
        shared_as_agreed={"yes": 1, "partly": 1, "no": 1},
    )


def test_one_professional(cast: Cast, caseload: None, hana: Professional) -> None:
    # Hana is on Dev's and Eve's care teams; only her own answer to her question.
    assert figures(cast, hana) == metrics.PowerCheckFigures(
        reviews=2,
        person_answered=1,
        led={"less": 0, "as_much": 1, "more": 0},
        words_kept={"yes": 1, "partly": 0, "no": 0},
        professional_answers=1,
        shared_as_agreed={"yes": 0, "partly": 1, "no": 0},
    )
    assert figures(cast, cast.ben) == metrics.PowerCheckFigures(
        reviews=2,
        person_answered=2,
        led={"less": 1, "as_much": 1, "more": 0},
        words_kept={"yes": 1, "partly": 1, "no": 0},
        professional_answers=2,
        shared_as_agreed={"yes": 1, "partly": 0, "no": 1},
    )


def test_another_period(cast: Cast, caseload: None) -> None:
    result = metrics.power_check_figures(
        metrics.DashboardFilter(team_id=cast.team.pk, start=dt.date(2025, 12, 1), end=END)
    )
    assert (result.reviews, result.person_answered) == (4, 3)
    assert result.led == {"less": 1, "as_much": 2, "more": 0}


def test_shown_on_the_dashboard_and_in_the_csv(
    client: Client, cast: Cast, caseload: None, settings: Any
) -> None:
    # The arithmetic, on a caseload of a handful of people: small cells are
    # tested below and in test_small_cells.py.
    settings.SMALL_CELL_THRESHOLD = 1
    login(client, cast.chloe)
    period = {"start": START.isoformat(), "end": END.isoformat()}
    page = client.get(reverse("team_dashboard"), period)
    rows = {row.label: row.whole.value for row in page.context["sections"]["power_check"].rows}
    assert rows == {
        "Reviews completed": "3",
        "Reviews where the person answered": "2",
        "Led their plan less than they wanted": "1",
        "Led their plan as much as they wanted": "1",
        "Led their plan more than they wanted": "0",
        "Their words were kept as they meant them": "1",
        "Their words were partly kept": "1",
        "Their words were not kept": "0",
        "Professionals' answers": "3",
        "Leadership shared as agreed": "1",
        "Leadership partly shared as agreed": "1",
        "Leadership not shared as agreed": "1",
    }
    assert "Power check at reviews" in page.content.decode()
    csv = client.get(reverse("team_dashboard_csv"), period).content.decode()
    assert "Led their plan less than they wanted" in csv


def test_power_check_from_fewer_than_the_threshold_is_not_shown(
    client: Client, cast: Cast, caseload: None
) -> None:
    # Three reviews, from three people: at the default threshold of 5 every
    # power-check figure could point at someone, so none is shown, on the page
    # or in the CSV; a zero says nothing about anyone and stays.
    people = metrics.power_check_figures(
        metrics.DashboardFilter(team_id=cast.team.pk, start=START, end=END)
    ).people
    assert people["reviews"] == 3
    assert people["led_less"] == 1
    assert people["led_more"] == 0
    login(client, cast.chloe)
    period = {"start": START.isoformat(), "end": END.isoformat()}
    page = client.get(reverse("team_dashboard"), period)
    rows = {row.label: row.whole for row in page.context["sections"]["power_check"].rows}
    assert rows["Reviews completed"].suppressed
    assert rows["Led their plan less than they wanted"].suppressed
    assert not rows["Led their plan more than they wanted"].suppressed
    assert rows["Led their plan more than they wanted"].value == "0"
    csv = client.get(reverse("team_dashboard_csv"), period).content.decode()
    reviews_line = next(line for line in csv.splitlines() if "Reviews completed" in line)
    assert ",3" not in reviews_line
