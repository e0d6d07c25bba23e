"""The rules of co-production: whose edit applies at once, whose becomes a proposal.

This is the one place these decisions are made. Views and services ask here;
the table of every balance x side x action is tested in tests/plans/test_rules.py.

In plain words (DOMAIN.md, "Leadership has consequences" and "The person's
voice is theirs at every balance"), a decision depends on the balance of the
area, the side editing, what they do, whose item it is (its owner's side) and
whether it is someone's own words (protected):
- someone's own words (a valued outcome, "about me", each side's expertise)
  change at once only by their owner; the other side's edit is a proposal, at
  every balance;
- person leads: the person's edits apply; every professional edit is a proposal;
- person leads, with support: the person's edits apply; professionals add and
  keep their own contributions at once (the person is told); anything else of
  theirs is a proposal;
- shared: both sides add and change their own items at once; a change to the
  other side's item is a proposal;
- professional leads, with agreement: professional edits apply at once but
  wait for the person's agreement; the person's edits to their own items
  apply, to professional items they are proposals;
- professional leads: professional edits apply; the person's edits to their
  own items apply, to professional items they are proposals;
- the balance of leadership itself changes only by agreement, so a new
  balance is always a proposal, answered by the other side;
- the crisis and contingency plan is the person's own: the person's edits
  apply; a professional's edit is always a suggestion, whatever the balance of
  any area; only the person marks it reviewed, and professionals may agree it;
- a rating is each side's own view, so it always applies at once;
- a supporter stands on the person's side: where the person lets them
  suggest, every edit of theirs is a suggestion to the person alone, at every
  balance; it reaches the plan only if she takes it up, and then as her own
  edit (decided again by these rules, with her side); they never change the
  balance, answer a suggestion, agree or close;
- nothing on a closed plan changes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from coproduce.models import SUPPORTER, Side
from plans.models import Expertise, Leadership, Plan, Proposal


class Decision(StrEnum):
    APPLY = "apply"
    # Applies at once, and stays marked "not yet agreed" until the person agrees.
    APPLY_UNAGREED = "apply_unagreed"
    PROPOSE = "propose"
    # A supporter's edit: goes to the person first, and nowhere else.
    SUGGEST_TO_PERSON = "suggest_to_person"
    REFUSE = "refuse"


class Act(StrEnum):
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"
    LEADERSHIP = "leadership"


def decide(
    leadership: int,
    side: str,
    act: str,
    *,
    owner_side: str,
    protected: bool = False,
    plan_closed: bool = False,
    supporter_may_suggest: bool = False,
) -> Decision:
    """What happens when someone from `side` does `act` to an item of `owner_side`.

    `protected`: the item is its owner's own words, which only its owner changes.
    `side` may be SUPPORTER, with `supporter_may_suggest` as the person set it.
    """
    if plan_closed:
        return Decision.REFUSE
    if side == SUPPORTER:
        if act == Act.LEADERSHIP or not supporter_may_suggest:
            return Decision.REFUSE
        return Decision.SUGGEST_TO_PERSON
    if side not in Side.values:
        return Decision.REFUSE
    if act == Act.LEADERSHIP:
        return Decision.PROPOSE
    own = side == owner_side
    if protected or leadership == Leadership.SHARED:
        return Decision.APPLY if own else Decision.PROPOSE
    if side == Side.PERSON:
        return Decision.APPLY if own or leadership < Leadership.SHARED else Decision.PROPOSE
    if leadership == Leadership.PERSON_LEADS_WITH_SUPPORT:
        return Decision.APPLY if own else Decision.PROPOSE
    if leadership == Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT:
        return Decision.APPLY_UNAGREED
    if leadership == Leadership.PROFESSIONAL_LEADS:
        return Decision.APPLY
    return Decision.PROPOSE


def applies(decision: Decision) -> bool:
    return decision in (Decision.APPLY, Decision.APPLY_UNAGREED)


def tells_person(leadership: int, owner_side: str) -> bool:
    """Where the person leads with support, a professional's own addition is pointed out."""
    return leadership == Leadership.PERSON_LEADS_WITH_SUPPORT and owner_side == Side.PROFESSIONAL


def may_agree(side: str, *, plan_closed: bool) -> bool:
    """Only the person agrees with what professionals did where they lead with agreement."""
    return side == Side.PERSON and not plan_closed


# One plain sentence per side on each area (DOMAIN.md: "one plain sentence per side").
BALANCE_SENTENCES: dict[int, dict[str, str]] = {
    Leadership.PERSON_LEADS: {
        Side.PERSON: "You lead here: your changes apply at once.",
        Side.PROFESSIONAL: "{name} leads here: your changes are sent to {name} as suggestions.",
    },
    Leadership.PERSON_LEADS_WITH_SUPPORT: {
        Side.PERSON: (
            "You lead here: your changes apply at once. Your care team can add their own"
            " resources, knowledge and commitments, and you will see what they added."
        ),
        Side.PROFESSIONAL: (
            "{name} leads here with your support: you can add your own resources, knowledge"
            " and commitments at once; anything else is sent to {name} as a suggestion."
        ),
    },
    Leadership.SHARED: {
        Side.PERSON: (
            "You share this with your care team: you add and change your own things at"
            " once; a change to theirs is sent to them as a suggestion."
        ),
        Side.PROFESSIONAL: (
            "Shared with {name}: you add and change your own things at once; a change to"
            " {name}'s is sent to {name} as a suggestion."
        ),
    },
    Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT: {
        Side.PERSON: (
            "Your care team leads here, with your agreement: what they change is marked"
            " “not yet agreed” until you agree."
        ),
        Side.PROFESSIONAL: (
            "You lead here with {name}'s agreement: your changes apply at once and are"
            " marked “not yet agreed by {name}” until {name} agrees."
        ),
    },
    Leadership.PROFESSIONAL_LEADS: {
        Side.PERSON: (
            "Your care team leads here: your changes to their things are sent to them as"
            " suggestions. Your own words stay yours."
        ),
        Side.PROFESSIONAL: (
            "You lead here: your changes apply at once, except to {name}'s own words,"
            " which you can suggest changes to."
        ),
    },
}


SUPPORTER_SENTENCE = (
    "You support {name}: what you suggest goes to {name} first, and reaches the plan"
    " only if {name} takes it up."
)


def balance_sentence(leadership: int, side: str, person_name: str) -> str:
    if side == SUPPORTER:  # the same at every balance: they stand on the person's side
        return SUPPORTER_SENTENCE.format(name=person_name)
    return BALANCE_SENTENCES[leadership][side].format(name=person_name)


def may_answer_supporter_suggestion(side: str, *, pending: bool, plan_closed: bool) -> bool:
    """A supporter's suggestion is the person's alone to take up or decline."""
    return side == Side.PERSON and pending and not plan_closed


def may_withdraw_supporter_suggestion(side: str, *, own: bool, pending: bool) -> bool:
    return side == SUPPORTER and own and pending


def effective_leadership(
    item_type: str, *, area_leadership: int | None, kind: str = "", side: str = ""
) -> int:
    """The balance that governs an item: its area's, or a fixed owner for some items.

    For expertise, `kind` is the entry's kind; a new entry has none yet and
    belongs to the side writing it (`side`).
    """
    if item_type in ("about", "life_area") or item_type in CRISIS_ITEM_TYPES:
        return Leadership.PERSON_LEADS
    if item_type == "expertise":
        if expertise_side(kind, writer_side=side) == Side.PERSON:
            return Leadership.PERSON_LEADS
        return Leadership.PROFESSIONAL_LEADS
    if area_leadership is None:
        raise ValueError(f"{item_type} needs a life area")
    return area_leadership


# The crisis and contingency plan, section by section, and its contacts.
CRISIS_ITEM_TYPES = frozenset(
    {
        "crisis_signs",
        "crisis_helps",
        "crisis_tell",
        "crisis_treatment",
        "crisis_practical",
        "crisis_contact",
    }
)

# Someone's own words: changed at once only by their owner, at every balance.
PROTECTED_ITEM_TYPES = frozenset({"outcome", "about", "expertise"}) | CRISIS_ITEM_TYPES


def owner_side(
    item_type: str, *, writer_side: str, created_side: str = "", kind: str = "", who_side: str = ""
) -> str:
    """Whose item this is: the side of its author, with fixed owners for the person's words.

    A valued outcome is always the person's (a professional only proposes one),
    as are "about me" and the parts of life; expertise is its kind's side; a new
    commitment is the side of whoever makes it; anything else new is its writer's.
    """
    if item_type in ("outcome", "about", "life_area") or item_type in CRISIS_ITEM_TYPES:
        return Side.PERSON
    if item_type == "expertise":
        return expertise_side(kind, writer_side=writer_side)
    if created_side:
        return created_side
    if item_type == "commitment" and who_side:
        return who_side
    return writer_side


def expertise_side(kind: str, *, writer_side: str) -> str:
    """Whose knowledge an expertise entry is: its kind says; a new entry is its writer's."""
    if not kind:
        return writer_side
    return Side.PERSON if kind in Expertise.CITIZEN_KINDS else Side.PROFESSIONAL


def decide_rating(
    *,
    plan_closed: bool,
    outcome_worked_on: bool,
    side: str = Side.PERSON,
    supporter_may_rate: bool = False,
) -> Decision:
    """A rating is one side's own view: it applies at once, never as a suggestion.

    Only outcomes still being worked on are rated, and nothing on a closed plan.
    A supporter rates (as themself: a third view, beside the two) only if the
    person lets them (`supporter_may_rate`).
    """
    if plan_closed or not outcome_worked_on:
        return Decision.REFUSE
    if side == SUPPORTER and not supporter_may_rate:
        return Decision.REFUSE
    if side not in (*Side.values, SUPPORTER):
        return Decision.REFUSE
    return Decision.APPLY


def decide_rating_withdrawal(*, plan_closed: bool, own: bool, withdrawn: bool) -> Decision:
    """Each side withdraws only its own ratings (the one who gave it), once, with a
    reason; it stays in the history and leaves the figures. Nothing on a closed plan."""
    if plan_closed or not own or withdrawn:
        return Decision.REFUSE
    return Decision.APPLY


def may_mark_crisis_plan_reviewed(side: str, *, plan_closed: bool) -> bool:
    """The crisis plan is the person's: only she says she has looked at it again."""
    return side == Side.PERSON and not plan_closed


def may_agree_crisis_plan(side: str, *, plan_closed: bool) -> bool:
    """Professionals on the care team may put their name to the person's crisis plan."""
    return side == Side.PROFESSIONAL and not plan_closed


def may_answer(proposal: Proposal, side: str) -> bool:
    """Proposals are answered by the other side, and only while they wait."""
    return proposal.is_pending and side in Side.values and side != proposal.proposed_side


def may_withdraw(proposal: Proposal, user: Any) -> bool:
    return proposal.is_pending and proposal.proposed_by_id == user.pk


def answering_side(proposed_side: str) -> str:
    return Side.PROFESSIONAL if proposed_side == Side.PERSON else Side.PERSON


# --- the plan's life -----------------------------------------------------------------
#
# draft (the person writes, with support) -> agreed (the person has agreed to
# the plan as it stands) -> active (the care coordinator has agreed too) ->
# closed (with a reason). A change after the person agreed, before the
# coordinator did, takes the plan back to draft: the person agrees first, to
# what the coordinator then agrees to. After that, a new plan (episode) is
# the person's to start.


class Stage(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    ACTIVE = "active"
    CLOSED = "closed"


class Role(StrEnum):
    """Who is asking, as far as the plan's life is concerned."""

    PERSON = "person"
    COORDINATOR = "coordinator"
    PROFESSIONAL = "professional"  # on the care team, not coordinating
    LEAD = "lead"  # leads the team of someone on the care team
    SUPPORTER = "supporter"  # on the person's side; none of the plan's life is theirs


class LifeAct(StrEnum):
    AGREE = "agree"
    CLOSE = "close"
    NEW_EPISODE = "new_episode"
    HAND_OVER = "hand_over"  # move care coordination to another professional


def plan_stage(status: str, *, version: int, person_agreed_version: int | None) -> Stage:
    """Where a plan is in its life; "agreed" holds only while nothing changed since."""
    if status == Plan.Status.CLOSED:
        return Stage.CLOSED
    if status == Plan.Status.ACTIVE:
        return Stage.ACTIVE
    if person_agreed_version is not None and person_agreed_version == version:
        return Stage.AGREED
    return Stage.DRAFT


def may_do(stage: str, role: str, act: str) -> bool:
    """May someone in `role` do `act` to a plan at `stage`? (tested as a table)."""
    if act == LifeAct.AGREE:
        return (stage, role) in {
            (Stage.DRAFT, Role.PERSON),
            (Stage.AGREED, Role.COORDINATOR),
        }
    if act == LifeAct.CLOSE:
        return stage != Stage.CLOSED and role in (Role.PERSON, Role.COORDINATOR)
    if act == LifeAct.NEW_EPISODE:
        return stage == Stage.CLOSED and role == Role.PERSON
    if act == LifeAct.HAND_OVER:
        return stage != Stage.CLOSED and role in (Role.COORDINATOR, Role.LEAD)
    return False
