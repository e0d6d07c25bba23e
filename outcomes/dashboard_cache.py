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
  never shows the kept figures as current (below: it computes afresh, or shows
  them marked as from before while they are recomputed).
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

One entry per team and filter (`FiguresKey.latest`: the key without the
caseload's state and today's date) holds the figures last computed, the state
they were computed at and when; it is read with the epoch and the refresh's
mark in one query. Just after a write (the entry's state is not the caseload's),
computing afresh would make the lead wait (0.6 s of database time at 10,000
people, 5.6 s at 100,000), so the load shows the entry's figures marked stale
(the page says when they are from, and asks again every few seconds), and the
first such load queues one refresh (`outcomes.views_dashboard.refresh_figures`,
run by `manage.py db_worker`): it adds a mark for the team and filter holding
the time (`cache.add`: one winner however many app servers and requests), and
the refresh, once it has kept fresh figures, deletes the mark. The bound:
stale figures are shown only while the mark is at most DASHBOARD_STALE_SECONDS
old. Past it (no worker, a backlog, a failed refresh, one lost in a restart) a
load computes afresh as before and takes the mark away, so the next write's
load queues a refresh again rather than every load after it computing (a
refresh still waiting in a backlog then runs once more than needed: harmless).
So stale figures are shown for at most DASHBOARD_STALE_SECONDS after the first
load that met the write (a write made while nobody loaded this filter may be
older; the note's time shows it). With
no entry (the first load, a new filter, a new day for a filter ending today),
with DASHBOARD_STALE_SECONDS=0, or when the refresh has run already (a task
backend that runs it at once), the load shows fresh figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Q, Sum
from django.utils import timezone

from coproduce.models import Professional
from coproduce.page_cache import CACHE, RELEASE
from outcomes.metrics import DashboardFilter, aggregate_together
from plans.models import CareTeamMember, Supporter


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


@dataclass(frozen=True)
class FiguresKey:
    """Where one filter's figures are kept: `exact`, everything they depend on (see
    the module's doc); `latest`, the same without the caseload's state and today's
    date, under which the figures last computed for this team and filter stay."""

    exact: tuple[Any, ...]
    latest: tuple[Any, ...]


def figures_key(
    f: DashboardFilter, members: list[Professional], using: str = "default"
) -> FiguresKey:
    """Everything the dashboard's figures and their HTML depend on (see the module's doc)."""
    latest = (
        using,
        f,
        tuple((member.pk, member.user.name) for member in members),
        timezone.get_current_timezone_name(),
        settings.SMALL_CELL_THRESHOLD,
        settings.CRISIS_PLAN_REVIEW_DAYS,
    )
    state = (generation([member.pk for member in members], using), timezone.localdate())
    return FiguresKey(exact=(*state, *latest), latest=latest)


@dataclass(frozen=True)
class Kept:
    """A dashboard's figures (the context `compute` returned), the state they were
    computed at (a hash of `FiguresKey.exact` and the epoch), when, and whether the
    caseload has changed since (`stale`)."""

    context: dict[str, Any]
    state: str
    epoch: int
    computed_at: dt.datetime
    stale: bool = False


def _name(kind: str, parts: tuple[Any, ...]) -> str:
    return f"dashboard-{kind}:" + hashlib.sha256(repr((RELEASE, *parts)).encode()).hexdigest()


def kept_or_computed(
    key: FiguresKey, compute: Callable[[], dict[str, Any]], queue_refresh: Callable[[], bool]
) -> Kept:
    """The figures kept for `key`. Else, once this team's and filter's figures have
    been computed at another state, those, marked stale, while the refresh queued by
    the first such request (`queue_refresh`, which says whether it has run already:
    an immediate task backend) is at most DASHBOARD_STALE_SECONDS old. Else
    `compute()`'s, kept. One entry per team and filter (a state once left never
    comes back), read with the epoch and the refresh's mark in one query."""
    pages = caches[CACHE]
    latest_name, refreshing_name = _name("latest", key.latest), _name("refreshing", key.latest)
    found = pages.get_many([_EPOCH, latest_name, refreshing_name])
    epoch: int = found.get(_EPOCH, 0)
    state = _name("state", (epoch, *key.exact))
    latest: Kept | None = found.get(latest_name)
    if latest is not None and latest.epoch != epoch:
        latest = None  # put out of reach by `clear()`
    if latest is not None and latest.state == state:
        return latest
    bound = dt.timedelta(seconds=settings.DASHBOARD_STALE_SECONDS)
    if latest is not None and bound:
        now = timezone.now()
        mark: tuple[int, dt.datetime] | None = found.get(refreshing_name)
        if mark is None or mark[0] != epoch:
            if mark is None:
                queued = pages.add(refreshing_name, (epoch, now), timeout=REFRESHING_SECONDS)
            else:  # left from before `clear()` (the tests and the benchmark)
                pages.set(refreshing_name, (epoch, now), timeout=REFRESHING_SECONDS)
                queued = True
            if queued:
                if queue_refresh():
                    refreshed: Kept | None = pages.get(latest_name)
                    if refreshed is not None and refreshed.state == state:
                        return refreshed
                    return _keep(latest_name, state, epoch, compute)
                mark = (epoch, now)
            else:  # another request queued it a moment ago
                mark = pages.get(refreshing_name, (epoch, now))
        assert mark is not None
        if now - mark[1] <= bound:
            return replace(latest, stale=True)
        # Past the bound (no worker, a backlog, a refresh lost in a restart): this
        # load computes the figures itself, and takes the mark away, so that the
        # next write queues a refresh again instead of every load after it waiting.
        kept = _keep(latest_name, state, epoch, compute)
        pages.delete(refreshing_name)
        return kept
    return _keep(latest_name, state, epoch, compute)


def refresh(key: FiguresKey, compute: Callable[[], dict[str, Any]]) -> Kept:
    """Compute and keep the figures (the queued refresh), then let the next write
    queue another."""
    pages = caches[CACHE]
    epoch: int = pages.get(_EPOCH, 0)
    state = _name("state", (epoch, *key.exact))
    kept = _keep(_name("latest", key.latest), state, epoch, compute)
    pages.delete(_name("refreshing", key.latest))
    return kept


def _keep(name: str, state: str, epoch: int, compute: Callable[[], dict[str, Any]]) -> Kept:
    computed_at = timezone.now()
    kept = Kept(compute(), state, epoch, computed_at)
    caches[CACHE].set(name, kept)
    return kept


_EPOCH = "dashboard-epoch"
# How long the mark of a queued refresh lasts at most if the refresh never runs
# and no load comes past the bound to take it away.
REFRESHING_SECONDS = 60 * 60


def clear() -> None:
    """Put every kept figure out of reach (the tests and the benchmark: a rolled-back
    test leaves plan ids and versions that the next test's different rows can repeat)."""
    pages = caches[CACHE]
    pages.set(_EPOCH, pages.get(_EPOCH, 0) + 1, timeout=None)
