"""The summaries behind the team dashboard: rating summaries
(`outcomes.models.RatingSummary`) and content summaries (`ContentSummary`).

One row per valued outcome that has standing ratings: for each side, how many,
the first and the latest (as rating keys, `metrics.RATING_KEY`). The dashboard
reads these rows instead of grouping every rating of the caseload on every
request; `metrics.rating_journeys` stays the reference it must agree with.

Two writers, both computing from the rating rows themselves in one set-based
statement (INSERT … SELECT … ON CONFLICT DO UPDATE, which SQLite and
PostgreSQL both read), so the summary can never drift from them:

- `refresh(outcome)`, called by `outcomes.services` in the same transaction as
  each rating and withdrawal (the services are the only writers of ratings);
- `rebuild(plans)`, for bulk loads that write rating rows directly (the
  synthetic caseload) and for the migration that filled existing databases.

Only ratings change a rating summary: everything else the dashboard filters on
(the outcome's plan, life area, status, removal) is read from the outcome's own
row, so `plans.services` never needs to tell this module anything.

A content summary (who last wrote each piece of writing on a plan, per life
area) changes with every addition, edit, move and removal of what a plan says,
by `plans.services` and `outcomes.services` alike. Each of those records its
history entry (`plans.history.record`) after writing the item, in the same
transaction; `plan_changed` below hears every entry saved and recomputes that
plan's content summary from its items there and then (two statements: the
plan's rows out, then in again from one INSERT … SELECT). As with ratings,
recomputing rather than adding keeps it exact, and the history entry has
already bumped the plan's version, so two writes to one plan summarise one
after the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections, router, transaction
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.db.models.signals import post_save
from django.dispatch import receiver

from coproduce.compiled_query import CompiledQuery
from coproduce.models import Side
from outcomes.metrics import (
    CONTENT_MODELS,
    RATING_KEY,
    RATING_KEY_FIRST_DAY,
    RATING_KEY_LAST_DAY,
    SIDES,
)
from outcomes.models import (
    CONTENT_WORDS,
    ContentSummary,
    RatingSummary,
    ValuedOutcome,
    content_column,
)
from plans.models import CONTENT_ITEM_TYPES, Plan, PlanChange, PlanQuerySet

COLUMNS = [f"{side}_{part}" for side in SIDES for part in ("ratings", "first", "latest")]


def _summarised(outcomes: QuerySet[Any]) -> QuerySet[Any]:
    """One row per outcome, with or without ratings: its id, then COLUMNS, over
    the ratings every dashboard figure counts (standing, of the two sides, dated
    in the rating key's range). The same key as `metrics.rating_journeys`."""
    rated = FilteredRelation(
        "ratings",
        condition=Q(
            ratings__side__in=[Side.PERSON, Side.PROFESSIONAL],
            ratings__withdrawn_at__isnull=True,
            ratings__rated_on__gte=RATING_KEY_FIRST_DAY,
            ratings__rated_on__lte=RATING_KEY_LAST_DAY,
        ),
    )
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        mine = Q(rated__side=side)
        aggregates[f"{side}_ratings"] = Count("rated", filter=mine)
        aggregates[f"{side}_first"] = Min(RATING_KEY, filter=mine)
        aggregates[f"{side}_latest"] = Max(RATING_KEY, filter=mine)
    return (
        outcomes.alias(rated=rated)
        .order_by()
        .values("pk")
        .annotate(**aggregates)
        .values_list("pk", *COLUMNS)
    )


def _upsert(summary_model: Any, outcomes: QuerySet[Any]) -> None:
    """Write the summaries of `outcomes` from their ratings: one statement."""
    connection = connections[outcomes.db]
    quote = connection.ops.quote_name
    table = quote(summary_model._meta.db_table)
    columns = [quote(name) for name in COLUMNS]
    select, params = _summarised(outcomes).query.sql_with_params()
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns)
    # Our own table and column names only; values travel as parameters. "WHERE
    # true" keeps SQLite from reading ON CONFLICT as a join's ON.
    sql = (
        f"INSERT INTO {table} ({quote('outcome_id')}, {', '.join(columns)}) "  # noqa: S608
        f"SELECT * FROM ({select}) summarised WHERE 1 = 1 "
        f"ON CONFLICT ({quote('outcome_id')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refresh(outcome: ValuedOutcome) -> None:
    """Recompute one outcome's summary from its ratings: one statement. Call it
    inside the transaction that wrote or withdrew a rating, after the history
    entry: that entry bumps the plan's version, which holds the plan row's lock
    until commit, so two ratings of one plan saved at once (PostgreSQL, read
    committed) summarise one after the other, the second seeing the first."""
    using = router.db_for_write(RatingSummary)
    _upsert(RatingSummary, ValuedOutcome.objects.using(using).filter(pk=outcome.pk))


def rebuild(
    plans: Iterable[int] | QuerySet[Any] | None = None,
    *,
    summary_model: Any = RatingSummary,
    using: str | None = None,
) -> None:
    """Recompute the summaries of every outcome on `plans` (plan ids or a queryset
    of plans; None: every plan) from the rating rows, set-based: one statement
    however many outcomes. Run it after writing rating rows in bulk. The model
    is a parameter so that a migration can pass its historical one."""
    using = using or router.db_for_write(summary_model)
    outcome_model = summary_model._meta.get_field("outcome").related_model
    outcomes = outcome_model.objects.using(using).all()
    if plans is not None:
        outcomes = outcomes.filter(plan__in=plans)
    with transaction.atomic(using=using):
        _upsert(summary_model, outcomes)


# --- Content summaries ------------------------------------------------------------------

# Any history entry about a thing with words (plans.models.CONTENT_ITEM_TYPES)
# may have changed them, whatever was done; ratings and replies never do.
WORDLESS_ACTIONS = frozenset({PlanChange.Action.RATE, PlanChange.Action.REPLY})

CONTENT_COLUMNS = [
    content_column(kind, name, side)
    for kind, names in CONTENT_WORDS.items()
    for name in names
    for side in SIDES
]


def _written(plans: PlanQuerySet, kind: str, name: str) -> QuerySet[Any]:
    """One field's words on `plans` counted by who last wrote them, one row per
    plan and life area: ("p", "a", *CONTENT_COLUMNS), the other fields' columns 0.
    The same items and writers as `metrics.caseload_content` and `words_by_writer`
    (or `about_by_writer` for "about me", the plan's own, in no life area)."""
    if kind == "about":
        no_area = Cast(Value(None), IntegerField())
        rows = plans.about_by_writer(name).values(p=F("pk"), a=no_area)
    else:
        model = CONTENT_MODELS[kind]
        rows = (
            model.objects.using(plans.db)
            .filter(plan__in=plans)
            .words_by_writer(name)
            .values(p=F("plan_id"), a=F("life_area_id"))
        )
    columns: dict[str, Any] = {}
    for column in CONTENT_COLUMNS:
        columns[column] = Value(0)
    for side in SIDES:
        columns[content_column(kind, name, side)] = Count("pk", filter=Q(writer=side))
    return rows.annotate(**columns).order_by()


def _content_insert(summary_model: Any, plans: PlanQuerySet) -> tuple[str, list[Any]]:
    """The INSERT … SELECT that writes the content summaries of `plans` from their items."""
    quote = connections[plans.db].ops.quote_name
    parts = [
        _written(plans, kind, name).query.sql_with_params()
        for kind, names in CONTENT_WORDS.items()
        for name in names
    ]
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) part" for sql, _ in parts)  # noqa: S608
    params = [param for _, part_params in parts for param in part_params]
    columns = ", ".join(quote(column) for column in CONTENT_COLUMNS)
    sums = ", ".join(f"SUM({quote(column)})" for column in CONTENT_COLUMNS)
    # Our own table and column names and the ORM's SQL only; values are parameters.
    sql = (
        f"INSERT INTO {quote(summary_model._meta.db_table)} "  # noqa: S608
        f"({quote('plan_id')}, {quote('life_area_id')}, {columns}) "
        f'SELECT "p", "a", {sums} FROM ({union}) written GROUP BY "p", "a"'
    )
    return sql, params


def _content_upsert(summary_model: Any, plans: PlanQuerySet) -> None:
    """Write the content summaries of `plans` from their items: their rows out,
    then in again from one INSERT … SELECT."""
    summary_model.objects.using(plans.db).filter(plan_id__in=plans.values("pk")).delete()
    with connections[plans.db].cursor() as cursor:
        cursor.execute(*_content_insert(summary_model, plans))


# One plan's INSERT … SELECT, built by the ORM once per process and database
# (coproduce.compiled_query): building it cost more than a write's own work.
_ONE_PLAN = CompiledQuery(
    lambda plan_id: _content_insert(ContentSummary, Plan.objects.filter(pk=plan_id)),
    lambda plan_id: {"plan": plan_id},
    stand_ins=(987_654_311, 987_654_319),
    required={"plan"},
)


def refresh_content(plan_id: int) -> None:
    """Recompute one plan's content summary from its items. Call it inside the
    transaction that changed what the plan says, after the change (the history
    entry written after it is the usual moment: see `plan_changed`)."""
    connection = connections[router.db_for_write(ContentSummary)]
    table = connection.ops.quote_name(ContentSummary._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE plan_id = %s", [plan_id])  # noqa: S608
        cursor.execute(*_ONE_PLAN.sql_with_params(plan_id))


def rebuild_content(
    plans: Iterable[int] | QuerySet[Any] | None = None,
    *,
    summary_model: Any = ContentSummary,
    using: str | None = None,
) -> None:
    """Recompute the content summaries of `plans` (plan ids or a queryset of plans;
    None: every plan) from their items, set-based. Run it after writing items in
    bulk. The model is a parameter so that a migration can pass its historical one."""
    using = using or router.db_for_write(summary_model)
    chosen = Plan.objects.using(using).all()
    if plans is not None:
        chosen = chosen.filter(pk__in=plans)
    with transaction.atomic(using=using):
        _content_upsert(summary_model, chosen)


@receiver(post_save, sender=PlanChange)
def plan_changed(sender: Any, instance: PlanChange, created: bool, **kwargs: Any) -> None:
    """Every change to what a plan says is recorded in its history after the
    change itself, in the same transaction: summarise the plan's content again."""
    if (
        created
        and instance.item_type in CONTENT_ITEM_TYPES
        and instance.action not in WORDLESS_ACTIONS
    ):
        refresh_content(instance.plan_id)
