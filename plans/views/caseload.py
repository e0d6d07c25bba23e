"""Where each person lands: their plan, a professional's caseload, a lead's team."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from coproduce.compiled_query import CompiledQuery, models_from, side_by_side
from coproduce.models import Discipline, Person, Professional, Side, Team, User
from plans.access import (
    get_led_team,
    get_own_plan,
    get_professional,
    may_open,
    supported_plans,
)
from plans.models import CareTeamMember, Plan, PlanChange, PlanQuerySet, Proposal


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they came for."""
    user = request.user
    if hasattr(user, "person"):
        plan = get_own_plan(user)
        if plan is not None:
            return redirect("plan_detail", code=plan.code)
        return render(request, "plans/no_plan.html", {})
    professional = getattr(user, "professional", None)
    if professional is not None:
        if Team.objects.filter(lead=professional).exists():
            return redirect("team_overview")
        return redirect("caseload")
    supported = _newest_per_person(supported_plans(user))
    if len(supported) == 1:
        return redirect("plan_detail", code=supported[0].code)
    if supported:
        return render(request, "plans/supporting.html", {"plans": supported})
    return render(request, "plans/no_role.html", {})


def _newest_per_person(plans: Any) -> list[Any]:
    """Each supported person's current plan: the newest open one, else the newest."""
    chosen: dict[int, Any] = {}
    for plan in plans:
        current = chosen.get(plan.person_id)
        if current is None or (current.is_closed and not plan.is_closed):
            chosen[plan.person_id] = plan
    return list(chosen.values())


CASELOAD_PAGE_SIZE = 25
UNCOORDINATED_PAGE_SIZE = 25
CASELOAD_FILTERS = {
    "all": "Everyone",
    "waiting": "Suggestions waiting for me",
    "overdue": "Reviews overdue",
    "changed": "Changed since I last looked",
}
# Which figure of the caseload summary counts the rows each filter shows.
CASELOAD_FILTER_COUNTS = {
    "all": "total",
    "waiting": "waiting",
    "overdue": "overdue",
    "changed": "changed",
}


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The plans this professional is on, with what needs them first.

    Sorted so that the plans waiting for an answer, then overdue reviews,
    then recent changes come first; searchable by name; paginated.

    Both of its queries (the summary, a page of rows) are compiled once per
    process (`coproduce.compiled_query`): building them with the ORM cost
    more than running them, even for a caseload of a thousand plans.
    """
    today = timezone.localdate()
    # The professional and their summary together: one query.
    summary_row = _CASELOAD_SUMMARY.fetchone(_Asked(0, today, user_id=request.user.pk or 0))
    if summary_row is None:
        professional = get_professional(request.user)  # 403 for anyone else
        counts: tuple[Any, ...] = (0, 0, 0, 0)
    else:
        (professional,), counts = _models_from(_PROFESSIONAL_FIELDS, summary_row)
    summary = dict(zip(CASELOAD_FILTER_COUNTS.values(), counts, strict=True))
    # PostgreSQL cannot compare text holding NUL: a search for it is a search for the rest.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    shown = request.GET.get("show", "all")
    if shown not in CASELOAD_FILTERS:
        shown = "all"
    asked = _Asked(professional.pk, today, query)
    if query:
        count = caseload_memberships(asked, shown).count()
    else:
        # The summary has counted the rows of each filter already.
        count = summary[CASELOAD_FILTER_COUNTS[shown]]
    page = _page(
        count, CASELOAD_PAGE_SIZE, request, lambda bounds: _caseload_page(asked, shown, bounds)
    )
    context = {
        "professional": professional,
        "page_obj": page,
        "rows": page.object_list,
        "summary": summary,
        "query": query,
        "shown": shown,
        "filters": CASELOAD_FILTERS,
        "today": today,
    }
    return render(request, "plans/caseload.html", context)


@dataclass(frozen=True)
class _Asked:
    professional_id: int
    today: datetime.date
    query: str = ""
    limit: int = CASELOAD_PAGE_SIZE
    offset: int = 0
    user_id: int = 0  # for the summary, which finds the professional


@dataclass(frozen=True)
class CaseloadRow:
    """One plan of a caseload, with what the professional needs to know first."""

    plan: Plan
    proposals_waiting: int
    latest_change: str | None
    latest_change_at: datetime.datetime | None
    changed: bool
    overdue: bool
    # The plan's address, reversed once per row: the row links to it up to
    # twice (the plan, its suggestions), and each {% url %} tag reversed it again.
    url: str
    # The status's label, read from the choices made into a mapping once:
    # `get_status_display` remade that mapping for every row (some 60 calls).
    status: str


def caseload_memberships(asked: _Asked, shown: str) -> QuerySet[Any]:
    """The professional's current memberships, annotated and filtered as shown,
    most pressing first: the ORM's statement, which the compiled one is checked against."""
    waiting = Proposal.objects.waiting_for(Side.PROFESSIONAL).filter(plan=OuterRef("plan"))
    waiting_count = waiting.order_by().values("plan").annotate(n=Count("id")).values("n")
    latest = PlanChange.objects.filter(plan=OuterRef("plan")).order_by("-at", "-id")
    memberships = (
        CareTeamMember.objects.current()
        .filter(professional=asked.professional_id)
        .annotate(
            proposals_waiting=Coalesce(Subquery(waiting_count), 0),
            latest_change=Subquery(latest.values("summary")[:1]),
            latest_change_at=Subquery(latest.values("at")[:1]),
            changed=Q(plan__version__gt=F("last_seen_version")),
            overdue=Plan.review_overdue_q(asked.today, via="plan__"),
        )
    )
    if asked.query:
        memberships = memberships.filter(plan__person__user__display_name__icontains=asked.query)
    if shown == "waiting":
        memberships = memberships.filter(proposals_waiting__gt=0)
    elif shown in ("overdue", "changed"):
        memberships = memberships.filter(**{shown: True})
    return memberships.order_by(
        F("proposals_waiting").desc(),
        F("overdue").desc(nulls_last=True),
        F("changed").desc(nulls_last=True),
        F("plan__next_review_date").asc(nulls_last=True),
        "plan__person__user__display_name",
    )


# What a row shows of the plan, its person and their user (the rest is never read).
_ROW_FIELDS: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (Plan, "plan__", ("id", "code", "person_id", "status", "next_review_date")),
    (Person, "plan__person__", ("id", "user_id")),
    (User, "plan__person__user__", ("id", "username", "first_name", "last_name", "display_name")),
)
_ROW_ANNOTATIONS = ("proposals_waiting", "latest_change", "latest_change_at", "changed", "overdue")


def _caseload_rows(asked: _Asked, shown: str) -> QuerySet[Any]:
    columns = [prefix + name for _, prefix, names in _ROW_FIELDS for name in names]
    # Annotations last, in the order they were made: the SQL's columns are in this order.
    return caseload_memberships(asked, shown).values_list(*columns, *_ROW_ANNOTATIONS)


_STATUS_LABELS = dict(Plan.Status.choices)
_DISCIPLINE_LABELS = dict(Discipline.choices)


def _row_from(values: tuple[Any, ...]) -> CaseloadRow:
    (plan, person, user), annotations = _models_from(_ROW_FIELDS, values)
    person.user = user
    plan.person = person
    waiting, latest, latest_at, changed, overdue = annotations
    url = reverse("plan_detail", args=[plan.code])
    status = _STATUS_LABELS.get(plan.status, plan.status)  # as get_status_display
    return CaseloadRow(plan, waiting, latest, latest_at, bool(changed), bool(overdue), url, status)


def _asked_values(asked: _Asked) -> dict[str, Any]:
    """The values as the database takes them (a date is text on SQLite, and so on)."""
    return {
        "professional": asked.professional_id,
        "user": asked.user_id,
        "today": DateField().get_db_prep_value(asked.today, connection),
        # As the ORM passes `icontains`: escaped, between wildcards.
        "query": f"%{connection.ops.prep_for_like_query(asked.query)}%",
        "limit": asked.limit,
        "offset": asked.offset,
    }


_ASKED_STAND_INS = (
    _Asked(987_654_301, datetime.date(2001, 2, 3), "standinquerya", 987_601, 987_611, 987_621),
    _Asked(987_654_302, datetime.date(2003, 5, 9), "standinqueryb", 987_602, 987_612, 987_622),
)


_UNSEARCHED_STAND_INS = (
    replace(_ASKED_STAND_INS[0], query=""),
    replace(_ASKED_STAND_INS[1], query=""),
)


_PROFESSIONAL_FIELDS: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (Professional, "", ("id", "user_id", "team_id", "discipline", "job_title")),
)


def _summary_query(asked: _Asked) -> QuerySet[Any]:
    """The user's professional record with each filter's count of their caseload,
    in one row (no row for someone who is not a professional)."""
    current = Q(memberships__removed_at__isnull=True)
    waiting = Proposal.objects.waiting_for(Side.PROFESSIONAL).filter(
        plan=OuterRef("memberships__plan")
    )
    changed = Q(memberships__plan__version__gt=F("memberships__last_seen_version"))
    overdue = Plan.review_overdue_q(asked.today, via="memberships__plan__")
    columns = [prefix + name for _, prefix, names in _PROFESSIONAL_FIELDS for name in names]
    return (
        Professional.objects.filter(user_id=asked.user_id)
        .annotate(
            total=Count("memberships", filter=current),
            waiting=Count("memberships", filter=current & Q(Exists(waiting))),
            overdue=Count("memberships", filter=current & overdue),
            changed=Count("memberships", filter=current & changed),
        )
        .values_list(*columns, "total", "waiting", "overdue", "changed")
    )


_CASELOAD_SUMMARY = CompiledQuery(
    _summary_query,
    _asked_values,
    _ASKED_STAND_INS,
    required={"user", "today"},
    prepare=False,
)
_CASELOAD_PAGES = {
    (shown, searching): CompiledQuery(
        partial(_caseload_rows, shown=shown),
        _asked_values,
        _ASKED_STAND_INS if searching else _UNSEARCHED_STAND_INS,
        required={"professional", "today", "limit", "offset"} | ({"query"} if searching else set()),
        prepare=False,
        paged=True,
    )
    for shown in CASELOAD_FILTERS
    for searching in (False, True)
}


def _caseload_page(asked: _Asked, shown: str, bounds: range) -> list[CaseloadRow]:
    query = _CASELOAD_PAGES[shown, bool(asked.query)]
    asked = replace(asked, offset=bounds.start, limit=len(bounds))
    return [_row_from(values) for values in query.fetchall(asked)]


def _page(
    count: int, per_page: int, request: HttpRequest, rows: Callable[[range], list[Any]]
) -> Page[Any]:
    """The page asked for of `count` rows, `rows` reading those it holds (by
    their positions) with the LIMIT and OFFSET of a compiled query. None read
    for a page with none, as for a queryset's empty slice."""
    paginator: Paginator[Any] = Paginator(range(count), per_page)
    page = paginator.get_page(request.GET.get("page"))
    bounds = page.object_list
    assert isinstance(bounds, range)
    page.object_list = rows(bounds) if bounds else []
    return page


@require_GET
def team_overview(request: HttpRequest) -> HttpResponse:
    """The lead's view of the team: who is in it and how big each caseload is.

    Its queries are compiled once per process and size of team
    (`coproduce.compiled_query`), as the caseload's are.
    """
    team, members = _led_team_and_members(request.user)
    assert team.lead is not None
    asked = _TeamAsked(
        team.pk,
        tuple(member.pk for member in members),
        timezone.localdate(),
        timezone.now(),
        team.lead.pk,
    )
    people, active, overdue, needing_coordinator, requests_overdue, requests_named = _team_figures(
        asked
    )
    # Listed by when they started (names are for the care team only), a page
    # at a time: a team without coordinators recorded can have thousands.
    page = _page(
        needing_coordinator,
        UNCOORDINATED_PAGE_SIZE,
        request,
        lambda bounds: _needing_coordinator_page(asked, bounds),
    )
    context = {
        "team": team,
        "figures": {"people": people, "active": active, "overdue": overdue},
        "members": members,
        **leadership_requests_waiting(team, asked, requests_overdue, requests_named),
        "uncoordinated": page,
    }
    return render(request, "plans/team_overview.html", context)


@dataclass(frozen=True)
class _TeamAsked:
    team_id: int
    # The team's professionals by id: named one by one, the database can tell
    # a small team's few memberships from a large team's thousands
    # (`PlanQuerySet.for_team`).
    members: tuple[int, ...]
    today: datetime.date
    now: datetime.datetime
    lead_id: int
    limit: int = UNCOORDINATED_PAGE_SIZE
    offset: int = 0

    def caseload(self) -> PlanQuerySet:
        return Plan.objects.for_team(self.team_id, members=self.members)


def _team_values(asked: _TeamAsked) -> dict[str, Any]:
    """The values as the database takes them (a date is text on SQLite, and so on)."""
    waited = datetime.timedelta(days=settings.LEADERSHIP_ESCALATION_DAYS)
    return {
        **{f"member{n}": member for n, member in enumerate(asked.members)},
        "today": DateField().get_db_prep_value(asked.today, connection),
        "asked_before": DateTimeField().get_db_prep_value(asked.now - waited, connection),
        "lead": asked.lead_id,
        "limit": asked.limit,
        "offset": asked.offset,
    }


def _team_query(
    build: Any, size: int, values: set[str], **options: Any
) -> CompiledQuery[_TeamAsked]:
    """`build` compiled for a team of `size` members (each is a value of its own)."""

    def stand_in(n: int) -> _TeamAsked:
        first = 987_610_000 + 10_000 * n
        return _TeamAsked(
            first + 30,
            tuple(range(first + 100, first + 100 + size)),
            datetime.date(2001 + n, 2, 3),
            datetime.datetime(2001 + n, 2, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
            first,
            first + 10,
            first + 20,
        )

    stand_ins = (stand_in(0), stand_in(1))
    required = {f"member{n}" for n in range(size)} | values
    return CompiledQuery(
        build, _team_values, stand_ins, required=required, prepare=False, **options
    )


def _figures_query(asked: _TeamAsked) -> QuerySet[Any]:
    """The team's figures in one row (the ORM's `aggregate` as a query)."""
    return (
        asked.caseload()
        .with_coordinator()
        .order_by()
        .values(one=Value(1))
        .annotate(
            people=Count("person", distinct=True),
            active=Count("id", filter=Q(status=Plan.Status.ACTIVE)),
            overdue=Count("id", filter=Plan.review_overdue_q(asked.today)),
            needing_coordinator=Plan.needing_coordinator_count(),
        )
        .values_list("people", "active", "overdue", "needing_coordinator")
    )


def _needing_coordinator_query(asked: _TeamAsked) -> QuerySet[Any]:
    return (
        asked.caseload()
        .needing_coordinator()
        .order_by("created_at", "pk")
        .values_list("id", "code", "created_at")
    )


def _requests_query(asked: _TeamAsked) -> QuerySet[Any]:
    """How many overdue leadership requests, and how many the lead may name (one row)."""
    lead = Professional(pk=asked.lead_id)
    return (
        _overdue_requests(asked)
        .order_by()
        .values(one=Value(1))
        .annotate(all=Count("pk"), named=Count("pk", filter=Q(may_open(lead, plan="plan"))))
        .values_list("all", "named")
    )


def _overdue_requests(asked: _TeamAsked) -> QuerySet[Proposal]:
    return Proposal.objects.leadership_requests_overdue(asked.now).filter(plan__in=asked.caseload())


def _figures_and_requests_query(asked: _TeamAsked) -> tuple[str, list[Any]]:
    """The team's figures and its leadership requests' counts in one statement:
    each is one row of aggregates, so side by side they are still one row, and
    the page makes one round trip for them instead of two."""
    return side_by_side(
        query.query.sql_with_params() for query in (_figures_query(asked), _requests_query(asked))
    )


@cache
def _team_queries(size: int) -> dict[str, CompiledQuery[_TeamAsked]]:
    return {
        "figures": _team_query(
            _figures_and_requests_query, size, {"today", "asked_before", "lead"}
        ),
        "needing_coordinator": _team_query(
            _needing_coordinator_query, size, {"limit", "offset"}, paged=True
        ),
    }


def _team_figures(asked: _TeamAsked) -> tuple[int, int, int, int, int, int]:
    """People, active plans, reviews overdue, plans needing a coordinator, and the
    leadership requests overdue with how many of them the lead may name."""
    if not asked.members:
        return 0, 0, 0, 0, 0, 0
    row = _team_queries(len(asked.members))["figures"].fetchone(asked)
    assert row is not None  # one row, as an aggregate
    people, active, overdue, needing, every, named = row
    return people, active, overdue, needing, every, named


def _needing_coordinator_page(asked: _TeamAsked, bounds: range) -> list[Plan]:
    query = _team_queries(len(asked.members))["needing_coordinator"]
    asked = replace(asked, offset=bounds.start, limit=len(bounds))
    names = ("id", "code", "created_at")
    return [Plan.from_db(connection.alias, names, row) for row in query.fetchall(asked)]


def _led_team_and_members(user: Any) -> tuple[Team, list[Professional]]:
    """The team this user leads (the first, as `plans.access.get_led_team`), with
    its lead, and its members by name: one query; 403 for anyone else."""
    rows = _TEAM_MEMBERS.fetchall(user.pk)
    if not rows:
        # Not a lead (403), or the lead of a team with nobody in it.
        return get_led_team(user), []
    members = []
    for values in rows:
        (member, member_user, team), (plans,) = _models_from(_TEAM_MEMBER_FIELDS, values)
        member.user = member_user
        member.plans = plans
        # As get_discipline_display, without remaking the choices' mapping each time.
        member.discipline_label = _DISCIPLINE_LABELS.get(member.discipline, member.discipline)
        members.append(member)
    led = next((m for m in members if m.user_id == user.pk), None)
    team.lead = led or get_professional(user)  # a lead outside their own team: a query
    return team, members


_TEAM_MEMBER_FIELDS: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (Professional, "", ("id", "user_id", "team_id", "discipline", "job_title")),
    (User, "user__", ("id", "username", "first_name", "last_name", "display_name")),
    (Team, "team__", ("id", "name", "lead_id", "created_at")),
)


def _team_members_query(user_id: int) -> QuerySet[Any]:
    """The members of the team this user leads, by name, each with how many plans
    they are on now, and the team."""
    led = Team.objects.filter(lead__user_id=user_id).order_by("pk").values("pk")[:1]
    current = CareTeamMember.objects.current().filter(professional=OuterRef("pk"))
    columns = [prefix + name for _, prefix, names in _TEAM_MEMBER_FIELDS for name in names]
    return (
        Professional.objects.filter(team=Subquery(led))
        .annotate(
            # Counted member by member, from the index on (professional, removed_at)
            # alone (COUNT(*): no column the index does not hold).
            plans=Coalesce(
                Subquery(
                    current.order_by().values("professional").annotate(n=Count("*")).values("n")
                ),
                0,
            ),
        )
        .by_name()
        .values_list(*columns, "plans")
    )


_TEAM_MEMBERS = CompiledQuery(
    _team_members_query,
    lambda user_id: {"user": user_id},
    (987_654_401, 987_654_402),
    required={"user"},
)


def _models_from(
    fields: tuple[tuple[type[Model], str, tuple[str, ...]], ...], values: tuple[Any, ...]
) -> tuple[list[Any], tuple[Any, ...]]:
    """The models a row's columns make (`fields`: each model, how the query reached it,
    its columns); and the columns left after theirs."""
    return models_from(((model, names) for model, _, names in fields), values)


LISTED_REQUESTS = 50


def leadership_requests_waiting(
    team: Team, asked: _TeamAsked, every: int, named: int
) -> dict[str, object]:
    """People's requests for more leadership nobody answered in time, raised to the lead.

    Named only on plans the lead may open (plans.access.may_open); the rest
    are counted (`every` and `named`, read with the team's figures). A query
    only when there are some to name.
    """
    assert team.lead is not None
    listed = []
    if named:
        listed = list(
            _overdue_requests(asked)
            .filter(may_open(team.lead, plan="plan"))
            .select_related("plan__person__user", "life_area", "proposed_by")
            .order_by("created_at", "pk")[:LISTED_REQUESTS]
        )
    return {
        "escalation_days": settings.LEADERSHIP_ESCALATION_DAYS,
        "requests_overdue": every,
        "requests_listed": listed,
        "requests_named": named,
        "requests_not_named": every - named,
    }
