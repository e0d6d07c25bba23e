"""The team dashboard's figures, rendered once per state of the team's caseload.

Computing the dashboard reads the whole caseload (at 10,000 people some
400 ms of database work and 200 ms of Python), while a lead reloads it, and
leads of other filters ask for it, far more often than the plans change. So
the figures and their HTML (everything below the filter form) are kept, keyed by:

- `generation()`: the state of this team's caseload alone, so that a write to
  another team's plan leaves the figures kept. One statement over the team's
  care team memberships (current and ended) joined to their plans: how many
  memberships there are, how many have ended, and the sum of the versions of
  the plans of the current ones; and over the supporters of the people whose
  plans those current memberships are on (supporters belong to a person, not a
  plan: one of the person's other plans may have been written to) how many
  there are and how many have been removed. Anyone else's supporters are no
  part of the figures; which people are counted changes only when a membership
  is made or ended, which changes the two counts above anyway. Every write to what
  a plan says, and every other write the figures read (ratings, reviews and
  their power checks, suggestions and replies, care team and supporter
  changes, the crisis plan, status and review dates), records its history
  entry in the same transaction (`plans.history.record`), which bumps that
  plan's version. A plan joins or leaves the caseload only when a membership
  is made or ended (a new row, or `removed_at` set: neither is ever undone,
  nor a row deleted), so while both counts stand the current memberships are
  the same and the sum of their plans' versions only grows: once any such
  write to a caseload plan commits, the key is new and the very next request
  computes afresh.
- the team and its members with their names (a professional moved to another
  team, or renamed, changes which plans are the caseload and what the page
  says, without touching a plan);
- the filter (its dates included), today's date (reviews due count from it),
  the site's time zone and the settings the figures read (small cells, the
  crisis plan's review period).

The entries live in the shared "pages" cache (the database cache, or Redis
with REDIS_URL), as the plan page's bodies do: never one process's memory,
so every app server behind the load balancer reads the one copy, and the
figures are computed once per generation, not once per worker. The key
holds a hash of the templates (`coproduce.page_cache.RELEASE`): a new
release never serves HTML rendered by the previous one. `clear()` (for the
tests and the benchmark) moves an epoch kept in the same cache, so every
earlier entry is out of reach.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Q, Sum
from django.utils import timezone

from coproduce.models import Professional
from coproduce.page_cache import CACHE, RELEASE
from outcomes.metrics import DashboardFilter, aggregate_together
from plans.models import CareTeamMember, Supporter

Kept = TypeVar("Kept")


def generation(member_ids: list[int], using: str = "default") -> tuple[Any, ...]:
    """The state of the caseload of the team whose professionals are `member_ids`,
    in one statement: changed by every committed write to any of its plans, and
    by every plan joining or leaving it (see the module's doc)."""
    memberships = CareTeamMember.objects.using(using).filter(professional_id__in=member_ids)
    rows = aggregate_together(
        {
            "care_team": (
                memberships,
                {
                    "memberships": Count("pk"),
                    "ended": Count("removed_at"),
                    "versions": Sum("plan__version", filter=Q(removed_at__isnull=True)),
                },
            ),
            "supporters": (
                Supporter.objects.using(using).filter(
                    person_id__in=memberships.filter(removed_at__isnull=True).values(
                        "plan__person_id"
                    )
                ),
                {"supporters": Count("pk"), "removed": Count("removed_at")},
            ),
        }
    )
    return tuple(value or 0 for part in rows.values() for value in part.values())


def figures_key(
    f: DashboardFilter, members: list[Professional], using: str = "default"
) -> tuple[Any, ...]:
    """Everything the dashboard's figures and their HTML depend on (see the module's doc)."""
    return (
        using,
        generation([member.pk for member in members], using),
        f,
        tuple((member.pk, member.user.name) for member in members),
        timezone.localdate(),
        timezone.get_current_timezone_name(),
        settings.SMALL_CELL_THRESHOLD,
        settings.CRISIS_PLAN_REVIEW_DAYS,
    )


def cached(key: tuple[Any, ...], compute: Callable[[], Kept]) -> Kept:
    """What is kept under `key`, or `compute()`'s result, then kept (for as long as
    the cache keeps it: the key is never asked for again once the caseload changes)."""
    pages = caches[CACHE]
    epoch = pages.get(_EPOCH, 0)
    name = "dashboard:" + hashlib.sha256(repr((RELEASE, epoch, *key)).encode()).hexdigest()
    kept = pages.get(name)
    if kept is None:
        kept = compute()
        pages.set(name, kept)
    return kept  # type: ignore[no-any-return]


_EPOCH = "dashboard-epoch"


def clear() -> None:
    """Put every kept figure out of reach (the tests and the benchmark: a rolled-back
    test leaves plan ids and versions that the next test's different rows can repeat)."""
    pages = caches[CACHE]
    pages.set(_EPOCH, pages.get(_EPOCH, 0) + 1, timeout=None)
