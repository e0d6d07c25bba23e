"""The rules of co-production as a table: every balance x side x action."""

from __future__ import annotations

import pytest

from coproduce.models import Side
from plans.models import Leadership
from plans.rules import Act, Decision, decide, decide_rating, effective_leadership, expertise_side

A, P = Decision.APPLY, Decision.PROPOSE
PERSON, PRO = Side.PERSON, Side.PROFESSIONAL

# (balance, side) -> decision for add / change / remove; leadership is always a proposal.
TABLE = {
    (Leadership.PERSON_LEADS, PERSON): A,
    (Leadership.PERSON_LEADS, PRO): P,
    (Leadership.PERSON_LEADS_WITH_SUPPORT, PERSON): A,
    (Leadership.PERSON_LEADS_WITH_SUPPORT, PRO): P,
    (Leadership.SHARED, PERSON): A,
    (Leadership.SHARED, PRO): A,
    (Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT, PERSON): P,
    (Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT, PRO): A,
    (Leadership.PROFESSIONAL_LEADS, PERSON): P,
    (Leadership.PROFESSIONAL_LEADS, PRO): A,
}
CASES = [
    (balance, side, act, expected if act != Act.LEADERSHIP else P)
    for (balance, side), expected in TABLE.items()
    for act in Act
]


def test_table_covers_every_combination() -> None:
    assert len(CASES) == len(Leadership) * len(Side) * len(Act) == 40


@pytest.mark.parametrize(("balance", "side", "act", "expected"), CASES)
def test_decision(balance: int, side: str, act: str, expected: Decision) -> None:
    assert decide(balance, side, act) == expected


@pytest.mark.parametrize(("balance", "side", "act", "expected"), CASES)
def test_nothing_changes_on_a_closed_plan(
    balance: int, side: str, act: str, expected: Decision
) -> None:
    assert decide(balance, side, act, plan_closed=True) == Decision.REFUSE


def test_unknown_side_is_refused() -> None:
    assert decide(Leadership.SHARED, "staff", Act.ADD) == Decision.REFUSE


@pytest.mark.parametrize(
    ("item_type", "kind", "area", "expected"),
    [
        ("outcome", "", Leadership.SHARED, Leadership.SHARED),
        ("resource", "", Leadership.PROFESSIONAL_LEADS, Leadership.PROFESSIONAL_LEADS),
        ("commitment", "", Leadership.PERSON_LEADS, Leadership.PERSON_LEADS),
        # "about me" and new parts of life are the person's to write
        ("about", "", None, Leadership.PERSON_LEADS),
        ("life_area", "", None, Leadership.PERSON_LEADS),
        # each side owns its own kind of expertise
        ("expertise", "strengths", None, Leadership.PERSON_LEADS),
        ("expertise", "contributing_factors", None, Leadership.PROFESSIONAL_LEADS),
    ],
)
def test_effective_leadership(item_type: str, kind: str, area: int | None, expected: int) -> None:
    assert effective_leadership(item_type, area_leadership=area, kind=kind) == expected


def test_area_items_need_an_area() -> None:
    with pytest.raises(ValueError, match="needs a life area"):
        effective_leadership("outcome", area_leadership=None)


@pytest.mark.parametrize(
    ("kind", "writer", "expected"),
    [
        # a new entry (no kind yet) is its writer's own
        ("", PERSON, PERSON),
        ("", PRO, PRO),
        # an entry's kind says whose knowledge it is, whoever is editing it
        ("strengths", PRO, PERSON),
        ("my_people", PERSON, PERSON),
        ("contributing_factors", PERSON, PRO),
        ("resources_we_control", PRO, PRO),
    ],
)
def test_expertise_side(kind: str, writer: str, expected: str) -> None:
    assert expertise_side(kind, writer_side=writer) == expected


@pytest.mark.parametrize("side", [PERSON, PRO])
def test_a_new_expertise_entry_is_led_by_its_writers_side(side: str) -> None:
    leadership = effective_leadership("expertise", area_leadership=None, side=side)
    assert leadership == (
        Leadership.PERSON_LEADS if side == PERSON else Leadership.PROFESSIONAL_LEADS
    )
    assert decide(leadership, side, Act.ADD) == A


@pytest.mark.parametrize(
    ("plan_closed", "worked_on", "expected"),
    [
        (False, True, A),  # a rating is one side's own view: never a suggestion
        (False, False, Decision.REFUSE),  # achieved, let go or removed
        (True, True, Decision.REFUSE),
        (True, False, Decision.REFUSE),
    ],
)
def test_rating(plan_closed: bool, worked_on: bool, expected: Decision) -> None:
    assert decide_rating(plan_closed=plan_closed, outcome_worked_on=worked_on) == expected
