"""The team lead's dashboard figures, checked against a small caseload worked out by hand.

Two teams. North (the lead's team): ben, dana and gus; fay was in North and
moved to South but is still on Amara's care team; eli is in South.

North's caseload (a plan counts when someone from North is on its care team now):

  plan   person  status  next review   care team now (removed)
  A      Amara   active  2026-07-28    ben, fay           (gus removed)
  A_old  Amara   closed  -             ben
  B      Bilal   active  2026-06-01    dana, eli(South)
  C      Cara    closed  2026-05-01    ben
  D      Dev     active  2026-07-29    dana               (no outcomes)
Not North's: E Esi (fay only; gus removed), F Finn (eli, draft), G Gita (eli; ben removed).

The period is 1 April to 30 June 2026 and "today" is 30 June 2026.

Outcomes on North's caseload (P = person's ratings, R = professionals' ratings,
scores @ date in 2026 unless a year is given):

  o1  A Work      P 3@03-01 5@05-01 6@06-15 (2@07-10 after the end)   R 4@03-01 4@06-15
  o2  A Home      P 7@02-01 5@06-01                                    R 6@06-01
  o3  A Mental    REMOVED (P 1 then 9; achieved in May)
  o4  A Money     no ratings; achieved 2026-05-15
  o5  A_old Mental P 2@2025-10-01 4@2025-12-01  R 5@2025-10-01 3@2025-12-01;
                  achieved 2026-04-01 00:30 London (still 31 March in UTC)
  o6  B Work      P 8@04-01 6@05-01   R 7 then 5, both @05-01 (recorded in that order);
                  achieved 2026-07-01 00:30 London (30 June in UTC)
  o7  B Home      written by dana; R 3@04-10 6@06-10
  o8  B Home      P 5@06-20
  o9  B Money     P 4@07-05 (after the end); let go 2026-06-01
  o10 C Work      written by ben; P 5@01-10 5@03-10   R 2@01-10 8@06-10
  o11 A Work      written 2026-07-05, after the end: not an outcome of the period
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.models import Discipline, Professional, Team
from outcomes import metrics
from outcomes.metrics import (
    Agreement,
    CaseloadFigures,
    DashboardFilter,
    LifeAreaChange,
    OutcomesClosed,
    ProposalFigures,
    SideChange,
)
from outcomes.models import ValuedOutcome
from plans.models import ExpertiseKind, Leadership, Plan, Proposal
from tests import factories as base
from tests.outcomes import factories as of
from tests.outcomes.factories import at

START = dt.date(2026, 4, 1)
END = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 6, 30)
WRITTEN = at(2025, 9, 1)  # when the outcomes were written, unless said otherwise
ACCEPTED = Proposal.Status.ACCEPTED
DECLINED = Proposal.Status.DECLINED
WITHDRAWN = Proposal.Status.WITHDRAWN
HOURS = dt.timedelta(hours=1)


@dataclass
class Staff:
    north: Team
    south: Team
    ben: Professional
    dana: Professional
    fay: Professional
    gus: Professional
    eli: Professional


@dataclass
class Caseload:
    plans: dict[str, Plan]


def make_staff() -> Staff:
    north = base.make_team("North CMHT")
    south = base.make_team("South CMHT")
    chloe = base.make_professional("chloe", "Chloe", north, Discipline.TEAM_MANAGER)
    north.lead = chloe
    north.save()
    fay = base.make_professional("fay", "Fay", north, Discipline.PSYCHOLOGIST)
    of.move_to_team(fay, south)  # she left North; her past work stays hers
    return Staff(
        north=north,
        south=south,
        ben=base.make_professional("ben", "Ben", north, Discipline.NURSE),
        dana=base.make_professional("dana", "Dana", north, Discipline.SOCIAL_WORKER),
        fay=fay,
        gus=base.make_professional("gus", "Gus", north, Discipline.PEER_WORKER),
        eli=base.make_professional("eli", "Eli", south, Discipline.NURSE),
    )


def build_caseload(staff: Staff, tag: str = "") -> Caseload:
    """The caseload in the module docstring; `tag` makes another copy of it."""
    ben, dana, fay = (u.user for u in (staff.ben, staff.dana, staff.fay))
    people = {
        name: base.make_person(f"{name.lower()}{tag}", f"{name} {tag}".strip())
        for name in ["Amara", "Bilal", "Cara", "Dev", "Esi", "Finn", "Gita"]
    }
    amara, bilal, cara = (people[n].user for n in ("Amara", "Bilal", "Cara"))

    def plan(person: str, status: str, review: dt.date | None, *team: Professional) -> Plan:
        p = base.make_plan(people[person], status=status, next_review_date=review)
        for professional in team:
            base.add_to_care_team(p, professional)
        return p

    a = plan("Amara", "active", dt.date(2026, 7, 28), staff.ben, staff.fay, staff.gus)
    a_old = plan("Amara", "closed", None, staff.ben)
    b = plan("Bilal", "active", dt.date(2026, 6, 1), staff.dana, staff.eli)
    c = plan("Cara", "closed", dt.date(2026, 5, 1), staff.ben)
    d = plan("Dev", "active", dt.date(2026, 7, 29), staff.dana)
    e = plan("Esi", "active", dt.date(2026, 6, 1), staff.fay, staff.gus)
    f = plan("Finn", "draft", dt.date(2026, 7, 20), staff.eli)
    g = plan("Gita", "active", dt.date(2026, 6, 1), staff.ben, staff.eli)
    of.remove_from_care_team(a, staff.gus, at(2026, 3, 1))
    of.remove_from_care_team(e, staff.gus, at(2026, 3, 1))
    of.remove_from_care_team(g, staff.ben, at(2026, 3, 1))

    def outcome(p: Plan, by: object, area: str, **fields: object) -> ValuedOutcome:
        fields.setdefault("created_at", WRITTEN)
        return base.make_outcome(p, by, area, **fields)  # type: ignore[arg-type]

    def rate(o: ValuedOutcome, by: object, score: int, on: dt.date, **fields: object) -> None:
        base.make_rating(o, by, score, on, **fields)  # type: ignore[arg-type]

    d26 = lambda m, day: dt.date(2026, m, day)  # noqa: E731

    o1 = outcome(a, amara, "Work and learning")
    for score, on in [(3, d26(3, 1)), (5, d26(5, 1)), (6, d26(6, 15)), (2, d26(7, 10))]:
        rate(o1, amara, score, on)
    rate(o1, ben, 4, d26(3, 1))
    rate(o1, ben, 4, d26(6, 15))
    o2 = outcome(a, amara, "Home")
    rate(o2, amara, 7, d26(2, 1))
    rate(o2, amara, 5, d26(6, 1))
    rate(o2, ben, 6, d26(6, 1))
    o3 = outcome(
        a,
        amara,
        "Mental wellbeing",
        removed_at=at(2026, 5, 2),
        status="achieved",
        status_changed_at=at(2026, 5, 1),
    )
    rate(o3, amara, 1, d26(3, 1))
    rate(o3, amara, 9, d26(4, 1))
    outcome(a, amara, "Money", status="achieved", status_changed_at=at(2026, 5, 15, 10))
    o5 = outcome(
        a_old, amara, "Mental wellbeing", status="achieved", status_changed_at=at(2026, 4, 1, 0, 30)
    )
    rate(o5, amara, 2, dt.date(2025, 10, 1))
    rate(o5, amara, 4, dt.date(2025, 12, 1))
    rate(o5, ben, 5, dt.date(2025, 10, 1))
    rate(o5, ben, 3, dt.date(2025, 12, 1))
    o6 = outcome(
        b, bilal, "Work and learning", status="achieved", status_changed_at=at(2026, 7, 1, 0, 30)
    )
    rate(o6, bilal, 8, d26(4, 1))
    rate(o6, bilal, 6, d26(5, 1))
    rate(o6, dana, 7, d26(5, 1))
    rate(o6, dana, 5, d26(5, 1))
    o7 = outcome(b, dana, "Home")
    rate(o7, dana, 3, d26(4, 10))
    rate(o7, dana, 6, d26(6, 10))
    o8 = outcome(b, bilal, "Home")
    rate(o8, bilal, 5, d26(6, 20))
    o9 = outcome(b, bilal, "Money", status="let_go", status_changed_at=at(2026, 6, 1))
    rate(o9, bilal, 4, d26(7, 5))
    o10 = outcome(c, ben, "Work and learning")
    rate(o10, cara, 5, d26(1, 10))
    rate(o10, cara, 5, d26(3, 10))
    rate(o10, ben, 2, d26(1, 10))
    rate(o10, ben, 8, d26(6, 10))
    o11 = outcome(a, amara, "Work and learning", created_at=at(2026, 7, 5))
    rate(o11, amara, 3, d26(7, 5))
    rate(o11, amara, 4, d26(7, 6))

    # Not North's: would change every figure if they leaked in.
    esi, gita = people["Esi"].user, people["Gita"].user
    oe = outcome(e, esi, "Work and learning", status="achieved", status_changed_at=at(2026, 5, 20))
    rate(oe, esi, 1, d26(3, 1))
    rate(oe, esi, 10, d26(5, 1))
    rate(oe, fay, 9, d26(3, 1))
    rate(oe, fay, 1, d26(5, 1))
    og = outcome(g, gita, "Home")
    rate(og, gita, 2, d26(3, 1))
    rate(og, gita, 3, d26(4, 1))
    for _ in range(3):
        of.make_area_expertise(e, esi, ExpertiseKind.STRENGTHS, "Home")
    of.make_proposal(e, fay, created_at=at(2026, 5, 1, 9), status=ACCEPTED, area_name="Home")

    # Who wrote what (current items only count).
    of.make_area_expertise(a, amara, ExpertiseKind.MY_SITUATION)
    of.make_area_expertise(a, amara, ExpertiseKind.STRENGTHS, "Work and learning")
    of.make_area_expertise(a, ben, ExpertiseKind.SEEN_WITH_OTHERS, "Home")
    of.make_area_expertise(
        a, ben, ExpertiseKind.CONTRIBUTING_FACTORS, "Home", removed_at=at(2026, 5, 1)
    )
    of.make_area_expertise(b, dana, ExpertiseKind.RESOURCES_ELSEWHERE)
    base.make_resource(a, ben, "Work and learning")
    base.make_resource(a, amara, "Home", name="My friend Jo drives me", control="personal")
    base.make_resource(b, dana, "Home")
    base.make_resource(c, ben, "Work and learning", removed_at=at(2026, 5, 1))
    base.make_commitment(a, amara, area_name="Work and learning")
    base.make_commitment(a, ben, area_name="Work and learning")
    base.make_commitment(d, dana, area_name="Mental wellbeing")

    # Leadership: everything starts at "person leads".
    of.set_leadership(a, "Work and learning", Leadership.SHARED)
    of.set_leadership(a, "Mental wellbeing", Leadership.PROFESSIONAL_LEADS)
    of.set_leadership(b, "Money", Leadership.PERSON_LEADS_WITH_SUPPORT)
    of.set_leadership(b, "Home", Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    of.set_leadership(c, "Staying safe", Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    of.add_life_area(a, "Music")

    # Suggestions, answered after a known number of hours.
    of.make_proposal(
        a,
        ben,
        created_at=at(2026, 5, 1, 9),
        status=ACCEPTED,
        answered_after=2 * HOURS,
        area_name="Work and learning",
    )  # p1
    of.make_proposal(
        a,
        ben,
        created_at=at(2026, 5, 2, 9),
        status=DECLINED,
        answered_after=5 * HOURS,
        area_name="Home",
    )  # p2
    of.make_proposal(a, ben, created_at=at(2026, 5, 3, 9))  # p3: about the whole plan, waiting
    of.make_proposal(
        a,
        amara,
        created_at=at(2026, 5, 4, 9),
        status=ACCEPTED,
        answered_after=24 * HOURS,
        area_name="Mental wellbeing",
        action=Proposal.Action.LEADERSHIP,
        item_type="life_area",
    )  # p4
    of.make_proposal(
        b,
        dana,
        created_at=at(2026, 6, 1, 9),
        status=ACCEPTED,
        answered_after=9 * HOURS,
        area_name="Home",
    )  # p5
    of.make_proposal(
        b,
        dana,
        created_at=at(2026, 6, 2, 9),
        status=WITHDRAWN,
        answered_after=1 * HOURS,
        area_name="Home",
    )  # p6
    of.make_proposal(
        b,
        bilal,
        created_at=at(2026, 6, 3, 9),
        status=DECLINED,
        answered_after=4 * HOURS,
        area_name="Money",
    )  # p7
    of.make_proposal(b, bilal, created_at=at(2026, 6, 4, 9), area_name="Home")  # p8: waiting
    # Just outside the period on the London clock (inside it in UTC, or the reverse).
    of.make_proposal(
        a, ben, created_at=at(2026, 3, 31, 23, 30), status=ACCEPTED, area_name="Work and learning"
    )  # p9
    of.make_proposal(
        b, bilal, created_at=at(2026, 7, 1, 0, 30), status=ACCEPTED, area_name="Work and learning"
    )  # p10

    return Caseload(plans={"A": a, "A_old": a_old, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g})


def north(staff: Staff, **options: object) -> DashboardFilter:
    fields: dict[str, object] = {"team_id": staff.north.pk, "start": START, "end": END}
    fields.update(options)
    return DashboardFilter(**fields)  # type: ignore[arg-type]


def plan_names(caseload: Caseload, plans: object) -> list[str]:
    by_pk = {p.pk: name for name, p in caseload.plans.items()}
    return sorted(by_pk[p.pk] for p in plans)  # type: ignore[attr-defined]


# --- 1. Caseload ---------------------------------------------------------------


def test_caseload_counts_plans_with_a_current_member_of_the_team(
    staff: Staff, caseload: Caseload
) -> None:
    # A, A_old, B, C, D. People: Amara (twice), Bilal, Cara, Dev = 4.
    # Active: A, B, D. Closed: A_old, C.
    # Due (today 06-30 .. end + 28 days = 07-28): A (07-28). D (07-29) is a day late for it.
    # Overdue: B (06-01). C (05-01) is closed, so not overdue.
    assert metrics.caseload_figures(north(staff), today=TODAY) == CaseloadFigures(
        people=4, plans=5, active_plans=3, closed_plans=2, reviews_due=1, reviews_overdue=1
    )


def test_south_caseload_includes_a_professional_who_moved_there(
    staff: Staff, caseload: Caseload
) -> None:
    # South now: A (fay), B (eli), E (fay), F (eli), G (eli). Active A, B, E, G; F is a draft.
    # Due: A (07-28), F (07-20). Overdue: B, E, G (06-01).
    south = DashboardFilter(team_id=staff.south.pk, start=START, end=END)
    assert metrics.caseload_figures(south, today=TODAY) == CaseloadFigures(
        people=5, plans=5, active_plans=4, closed_plans=0, reviews_due=2, reviews_overdue=3
    )
    # North keeps A through ben; E, which only fay (now South) is on, is not North's.
    assert plan_names(caseload, metrics.plans_behind(north(staff), ("caseload", "plans"))) == [
        "A",
        "A_old",
        "B",
        "C",
        "D",
    ]


def test_a_review_due_today_is_due_not_overdue(staff: Staff, caseload: Caseload) -> None:
    Plan.objects.filter(pk=caseload.plans["D"].pk).update(next_review_date=TODAY)
    figures = metrics.caseload_figures(north(staff), today=TODAY)
    assert (figures.reviews_due, figures.reviews_overdue) == (2, 1)


# --- 2. Change since the first rating ---------------------------------------------


def test_outcome_change_from_each_side(staff: Staff, caseload: Caseload) -> None:
    change = metrics.outcome_change(north(staff))
    # o1 o2 o4 o5 o6 o7 o8 o9 o10: o3 is removed, o11 was written after the end.
    assert change.outcomes == 9
    # Person: improved o1 (3→6, the 07-10 rating is after the end), o5 (2→4);
    # unchanged o10 (5→5); worsened o2 (7→5), o6 (8→6); one rating o8;
    # none by the end o4, o7, o9.
    assert change.person == SideChange(
        improved=2, unchanged=1, worsened=2, not_enough_ratings=1, not_rated=3
    )
    # Professional: improved o7 (3→6), o10 (2→8); unchanged o1 (4→4); worsened o5 (5→3),
    # o6 (7→5: the same day, in the order recorded); one rating o2; none o4, o8, o9.
    assert change.professional == SideChange(
        improved=2, unchanged=1, worsened=2, not_enough_ratings=1, not_rated=3
    )
    # Both sides' latest: o1 6/4 (gap 2), o2 5/6 (1), o5 4/3 (1), o6 6/5 (1), o10 5/8 (3).
    # Agree (at most 1 apart): o2, o5, o6. Mean gap (2+1+1+1+3)/5 = 1.6.
    assert change.agreement == Agreement(both_rated=5, agree=3, disagree=2, mean_gap=1.6)


def test_outcome_change_as_of_an_earlier_end(staff: Staff, caseload: Caseload) -> None:
    change = metrics.outcome_change(
        north(staff, start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 31))
    )
    # Person by 05-31: improved o1 (3→5), o5; unchanged o10; worsened o6 (8→6);
    # one rating o2 (7); none o4, o7, o8, o9.
    assert change.person == SideChange(
        improved=2, unchanged=1, worsened=1, not_enough_ratings=1, not_rated=4
    )
    # Professional by 05-31: worsened o5, o6; one rating o1 (4), o7 (3), o10 (2);
    # none o2, o4, o8, o9.
    assert change.professional == SideChange(
        improved=0, unchanged=0, worsened=2, not_enough_ratings=3, not_rated=4
    )
    # Both: o1 5/4 (1), o5 4/3 (1), o6 6/5 (1), o10 5/2 (3). Mean 6/4.
    assert change.agreement == Agreement(both_rated=4, agree=3, disagree=1, mean_gap=1.5)


def test_outcome_change_with_no_outcomes(staff: Staff, caseload: Caseload) -> None:
    change = metrics.outcome_change(north(staff, professional_id=staff.gus.pk))
    assert change.outcomes == 0
    assert change.person == SideChange(0, 0, 0, 0, 0)
    assert change.agreement == Agreement(both_rated=0, agree=0, disagree=0, mean_gap=None)


# --- 3. Achieved in the period --------------------------------------------------------


def test_outcomes_achieved_in_the_period(staff: Staff, caseload: Caseload) -> None:
    # Achieved: o4 (05-15), o5 (00:30 on 1 April, London). Not o6 (00:30 on 1 July,
    # London), not the removed o3, not Esi's (South). Let go: o9 (06-01).
    assert metrics.outcomes_achieved(north(staff)) == OutcomesClosed(achieved=2, let_go=1)
    may = north(staff, start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 31))
    assert metrics.outcomes_achieved(may) == OutcomesClosed(achieved=1, let_go=0)
    july = north(staff, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31))
    assert metrics.outcomes_achieved(july) == OutcomesClosed(achieved=1, let_go=0)


# --- 4. Change by life area -----------------------------------------------------------


def test_change_by_life_area(staff: Staff, caseload: Caseload) -> None:
    areas = metrics.change_by_life_area(north(staff))
    assert areas == [
        # o2 (P 7→5), o7 (R 3→6), o8 (one rating).
        LifeAreaChange("Home", 3, 1, -2.0, 1, 3.0),
        # o5 (P 2→4, R 5→3); the removed o3 (P 1→9) is left out.
        LifeAreaChange("Mental wellbeing", 1, 1, 2.0, 1, -2.0),
        # o4 never rated; o9 rated only after the end.
        LifeAreaChange("Money", 2, 0, None, 0, None),
        # P: o1 +3, o6 -2, o10 0 → 1/3. R: o1 0, o6 -2, o10 +6 → 4/3 (checked below).
        LifeAreaChange(
            "Work and learning", 3, 3, areas[3].person_average, 3, areas[3].professional_average
        ),
    ]
    assert areas[3].person_average == pytest.approx(1 / 3)
    assert areas[3].professional_average == pytest.approx(4 / 3)


# --- 5. Co-production -------------------------------------------------------------------


def test_content_share_counts_current_items_by_side(staff: Staff, caseload: Caseload) -> None:
    share = metrics.content_share(north(staff))
    assert share.by_kind == {
        # Person: o1 o2 o4 o5 o6 o8 o9 o11 (all current content, whatever the period);
        # professional: o7 (dana), o10 (ben). The removed o3 is left out.
        "outcomes": {"person": 8, "professional": 2},
        # The removed one of ben's and Esi's (South) three are left out.
        "expertise": {"person": 2, "professional": 2},
        "resources": {"person": 1, "professional": 2},
        "commitments": {"person": 1, "professional": 2},
        # Nobody wrote "about me" on these plans.
        "about": {"person": 0, "professional": 0},
    }
    assert (share.person, share.professional, share.person_share) == (12, 8, 0.6)
    # Made by factories, not through the services: no changes in any history.
    assert share.changes == {"person": 0, "professional": 0}


def test_leadership_balance(staff: Staff, caseload: Caseload) -> None:
    balance = metrics.leadership_balance(north(staff))
    # 5 plans x 7 areas + Amara's own "Music" = 36; five were moved off "person leads".
    assert balance.by_level == {1: 31, 2: 1, 3: 1, 4: 2, 5: 1}
    assert (balance.person_led, balance.shared, balance.professional_led) == (32, 1, 3)


def test_proposals_by_side(staff: Staff, caseload: Caseload) -> None:
    # Professional: p1 accepted in 2h, p2 declined in 5h, p3 waiting, p5 accepted in 9h,
    # p6 withdrawn. Median of 2, 5, 9 = 5. p9 (23:30 on 31 March) is before the period.
    # Person: p4 accepted in 24h, p7 declined in 4h, p8 waiting. Median of 4, 24 = 14.
    # p10 (00:30 on 1 July) is after it; Esi's is South's.
    assert metrics.proposal_figures(north(staff)) == {
        "professional": ProposalFigures(
            made=5, accepted=2, declined=1, withdrawn=1, waiting=1, median_hours_to_answer=5.0
        ),
        "person": ProposalFigures(
            made=3, accepted=1, declined=1, withdrawn=0, waiting=1, median_hours_to_answer=14.0
        ),
    }


def test_proposals_in_a_shorter_period(staff: Staff, caseload: Caseload) -> None:
    may = north(staff, start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 31))
    # p2 declined in 5h, p3 waiting; p4 accepted in 24h.
    assert metrics.proposal_figures(may) == {
        "professional": ProposalFigures(2, 0, 1, 0, 1, 5.0),
        "person": ProposalFigures(1, 1, 0, 0, 0, 24.0),
    }


def test_proposals_with_none_made(staff: Staff, caseload: Caseload) -> None:
    march = north(staff, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 30))
    assert metrics.proposal_figures(march) == {
        "professional": ProposalFigures(0, 0, 0, 0, 0, None),
        "person": ProposalFigures(0, 0, 0, 0, 0, None),
    }


# --- Filters ----------------------------------------------------------------------------


def test_life_area_filter(staff: Staff, caseload: Caseload) -> None:
    home = north(staff, life_area_name="Home")
    # Every plan has a "Home" area: the caseload is unchanged.
    assert metrics.caseload_figures(home, today=TODAY) == CaseloadFigures(4, 5, 3, 2, 1, 1)
    change = metrics.outcome_change(home)
    # o2 (P 7→5, R one), o7 (R 3→6, P none), o8 (P one, R none).
    assert change.outcomes == 3
    assert change.person == SideChange(0, 0, 1, 1, 1)
    assert change.professional == SideChange(1, 0, 0, 1, 1)
    assert change.agreement == Agreement(both_rated=1, agree=1, disagree=0, mean_gap=1.0)
    assert metrics.outcomes_achieved(home) == OutcomesClosed(0, 0)
    assert [a.name for a in metrics.change_by_life_area(home)] == ["Home"]
    share = metrics.content_share(home)
    # Outcomes o2, o8 / o7; ben's Home expertise; Amara's friend / dana's resource.
    assert share.by_kind == {
        "outcomes": {"person": 2, "professional": 1},
        "expertise": {"person": 0, "professional": 1},
        "resources": {"person": 1, "professional": 1},
        "commitments": {"person": 0, "professional": 0},
        # "About me" is about the whole plan: left out with a life area chosen.
        "about": {"person": 0, "professional": 0},
    }
    assert metrics.leadership_balance(home).by_level == {1: 4, 2: 0, 3: 0, 4: 1, 5: 0}
    # p2 declined 5h, p5 accepted 9h, p6 withdrawn; p8 waiting. Median of 5, 9 = 7.
    assert metrics.proposal_figures(home) == {
        "professional": ProposalFigures(3, 1, 1, 1, 0, 7.0),
        "person": ProposalFigures(1, 0, 0, 0, 1, None),
    }


def test_life_area_only_one_person_has(staff: Staff, caseload: Caseload) -> None:
    music = north(staff, life_area_name="Music")
    assert metrics.caseload_figures(music, today=TODAY) == CaseloadFigures(1, 1, 1, 0, 1, 0)
    assert metrics.leadership_balance(music).by_level == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}
    assert metrics.outcome_change(music).outcomes == 0


def test_professional_filter(staff: Staff, caseload: Caseload) -> None:
    dana = north(staff, professional_id=staff.dana.pk)
    # B and D. Due: none (D is 07-29). Overdue: B.
    assert metrics.caseload_figures(dana, today=TODAY) == CaseloadFigures(2, 2, 2, 0, 0, 1)
    change = metrics.outcome_change(dana)
    # o6 (P 8→6, R 7→5), o7 (R 3→6), o8 (P one), o9 (P after the end).
    assert change.outcomes == 4
    assert change.person == SideChange(0, 0, 1, 1, 2)
    assert change.professional == SideChange(1, 0, 1, 0, 2)
    assert change.agreement == Agreement(both_rated=1, agree=1, disagree=0, mean_gap=1.0)
    # o9 let go.
    assert metrics.outcomes_achieved(dana) == OutcomesClosed(0, 1)
    # p5 accepted 9h, p6 withdrawn; p7 declined 4h, p8 waiting.
    assert metrics.proposal_figures(dana) == {
        "professional": ProposalFigures(2, 1, 0, 1, 0, 9.0),
        "person": ProposalFigures(2, 0, 1, 0, 1, 4.0),
    }


def test_professionals_who_left(staff: Staff, caseload: Caseload) -> None:
    # gus was removed from every care team he was on: nothing is his now.
    gus = north(staff, professional_id=staff.gus.pk)
    assert metrics.caseload_figures(gus, today=TODAY) == CaseloadFigures(0, 0, 0, 0, 0, 0)
    assert metrics.leadership_balance(gus).by_level == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    # fay moved to South but is still on Amara's care team, which ben keeps in North's caseload.
    fay = north(staff, professional_id=staff.fay.pk)
    assert metrics.caseload_figures(fay, today=TODAY) == CaseloadFigures(1, 1, 1, 0, 1, 0)
    assert plan_names(caseload, metrics.plans_behind(fay, ("caseload", "plans"))) == ["A"]
    # ben leaving North takes A, A_old and C out of it; D still has dana, B dana.
    of.move_to_team(staff.ben, None)
    assert metrics.caseload_figures(north(staff), today=TODAY) == CaseloadFigures(2, 2, 2, 0, 0, 1)


def test_filter_needs_a_period_in_order(staff: Staff) -> None:
    with pytest.raises(ValueError, match="period"):
        DashboardFilter(team_id=staff.north.pk, start=END, end=START)


# --- 6. Drill-down -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (("caseload", "people"), ["A", "A_old", "B", "C", "D"]),
        (("caseload", "active_plans"), ["A", "B", "D"]),
        (("caseload", "closed_plans"), ["A_old", "C"]),
        (("caseload", "reviews_due"), ["A"]),
        (("caseload", "reviews_overdue"), ["B"]),
        (("outcomes", "person", "improved"), ["A", "A_old"]),
        (("outcomes", "person", "unchanged"), ["C"]),
        (("outcomes", "person", "worsened"), ["A", "B"]),
        (("outcomes", "person", "not_enough_ratings"), ["B"]),
        (("outcomes", "person", "not_rated"), ["A", "B"]),  # B once, for o7 and o9
        (("outcomes", "professional", "improved"), ["B", "C"]),
        (("outcomes", "professional", "worsened"), ["A_old", "B"]),
        (("outcomes", "professional", "not_rated"), ["A", "B"]),
        (("agreement", "both_rated"), ["A", "A_old", "B", "C"]),
        (("agreement", "agree"), ["A", "A_old", "B"]),
        (("agreement", "disagree"), ["A", "C"]),
        (("achieved", "achieved"), ["A", "A_old"]),
        (("achieved", "let_go"), ["B"]),
        (("life_area", "Work and learning", "professional"), ["A", "B", "C"]),
        (("life_area", "Home", "person"), ["A"]),
        (("life_area", "Money", "person"), []),
        (("content", "person"), ["A", "A_old", "B"]),
        (("content", "professional"), ["A", "B", "C", "D"]),
        (("leadership", "3"), ["A"]),
        (("leadership", "professional_led"), ["A", "B", "C"]),
        (("leadership", "person_led"), ["A", "A_old", "B", "C", "D"]),
        (("proposals", "professional", "made"), ["A", "B"]),
        (("proposals", "professional", "accepted"), ["A", "B"]),
        (("proposals", "person", "waiting"), ["B"]),
        (("proposals", "person", "withdrawn"), []),
    ],
)
def test_plans_behind_each_figure(
    staff: Staff,
    caseload: Caseload,
    cell: tuple[str, ...],
    expected: list[str],
    django_assert_num_queries: object,
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        plans = list(metrics.plans_behind(north(staff), cell, today=TODAY))
        names = [p.person.user.name for p in plans]  # select_related: no extra query
    assert plan_names(caseload, plans) == expected
    assert len(names) == len(expected)


def test_plans_behind_follow_the_filter(staff: Staff, caseload: Caseload) -> None:
    def names(f: DashboardFilter, cell: tuple[str, ...]) -> list[str]:
        return plan_names(caseload, metrics.plans_behind(f, cell))

    # Home outcomes improved from the professional side: o7 only.
    assert names(north(staff, life_area_name="Home"), ("outcomes", "professional", "improved")) == [
        "B"
    ]
    assert names(north(staff, professional_id=staff.dana.pk), ("content", "person")) == ["B"]
    may = north(staff, start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 31))
    assert names(may, ("achieved", "achieved")) == ["A"]
    assert names(may, ("proposals", "person", "made")) == ["A"]


@pytest.mark.parametrize(
    "cell",
    [
        ("nope",),
        ("outcomes", "person", "great"),
        ("leadership", "6"),
        ("proposals", "robot", "made"),
    ],
)
def test_unknown_figure(staff: Staff, cell: tuple[str, ...]) -> None:
    with pytest.raises(metrics.UnknownMetric):
        metrics.plans_behind(north(staff), cell)


# --- Queries stay flat as the caseload grows --------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT compilation is PostgreSQL's")
@pytest.mark.django_db
def test_postgresql_never_compiles_the_figures_statements() -> None:
    # Compiling the dashboard's hundred aggregates took seconds, running them a
    # fraction of one; from some 13,000 plans PostgreSQL would do it at every load.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


PROPOSAL_QUERIES = 1 if connection.vendor == "postgresql" else 2
FIGURES = {
    "caseload_figures": 1,
    "outcome_change": 1,
    "outcomes_achieved": 1,
    "change_by_life_area": 1,
    "content_share": 1,
    "leadership_balance": 1,
    "proposal_figures": PROPOSAL_QUERIES,
    "reply_figures": 1,
}


def query_counts(f: DashboardFilter) -> dict[str, int]:
    counts = {}
    for name in FIGURES:
        with CaptureQueriesContext(connection) as queries:
            getattr(metrics, name)(f)
        counts[name] = len(queries)
    return counts


def test_queries_do_not_grow_with_the_caseload(
    staff: Staff, caseload: Caseload, django_assert_max_num_queries: object
) -> None:
    f = north(staff)
    for name, most in FIGURES.items():
        with django_assert_max_num_queries(most):  # type: ignore[operator]
            getattr(metrics, name)(f)
    before = query_counts(f)

    build_caseload(staff, "2")
    build_caseload(staff, "3")

    assert query_counts(f) == before
    # Six single-query figures (replies the sixth), and the suggestions.
    with django_assert_max_num_queries(6 + PROPOSAL_QUERIES):  # type: ignore[operator]
        board = metrics.dashboard(f, today=TODAY)
    # Three copies of the same caseload: three times the counts, the same medians.
    assert board.caseload == CaseloadFigures(12, 15, 9, 6, 3, 3)
    assert board.outcomes.person == SideChange(6, 3, 6, 3, 9)
    assert board.outcomes.agreement == Agreement(15, 9, 6, 1.6)  # 24 / 15
    assert board.achieved == OutcomesClosed(6, 3)
    assert board.content.person == 36
    assert board.leadership.by_level == {1: 93, 2: 3, 3: 3, 4: 6, 5: 3}
    assert board.proposals["person"] == ProposalFigures(9, 3, 3, 0, 3, 14.0)
    assert board.proposals["professional"] == ProposalFigures(15, 6, 3, 3, 3, 5.0)
