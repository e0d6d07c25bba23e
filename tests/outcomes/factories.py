"""Builders for outcome and dashboard tests, on top of tests/factories.py.

Small and explicit: each makes one thing, takes what matters as arguments and
leaves everything else at its everyday default.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from coproduce.models import Professional, Side, Team, User
from plans.models import CareTeamMember, Expertise, LifeArea, Plan, Proposal
from tests.factories import area, written


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment on the site's own clock (Europe/London), as Django stores it."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _side(user: User) -> str:
    return Side.PERSON if hasattr(user, "person") else Side.PROFESSIONAL


def remove_from_care_team(
    plan: Plan, professional: Professional, when: dt.datetime | None = None
) -> CareTeamMember:
    """The person removes a professional from their care team."""
    membership = CareTeamMember.objects.current().get(plan=plan, professional=professional)
    membership.removed_at = when or timezone.now()
    membership.removed_by = plan.person.user
    membership.save(update_fields=["removed_at", "removed_by"])
    return membership


def move_to_team(professional: Professional, team: Team | None) -> Professional:
    """A professional leaves their team (for another, or for none)."""
    professional.team = team
    professional.save(update_fields=["team"])
    return professional


def add_life_area(plan: Plan, name: str, leadership: int = 1) -> LifeArea:
    """A life area the person added in their own words."""
    return LifeArea.objects.create(
        plan=plan, name=name, position=99, leadership=leadership, created_by=plan.person.user
    )


def set_leadership(plan: Plan, area_name: str, leadership: int) -> LifeArea:
    life_area = area(plan, area_name)
    life_area.leadership = leadership
    life_area.save(update_fields=["leadership"])
    return life_area


def make_area_expertise(
    plan: Plan, by: User, kind: str, area_name: str | None = None, **fields: Any
) -> Expertise:
    """Expertise about one life area, or about the whole plan when area_name is None."""
    fields.setdefault("text", "Something I know")
    expertise = Expertise.objects.create(
        plan=plan,
        life_area=area(plan, area_name) if area_name else None,
        created_by=by,
        created_side=_side(by),
        kind=kind,
        **fields,
    )
    return written(expertise)


def make_proposal(
    plan: Plan,
    by: User,
    *,
    created_at: dt.datetime | None = None,
    status: str = Proposal.Status.PENDING,
    answered_after: dt.timedelta | None = None,
    answered_by: User | None = None,
    area_name: str | None = None,
    action: str = Proposal.Action.ADD,
    item_type: str = "outcome",
    **fields: Any,
) -> Proposal:
    """A suggestion by `by`; answered `answered_after` it was made unless still waiting."""
    created_at = created_at or timezone.now()
    answered = status != Proposal.Status.PENDING
    if answered and answered_after is None:
        answered_after = dt.timedelta(hours=1)
    if answered and answered_by is None:
        # A withdrawal is the proposer's own act; anything else, the plan's owner here.
        answered_by = by if status == Proposal.Status.WITHDRAWN else plan.person.user
    return Proposal.objects.create(
        plan=plan,
        life_area=area(plan, area_name) if area_name else None,
        action=action,
        item_type=item_type,
        proposed_by=by,
        proposed_side=_side(by),
        created_at=created_at,
        status=status,
        answered_by=answered_by if answered else None,
        answered_at=created_at + answered_after if answered and answered_after else None,
        **fields,
    )
