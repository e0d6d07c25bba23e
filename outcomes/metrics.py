"""The team lead's dashboard figures, each computed by the database.

Every public function takes a `DashboardFilter` and runs a fixed, small number
of queries however large the caseload grows: filtered aggregates over the
caseload, one grouped pass over the ratings, never a Python loop over rows
(Python only reshapes the handful of aggregated rows that come back). What
each figure means, in plain words, is written in `outcomes.definitions`: the
dashboard and its CSV show those words to the team lead, so keep them true
when the code changes.

Dates: the period runs from the start of `start` to the end of `end`, in the
site's time zone (Europe/London), so an outcome achieved at 00:30 on 1 April
British Summer Time counts in April even though it is still 31 March in UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Abs, Coalesce, RowNumber
from django.utils import timezone

from coproduce.compiled_query import prepared_cursor_for, side_by_side
from coproduce.models import Side
from outcomes.models import (
    CONTENT_WORDS,
    ContentSummary,
    PowerCheck,
    Review,
    ValuedOutcome,
    content_column,
)
from plans import crisis
from plans.models import (
    DEFAULT_LIFE_AREAS,
    CareTeamMember,
    Commitment,
    Expertise,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    PlanItemQuerySet,
    PlanQuerySet,
    Proposal,
    Reply,
    Resource,
    Supporter,
)

SIDES: tuple[str, str] = (Side.PERSON.value, Side.PROFESSIONAL.value)
CHANGE_STATES = ("improved", "unchanged", "worsened", "not_enough_ratings", "not_rated")
PROPOSAL_STATES = ("made", "accepted", "declined", "withdrawn", "waiting")
PROPOSAL_STATUS = {
    "accepted": Proposal.Status.ACCEPTED,
    "declined": Proposal.Status.DECLINED,
    "withdrawn": Proposal.Status.WITHDRAWN,
    "waiting": Proposal.Status.PENDING,
}
LEADERSHIP_GROUP_LEVELS: dict[str, list[int]] = {
    "person_led": [Leadership.PERSON_LEADS, Leadership.PERSON_LEADS_WITH_SUPPORT],
    "shared": [Leadership.SHARED],
    "professional_led": [
        Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT,
        Leadership.PROFESSIONAL_LEADS,
    ],
}
REVIEW_DUE_WINDOW = dt.timedelta(days=28)
# Ratings within this many points of each other count as the two sides agreeing.
AGREEMENT_POINTS = 1
ANSWERED = (Proposal.Status.ACCEPTED, Proposal.Status.DECLINED)
CONTENT_MODELS: dict[str, Any] = {
    "outcomes": ValuedOutcome,
    "expertise": Expertise,
    "resources": Resource,
    "commitments": Commitment,
}


# Life areas people named themselves are counted together under this name, so
# a dashboard never shows words a person wrote to a lead who may not open the plan.
OWN_AREAS = "Areas people named themselves"


def area_named(f: DashboardFilter, name_field: str = "name") -> Q:
    """The life areas the filter chose: one default area, or all those people named."""
    if f.life_area_name == OWN_AREAS:
        return ~Q(**{f"{name_field}__in": DEFAULT_LIFE_AREAS})
    return Q(**{name_field: f.life_area_name})


def area_group(name_field: str) -> Case:
    """A life area's name if it is a default one, else OWN_AREAS."""
    return Case(
        When(**{f"{name_field}__in": DEFAULT_LIFE_AREAS}, then=F(name_field)),
        default=Value(OWN_AREAS),
        output_field=CharField(),
    )


class UnknownMetric(ValueError):
    """A drill-down asked for a figure the dashboard does not have."""


@dataclass(frozen=True)
class DashboardFilter:
    """What the team lead chose: a team, a period (both days included), optionally
    one life area (by name) and one professional."""

    team_id: int
    start: dt.date
    end: dt.date
    life_area_name: str | None = None
    professional_id: int | None = None
    # The ids of the team's professionals, when the caller has read them: the same
    # caseload, but the database can then tell a small team from a large one
    # (`PlanQuerySet.for_team`) and reads a team of four's plans by index. Not
    # compared (nor hashed): it changes no figure.
    member_ids: tuple[int, ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("The period must start on or before its end.")

    @property
    def period_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[midnight at the start of `start`, midnight after `end`) in the site's time zone."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


# --- The sets every figure is computed over -------------------------------------------


def caseload_plans(f: DashboardFilter) -> PlanQuerySet:
    """The team's caseload: every plan (draft, active or closed) with at least one
    professional from the team currently on its care team. With a professional
    chosen, only plans whose care team that professional is on now. With a life
    area chosen, only plans that have a life area of that name."""
    plans = Plan.objects.for_team(f.team_id, f.member_ids)
    if f.professional_id is not None:
        plans = plans.filter(
            Exists(
                CareTeamMember.objects.current().filter(
                    plan=OuterRef("pk"), professional_id=f.professional_id
                )
            )
        )
    if f.life_area_name is not None:
        plans = plans.filter(Exists(LifeArea.objects.filter(area_named(f), plan=OuterRef("pk"))))
    return plans


def caseload_outcomes(f: DashboardFilter) -> QuerySet[ValuedOutcome]:
    """Outcomes on the caseload's plans that were written by the end of the period
    and have not been removed (achieved and let-go outcomes included); with a
    life area chosen, only outcomes in that area."""
    _, end = f.period_bounds
    return caseload_content(f, "outcomes").filter(created_at__lt=end)


class DaysSince1900(Func):
    """Whole days from 1 January 1900 to a date: a small integer that sorts like the date."""

    arity = 1
    output_field = BigIntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, *args: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError("DaysSince1900 supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"CAST(julianday({sql}) - 2415020.5 AS INTEGER)", list(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} - DATE '1900-01-01')", list(params)


# A rating's place in its outcome's sequence with its score in the last four bits:
# ((days since 1900) * 2^40 + id) * 16 + score. Ids grow in the order ratings are
# recorded, so the smallest of a side's keys is its first rating and the largest its
# latest: one pass of MIN/MAX over the ratings, grouped by outcome, finds both scores
# with no window and no subquery per outcome (at 500,000 ratings about 0.25 s on
# PostgreSQL, against 1 s with window functions and 3 s with subqueries). Needs
# rated_on from 1900 (a negative key would break the remainder) and fits in 63 bits
# for the first 2^40 ratings, until the year 3300.
SCORE_BITS = 16
# Ratings dated outside these days are left out of every figure (not clamped):
# a date before 1900 would make a negative key and one after 3000 overflow it,
# and such a date (kept from before the forms checked dates, or imported) says
# nothing true about when progress was made. The forms only accept dates from
# the plan's start to today.
RATING_KEY_FIRST_DAY = dt.date(1900, 1, 1)
RATING_KEY_LAST_DAY = dt.date(3000, 12, 31)
RATING_KEY = ExpressionWrapper(
    (DaysSince1900("rated__rated_on") * Value(2**40) + F("rated__id")) * Value(SCORE_BITS)
    + F("rated__score"),
    output_field=BigIntegerField(),
)


def journey_keys(f: DashboardFilter) -> dict[str, Any]:
    """The columns of `rating_journeys` read from the outcome itself: its life area's
    name (`area`), its person, and `closed`, its status if that changed during the
    period (else null), for `outcomes_achieved`."""
    start, end = f.period_bounds
    return {
        "area": area_group("life_area__name"),
        "person": F("plan__person"),
        "closed": Case(
            When(
                status_changed_at__gte=start,
                status_changed_at__lt=end,
                status__in=[ValuedOutcome.Status.ACHIEVED, ValuedOutcome.Status.LET_GO],
                then=F("status"),
            ),
            default=Value(None),
            output_field=CharField(),
        ),
    }


def rating_journeys(f: DashboardFilter) -> QuerySet[Any]:
    """One row per caseload outcome (`caseload_outcomes`) with, for each side,
    `<side>_ratings` (how many ratings up to the end of the period), `<side>_first`
    (the first score) and `<side>_latest` (the latest score on or before the end),
    plus `latest_gap`, how far apart the two sides' latest scores are (null unless
    both sides have rated), and the outcome's `plan` and `area` (its life area's name).

    Ratings given on the same day count in the order they were recorded. One
    grouped query over the outcomes and their ratings.
    """
    rated = FilteredRelation(
        "ratings",
        condition=Q(
            ratings__rated_on__gte=RATING_KEY_FIRST_DAY,
            ratings__rated_on__lte=min(f.end, RATING_KEY_LAST_DAY),
            ratings__withdrawn_at__isnull=True,
        ),
    )
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        mine = Q(rated__side=side)
        aggregates[f"{side}_ratings"] = Count("rated", filter=mine)
        aggregates[f"{side}_first"] = Min(RATING_KEY, filter=mine) % SCORE_BITS
        aggregates[f"{side}_latest"] = Max(RATING_KEY, filter=mine) % SCORE_BITS
    person_latest, professional_latest = (
        Max(RATING_KEY, filter=Q(rated__side=side)) % SCORE_BITS for side in SIDES
    )
    return (
        caseload_outcomes(f)
        .alias(rated=rated)
        .values("pk", "plan", **journey_keys(f))
        .annotate(
            **aggregates,
            latest_gap=Abs(person_latest - professional_latest, output_field=IntegerField()),
        )
        .order_by()
    )


def summaries_answer(f: DashboardFilter, today: dt.date | None = None) -> bool:
    """Whether the rating summaries (`outcomes.summaries`) can answer this filter:
    they hold every rating up to now, so only a period that ends today or later.
    A period ending in the past is computed from the ratings (`rating_journeys`)."""
    return f.end >= (today or timezone.localdate())


def summarised_journeys(f: DashboardFilter) -> QuerySet[Any]:
    """`rating_journeys` read from the rating summaries: the same columns, one
    row per caseload outcome, no grouping; plus `late`, 1 when the outcome has a
    rating dated after the end of the period (which the summary counts and
    `rating_journeys` would not), else 0. Exact only when no row is late."""
    after_end = (f.end - RATING_KEY_FIRST_DAY).days + 1
    late_key = after_end * 2**40 * SCORE_BITS  # the smallest key dated after the end
    columns: dict[str, Any] = {}
    for side in SIDES:
        summary = f"rating_summary__{side}"
        columns[f"{side}_ratings"] = Coalesce(F(f"{summary}_ratings"), Value(0))
        columns[f"{side}_first"] = F(f"{summary}_first") % SCORE_BITS
        columns[f"{side}_latest"] = F(f"{summary}_latest") % SCORE_BITS
    person_latest, professional_latest = (
        F(f"rating_summary__{side}_latest") % SCORE_BITS for side in SIDES
    )
    late = Q(rating_summary__person_latest__gte=late_key) | Q(
        rating_summary__professional_latest__gte=late_key
    )
    return (
        caseload_outcomes(f)
        .values(
            "pk",
            "plan",
            **journey_keys(f),
            **columns,
            latest_gap=Abs(person_latest - professional_latest, output_field=IntegerField()),
            late=Case(When(late, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by()
    )


# How an outcome's ratings stand: each rule written once, as SQL over the columns
# of `rating_journeys`. `outcome_figures` counts the outcomes that meet a rule
# and `plans_behind` lists the plans that have them, so the two always agree.


def rated_twice(side: str) -> str:
    """The side has rated the outcome at least twice: its change can be told."""
    return f'"{side}_ratings" >= 2'


def change_rule(side: str, state: str) -> str:
    """Improved, unchanged or worsened since that side's first rating, or not
    rated enough to tell (one of CHANGE_STATES)."""
    ratings, first, latest = (f'"{side}_{part}"' for part in ("ratings", "first", "latest"))
    return {
        "improved": f"{rated_twice(side)} AND {latest} > {first}",
        "unchanged": f"{rated_twice(side)} AND {latest} = {first}",
        "worsened": f"{rated_twice(side)} AND {latest} < {first}",
        "not_enough_ratings": f"{ratings} = 1",
        "not_rated": f"{ratings} = 0",
    }[state]


def change_points(side: str) -> str:
    """How far the side's latest score is from its first (null unless rated twice)."""
    return f'CASE WHEN {rated_twice(side)} THEN "{side}_latest" - "{side}_first" END'


AGREEMENT_RULES: dict[str, str] = {
    "both_rated": '"latest_gap" IS NOT NULL',
    "agree": f'"latest_gap" <= {AGREEMENT_POINTS:d}',
    "disagree": f'"latest_gap" > {AGREEMENT_POINTS:d}',
}


JOURNEY_COLUMNS = [
    "area",
    "latest_gap",
    *(f"{side}_{part}" for side in SIDES for part in ("ratings", "first", "latest")),
]


def journeys_where(f: DashboardFilter, rule: str, *params: Any) -> RawSQL:
    """The plans of the outcomes in `rating_journeys` that meet `rule`, as a
    subquery. Only the columns the rule reads are computed."""
    columns = [name for name in JOURNEY_COLUMNS if f'"{name}"' in rule]
    journeys = rating_journeys(f).values("plan", *columns)
    inner, inner_params = journeys.query.sql_with_params()
    sql = f'SELECT "plan" FROM ({inner}) journey WHERE {rule}'  # noqa: S608 - our own SQL
    return RawSQL(sql, (*inner_params, *params))  # noqa: S611 - user input only in params


def caseload_proposals(f: DashboardFilter) -> QuerySet[Proposal]:
    """Proposals made on the caseload's plans during the period; with a life area
    chosen, only proposals about that area (plan-wide ones are left out)."""
    start, end = f.period_bounds
    proposals = Proposal.objects.filter(
        plan__in=caseload_plans(f), created_at__gte=start, created_at__lt=end
    )
    if f.life_area_name is not None:
        proposals = proposals.filter(area_named(f, "life_area__name"))
    return proposals


def caseload_areas(f: DashboardFilter) -> QuerySet[LifeArea]:
    """Life areas of the caseload's plans; with a life area chosen, those of that name."""
    areas = LifeArea.objects.filter(plan__in=caseload_plans(f))
    if f.life_area_name is not None:
        areas = areas.filter(area_named(f))
    return areas


def caseload_content(f: DashboardFilter, kind: str) -> PlanItemQuerySet:
    """Current items of one kind (see CONTENT_MODELS) on the caseload's plans."""
    items = CONTENT_MODELS[kind].objects.current().filter(plan__in=caseload_plans(f))
    if f.life_area_name is not None:
        items = items.filter(area_named(f, "life_area__name"))
    return items


# --- Database helpers ---------------------------------------------------------------


class HoursBetween(Func):
    """Hours from the first datetime to the second, to the nearest second."""

    arity = 2
    output_field = FloatField()

    def _operands(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        (start_sql, start_params), (end_sql, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return start_sql, end_sql, [*start_params, *end_params]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, *args: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        raise NotSupportedError("HoursBetween supports SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        start, end, params = self._operands(compiler, connection)
        return f"(ROUND((julianday({end}) - julianday({start})) * 86400) / 3600.0)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        start, end, params = self._operands(compiler, connection)
        return (
            f"(ROUND(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS numeric))"
            " / 3600.0)::double precision",
            params,
        )


class Median(Aggregate):
    """The median (interpolated 50th percentile). PostgreSQL only: SQLite has no
    ordered-set aggregates, see `_median_hours_by_window`."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, *args: Any, **extra: Any
    ) -> tuple[str, Any]:
        raise NotSupportedError("Median is computed with percentile_cont on PostgreSQL only.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return super().as_sql(compiler, connection, **extra)


# --- Several single-row figures in one statement -------------------------------------------

# Aggregates over one queryset, to be computed in one row: (queryset, {name: aggregate}),
# or a single-row SELECT already written: (sql, params).
RowParts = tuple[QuerySet[Any], dict[str, Any]] | tuple[str, list[Any]]


def aggregate_together(parts: dict[str, RowParts]) -> dict[str, dict[str, Any]]:
    """Like `QuerySet.aggregate` for each part, all in one statement: each part is a
    single-row aggregate (no GROUP BY, so one row even over no rows) and the parts
    are cross-joined, one row of one row each. Returns each part's row by name."""
    return run_together(together_sql(parts))


@dataclass(frozen=True)
class Statement:
    """A statement ready to run: its SQL, parameters and database."""

    sql: str
    params: tuple[Any, ...]
    using: str = "default"
    prepared: bool = False  # run again and again with these values: keep it prepared


def together_sql(parts: dict[str, RowParts]) -> Statement:
    """The statement of `aggregate_together`, built but not run."""
    selects: list[tuple[str, Sequence[Any]]] = []
    using = "default"
    for part, (source, aggregates) in parts.items():
        if isinstance(source, str):  # written already, its columns named "<part>__<name>"
            selects.append((source, list(aggregates)))
        else:
            assert isinstance(aggregates, dict)
            named = {f"{part}__{name}": aggregate for name, aggregate in aggregates.items()}
            row = source.order_by().annotate(**named).values(*named)
            row.query.group_by = ()  # aggregate the whole set: no GROUP BY
            selects.append(row.query.sql_with_params())
            using = source.db
    sql, params = side_by_side(selects)
    return Statement(sql, tuple(params), using)


def _cursor_for(statement: Statement) -> tuple[Any, str, list[Any]]:
    """Where, and as what, to run a statement. The dashboard's own statements
    (`Statement.prepared`) are run with the same values at every load of one
    filter on one day, so on PostgreSQL they are kept prepared: planning the
    cross-joined statement (~25 ms) cost more than running it for a small team."""
    if statement.prepared and statement.using == "default":
        return prepared_cursor_for(statement.sql, statement.params)
    return connections[statement.using].cursor(), statement.sql, list(statement.params)


def run_together(statement: Statement) -> dict[str, dict[str, Any]]:
    """Run a statement of `together_sql`: each part's row by name."""
    cursor, sql, params = _cursor_for(statement)
    with cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        values = cursor.fetchone()
    rows: dict[str, dict[str, Any]] = {}
    for name, value in zip(names, values, strict=True):
        part, _, key = name.partition("__")
        rows.setdefault(part, {})[key] = value
    return rows


# --- 1. Caseload -----------------------------------------------------------------------


# Every figure also says how many different people it is drawn from, in a
# mapping `people` keyed like the figure ("<side>_<state>" where a figure has
# sides): outcomes.small_cells hides a figure drawn from too few. Where that
# number cannot be counted in the same query (a total over several kinds or
# levels), the largest of its parts stands in: never more than the truth, so
# a figure is only ever hidden more often, never less.


@dataclass(frozen=True)
class CrisisPlanFigures:
    """The crisis plans table (`definitions.SECTIONS["crisis_plans"]`): counts only.

    Computed in the caseload's own query (`caseload_figures`)."""

    open_plans: int = 0
    with_crisis_plan: int = 0
    crisis_reviewed: int = 0
    people: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def crisis_reviewed_share(self) -> float | None:
        """Of the plans not closed, the share whose crisis plan was reviewed lately."""
        return self.crisis_reviewed / self.open_plans if self.open_plans else None


@dataclass(frozen=True)
class CaseloadFigures:
    people: int
    plans: int
    active_plans: int
    closed_plans: int
    reviews_due: int
    reviews_overdue: int
    with_supporters: int = 0
    people_behind: dict[str, int] = field(default_factory=dict, compare=False)
    # Another table, from the same query: the crisis plans of the plans not closed.
    crisis: CrisisPlanFigures = field(default_factory=CrisisPlanFigures, compare=False)


def crisis_plan_rules(f: DashboardFilter) -> dict[str, Q]:
    """Which plans each crisis plan figure counts: plans not closed; those with a crisis
    plan; those whose crisis plan the person marked reviewed within the set period
    (settings.CRISIS_PLAN_REVIEW_DAYS) before the end of the dashboard's period."""
    _, end = f.period_bounds
    not_closed = ~Q(status=Plan.Status.CLOSED)
    return {
        "open_plans": not_closed,
        "with_crisis_plan": not_closed & Q(crisis_plan__isnull=False),
        "crisis_reviewed": not_closed
        & Q(
            crisis_plan__reviewed_at__gte=end - crisis.review_period(),
            crisis_plan__reviewed_at__lt=end,
        ),
    }


def caseload_rules(f: DashboardFilter, today: dt.date | None) -> dict[str, Q]:
    """Which of the caseload's plans each plan figure of the caseload table counts
    (the figures count them, the drill-down lists them)."""
    today = today or timezone.localdate()
    not_closed = ~Q(status=Plan.Status.CLOSED)
    return {
        "active_plans": Q(status=Plan.Status.ACTIVE),
        "closed_plans": Q(status=Plan.Status.CLOSED),
        "reviews_due": not_closed
        & Q(next_review_date__gte=today, next_review_date__lte=f.end + REVIEW_DUE_WINDOW),
        "reviews_overdue": not_closed & Q(next_review_date__lt=today),
        # Someone on the person's side now (invited, not removed): a family member,
        # a friend, a carer or an advocate.
        "with_supporters": Q(Exists(Supporter.objects.current().filter(person=OuterRef("person")))),
    }


def caseload_figures(f: DashboardFilter, *, today: dt.date | None = None) -> CaseloadFigures:
    """The caseload table (`definitions.SECTIONS["caseload"]`). One query."""
    return _caseload_from(f, aggregate_together({"caseload": _caseload_parts(f, today)}))


def _caseload_parts(f: DashboardFilter, today: dt.date | None) -> RowParts:
    both = {**caseload_rules(f, today), **crisis_plan_rules(f)}
    return caseload_plans(f), {
        "people": Count("person", distinct=True),
        "plans": Count("pk"),
        **{name: Count("pk", filter=rule) for name, rule in both.items()},
        **{
            f"{name}_people": Count("person", distinct=True, filter=rule)
            for name, rule in both.items()
        },
    }


def _caseload_from(f: DashboardFilter, rows: dict[str, dict[str, Any]]) -> CaseloadFigures:
    crisis_rules = crisis_plan_rules(f)
    both = [*caseload_rules(f, None), *crisis_rules]
    figures = dict(rows["caseload"])
    behind = {name: figures.pop(f"{name}_people") for name in both}
    crisis_figures = CrisisPlanFigures(
        **{name: figures.pop(name) for name in crisis_rules},
        people={name: behind.pop(name) for name in crisis_rules},
    )
    behind["people"] = behind["plans"] = figures["people"]
    return CaseloadFigures(**figures, people_behind=behind, crisis=crisis_figures)


# --- 2. Change since the first rating, and agreement -------------------------------------


@dataclass(frozen=True)
class SideChange:
    """How many of the caseload's outcomes meet each `change_rule`, from one side."""

    improved: int
    unchanged: int
    worsened: int
    not_enough_ratings: int
    not_rated: int

    @property
    def compared(self) -> int:
        return self.improved + self.unchanged + self.worsened


@dataclass(frozen=True)
class Agreement:
    both_rated: int
    agree: int
    disagree: int
    mean_gap: float | None
    people: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class OutcomeChange:
    outcomes: int
    person: SideChange
    professional: SideChange
    agreement: Agreement
    people: dict[str, int] = field(
        default_factory=dict, compare=False
    )  # "outcomes", "<side>_<state>"


def outcome_change(f: DashboardFilter) -> OutcomeChange:
    """The change and agreement tables (`definitions.RATINGS_COMPARED`), by the
    rules `change_rule` and `AGREEMENT_RULES`. One query, shared with
    `change_by_life_area` (see `outcome_figures`)."""
    return outcome_figures(f).change


# --- 3. Achieved in the period -----------------------------------------------------------


@dataclass(frozen=True)
class OutcomesClosed:
    achieved: int
    let_go: int
    people: dict[str, int] = field(default_factory=dict, compare=False)


def status_changed_in_period(f: DashboardFilter) -> QuerySet[ValuedOutcome]:
    """Caseload outcomes whose status last changed during the period."""
    start, end = f.period_bounds
    return caseload_outcomes(f).filter(status_changed_at__gte=start, status_changed_at__lt=end)


def outcomes_achieved(f: DashboardFilter) -> OutcomesClosed:
    """The achieved table (`definitions.SECTIONS["achieved"]`). One query."""
    statuses = {"achieved": ValuedOutcome.Status.ACHIEVED, "let_go": ValuedOutcome.Status.LET_GO}
    row = status_changed_in_period(f).aggregate(
        **{name: Count("pk", filter=Q(status=status)) for name, status in statuses.items()},
        **{
            f"{name}_people": Count("plan__person", distinct=True, filter=Q(status=status))
            for name, status in statuses.items()
        },
    )
    people = {name: row.pop(f"{name}_people") for name in statuses}
    return OutcomesClosed(**row, people=people)


# --- 4. Change by life area ----------------------------------------------------------------


@dataclass(frozen=True)
class LifeAreaChange:
    """One life area's outcomes and, from each side, how many were rated twice
    and their average change in points."""

    name: str
    outcomes: int
    person_outcomes: int
    person_average: float | None
    professional_outcomes: int
    professional_average: float | None
    people: dict[str, int] = field(
        default_factory=dict, compare=False
    )  # "outcomes", "<side>_outcomes"


def change_by_life_area(f: DashboardFilter) -> list[LifeAreaChange]:
    """The life area table (`definitions.SECTIONS["life_area"]`). One query,
    shared with `outcome_change` (see `outcome_figures`)."""
    return outcome_figures(f).by_area


@dataclass(frozen=True)
class OutcomeFigures:
    change: OutcomeChange
    by_area: list[LifeAreaChange]
    achieved: OutcomesClosed | None = None


def outcome_figures(
    f: DashboardFilter,
    *,
    today: dt.date | None = None,
    summarised: bool | None = None,
    statement: Statement | None = None,
) -> OutcomeFigures:
    """`outcome_change`, `change_by_life_area` and `outcomes_achieved` from one
    query: the per-outcome rows of `summarised_journeys` when the summaries can
    answer the filter (`summaries_answer`), else of `rating_journeys`, summed
    once per life area name and once overall. Should a summarised row turn out
    late (a rating dated after the period's end: none the forms accept), the
    figures are computed again from the ratings, so they are always exact.
    `summarised` forces one source (the tests compare the two); `statement`, the
    journey sums already built for this filter and day (`dashboard_statements`)."""
    if summarised is None:
        summarised = summaries_answer(f, today)
    rows = _run_journey_sums(statement or _journey_sums_sql(f, summarised))
    (total,) = (row for row in rows if row["area"] is None)
    if summarised and total["late"]:
        rows = _journey_sums(f, summarised=False)
        (total,) = (row for row in rows if row["area"] is None)
    areas = sorted((row for row in rows if row["area"] is not None), key=lambda r: r["area"])

    def people(row: dict[str, Any], *names: str) -> dict[str, int]:
        return {name: row[f"{name}__people"] for name in names}

    def side_change(side: str) -> SideChange:
        return SideChange(**{state: total[f"{side}_{state}"] for state in CHANGE_STATES})

    change = OutcomeChange(
        outcomes=total["outcomes"],
        person=side_change(Side.PERSON),
        professional=side_change(Side.PROFESSIONAL),
        agreement=Agreement(
            both_rated=total["both_rated"],
            agree=total["agree"],
            disagree=total["disagree"],
            mean_gap=_float_or_none(total["mean_gap"]),
            people=people(total, *AGREEMENT_RULES),
        ),
        people=people(
            total, "outcomes", *(f"{side}_{state}" for side in SIDES for state in CHANGE_STATES)
        ),
    )
    by_area = [
        LifeAreaChange(
            name=row["area"],
            outcomes=row["outcomes"],
            person_outcomes=row["person_outcomes"],
            person_average=_float_or_none(row["person_average"]),
            professional_outcomes=row["professional_outcomes"],
            professional_average=_float_or_none(row["professional_average"]),
            people=people(row, "outcomes", *(f"{side}_outcomes" for side in SIDES)),
        )
        for row in areas
    ]
    achieved = OutcomesClosed(
        achieved=total["achieved"],
        let_go=total["let_go"],
        people={name: total[f"{name}__people"] for name in ("achieved", "let_go")},
    )
    return OutcomeFigures(change=change, by_area=by_area, achieved=achieved)


def _journey_sums(f: DashboardFilter, summarised: bool) -> list[dict[str, Any]]:
    """The rows of `summarised_journeys` or `rating_journeys` summed per life area
    name and overall (the row whose "area" is None)."""
    return _run_journey_sums(_journey_sums_sql(f, summarised))


def _journey_sums_sql(f: DashboardFilter, summarised: bool) -> Statement:
    """The statement of `_journey_sums`, built but not run."""
    # Django cannot group the rows of an already grouped query, so the outer
    # GROUP BY is written by hand around the ORM's per-outcome query. Both
    # databases read the same standard SQL; the tests run it on each.
    journeys = summarised_journeys(f) if summarised else rating_journeys(f)
    inner, params = journeys.query.sql_with_params()
    columns = _summed_journeys()
    columns["late"] = 'SUM("late")' if summarised else "0"
    select = ", ".join(columns.values())
    # Life area names are never null, so the overall row is the one without a name.
    sql = (
        f"WITH journey AS ({inner}) "  # noqa: S608 - only our own column names are interpolated
        f'SELECT "area", {select} FROM journey GROUP BY "area" '
        f"UNION ALL SELECT NULL, {select} FROM journey"
    )
    return Statement(sql, tuple(params), journeys.db)


def _run_journey_sums(statement: Statement) -> list[dict[str, Any]]:
    cursor, sql, params = _cursor_for(statement)
    with cursor:
        cursor.execute(sql, params)
        names = ["area", *_summed_journeys(), "late"]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _summed_journeys() -> dict[str, str]:
    """The figures of `outcome_figures`, as SQL over the rows of `rating_journeys`."""
    columns = {"outcomes": "COUNT(*)", "outcomes__people": 'COUNT(DISTINCT "person")'}

    def counted(name: str, rule: str) -> None:
        columns[name] = f"COUNT(CASE WHEN {rule} THEN 1 END)"
        columns[f"{name}__people"] = f'COUNT(DISTINCT CASE WHEN {rule} THEN "person" END)'

    for side in SIDES:
        for state in CHANGE_STATES:
            counted(f"{side}_{state}", change_rule(side, state))
        counted(f"{side}_outcomes", rated_twice(side))
        columns[f"{side}_average"] = f"AVG({change_points(side)})"
    for state, rule in AGREEMENT_RULES.items():
        counted(state, rule)
    columns["mean_gap"] = 'AVG("latest_gap")'
    for status in (ValuedOutcome.Status.ACHIEVED, ValuedOutcome.Status.LET_GO):
        counted(status.value, f"\"closed\" = '{status.value}'")
    return columns


def _float_or_none(value: Any) -> float | None:
    # PostgreSQL averages integers as numeric, which arrives as a Decimal.
    return None if value is None else float(value)


# --- 5. Co-production ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentShare:
    """Pieces of writing by the side that last wrote them (`definitions.WORDS_COUNTED`),
    by kind, and the changes each side made in the period (`definitions.CHANGES_COUNTED`)."""

    person: int
    professional: int
    by_kind: dict[str, dict[str, int]]
    people_by_kind: dict[str, dict[str, int]] = field(default_factory=dict, compare=False)
    changes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIDES, 0))
    people_changing: dict[str, int] = field(default_factory=dict, compare=False)

    def people(self, side: str) -> int:
        """People behind a side's total: at least as many as behind its largest kind."""
        return max(counts[side] for counts in self.people_by_kind.values())

    @property
    def person_share(self) -> float | None:
        total = self.person + self.professional
        return self.person / total if total else None


def caseload_changes(f: DashboardFilter) -> QuerySet[PlanChange]:
    """Changes to what the caseload's plans say, made during the period; with a life
    area chosen, only changes in that area."""
    start, end = f.period_bounds
    changes = PlanChange.objects.content_changes().filter(
        plan__in=caseload_plans(f), at__gte=start, at__lt=end
    )
    if f.life_area_name is not None:
        changes = changes.filter(area_named(f, "life_area__name"))
    return changes


def caseload_about(f: DashboardFilter) -> PlanQuerySet:
    """The caseload's plans, for their "about me" (none with a life area chosen)."""
    plans = caseload_plans(f)
    return plans.none() if f.life_area_name is not None else plans


def content_share(f: DashboardFilter) -> ContentShare:
    """The content table (`definitions.SECTIONS["content"]`), the words counted from
    the content summaries (`outcomes.summaries`, always up to date: the words are
    counted as they read now, whatever the period) and the changes from the
    history. One query."""
    return _content_from(aggregate_together(_content_parts(f)))


def _content_parts(f: DashboardFilter) -> dict[str, RowParts]:
    """Two rows: the words, summed per person over the caseload's content summaries
    and then over people ("<column>" and "<column>_people", how many people have
    any); and each side's changes in the period ("<side>", "<side>_people")."""
    rows = ContentSummary.objects.filter(plan__in=caseload_plans(f))
    if f.life_area_name is not None:  # "about me" belongs to no life area
        rows = rows.filter(area_named(f, "life_area__name"))
    kinds = [kind for kind in CONTENT_WORDS if kind != "about" or f.life_area_name is None]
    columns = [
        content_column(kind, name, side)
        for kind in kinds
        for name in CONTENT_WORDS[kind]
        for side in SIDES
    ]
    by_person = (
        rows.order_by()
        .values("plan__person")
        .annotate(**{f"summed_{column}": Sum(column) for column in columns})
    )
    inner, params = by_person.query.sql_with_params()
    select = ", ".join(
        f'SUM("summed_{column}") AS "words__{column}", '
        f'COUNT(CASE WHEN "summed_{column}" > 0 THEN 1 END) AS "words__{column}_people"'
        for column in columns
    )
    changes = caseload_changes(f)
    return {
        # Our own column names and the ORM's SQL only; values are parameters.
        "words": (f"SELECT {select} FROM ({inner}) by_person", list(params)),  # noqa: S608
        "changes": (
            changes,
            {
                **{side: Count("pk", filter=Q(actor_side=side)) for side in SIDES},
                **{
                    f"{side}_people": Count(
                        "plan__person", distinct=True, filter=Q(actor_side=side)
                    )
                    for side in SIDES
                },
            },
        ),
    }


def _content_from(rows: dict[str, dict[str, Any]]) -> ContentShare:
    words, changes = rows["words"], rows["changes"]
    by_kind = {kind: dict.fromkeys(SIDES, 0) for kind in CONTENT_WORDS}
    people_by_kind = {kind: dict.fromkeys(SIDES, 0) for kind in CONTENT_WORDS}
    for kind, names in CONTENT_WORDS.items():
        for name in names:
            for side in SIDES:
                column = content_column(kind, name, side)
                # PostgreSQL sums integers as numeric: back to int (0 over no rows).
                by_kind[kind][side] += int(words.get(column) or 0)
                # Each field is counted apart: a kind has at least as many people as its largest.
                people_by_kind[kind][side] = max(
                    people_by_kind[kind][side], words.get(f"{column}_people") or 0
                )
    return ContentShare(
        person=sum(counts[Side.PERSON] for counts in by_kind.values()),
        professional=sum(counts[Side.PROFESSIONAL] for counts in by_kind.values()),
        by_kind=by_kind,
        people_by_kind=people_by_kind,
        changes={side: changes[side] for side in SIDES},
        people_changing={side: changes[f"{side}_people"] for side in SIDES},
    )


def content_share_from_items(f: DashboardFilter) -> ContentShare:
    """`content_share` computed from the items themselves, reading who last wrote
    each field from its `writers`: the reference the content summaries must
    agree with (the tests compare the two). One query."""

    def counted(qs: QuerySet[Any], kind: str, side: str, person: str) -> QuerySet[Any]:
        return (
            qs.order_by()
            .values(side)
            .annotate(kind=Value(kind), n=Count("pk"), people=Count(person, distinct=True))
            .values_list("kind", side, "n", "people")
        )

    parts = [
        counted(caseload_content(f, kind).words_by_writer(name), kind, "writer", "plan__person")
        for kind, model in CONTENT_MODELS.items()
        for name in model.WORDS
    ]
    parts += [
        counted(caseload_about(f).about_by_writer(name), "about", "writer", "person")
        for name in Plan.ABOUT_WORDS
    ]
    parts.append(counted(caseload_changes(f), "changes", "actor_side", "plan__person"))
    by_kind = {kind: dict.fromkeys(SIDES, 0) for kind in [*CONTENT_MODELS, "about"]}
    people_by_kind = {kind: dict.fromkeys(SIDES, 0) for kind in [*CONTENT_MODELS, "about"]}
    changes = dict.fromkeys(SIDES, 0)
    people_changing = dict.fromkeys(SIDES, 0)
    for kind, side, n, people in parts[0].union(*parts[1:], all=True):  # a few rows each
        if side not in SIDES:
            continue
        if kind == "changes":
            changes[side] = n
            people_changing[side] = people
            continue
        by_kind[kind][side] += n
        # Each field is counted apart: a kind has at least as many people as its largest.
        people_by_kind[kind][side] = max(people_by_kind[kind][side], people)
    return ContentShare(
        person=sum(counts[Side.PERSON] for counts in by_kind.values()),
        professional=sum(counts[Side.PROFESSIONAL] for counts in by_kind.values()),
        by_kind=by_kind,
        people_by_kind=people_by_kind,
        changes=changes,
        people_changing=people_changing,
    )


@dataclass(frozen=True)
class LeadershipBalance:
    by_level: dict[int, int]
    people_by_level: dict[int, int] = field(default_factory=dict, compare=False)

    def people(self, key: str) -> int:
        """People behind a level, or (at least) behind a group of levels."""
        levels = LEADERSHIP_GROUP_LEVELS.get(key) or [int(key)]
        return max(self.people_by_level[level] for level in levels)

    def _group(self, name: str) -> int:
        return sum(self.by_level[level] for level in LEADERSHIP_GROUP_LEVELS[name])

    @property
    def person_led(self) -> int:
        return self._group("person_led")

    @property
    def shared(self) -> int:
        return self._group("shared")

    @property
    def professional_led(self) -> int:
        return self._group("professional_led")


def leadership_balance(f: DashboardFilter) -> LeadershipBalance:
    """The leadership table (`definitions.SECTIONS["leadership"]`). One query."""
    return _leadership_from(aggregate_together({"leadership": _leadership_parts(f)}))


def _leadership_parts(f: DashboardFilter) -> RowParts:
    return caseload_areas(f), {
        **{str(level): Count("pk", filter=Q(leadership=level)) for level in Leadership.values},
        **{
            f"people_{level}": Count("plan__person", distinct=True, filter=Q(leadership=level))
            for level in Leadership.values
        },
    }


def _leadership_from(rows: dict[str, dict[str, Any]]) -> LeadershipBalance:
    row = rows["leadership"]
    return LeadershipBalance(
        by_level={int(level): row[str(level)] for level in Leadership.values},
        people_by_level={int(level): row[f"people_{level}"] for level in Leadership.values},
    )


@dataclass(frozen=True)
class ProposalFigures:
    made: int
    accepted: int
    declined: int
    withdrawn: int
    waiting: int
    median_hours_to_answer: float | None
    people: dict[str, int] = field(
        default_factory=dict, compare=False
    )  # each state, and "answered"


def proposal_figures(f: DashboardFilter) -> dict[str, ProposalFigures]:
    """The suggestions table (`definitions.SECTIONS["proposals"]`).
    One query on PostgreSQL, two on SQLite."""
    return _proposals_from(f, aggregate_together({"proposals": _proposal_parts(f)}))


def _proposal_parts(f: DashboardFilter) -> RowParts:
    """Each side's figures as columns "<side>_<figure>" of one row."""
    proposals = caseload_proposals(f)
    on_postgresql = connections[proposals.db].vendor == "postgresql"
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        theirs = Q(proposed_side=side)
        answered = theirs & Q(status__in=ANSWERED)
        aggregates[f"{side}_made"] = Count("pk", filter=theirs)
        aggregates[f"{side}_made_people"] = Count("plan__person", distinct=True, filter=theirs)
        aggregates[f"{side}_answered_people"] = Count(
            "plan__person", distinct=True, filter=answered
        )
        for state, status in PROPOSAL_STATUS.items():
            aggregates[f"{side}_{state}"] = Count("pk", filter=theirs & Q(status=status))
            aggregates[f"{side}_{state}_people"] = Count(
                "plan__person", distinct=True, filter=theirs & Q(status=status)
            )
        if on_postgresql:
            aggregates[f"{side}_median_hours_to_answer"] = Median(
                HoursBetween("created_at", "answered_at"), filter=answered
            )
    return proposals, aggregates


def _sqlite_median_parts(f: DashboardFilter) -> RowParts | None:
    """On SQLite, each side's median hours to answer as one row (the middle rows
    of `_median_hours_by_window`, averaged), to join the other figures; None on
    PostgreSQL, whose median is an aggregate of `_proposal_parts`."""
    proposals = caseload_proposals(f)
    if connections[proposals.db].vendor == "postgresql":
        return None
    middle, params = _middle_answers(proposals).query.sql_with_params()
    columns = ", ".join(
        f'AVG(CASE WHEN "proposed_side" = %s THEN "hours" END) AS "median__{side}"'
        for side in SIDES
    )
    # Our own column names and the ORM's SQL only; values are parameters.
    return f"SELECT {columns} FROM ({middle}) middle", [*SIDES, *params]  # noqa: S608


def _proposals_from(
    f: DashboardFilter, rows: dict[str, dict[str, Any]]
) -> dict[str, ProposalFigures]:
    row = rows["proposals"]
    by_side: dict[str, ProposalFigures] = {}
    medians: dict[str, float] = {}
    if f"{SIDES[0]}_median_hours_to_answer" not in row:  # SQLite: no ordered-set aggregate
        if "median" in rows:
            medians = {side: rows["median"][side] for side in SIDES}
        else:
            medians = _median_hours_by_window(caseload_proposals(f))
    for side in SIDES:
        by_side[side] = ProposalFigures(
            **{state: row[f"{side}_{state}"] for state in PROPOSAL_STATES},
            median_hours_to_answer=row.get(f"{side}_median_hours_to_answer", medians.get(side)),
            people={name: row[f"{side}_{name}_people"] for name in [*PROPOSAL_STATES, "answered"]},
        )
    return by_side


def _middle_answers(proposals: QuerySet[Proposal]) -> QuerySet[Any]:
    """(side, hours to answer) of each side's middle one or two answered proposals."""
    hours = HoursBetween("created_at", "answered_at")
    side = [F("proposed_side")]
    return (
        proposals.filter(status__in=ANSWERED)
        .annotate(
            hours=hours,
            position=Window(RowNumber(), partition_by=side, order_by=[hours.asc(), F("pk")]),
            answered=Window(Count("pk"), partition_by=side),
        )
        .filter(position__gte=(F("answered") + 1) / 2, position__lte=F("answered") / 2 + 1)
        .values_list("proposed_side", "hours")
    )


def _median_hours_by_window(proposals: QuerySet[Proposal]) -> dict[str, float]:
    """Median hours to answer per side without an ordered-set aggregate: number
    the answered proposals of each side by time taken and keep only the middle
    one (odd count) or two (even count). At most four rows come back."""
    by_side: dict[str, list[float]] = {}
    for proposed_side, value in _middle_answers(proposals):
        by_side.setdefault(proposed_side, []).append(value)
    return {s: sum(values) / len(values) for s, values in by_side.items()}


# --- Replies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyFigures:
    replies: int
    open_disagreements: int
    replies_people: int = field(default=0, compare=False)
    open_disagreements_people: int = field(default=0, compare=False)


def caseload_replies(f: DashboardFilter) -> QuerySet[Reply]:
    """Replies on the caseload's plans written before the end of the period; with a
    life area chosen, only replies about things in that area."""
    _, end = f.period_bounds
    replies = Reply.objects.filter(plan__in=caseload_plans(f), created_at__lt=end)
    if f.life_area_name is not None:
        replies = replies.filter(life_area__name=f.life_area_name)
    return replies


def reply_figures(f: DashboardFilter) -> dict[str, ReplyFigures]:
    """The replies table (`definitions.SECTIONS["replies"]`), for each side: one query."""
    return _replies_from(aggregate_together({"replies": _reply_parts(f)}))


def _reply_parts(f: DashboardFilter) -> RowParts:
    """The replies table's figures, "<side>_<figure>", as one row's aggregates.

    An open disagreement is counted on the latest reply to a thing from the side
    that did not write it, when nothing later (up to the end of the period)
    changed or removed the thing.
    """
    start, end = f.period_bounds
    from_other_side = ~Q(author_side=F("target_side"))
    later_from_other_side = Reply.objects.filter(
        target_type=OuterRef("target_type"), target_code=OuterRef("target_code"), created_at__lt=end
    ).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        ~Q(author_side=F("target_side")),
    )
    changed_since = PlanChange.objects.filter(
        plan=OuterRef("plan"),
        item_code=OuterRef("target_code"),
        action__in=[PlanChange.Action.EDIT, PlanChange.Action.REMOVE],
        at__gt=OuterRef("created_at"),
        at__lt=end,
    )
    written = Q(created_at__gte=start)
    open_ = from_other_side & ~Exists(later_from_other_side) & ~Exists(changed_since)
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        theirs = Q(author_side=side)
        aggregates[f"{side}_replies"] = Count("pk", filter=theirs & written)
        aggregates[f"{side}_open_disagreements"] = Count("pk", filter=theirs & open_)
        # How many different people's plans each figure is drawn from (small cells).
        aggregates[f"{side}_replies_people"] = Count(
            "plan__person", filter=theirs & written, distinct=True
        )
        aggregates[f"{side}_open_disagreements_people"] = Count(
            "plan__person", filter=theirs & open_, distinct=True
        )
    return caseload_replies(f), aggregates


def _replies_from(rows: dict[str, dict[str, Any]]) -> dict[str, ReplyFigures]:
    row = rows["replies"]
    keys = ("replies", "open_disagreements", "replies_people", "open_disagreements_people")
    return {side: ReplyFigures(**{key: row[f"{side}_{key}"] for key in keys}) for side in SIDES}


# --- The power check at reviews ----------------------------------------------------------


@dataclass(frozen=True)
class PowerCheckFigures:
    """The power check table (`definitions.SECTIONS["power_check"]`)."""

    reviews: int
    person_answered: int
    led: dict[str, int]
    words_kept: dict[str, int]
    professional_answers: int
    shared_as_agreed: dict[str, int]
    # By figure key, how many different people it is drawn from (outcomes.small_cells).
    people: dict[str, int] = field(default_factory=dict, compare=False)


def power_check_figures(f: DashboardFilter) -> PowerCheckFigures:
    """Answers to the power check in reviews completed in the period. One query.

    With a professional chosen, the professionals' answers are that
    professional's own; the person's answers are those on the plans in the
    filter, as for every other figure.
    """
    return _power_check_from(aggregate_together({"power_check": _power_check_parts(f)}))


def _power_check_counted(f: DashboardFilter) -> dict[str, tuple[str, Q | None]]:
    """Each power check figure: what it counts, and which answers."""
    person = Q(power_checks__side=Side.PERSON)
    professional = Q(power_checks__side=Side.PROFESSIONAL)
    if f.professional_id is not None:
        professional &= Q(power_checks__answered_by__professional__id=f.professional_id)
    counted: dict[str, tuple[str, Q | None]] = {
        "reviews": ("pk", None),
        "person_answered": ("power_checks", person),
        "professional_answers": ("power_checks", professional),
    }
    for value in PowerCheck.Led.values:
        counted[f"led_{value}"] = ("power_checks", person & Q(power_checks__led=value))
    for value in PowerCheck.Kept.values:
        counted[f"words_kept_{value}"] = (
            "power_checks",
            person & Q(power_checks__words_kept=value),
        )
        counted[f"shared_{value}"] = (
            "power_checks",
            professional & Q(power_checks__shared_as_agreed=value),
        )
    return counted


def _power_check_parts(f: DashboardFilter) -> RowParts:
    start, end = f.period_bounds
    reviews = Review.objects.filter(
        plan__in=caseload_plans(f), completed_at__gte=start, completed_at__lt=end
    )
    aggregates: dict[str, Any] = {}
    for key, (counted_field, condition) in _power_check_counted(f).items():
        aggregates[key] = Count(counted_field, filter=condition, distinct=counted_field == "pk")
        # How many different people each figure is drawn from (outcomes.small_cells).
        aggregates[f"{key}__people"] = Count("plan__person", filter=condition, distinct=True)
    return reviews, aggregates


def _power_check_from(rows: dict[str, dict[str, Any]]) -> PowerCheckFigures:
    row = rows["power_check"]
    counted = [key for key in row if not key.endswith("__people")]
    return PowerCheckFigures(
        reviews=row["reviews"],
        person_answered=row["person_answered"],
        led={value: row[f"led_{value}"] for value in PowerCheck.Led.values},
        words_kept={value: row[f"words_kept_{value}"] for value in PowerCheck.Kept.values},
        professional_answers=row["professional_answers"],
        shared_as_agreed={value: row[f"shared_{value}"] for value in PowerCheck.Kept.values},
        people={key: row[f"{key}__people"] for key in counted},
    )


# --- 6. Drill-down ------------------------------------------------------------------------


def plans_behind(
    f: DashboardFilter, cell: tuple[str, ...], *, today: dt.date | None = None
) -> PlanQuerySet:
    """The plans behind one figure on the dashboard, for listing by name. Cells:

    ("caseload", "people" | "plans" | "active_plans" | "closed_plans"
                 | "reviews_due" | "reviews_overdue" | "with_supporters")
    ("outcomes", "person" | "professional",
                 "improved" | "unchanged" | "worsened" | "not_enough_ratings" | "not_rated")
    ("agreement", "both_rated" | "agree" | "disagree")
    ("achieved", "achieved" | "let_go")
    ("life_area", <area name>, "person" | "professional")   outcomes rated twice
    ("content", "person" | "professional")                  plans with such content
    ("leadership", "1".."5" | "person_led" | "shared" | "professional_led")
    ("proposals", "person" | "professional",
                  "made" | "accepted" | "declined" | "withdrawn" | "waiting")

    A plan is listed once even when several of its outcomes or items are behind
    the figure. The caller must still check what the lead may see. One query.
    Raises UnknownMetric for anything else.
    """
    plans = caseload_plans(f)
    match cell:
        case ("caseload", "people" | "plans"):
            pass
        case (
            "caseload",
            "active_plans" | "closed_plans" | "reviews_due" | "reviews_overdue" | "with_supporters",
        ):
            plans = plans.filter(caseload_rules(f, today)[cell[1]])
        case ("outcomes", side, state) if side in SIDES and state in CHANGE_STATES:
            plans = plans.filter(pk__in=journeys_where(f, change_rule(side, state)))
        case ("agreement", state) if state in AGREEMENT_RULES:
            plans = plans.filter(pk__in=journeys_where(f, AGREEMENT_RULES[state]))
        case ("achieved", "achieved" | "let_go"):
            closed = status_changed_in_period(f).filter(status=cell[1])
            plans = plans.filter(pk__in=closed.values("plan"))
        case ("life_area", name, side) if side in SIDES:
            rule = f'"area" = %s AND {rated_twice(side)}'
            plans = plans.filter(pk__in=journeys_where(f, rule, name))
        case ("content", side) if side in SIDES:
            plans = plans.filter(_holds_words_of(f, side))
        case ("leadership", level) if level in LEADERSHIP_GROUP_LEVELS or level in {
            str(value) for value in Leadership.values
        }:
            levels = LEADERSHIP_GROUP_LEVELS.get(level) or [int(level)]
            areas = caseload_areas(f).filter(leadership__in=levels)
            plans = plans.filter(pk__in=areas.values("plan"))
        case ("proposals", side, state) if side in SIDES and state in PROPOSAL_STATES:
            proposals = caseload_proposals(f).filter(proposed_side=side)
            if state != "made":
                proposals = proposals.filter(status=PROPOSAL_STATUS[state])
            plans = plans.filter(pk__in=proposals.values("plan"))
        case _:
            raise UnknownMetric(f"No dashboard figure called {cell!r}.")
    return plans.select_related("person__user").order_by(
        "person__user__display_name", "person__user__username", "pk"
    )


def _holds_words_of(f: DashboardFilter, side: str) -> Q:
    """Plans where `side` holds the words of some item, life area or "about me" field."""
    written = [
        caseload_content(f, kind).words_by_writer(name).filter(writer=side).values("plan")
        for kind, model in CONTENT_MODELS.items()
        for name in model.WORDS
    ]
    written += [
        caseload_about(f).about_by_writer(name).filter(writer=side).values("pk")
        for name in Plan.ABOUT_WORDS
    ]
    return Q(*(Q(pk__in=rows) for rows in written), _connector=Q.OR)


# --- Everything at once -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    filter: DashboardFilter
    caseload: CaseloadFigures
    outcomes: OutcomeChange
    achieved: OutcomesClosed
    life_areas: list[LifeAreaChange]
    content: ContentShare
    leadership: LeadershipBalance
    proposals: dict[str, ProposalFigures]
    replies: dict[str, ReplyFigures]
    power_check: PowerCheckFigures


def dashboard(f: DashboardFilter, *, today: dt.date | None = None) -> Dashboard:
    """Every figure for one team and filter, in two queries: the outcomes'
    figures (`outcome_figures`, from the rating summaries for a period ending
    today), and every figure that is one row of aggregates over its own set
    (caseload, leadership, suggestions, replies, power check, the content's
    words from the content summaries and its changes, and on SQLite the median
    hours to answer), those cross-joined in one statement (`aggregate_together`).
    Both statements are built once per filter and day (`dashboard_statements`)."""
    today = today or timezone.localdate()
    journeys, together = dashboard_statements(f, f.member_ids, today, *_statement_settings(f))
    outcomes = outcome_figures(f, today=today, statement=journeys)
    assert outcomes.achieved is not None
    rows = run_together(together)
    return Dashboard(
        filter=f,
        caseload=_caseload_from(f, rows),
        outcomes=outcomes.change,
        achieved=outcomes.achieved,
        life_areas=outcomes.by_area,
        content=_content_from(rows),
        leadership=_leadership_from(rows),
        proposals=_proposals_from(f, rows),
        replies=_replies_from(rows),
        power_check=_power_check_from(rows),
    )


def _statement_settings(f: DashboardFilter) -> tuple[Hashable, ...]:
    """Everything besides the filter and the day that the statements' SQL and
    parameters depend on: the database, the time zone (the period's bounds) and
    the crisis plan's review period."""
    using = Plan.objects.db_manager().db
    return (
        using,
        connections[using].vendor,
        timezone.get_current_timezone_name(),
        crisis.review_period(),
    )


@functools.lru_cache(maxsize=64)
def dashboard_statements(
    f: DashboardFilter, member_ids: tuple[int, ...] | None, today: dt.date, *settings: Hashable
) -> tuple[Statement, Statement]:
    """The dashboard's two statements for a filter and day, built once per process:
    building them with the ORM (some thirty aggregates over eight sets) cost more
    than running them on a small team. Their SQL and parameters depend only on the
    arguments (`member_ids`, which the filter's equality leaves out, and
    `settings`, `_statement_settings`: passed to key the cache)."""
    assert member_ids == f.member_ids
    parts: dict[str, RowParts] = {
        "caseload": _caseload_parts(f, today),
        "leadership": _leadership_parts(f),
        "proposals": _proposal_parts(f),
        "replies": _reply_parts(f),
        "power_check": _power_check_parts(f),
        **_content_parts(f),
    }
    median = _sqlite_median_parts(f)
    if median is not None:
        parts["median"] = median
    journeys = _journey_sums_sql(f, summarised=summaries_answer(f, today))
    return replace(journeys, prepared=True), replace(together_sql(parts), prepared=True)
