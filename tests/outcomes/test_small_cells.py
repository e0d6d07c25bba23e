"""No figure that points at one person (issue 15, part 1), and metrics that no
stored date can break (part 2).

Each test crafts a caseload meant to single someone out, then reads what the
lead sees: the page, its charts, both CSVs and the drill-down.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import Discipline, Team
from outcomes import metrics, small_cells
from outcomes.dashboard_csv import Figure
from outcomes.models import Rating
from plans.models import Plan
from tests import factories as base
from tests.outcomes import factories as of

START, END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
NOTE = "fewer than 5 people: not shown, so that nobody can be singled out"


class Team7:
    """North: Chloe leads it and is on no care team; Ben is on all seven plans,
    Dana on the first six. Every person rated their one outcome twice: six
    improved, and only Zuri's mum (the seventh) got worse."""

    def __init__(self) -> None:
        self.team: Team = base.make_team("North CMHT")
        self.chloe = base.make_professional("chloe", "Chloe", self.team, Discipline.TEAM_MANAGER)
        self.team.lead = self.chloe
        self.team.save()
        self.ben = base.make_professional("ben", "Ben", self.team)
        self.dana = base.make_professional("dana", "Dana", self.team, Discipline.SOCIAL_WORKER)
        self.plans: list[Plan] = []
        for i in range(7):
            person = base.make_person(f"person{i}", f"Person {i}")
            plan = base.make_plan(person)
            base.add_to_care_team(plan, self.ben)
            if i < 6:
                base.add_to_care_team(plan, self.dana)
            outcome = base.make_outcome(plan, person.user, created_at=of.at(2026, 1, 1))
            base.make_rating(outcome, person.user, 5, dt.date(2026, 4, 2))
            base.make_rating(outcome, person.user, 7 if i < 6 else 1, dt.date(2026, 5, 2))
            self.plans.append(plan)


@pytest.fixture
def seven(db: None) -> Team7:
    return Team7()


@pytest.fixture
def lead(client: Client, seven: Team7) -> Client:
    client.force_login(seven.chloe.user)
    return client


def csv_values(client: Client, **params: str) -> dict[tuple[str, str], str]:
    response = client.get(reverse("team_dashboard_csv"), {**PERIOD, **params})
    assert response.status_code == 200
    _, *rows = csv.reader(io.StringIO(response.content.decode()))
    return {(metric, side): value for _, metric, side, value, _ in rows}


def test_the_one_person_who_got_worse_is_not_shown(lead: Client) -> None:
    response = lead.get(reverse("team_dashboard"), PERIOD)
    page = response.content.decode()
    (row,) = (r for r in response.context["sections"]["outcomes"].rows if r.label == "Worsened")
    assert row.person.suppressed and row.person.url is None
    assert NOTE in page
    # The chart draws no bar for it.
    assert 'data-side="person" data-state="worsened" data-value' not in page
    assert 'data-side="person" data-state="worsened" data-suppressed="true"' in page

    values = csv_values(lead)
    assert values[("Worsened", "person")] == NOTE
    # Outcomes (7) minus improved would give worsened back: improved is hidden too.
    assert values[("Improved", "person")] == NOTE
    assert values[("Outcomes", "")] == "7"
    assert values[("Unchanged", "person")] == "0"
    # Seven people are behind "Rated only once" from neither side: shown.
    assert values[("Not rated", "professional")] == "7"


def test_a_professional_filter_that_leaves_one_person_out_is_hidden(
    lead: Client, seven: Team7
) -> None:
    # Dana is on six of the seven plans: her figures taken from the team's would
    # describe the seventh person alone, so every figure that differs is hidden.
    values = csv_values(lead, professional=str(seven.dana.pk))
    assert values[("People", "")] == NOTE
    assert values[("Outcomes", "")] == NOTE
    assert values[("Not rated", "professional")] == NOTE
    # A figure the seventh person is not part of stays: nobody was unchanged anywhere.
    assert values[("Unchanged", "person")] == "0"
    # Hidden even at 0 on Dana's plans: the team's figure minus it is the seventh person.
    assert values[("Worsened", "person")] == NOTE


def test_a_professional_with_one_plan_shows_nothing_about_it(lead: Client, seven: Team7) -> None:
    gus = base.make_professional("gus", "Gus", seven.team)
    base.add_to_care_team(seven.plans[6], gus)
    values = csv_values(lead, professional=str(gus.pk))
    assert values[("People", "")] == NOTE
    assert values[("Worsened", "person")] == NOTE
    assert values[("Person leads", "")] == NOTE
    assert not any(value.isdigit() and value != "0" for value in values.values())


def test_a_persons_own_area_names_are_never_shown(lead: Client, seven: Team7) -> None:
    plan = seven.plans[0]
    of.add_life_area(plan, "Zuri custody hearing")
    base.make_outcome(
        plan,
        plan.person.user,
        "Zuri custody hearing",
        text="Keep Zuri",
        created_at=of.at(2026, 1, 1),
    )
    page = lead.get(reverse("team_dashboard"), PERIOD).content.decode()
    download = lead.get(reverse("team_dashboard_csv"), PERIOD).content.decode()
    for text in (page, download):
        assert "Zuri" not in text
    assert metrics.OWN_AREAS in page
    assert (
        lead.get(reverse("team_dashboard"), {**PERIOD, "area": "Zuri custody hearing"}).status_code
        == 422
    )
    # Grouped with every other area people named, and one person is behind it: hidden.
    values = csv_values(lead)
    assert values[(f"{metrics.OWN_AREAS}: outcomes", "")] == NOTE


def test_the_drilldown_does_not_count_fewer_than_five_others(lead: Client, seven: Team7) -> None:
    url = reverse("team_dashboard_plans")
    everyone = lead.get(url, {**PERIOD, "figure": ["caseload", "plans"]}).content.decode()
    assert "7 plans you are not on the care team of" in everyone
    worse = lead.get(url, {**PERIOD, "figure": ["outcomes", "person", "worsened"]})
    assert NOTE in worse.content.decode()
    assert "1 plan" not in worse.content.decode()
    download = lead.get(
        reverse("team_dashboard_plans_csv"),
        {**PERIOD, "figure": ["outcomes", "person", "worsened"]},
    ).content.decode()
    assert NOTE in download


def test_the_threshold_is_a_setting(lead: Client, settings: object) -> None:
    settings.SMALL_CELL_THRESHOLD = 8  # type: ignore[attr-defined]
    values = csv_values(lead)
    assert (
        values[("People", "")]
        == "fewer than 8 people: not shown, so that nobody can be singled out"
    )


def test_complementary_cells_leave_no_group_with_one_hidden() -> None:
    def fig(key: str, value: int, people: int, side: str = "person") -> Figure:
        return Figure("proposals", key, key, side, value, None, people)

    figures = [
        fig("made", 20, 9),
        fig("accepted", 12, 6),
        fig("declined", 5, 5),
        fig("withdrawn", 1, 1),
        fig("waiting", 2, 2),
    ]
    hidden = {f.key for f in small_cells.suppress(figures) if f.suppressed}
    # Two small cells hidden together cannot be told apart by subtraction.
    assert hidden == {"withdrawn", "waiting"}
    figures[4] = fig("waiting", 2, 7)
    hidden = {f.key for f in small_cells.suppress(figures) if f.suppressed}
    # One small cell alone: the smallest other non-zero part goes too.
    assert hidden == {"withdrawn", "waiting"}
    figures = [fig("made", 3, 3), fig("accepted", 3, 3), fig("declined", 0, 0)]
    hidden = {f.key for f in small_cells.suppress(figures) if f.suppressed}
    assert hidden == {"made", "accepted"}


# --- Any stored date: the dashboard and its CSV still answer (issue 15, part 2) ---------------


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 31)])
def test_one_rating_with_an_impossible_date_cannot_break_the_figures(
    lead: Client, seven: Team7, settings: object, day: dt.date
) -> None:
    settings.SMALL_CELL_THRESHOLD = 1  # type: ignore[attr-defined]
    plan = seven.plans[0]
    outcome = plan.outcomes.get()
    # Straight into the table, as data imported before the forms checked dates.
    Rating.objects.create(
        outcome=outcome, plan=plan, side="person", rated_by=plan.person.user, score=10, rated_on=day
    )
    for name in ("team_dashboard", "team_dashboard_csv"):
        assert lead.get(reverse(name), PERIOD).status_code == 200
    # Left out, not clamped: the six improved and one worsened are as before.
    values = csv_values(lead)
    assert (values[("Improved", "person")], values[("Worsened", "person")]) == ("6", "1")
    board = metrics.dashboard(
        metrics.DashboardFilter(team_id=seven.team.pk, start=START, end=dt.date(2099, 12, 31))
    )
    assert (board.outcomes.person.improved, board.outcomes.person.worsened) == (6, 1)


def test_a_withdrawn_rating_leaves_the_figures(
    lead: Client, seven: Team7, settings: object
) -> None:
    settings.SMALL_CELL_THRESHOLD = 1  # type: ignore[attr-defined]
    worse = seven.plans[6].outcomes.get().ratings.get(score=1)
    Rating.objects.filter(pk=worse.pk).update(
        withdrawn_at=of.at(2026, 5, 3), withdrawn_reason="Wrong outcome"
    )
    values = csv_values(lead)
    assert (values[("Worsened", "person")], values[("Rated only once", "person")]) == ("0", "1")
