"""The rules of co-production: whose edit applies at once, whose becomes a proposal.

This is the one place these decisions are made. Views and services ask here;
the table of every balance x side x action is tested in tests/plans/test_rules.py.

In plain words (DOMAIN.md, "Leadership has consequences"):
- the side that leads an area edits it directly;
- the other side's edits there become proposals the leading side answers;
- in a shared area both sides' edits apply at once;
- the balance of leadership itself changes only by agreement, so a new
  balance is always a proposal, answered by the other side;
- "about me" and the person's own expertise are the person's to write:
  professionals suggest changes; professional expertise likewise belongs to
  professionals, and the person suggests;
- a rating is each side's own view, so it always applies at once;
- nothing on a closed plan changes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from coproduce.models import Side
from plans.models import Expertise, Leadership, Plan, Proposal


class Decision(StrEnum):
    APPLY = "apply"
    PROPOSE = "propose"
    REFUSE = "refuse"


class Act(StrEnum):
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"
    LEADERSHIP = "leadership"


def decide(leadership: int, side: str, act: str, *, plan_closed: bool = False) -> Decision:
    """What happens when someone from `side` does `act` in an area with this balance."""
    if plan_closed or side not in Side.values:
        return Decision.REFUSE
    if act == Act.LEADERSHIP:
        return Decision.PROPOSE
    if side in Leadership.leading_sides(leadership):
        return Decision.APPLY
    return Decision.PROPOSE


def effective_leadership(
    item_type: str, *, area_leadership: int | None, kind: str = "", side: str = ""
) -> int:
    """The balance that governs an item: its area's, or a fixed owner for some items.

    For expertise, `kind` is the entry's kind; a new entry has none yet and
    belongs to the side writing it (`side`).
    """
    if item_type == "about" or item_type == "life_area":
        return Leadership.PERSON_LEADS
    if item_type == "expertise":
        if expertise_side(kind, writer_side=side) == Side.PERSON:
            return Leadership.PERSON_LEADS
        return Leadership.PROFESSIONAL_LEADS
    if area_leadership is None:
        raise ValueError(f"{item_type} needs a life area")
    return area_leadership


def expertise_side(kind: str, *, writer_side: str) -> str:
    """Whose knowledge an expertise entry is: its kind says; a new entry is its writer's."""
    if not kind:
        return writer_side
    return Side.PERSON if kind in Expertise.CITIZEN_KINDS else Side.PROFESSIONAL


def decide_rating(*, plan_closed: bool, outcome_worked_on: bool) -> Decision:
    """A rating is one side's own view: it applies at once, never as a suggestion.

    Only outcomes still being worked on are rated, and nothing on a closed plan.
    """
    if plan_closed or not outcome_worked_on:
        return Decision.REFUSE
    return Decision.APPLY


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
