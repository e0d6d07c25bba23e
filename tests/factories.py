"""Small hand-written builders for tests: explicit, no magic."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.hashers import get_hasher, make_password

from coproduce.models import Discipline, Person, Professional, Side, Team, User
from outcomes import summaries
from outcomes.models import Rating, ValuedOutcome
from plans.models import (
    DEFAULT_LIFE_AREAS,
    CareTeamMember,
    Commitment,
    Expertise,
    LifeArea,
    Plan,
    Reply,
    Resource,
    ResourceControl,
    Supporter,
)

PASSWORD = "correct-horse-battery"
_HASH: dict[str | None, str] = {}
_counter = itertools.count(1)


def _password_hash() -> str:
    # Hashing is deliberately slow; hash once per test run (per hasher in use).
    algorithm = str(get_hasher().algorithm)
    if algorithm not in _HASH:
        _HASH[algorithm] = make_password(PASSWORD)
    return _HASH[algorithm]


def make_user(username: str | None = None, name: str | None = None, **extra: Any) -> User:
    username = username or f"user{next(_counter)}"
    return User.objects.create(
        username=username,
        display_name=name or username.title(),
        password=_password_hash(),
        **extra,
    )


def make_person(username: str | None = None, name: str | None = None) -> Person:
    return Person.objects.create(user=make_user(username, name))


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_counter)}")


def make_professional(
    username: str | None = None,
    name: str | None = None,
    team: Team | None = None,
    discipline: str = Discipline.NURSE,
) -> Professional:
    return Professional.objects.create(
        user=make_user(username, name), team=team, discipline=discipline
    )


def make_plan(person: Person, *, areas: bool = True, **fields: Any) -> Plan:
    fields.setdefault("status", Plan.Status.ACTIVE)
    plan = Plan.objects.create(person=person, **fields)
    if areas:
        LifeArea.objects.bulk_create(
            LifeArea(plan=plan, name=name, position=i, is_default=True, created_by=person.user)
            for i, name in enumerate(DEFAULT_LIFE_AREAS)
        )
    return plan


def add_to_care_team(plan: Plan, professional: Professional) -> CareTeamMember:
    return CareTeamMember.objects.create(
        plan=plan, professional=professional, added_by=plan.person.user
    )


def area(plan: Plan, name: str = "Work and learning") -> LifeArea:
    return LifeArea.objects.get(plan=plan, name=name)


def _side(user: User) -> str:
    return Side.PERSON if hasattr(user, "person") else Side.PROFESSIONAL


Item = TypeVar("Item", ValuedOutcome, Resource, Commitment, Expertise)


def written(item: Item) -> Item:
    """An item made past the services (no history entry): keep the dashboard's
    content summary of its plan as the services do."""
    summaries.refresh_content(item.plan_id)
    return item


def make_outcome(
    plan: Plan, by: User | None = None, area_name: str = "Work and learning", **fields: Any
) -> ValuedOutcome:
    by = by or plan.person.user
    fields.setdefault("text", f"Outcome {next(_counter)}")
    outcome = ValuedOutcome.objects.create(
        plan=plan, life_area=area(plan, area_name), created_by=by, created_side=_side(by), **fields
    )
    return written(outcome)


def make_rating(
    outcome: ValuedOutcome, by: User, score: int, on: date | None = None, **fields: Any
) -> Rating:
    rating = Rating.objects.create(
        outcome=outcome,
        plan_id=outcome.plan_id,
        side=_side(by),
        rated_by=by,
        score=score,
        rated_on=on or date.today(),
        **fields,
    )
    # A shortcut past outcomes.services (dates in the past, no history entry), so
    # it keeps the dashboard's rating summary itself, as the services do.
    summaries.refresh(outcome)
    return rating


def make_resource(
    plan: Plan, by: User, area_name: str = "Work and learning", **fields: Any
) -> Resource:
    fields.setdefault("name", f"Resource {next(_counter)}")
    fields.setdefault("control", ResourceControl.OUR_SERVICE)
    resource = Resource.objects.create(
        plan=plan, life_area=area(plan, area_name), created_by=by, created_side=_side(by), **fields
    )
    return written(resource)


def make_commitment(
    plan: Plan,
    by: User,
    who: User | None = None,
    area_name: str = "Work and learning",
    **fields: Any,
) -> Commitment:
    who = who or by
    fields.setdefault("what", f"Do thing {next(_counter)}")
    commitment = Commitment.objects.create(
        plan=plan,
        life_area=area(plan, area_name),
        created_by=by,
        created_side=_side(by),
        who=who,
        who_side=_side(who),
        **fields,
    )
    return written(commitment)


def make_expertise(plan: Plan, by: User, kind: str, text: str = "Something I know") -> Expertise:
    expertise = Expertise.objects.create(
        plan=plan, created_by=by, created_side=_side(by), kind=kind, text=text
    )
    return written(expertise)


def make_reply(
    plan: Plan,
    by: User,
    target_type: str,
    target_code: Any,
    text: str = "",
    *,
    target_side: str = Side.PERSON,
    **fields: Any,
) -> Reply:
    """A reply written straight to the table, for tests that read replies."""
    return Reply.objects.create(
        plan=plan,
        target_type=target_type,
        target_code=target_code,
        author=by,
        author_side=_side(by),
        target_side=target_side,
        **fields,
        text=text or f"Reply {next(_counter)}",
    )


def make_supporter(
    plan: Plan,
    username: str | None = None,
    name: str | None = None,
    *,
    relationship: str = "family",
    may_see: bool = True,
    may_suggest: bool = False,
    may_be_named: bool = True,
    may_rate: bool = False,
) -> Supporter:
    """Someone on the person's side, added the way the person adds them (plans.supporters)."""
    from plans.access import get_plan_for_user
    from plans.supporters import add_supporter

    user = make_user(username, name)
    access = get_plan_for_user(plan.person.user, plan.code)
    permissions = {
        "may_see": may_see,
        "may_suggest": may_suggest,
        "may_rate": may_rate,
        "may_be_named": may_be_named,
    }
    return add_supporter(access, user, relationship, permissions)
