"""The team dashboard's figures, rendered once per state of the plans.

Computing the dashboard reads the whole caseload (at 10,000 people some
400 ms of database work and 200 ms of Python), while a lead reloads it, and
leads of other filters ask for it, far more often than the plans change. So
the figures and their HTML (everything below the filter form) are kept, keyed by:

- `generation()`: how many plans there are, the sum of their versions and the
  highest plan id, read in one statement (a sequential read of the plan table:
  about 6 ms at 10,000 plans). Every write to what a plan says, and every
  other write the figures read (ratings, reviews and their power checks,
  suggestions and replies, care team and supporter changes, the crisis plan,
  status and review dates), records its history entry in the same transaction
  (`plans.history.record`), which bumps that plan's version; nothing is ever
  deleted (a plan is a health record). So once any such write commits, the
  sum is larger and the key is new: the very next request computes afresh.
- the team and its members with their names (a professional moved to another
  team, or renamed, changes which plans are the caseload and what the page
  says, without touching a plan);
- the filter (its dates included), today's date (reviews due count from it),
  the site's time zone and the settings the figures read (small cells, the
  crisis plan's review period).

The entries live in this process's memory, at most `MAX_ENTRIES` of them
(least recently used out first): no queries to read or write them, and a
new release's templates start with an empty store. Each worker process
computes a figure set once per generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import timezone

from coproduce.models import Professional
from outcomes.metrics import DashboardFilter
from plans.models import Plan

MAX_ENTRIES = 64

Kept = TypeVar("Kept")
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def generation(using: str = "default") -> tuple[int, int, int]:
    """(plans, the sum of their versions, the highest plan id): one statement.
    Larger after every committed write to any plan (see the module's doc)."""
    row = Plan.objects.using(using).aggregate(
        plans=Count("pk"), versions=Sum("version"), last=Max("pk")
    )
    return row["plans"], row["versions"] or 0, row["last"] or 0


def figures_key(
    f: DashboardFilter, members: list[Professional], using: str = "default"
) -> tuple[Any, ...]:
    """Everything the dashboard's figures and their HTML depend on (see the module's doc)."""
    return (
        using,
        generation(using),
        f,
        tuple((member.pk, member.user.name) for member in members),
        timezone.localdate(),
        timezone.get_current_timezone_name(),
        settings.SMALL_CELL_THRESHOLD,
        settings.CRISIS_PLAN_REVIEW_DAYS,
    )


def cached(key: Hashable, compute: Callable[[], Kept]) -> Kept:
    """What is kept under `key`, or `compute()`'s result, then kept. Kept values
    are shared between requests: never change one."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
    value = compute()  # outside the lock: two threads may both compute, harmlessly
    with _lock:
        _entries[key] = value
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every entry (the tests: a rolled-back test leaves plan ids and
    versions that the next test's different rows can repeat)."""
    with _lock:
        _entries.clear()
