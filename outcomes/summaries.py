"""The rating summaries behind the team dashboard (`outcomes.models.RatingSummary`).

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

Only ratings change a summary: everything else the dashboard filters on (the
outcome's plan, life area, status, removal) is read from the outcome's own row,
so `plans.services` never needs to tell this module anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Count, FilteredRelation, Max, Min, Q, QuerySet

from coproduce.models import Side
from outcomes.metrics import (
    RATING_KEY,
    RATING_KEY_FIRST_DAY,
    RATING_KEY_LAST_DAY,
    SIDES,
)
from outcomes.models import RatingSummary, ValuedOutcome

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
