"""The rules of co-production as a table: every balance x side x action x owner x protected."""

from __future__ import annotations

import itertools

import pytest

from coproduce.models import SUPPORTER, Side
from plans import rules
from plans.models import Leadership
from plans.rules import (
    Act,
    Decision,
    LifeAct,
    Role,
    Stage,
    balance_sentence,
    decide,
    decide_rating,
    effective_leadership,
    expertise_side,
    may_agree,
    may_answer_supporter_suggestion,
    may_do,
    may_withdraw_supporter_suggestion,
    owner_side,
    tells_person,
)

A, P, U = Decision.APPLY, Decision.PROPOSE, Decision.APPLY_UNAGREED
PERSON, PRO = Side.PERSON, Side.PROFESSIONAL
PL, PLS, SH, PLA, PRL = (
    Leadership.PERSON_LEADS,
    Leadership.PERSON_LEADS_WITH_SUPPORT,
    Leadership.SHARED,
    Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT,
    Leadership.PROFESSIONAL_LEADS,
)

# Add, change and remove of an item that is not someone's own words:
# (balance, side editing, whose item it is) -> decision.
ITEMS: dict[tuple[int, str, str], Decision] = {
    # Person leads: the person's edits apply; every professional edit is a suggestion.
    (PL, PERSON, PERSON): A,
    (PL, PERSON, PRO): A,
    (PL, PRO, PRO): P,
    (PL, PRO, PERSON): P,
    # ...with support: professionals add and keep their own contributions at once.
    (PLS, PERSON, PERSON): A,
    (PLS, PERSON, PRO): A,
    (PLS, PRO, PRO): A,
    (PLS, PRO, PERSON): P,
    # Shared: each side's own at once; the other side's is a suggestion.
    (SH, PERSON, PERSON): A,
    (SH, PERSON, PRO): P,
    (SH, PRO, PRO): A,
    (SH, PRO, PERSON): P,
    # Professionals lead with agreement: their edits apply, waiting for the person to agree.
    (PLA, PERSON, PERSON): A,
    (PLA, PERSON, PRO): P,
    (PLA, PRO, PRO): U,
    (PLA, PRO, PERSON): U,
    # Professionals lead: their edits apply; the person's to professional content are suggestions.
    (PRL, PERSON, PERSON): A,
    (PRL, PERSON, PRO): P,
    (PRL, PRO, PRO): A,
    (PRL, PRO, PERSON): A,
}


def expected(balance: int, side: str, act: str, owner: str, protected: bool) -> Decision:
    if act == Act.LEADERSHIP:
        return P  # a balance changes only by agreement
    if protected:
        return A if side == owner else P  # someone's own words, at every balance
    return ITEMS[(balance, side, owner)]


CASES = [
    (balance, side, act, owner, protected, expected(balance, side, act, owner, protected))
    for balance, side, act, owner, protected in itertools.product(
        Leadership, Side, Act, Side, [False, True]
    )
]

# A supporter's add, change or remove, of either side's item, own words or not.
SUPPORTER_CASES = list(
    itertools.product(Leadership, [Act.ADD, Act.CHANGE, Act.REMOVE], Side, [False, True])
)


def test_table_covers_every_combination() -> None:
    assert len(ITEMS) == len(Leadership) * len(Side) * len(Side)
    assert len(CASES) == len(Leadership) * len(Side) * len(Act) * len(Side) * 2 == 160


@pytest.mark.parametrize(("balance", "side", "act", "owner", "protected", "expected"), CASES)
def test_decision(
    balance: int, side: str, act: str, owner: str, protected: bool, expected: Decision
) -> None:
    assert decide(balance, side, act, owner_side=owner, protected=protected) == expected


@pytest.mark.parametrize(("balance", "side", "act", "owner", "protected", "expected"), CASES)
def test_nothing_changes_on_a_closed_plan(
    balance: int, side: str, act: str, owner: str, protected: bool, expected: Decision
) -> None:
    decision = decide(balance, side, act, owner_side=owner, protected=protected, plan_closed=True)
    assert decision == Decision.REFUSE


def test_unknown_side_is_refused() -> None:
    assert decide(Leadership.SHARED, "staff", Act.ADD, owner_side="staff") == Decision.REFUSE


@pytest.mark.parametrize("balance", list(Leadership))
@pytest.mark.parametrize("act", [Act.ADD, Act.CHANGE, Act.REMOVE])
def test_the_persons_words_are_theirs_at_every_balance(balance: int, act: str) -> None:
    owner = owner_side("outcome", writer_side=PRO, created_side=PRO)
    assert owner == PERSON
    assert decide(balance, PRO, act, owner_side=owner, protected=True) == P
    assert decide(balance, PERSON, act, owner_side=owner, protected=True) == A


@pytest.mark.parametrize(
    ("item_type", "writer", "created_side", "kind", "who_side", "owner"),
    [
        # a valued outcome, "about me" and the parts of life are always the person's
        ("outcome", PRO, "", "", "", PERSON),
        ("outcome", PRO, PRO, "", "", PERSON),
        ("about", PRO, "", "", "", PERSON),
        ("life_area", PRO, "", "", "", PERSON),
        # expertise is its kind's side; a new entry is its writer's
        ("expertise", PRO, PRO, "strengths", "", PERSON),
        ("expertise", PERSON, "", "", "", PERSON),
        ("expertise", PRO, "", "", "", PRO),
        # an existing item is its author's side
        ("resource", PERSON, PRO, "", "", PRO),
        ("commitment", PRO, PERSON, "", PRO, PERSON),
        # a new commitment is the side of whoever makes it
        ("commitment", PRO, "", "", PERSON, PERSON),
        ("commitment", PRO, "", "", PRO, PRO),
        ("resource", PRO, "", "", "", PRO),
    ],
)
def test_owner_side(
    item_type: str, writer: str, created_side: str, kind: str, who_side: str, owner: str
) -> None:
    assert (
        owner_side(
            item_type,
            writer_side=writer,
            created_side=created_side,
            kind=kind,
            who_side=who_side,
        )
        == owner
    )


@pytest.mark.parametrize("balance", list(Leadership))
@pytest.mark.parametrize("side", list(Side))
def test_every_balance_has_a_sentence_for_each_side(balance: int, side: str) -> None:
    sentence = balance_sentence(balance, side, "Amara")
    assert sentence.endswith(".")
    assert ("Amara" in sentence) == (side == PRO)


@pytest.mark.parametrize(
    ("balance", "owner", "told"),
    [(b, o, b == PLS and o == PRO) for b, o in itertools.product(Leadership, Side)],
)
def test_person_is_told_of_professional_additions_only_where_they_lead_with_support(
    balance: int, owner: str, told: bool
) -> None:
    assert tells_person(balance, owner) == told


@pytest.mark.parametrize(
    ("side", "closed", "allowed"),
    [(PERSON, False, True), (PERSON, True, False), (PRO, False, False), (PRO, True, False)],
)
def test_only_the_person_agrees(side: str, closed: bool, allowed: bool) -> None:
    assert may_agree(side, plan_closed=closed) == allowed


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
    owner = owner_side("expertise", writer_side=side)
    assert decide(leadership, side, Act.ADD, owner_side=owner, protected=True) == A


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


# (side rating, may the supporter rate, plan closed, outcome worked on) -> decision.
# A supporter's rating is their own third view: only if the person lets them.
RATING_BY_SIDE: dict[tuple[str, bool, bool, bool], Decision] = {
    (side, may_rate, closed, worked_on): (
        Decision.REFUSE if closed or not worked_on or (side == SUPPORTER and not may_rate) else A
    )
    for side in (PERSON, PRO, SUPPORTER)
    for may_rate in (False, True)
    for closed in (False, True)
    for worked_on in (False, True)
}


def test_rating_by_side_table_is_as_written() -> None:
    # Spelled out, the rows that matter: each side rates an open, worked-on outcome,
    # a supporter only with may_rate; nobody on a closed plan.
    assert RATING_BY_SIDE[(PERSON, False, False, True)] == A
    assert RATING_BY_SIDE[(PRO, False, False, True)] == A
    assert RATING_BY_SIDE[(SUPPORTER, False, False, True)] == Decision.REFUSE
    assert RATING_BY_SIDE[(SUPPORTER, True, False, True)] == A
    assert RATING_BY_SIDE[(SUPPORTER, True, True, True)] == Decision.REFUSE
    assert RATING_BY_SIDE[(SUPPORTER, True, False, False)] == Decision.REFUSE
    assert len(RATING_BY_SIDE) == 24


@pytest.mark.parametrize(("key", "expected"), sorted(RATING_BY_SIDE.items()))
def test_rating_by_side(key: tuple[str, bool, bool, bool], expected: Decision) -> None:
    side, may_rate, closed, worked_on = key
    decision = decide_rating(
        plan_closed=closed, outcome_worked_on=worked_on, side=side, supporter_may_rate=may_rate
    )
    assert decision == expected


def test_rating_refuses_an_unknown_side() -> None:
    assert decide_rating(plan_closed=False, outcome_worked_on=True, side="") == Decision.REFUSE
    assert decide_rating(plan_closed=False, outcome_worked_on=True, side="staff") == (
        Decision.REFUSE
    )


# --- the crisis and contingency plan: the person's own, whatever the balance ------------

CRISIS_TYPES = sorted(rules.CRISIS_ITEM_TYPES)


def _crisis_decision(item_type: str, balance: int, side: str, act: str, created: str) -> Decision:
    """The chain plans.services follows: the governing balance, the owner, then decide."""
    leadership = effective_leadership(item_type, area_leadership=balance, side=side)
    owner = owner_side(item_type, writer_side=side, created_side=created)
    return decide(
        leadership,
        side,
        act,
        owner_side=owner,
        protected=item_type in rules.PROTECTED_ITEM_TYPES,
    )


# (side editing) -> decision, for every crisis section and contact, every balance any
# area might have, every act and whoever wrote the item first.
CRISIS_CASES = [
    (item_type, balance, side, act, created, A if side == PERSON else P)
    for item_type, balance, side, act, created in itertools.product(
        CRISIS_TYPES, list(Leadership), [PERSON, PRO], [Act.ADD, Act.CHANGE, Act.REMOVE],
        ["", PERSON, PRO],
    )
]  # fmt: skip


def test_crisis_table_covers_every_section_and_contacts() -> None:
    assert set(CRISIS_TYPES) == {
        "crisis_signs",
        "crisis_helps",
        "crisis_tell",
        "crisis_treatment",
        "crisis_practical",
        "crisis_contact",
    }
    assert len(CRISIS_CASES) == 6 * 5 * 2 * 3 * 3


@pytest.mark.parametrize(
    ("item_type", "balance", "side", "act", "created", "expected"), CRISIS_CASES
)
def test_crisis_plan_is_the_persons_whatever_the_balance(
    item_type: str, balance: int, side: str, act: str, created: str, expected: Decision
) -> None:
    assert _crisis_decision(item_type, balance, side, act, created) == expected
    assert effective_leadership(item_type, area_leadership=balance) == Leadership.PERSON_LEADS
    assert owner_side(item_type, writer_side=side, created_side=created) == PERSON


@pytest.mark.parametrize("item_type", CRISIS_TYPES)
@pytest.mark.parametrize("side", [PERSON, PRO])
def test_nothing_in_a_crisis_plan_changes_on_a_closed_plan(item_type: str, side: str) -> None:
    decision = decide(
        Leadership.PERSON_LEADS, side, Act.CHANGE, owner_side=PERSON, protected=True,
        plan_closed=True,
    )  # fmt: skip
    assert decision == Decision.REFUSE


@pytest.mark.parametrize(
    ("side", "closed", "reviews", "agrees"),
    [
        (PERSON, False, True, False),  # the person marks it reviewed
        (PRO, False, False, True),  # professionals agree it
        (PERSON, True, False, False),
        (PRO, True, False, False),
        ("supporter", False, False, False),
    ],
)
def test_who_reviews_and_who_agrees_the_crisis_plan(
    side: str, closed: bool, reviews: bool, agrees: bool
) -> None:
    assert rules.may_mark_crisis_plan_reviewed(side, plan_closed=closed) == reviews
    assert rules.may_agree_crisis_plan(side, plan_closed=closed) == agrees


# --- supporters: on the person's side, their edits go to her alone -------------------


@pytest.mark.parametrize(("balance", "act", "owner", "protected"), SUPPORTER_CASES)
@pytest.mark.parametrize(
    ("may_suggest", "closed", "outcome"),
    [
        (True, False, Decision.SUGGEST_TO_PERSON),
        (False, False, Decision.REFUSE),
        (True, True, Decision.REFUSE),
        (False, True, Decision.REFUSE),
    ],
)
def test_a_supporter_suggests_to_the_person_alone_at_every_balance(
    balance: int,
    act: str,
    owner: str,
    protected: bool,
    may_suggest: bool,
    closed: bool,
    outcome: Decision,
) -> None:
    decision = decide(
        balance,
        SUPPORTER,
        act,
        owner_side=owner,
        protected=protected,
        plan_closed=closed,
        supporter_may_suggest=may_suggest,
    )
    assert decision == outcome


@pytest.mark.parametrize("balance", list(Leadership))
def test_a_supporter_never_changes_the_balance(balance: int) -> None:
    decision = decide(
        balance, SUPPORTER, Act.LEADERSHIP, owner_side=PERSON, supporter_may_suggest=True
    )
    assert decision == Decision.REFUSE


@pytest.mark.parametrize("side", [PERSON, PRO])
def test_may_suggest_means_nothing_for_the_two_sides(side: str) -> None:
    # Only a supporter's edits are routed to the person first.
    with_flag = decide(PL, side, Act.ADD, owner_side=side, supporter_may_suggest=True)
    assert with_flag == decide(PL, side, Act.ADD, owner_side=side)


@pytest.mark.parametrize(
    ("side", "pending", "closed", "allowed"),
    [
        (PERSON, True, False, True),
        (PERSON, False, False, False),
        (PERSON, True, True, False),
        (PRO, True, False, False),
        (SUPPORTER, True, False, False),
    ],
)
def test_only_the_person_answers_a_supporters_suggestion(
    side: str, pending: bool, closed: bool, allowed: bool
) -> None:
    assert may_answer_supporter_suggestion(side, pending=pending, plan_closed=closed) is allowed


@pytest.mark.parametrize(
    ("side", "own", "pending", "allowed"),
    [
        (SUPPORTER, True, True, True),
        (SUPPORTER, False, True, False),
        (SUPPORTER, True, False, False),
        (PERSON, True, True, False),
    ],
)
def test_a_supporter_withdraws_only_their_own_waiting_suggestion(
    side: str, own: bool, pending: bool, allowed: bool
) -> None:
    assert may_withdraw_supporter_suggestion(side, own=own, pending=pending) is allowed


@pytest.mark.parametrize("balance", list(Leadership))
def test_a_supporter_reads_one_sentence_at_every_balance(balance: int) -> None:
    sentence = balance_sentence(balance, SUPPORTER, "Amara")
    assert sentence.startswith("You support Amara: what you suggest goes to Amara first")


def test_none_of_the_plans_life_is_a_supporters() -> None:
    for stage in Stage:
        for act in LifeAct:
            assert not may_do(stage, Role.SUPPORTER, act)
