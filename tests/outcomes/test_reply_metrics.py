"""Replies on the dashboard: how many each side wrote, and open disagreements.

The caseload (North team, period 1 April to 30 June 2026):

Amara's plan (Ben of North on its care team):
- outcome "Work" (Amara wrote it): Ben replies 1 May; Amara changes it 10 May.
  A disagreement, answered by a change: not open.
- outcome "Sleep" (Amara): Ben replies 2 May, Amara replies 3 May. Nothing
  changed since Ben's reply: open, on the professionals' side (Amara's own
  reply is not a disagreement, and does not close it).
- resource "Coach" (Ben wrote it): Amara replies 1 March (before the period)
  and 1 June. Open, once, on the person's side.
- commitment "Call" (Ben, in Home): Amara replies 5 May; Ben removes it 6 May.
  Not open.
- Ben's rating: Amara replies 5 July, after the period: not counted at all.

Priya's plan (no one from North): Oscar replies to her outcome on 1 May: not
on the caseload.

Replies written in the period: person 3 (Sleep, Coach in June, Call),
professionals 2 (Work, Sleep). Open disagreements: person 1 (Coach),
professionals 1 (Sleep).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import Discipline, Side
from outcomes import metrics
from outcomes.dashboard_csv import figure_rows
from outcomes.metrics import DashboardFilter, ReplyFigures
from plans.models import Plan, PlanChange, Reply
from tests import factories as f
from tests.outcomes.factories import at

START = dt.date(2026, 4, 1)
END = dt.date(2026, 6, 30)


@dataclass
class World:
    team_id: int
    lead: object
    plan: Plan


def reply(plan: Plan, by: object, target: object, when: dt.datetime, target_side: str) -> Reply:
    target_type = {"ValuedOutcome": "outcome", "Rating": "rating"}.get(
        type(target).__name__, type(target).__name__.lower()
    )
    return f.make_reply(
        plan,
        by,  # type: ignore[arg-type]
        target_type,
        target.code,  # type: ignore[attr-defined]
        target_side=target_side,
        created_at=when,
        life_area=getattr(target, "life_area", None),
    )


def changed(plan: Plan, item: object, action: str, when: dt.datetime) -> None:
    PlanChange.objects.create(
        plan=plan,
        action=action,
        item_code=item.code,  # type: ignore[attr-defined]
        at=when,
        summary="changed",
    )


@pytest.fixture
def world(db: None) -> World:
    north = f.make_team("North")
    lead = f.make_professional("chloe", "Chloe Lead", north, Discipline.TEAM_MANAGER)
    north.lead = lead
    north.save()
    ben = f.make_professional("ben", "Ben Okafor", north, Discipline.NURSE)
    oscar = f.make_professional("oscar", "Oscar Lind", f.make_team("South"))
    amara = f.make_person("amara", "Amara Osei")
    priya = f.make_person("priya", "Priya Shah")
    plan = f.make_plan(amara)
    f.add_to_care_team(plan, ben)
    f.add_to_care_team(plan, lead)
    priya_plan = f.make_plan(priya)
    f.add_to_care_team(priya_plan, oscar)
    a, b = amara.user, ben.user

    work = f.make_outcome(plan, a, text="Work")
    reply(plan, b, work, at(2026, 5, 1), Side.PERSON)
    changed(plan, work, PlanChange.Action.EDIT, at(2026, 5, 10))

    sleep = f.make_outcome(plan, a, text="Sleep")
    reply(plan, b, sleep, at(2026, 5, 2), Side.PERSON)
    reply(plan, a, sleep, at(2026, 5, 3), Side.PERSON)

    coach = f.make_resource(plan, b, name="Coach")
    reply(plan, a, coach, at(2026, 3, 1), Side.PROFESSIONAL)
    reply(plan, a, coach, at(2026, 6, 1), Side.PROFESSIONAL)

    call = f.make_commitment(plan, b, area_name="Home", what="Call")
    reply(plan, a, call, at(2026, 5, 5), Side.PROFESSIONAL)
    changed(plan, call, PlanChange.Action.REMOVE, at(2026, 5, 6))

    rating = f.make_rating(sleep, b, 4)
    reply(plan, a, rating, at(2026, 7, 5), Side.PROFESSIONAL)

    priyas = f.make_outcome(priya_plan, priya.user)
    reply(priya_plan, oscar.user, priyas, at(2026, 5, 1), Side.PERSON)
    return World(north.pk, lead, plan)


def figures(world: World, **options: object) -> dict[str, ReplyFigures]:
    return metrics.reply_figures(
        DashboardFilter(team_id=world.team_id, start=START, end=END, **options)  # type: ignore[arg-type]
    )


def test_replies_by_side_and_open_disagreements(world: World) -> None:
    assert figures(world) == {
        "person": ReplyFigures(replies=3, open_disagreements=1),
        "professional": ReplyFigures(replies=2, open_disagreements=1),
    }


def test_an_earlier_end_sees_what_was_open_then(world: World) -> None:
    # To 7 May: Work was not yet changed (open, professionals'); Call was removed on
    # 6 May (closed); Coach's latest cross-side reply was 1 March (open, person's).
    result = metrics.reply_figures(
        DashboardFilter(team_id=world.team_id, start=START, end=dt.date(2026, 5, 7))
    )
    assert result == {
        "person": ReplyFigures(replies=2, open_disagreements=1),
        "professional": ReplyFigures(replies=2, open_disagreements=2),
    }


def test_life_area_filter(world: World) -> None:
    assert figures(world, life_area_name="Home") == {
        "person": ReplyFigures(replies=1, open_disagreements=0),
        "professional": ReplyFigures(replies=0, open_disagreements=0),
    }
    assert figures(world, life_area_name="Work and learning") == {
        "person": ReplyFigures(replies=2, open_disagreements=1),
        "professional": ReplyFigures(replies=2, open_disagreements=1),
    }


def test_the_dashboard_shows_and_downloads_the_figures(
    client: Client, world: World, settings: Any
) -> None:
    # The arithmetic on a handful of people; small cells are tested below.
    settings.SMALL_CELL_THRESHOLD = 1
    client.force_login(world.lead.user)  # type: ignore[attr-defined]
    period = {"start": START.isoformat(), "end": END.isoformat()}

    response = client.get(reverse("team_dashboard"), period)

    assert response.status_code == 200
    body = response.content.decode()
    table = body.split('id="table-replies"', 1)[1].split("</table>", 1)[0]
    assert "Replies and open disagreements" in table
    replies_row = table.split("Replies written", 1)[1].split("</tr>", 1)[0]
    open_row = table.split("Open disagreements", 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in replies_row.split("</td>")[:2]] == ["3", "2"]
    assert [cell.split(">")[-1] for cell in open_row.split("</td>")[:2]] == ["1", "1"]
    assert "the side that did not write them" in body
    rows = {
        (figure.key, figure.side): figure.value
        for figure in figure_rows(response.context["board"])
        if figure.section == "replies"
    }
    assert rows == {
        ("replies", "person"): 3,
        ("replies", "professional"): 2,
        ("open_disagreements", "person"): 1,
        ("open_disagreements", "professional"): 1,
    }
    csv = client.get(reverse("team_dashboard_csv"), period).content.decode()
    assert "Replies written" in csv and "Open disagreements" in csv


def test_replies_from_fewer_than_the_threshold_are_not_shown(client: Client, world: World) -> None:
    # At the default threshold of 5 people, this handful of plans' replies
    # could point at someone: the figures are drawn from fewer than 5 people.
    board = metrics.dashboard(metrics.DashboardFilter(team_id=world.team_id, start=START, end=END))
    people = {side: board.replies[side].replies_people for side in metrics.SIDES}
    assert 0 < max(people.values()) < 5
    client.force_login(world.lead.user)  # type: ignore[attr-defined]
    page = client.get(
        reverse("team_dashboard"), {"start": START.isoformat(), "end": END.isoformat()}
    )
    rows = page.context["sections"]["replies"].rows
    written = next(row for row in rows if row.label == "Replies written")
    assert written.person.suppressed or written.professional.suppressed
