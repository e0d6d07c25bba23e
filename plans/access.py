"""Who may see and do what: every view asks here, nothing relies on hiding links.

Rules of thumb (see DOMAIN.md, "Power and control"):
- a plan is visible to its person and to the professionals currently on its
  care team; to anyone else it does not exist (404, never 403, so that a
  stranger cannot even learn that a plan exists);
- an action the user may see but not take is a 403;
- a team lead sees dashboards for the team they lead, and plans only if they
  are on that plan's care team like anyone else;
- a supporter (family, a friend, a carer, an advocate the person invited)
  sees the plan only where the person lets them, and reaches only the pages a
  view opens to them (`supporters=True`): the plan, its live updates, and
  suggesting where they may suggest. Every other page is a 404 for them, and
  so is everything once the person removes them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.http import Http404

from coproduce.compiled_query import CompiledQuery, column_reader, models_from
from coproduce.models import SUPPORTER, Person, Professional, Side, Team, User
from plans import rules
from plans.models import CareTeamMember, Plan, Proposal, Supporter

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PlanAccess:
    """A user's standing on one plan, resolved once per request."""

    plan: Plan
    user: Any
    side: str  # a Side, or SUPPORTER
    membership_id: int | None
    supporter_id: int | None = None
    # What the person lets this supporter do (see the plan is implied).
    supporter_may_suggest: bool = False
    # ...and whether to rate progress from their own view (a third view).
    supporter_may_rate: bool = False

    @property
    def is_owner(self) -> bool:
        return self.side == Side.PERSON

    @property
    def is_professional(self) -> bool:
        return self.side == Side.PROFESSIONAL

    @property
    def is_supporter(self) -> bool:
        return self.side == SUPPORTER

    @property
    def writing_side(self) -> str:
        """Whose voice a form is worded in: a supporter writes for the person to take up."""
        return Side.PERSON if self.is_supporter else self.side

    @property
    def may_change(self) -> bool:
        """Whether to offer changes at all (plans.rules decides what each one becomes)."""
        return not self.is_supporter or self.supporter_may_suggest

    def require_owner(self) -> None:
        """Some decisions belong to the person alone (who is on the care team)."""
        if not self.is_owner:
            raise PermissionDenied("Only the person whose plan this is can do that.")


def get_plan_for_user(user: Any, code: UUID | str, *, supporters: bool = False) -> PlanAccess:
    """The plan with this code, if the user may see it; otherwise 404.

    One query: the plan, its person and the user's current membership (if any),
    so even the live-update check costs a single round trip. `supporters`: this
    page is open to the person's supporters who may see the plan (the query
    then also reads their standing, still in one round trip).

    Every page of a plan asks this first, and building the query with the ORM
    cost a hundred times what running it does, so its SQL is compiled once
    per process and database (`coproduce.compiled_query`); the rows become the
    plan, its person and their user as the ORM would have made them.
    """
    if not user.is_authenticated:
        raise Http404
    try:
        code = code if isinstance(code, UUID) else UUID(str(code))
    except ValueError:
        raise Http404 from None
    query = _ACCESS_WITH_SUPPORTERS if supporters else _ACCESS
    row = query.fetchone(_Asking(code, user.pk))
    if row is None:
        raise Http404
    plan = _plan_from(row)
    membership_id, *standing = row[len(_ACCESS_COLUMNS) :]

    if plan.person.user_id == user.pk:
        return PlanAccess(plan=plan, user=user, side=Side.PERSON, membership_id=None)
    if membership_id is not None:
        return PlanAccess(plan=plan, user=user, side=Side.PROFESSIONAL, membership_id=membership_id)
    if supporters and standing[0] is not None:
        supporter_id, may_suggest, may_rate = standing
        return PlanAccess(
            plan=plan,
            user=user,
            side=SUPPORTER,
            membership_id=None,
            supporter_id=supporter_id,
            supporter_may_suggest=bool(may_suggest),
            supporter_may_rate=bool(may_rate),
        )
    raise Http404


@dataclass(frozen=True)
class _Asking:
    code: UUID
    user_id: int


# The plan's columns, its person's and their user's, in this order; then the annotations.
_ROW_MODELS: tuple[tuple[type[Model], str], ...] = (
    (Plan, ""),
    (Person, "person__"),
    (User, "person__user__"),
)
_ACCESS_COLUMNS = [
    prefix + field.attname for model, prefix in _ROW_MODELS for field in model._meta.concrete_fields
]


def _access_query(asking: _Asking, *, supporters: bool) -> QuerySet[Any]:
    membership = CareTeamMember.objects.filter(
        plan=OuterRef("pk"), professional__user_id=asking.user_id, removed_at__isnull=True
    ).values("pk")[:1]
    plans = Plan.objects.filter(code=asking.code).annotate(my_membership_id=Subquery(membership))
    annotations = ["my_membership_id"]
    if supporters:
        standing = Supporter.objects.current().filter(
            person=OuterRef("person"), user_id=asking.user_id, may_see=True
        )
        plans = plans.annotate(
            my_supporter_id=Subquery(standing.values("pk")[:1]),
            my_supporter_may_suggest=Subquery(standing.values("may_suggest")[:1]),
            my_supporter_may_rate=Subquery(standing.values("may_rate")[:1]),
        )
        annotations += ["my_supporter_id", "my_supporter_may_suggest", "my_supporter_may_rate"]
    # Annotations last, in the order they were made: the SQL's columns are in this order.
    return plans.values_list(*_ACCESS_COLUMNS, *annotations)[:1]


def _access_values(asking: _Asking) -> dict[str, Any]:
    from django.db import connection

    code = Plan._meta.get_field("code").get_db_prep_value(asking.code, connection)
    return {"code": code, "user": asking.user_id}


def _plan_from(row: tuple[Any, ...]) -> Plan:
    """The plan, with its person and their user, from one row of the access query."""
    from django.db import connection

    readers = _readers(connection.vendor, _ROW_MODELS)
    values = [read(value) for read, value in zip(readers, row, strict=False)]
    columns = [
        (model, [f.attname for f in model._meta.concrete_fields]) for model, _ in _ROW_MODELS
    ]
    made, _ = models_from(columns, values)
    plan, person, user = made
    person.user = user
    plan.person = person
    return plan  # type: ignore[no-any-return]


@cache
def _readers(
    vendor: str, row_models: tuple[tuple[type[Model], str], ...]
) -> list[Callable[[Any], Any]]:
    """For each column of these models (the plan's, person's and user's, say), how
    the ORM reads its value from this database (a UUID from SQLite's text, JSON, ...)."""
    return [column_reader(f) for model, _ in row_models for f in model._meta.concrete_fields]


_ACCESS_STAND_INS = (
    _Asking(UUID("00000000-0000-4000-8000-00000000a001"), 987_654_301),
    _Asking(UUID("00000000-0000-4000-8000-00000000a002"), 987_654_302),
)
_ACCESS = CompiledQuery(
    lambda asking: _access_query(asking, supporters=False),
    _access_values,
    _ACCESS_STAND_INS,
    required={"code", "user"},
)
_ACCESS_WITH_SUPPORTERS = CompiledQuery(
    lambda asking: _access_query(asking, supporters=True),
    _access_values,
    _ACCESS_STAND_INS,
    required={"code", "user"},
)


def live_check_viewers(code: UUID | str, session_key: str | None = None) -> list[Any]:
    """Everyone who may see this plan now, for the live check, in one query.

    The person and the professionals currently on the care team (a handful of
    rows), each annotated with what the live check needs: the plan's id,
    version, status and when leadership is next due back, and their
    membership. With a `session_key` each row also carries that session's data
    (if it exists and has not expired), so that the caller can tell who is
    asking without another round trip. The same rule as `get_plan_for_user`:
    someone not among these rows may not see the plan.

    Building that query with the ORM cost several times what running it does
    (the busiest URL there is, every few seconds from every open page), so
    its SQL is compiled once per process and database and only the values
    change (`coproduce.compiled_query`): the same SQL, the same rows, the
    same access.
    """
    from django.utils import timezone

    try:
        code = code if isinstance(code, UUID) else UUID(str(code))
    except ValueError:
        raise Http404 from None
    query = _LIVE_CHECK_WITH_SESSION if session_key is not None else _LIVE_CHECK
    # The request's first statement: it stands as the connection's health check too.
    rows = query.fetchall(_LiveCheck(code, session_key, timezone.now()), checks_health=True)
    return [_viewer_from(row) for row in rows]


# The user's columns, then what the live check annotates, in this order.
_VIEWER_COLUMNS = [field.attname for field in User._meta.concrete_fields]
_LIVE_ANNOTATIONS = (
    "live_plan_id",
    "live_owner_id",
    "live_plan_version",
    "live_plan_status",
    "live_plan_returns_on",
    "live_membership_id",
    "live_session_data",
)


def _viewer_from(row: tuple[Any, ...]) -> Any:
    """A user, with the live check's annotations, as `objects.raw` would have made it
    (`fetchall` has read each value as the ORM reads it)."""
    from django.db import connection

    width = len(_VIEWER_COLUMNS)
    viewer: Any = User.from_db(connection.alias, _VIEWER_COLUMNS, list(row[:width]))
    for name, value in zip(_LIVE_ANNOTATIONS, row[width:], strict=False):
        setattr(viewer, name, value)
    return viewer


@dataclass(frozen=True)
class _LiveCheck:
    code: UUID
    session_key: str | None
    now: datetime.datetime


def _live_check_values(inputs: _LiveCheck) -> dict[str, Any]:
    """The values as the database takes them (a UUID is text on SQLite, and so on)."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    values = {"code": Plan._meta.get_field("code").get_db_prep_value(inputs.code, connection)}
    if inputs.session_key is not None:
        expire = Session._meta.get_field("expire_date")
        values["session"] = inputs.session_key
        values["now"] = expire.get_db_prep_value(inputs.now, connection)
    return values


def _live_check_query(inputs: _LiveCheck) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    code = inputs.code
    plan = Plan.objects.filter(code=code)
    membership = CareTeamMember.objects.filter(
        plan__code=code, professional__user=OuterRef("pk"), removed_at__isnull=True
    )
    # One IN over a union, so that the database looks up a handful of users by
    # primary key (an OR of two conditions reads every user).
    members = CareTeamMember.objects.filter(plan__code=code, removed_at__isnull=True)
    may_see = plan.values("person__user_id").union(
        members.values("professional__user_id"), all=True
    )
    viewers = (
        get_user_model()
        .objects.filter(pk__in=may_see)
        .annotate(
            live_plan_id=Subquery(plan.values("pk")[:1]),
            live_owner_id=Subquery(plan.values("person__user_id")[:1]),
            live_plan_version=Subquery(plan.values("version")[:1]),
            live_plan_status=Subquery(plan.values("status")[:1]),
            live_plan_returns_on=Subquery(plan.values("leadership_returns_on")[:1]),
            live_membership_id=Subquery(membership.values("pk")[:1]),
        )
    )
    if inputs.session_key is not None:
        session = Session.objects.filter(session_key=inputs.session_key, expire_date__gt=inputs.now)
        viewers = viewers.annotate(live_session_data=Subquery(session.values("session_data")[:1]))
    # Annotations last, in the order they were made: the SQL's columns are in this order.
    made = _LIVE_ANNOTATIONS[: len(viewers.query.annotations)]
    return viewers.values_list(*_VIEWER_COLUMNS, *made)


# Stand-ins for the values while the query is compiled, recognised afterwards
# among its parameters whatever form the database gives them.
_STAND_INS = (
    _LiveCheck(
        UUID("00000000-0000-4000-8000-00000000c0de"),
        "live-check-session-key-stand-in-1",
        datetime.datetime(2000, 1, 1, 0, 0, 7, 123456, tzinfo=datetime.UTC),
    ),
    _LiveCheck(
        UUID("00000000-0000-4000-8000-0000000c0de2"),
        "live-check-session-key-stand-in-2",
        datetime.datetime(2003, 5, 7, 8, 9, 10, 11, tzinfo=datetime.UTC),
    ),
)
_LIVE_CHECK = CompiledQuery(
    _live_check_query,
    _live_check_values,
    (replace(_STAND_INS[0], session_key=None), replace(_STAND_INS[1], session_key=None)),
    required={"code"},
)
_LIVE_CHECK_WITH_SESSION = CompiledQuery(
    _live_check_query, _live_check_values, _STAND_INS, required={"code", "session", "now"}
)


def live_check_access(viewer: Any) -> PlanAccess:
    """The access of one of `live_check_viewers`' rows: enough for "has it changed?".

    Its plan holds only the fields the live check reads; anything that shows
    the plan loads it afresh through `get_plan_for_user`.
    """
    plan = Plan(
        pk=viewer.live_plan_id,
        version=viewer.live_plan_version,
        status=viewer.live_plan_status,
        leadership_returns_on=viewer.live_plan_returns_on,
    )
    if viewer.pk == viewer.live_owner_id:
        return PlanAccess(plan=plan, user=viewer, side=Side.PERSON, membership_id=None)
    return PlanAccess(
        plan=plan, user=viewer, side=Side.PROFESSIONAL, membership_id=viewer.live_membership_id
    )


def get_own_plan(user: Any) -> Plan | None:
    """A person's current plan (the newest that is not closed, else the newest)."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    plans = person.plans.order_by("-created_at")
    return plans.exclude(status=Plan.Status.CLOSED).first() or plans.first()


def supported_plans(user: Any) -> QuerySet[Plan]:
    """Plans of the people this user supports and may see: each person's newest open plan
    (or newest, if all are closed) is what a supporter's start page lists."""
    people = Supporter.objects.current().filter(user=user, may_see=True).values("person")
    return (
        Plan.objects.filter(person__in=Subquery(people))
        .select_related("person__user")
        .order_by("person_id", "-created_at")
    )


def get_professional(user: Any) -> Professional:
    """The signed-in professional, or 403 for anyone else."""
    professional = getattr(user, "professional", None)
    if professional is None:
        raise PermissionDenied("This page is for professionals.")
    return professional


def get_led_team(user: Any) -> Team:
    """The team this user leads, or 403: dashboards are for team leads."""
    professional = get_professional(user)
    team = Team.objects.filter(lead=professional).first()
    if team is None:
        raise PermissionDenied("This page is for team leads.")
    team.lead = professional  # known already: reading team.lead costs no query
    return team


def get_led_team_and_members(user: Any) -> tuple[Team, Professional, list[Professional]]:
    """The team this user leads, the lead, and the team's members with their users
    (by name): one query for a lead; 403 for anyone else, as `get_led_team`."""
    members = list(
        Professional.objects.filter(team__lead__user_id=user.pk)
        .select_related("user", "team")
        .by_name()
    )
    if not members:
        get_led_team(user)  # raises the refusal that fits
        raise PermissionDenied("This page is for team leads.")
    lead = next((m for m in members if m.user_id == user.pk), None) or get_professional(user)
    team = members[0].team
    assert team is not None  # members of the team the user leads
    return team, lead, members


def get_plan_for_lead(user: Any, code: UUID | str) -> Plan:
    """A plan on the caseload of the team this user leads (403 for others, else 404).

    For what a lead does about a plan without being on its care team (moving
    care coordination): the plan's content stays for its care team.
    """
    team = get_led_team(user)
    try:
        return Plan.objects.for_team(team.pk).select_related("person__user").get(code=code)
    except (Plan.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def get_person(user: Any) -> Person:
    """The signed-in person, or 403: some decisions (closing an account) are theirs alone."""
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied("This page is for the person whose plan it is.")
    return person


def may_open(professional: Professional, plan: str = "pk") -> Exists:
    """True for plans this professional may open (is on the care team of, now).

    For lists over many plans (a lead's dashboard drill-down): names and links
    only where this holds, counts for the rest. The same rule as
    `get_plan_for_user`, as a condition the database evaluates per plan.
    `plan` reaches the plan from the rows listed ("plan" for a proposal).
    """
    return Exists(
        CareTeamMember.objects.filter(
            plan=OuterRef(plan), professional=professional, removed_at__isnull=True
        )
    )


def get_or_404(rows: QuerySet[M], **lookup: Any) -> M:
    """One row of a queryset already scoped to a plan the user may see, or 404.

    A code that is not even a UUID (from a form field, say) is a 404 too.
    """
    try:
        return rows.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def require_may_change(access: PlanAccess) -> None:
    """403 for a supporter the person has not let suggest changes (they may only look)."""
    if not access.may_change:
        raise PermissionDenied("You can see this plan, but not suggest changes to it.")


def require_care_team(access: PlanAccess) -> None:
    """403 for the person and her supporters on a page for the professionals on her care team."""
    if not access.is_professional:
        raise PermissionDenied("This page is for the care team.")


def require_may_answer(access: PlanAccess, proposal: Proposal, answer: str) -> None:
    """403 unless this user may give this answer (accept, decline, withdraw) to a suggestion.

    Only asked while the suggestion waits: an answered one is the caller's 409.
    """
    if not proposal.is_pending:
        return
    if answer == "withdraw":
        if not rules.may_withdraw(proposal, access.user):
            raise PermissionDenied("Only the person who made a suggestion can withdraw it.")
    elif not rules.may_answer(proposal, access.side):
        raise PermissionDenied("This suggestion is for the other side to answer.")
