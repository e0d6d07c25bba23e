"""A large synthetic caseload for benchmarks, written with bulk inserts.

`build_synthetic()` tops up a separate "Synthetic team" to N people (used by
`manage.py seed_demo --people N` and `manage.py bench`). It is the one place
that writes rows without the services, because 10,000 plans must load in
about a minute. Its history entries are built by one small function per kind
of entry (below), each tested against what the service writes for the same
event (tests/test_seed_demo.py). Ratings carry no history entry here.
"""

from __future__ import annotations

import functools
import multiprocessing
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.demo import bulk_indexes
from coproduce.demo.builder import at, clamp
from coproduce.demo.content import DEMO_PASSWORD, LEAD
from coproduce.models import Discipline, Person, Professional, Side, Team, User
from outcomes import services as outcome_services
from outcomes import summaries
from outcomes.models import Rating, Review, ValuedOutcome
from plans import care_team, history_chain
from plans.models import (
    DEFAULT_LIFE_AREAS,
    CareTeamMember,
    Commitment,
    Expertise,
    ExpertiseKind,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    Proposal,
    Resource,
    ResourceControl,
    ResourceLibraryItem,
)
from plans.services import (
    KINDS,
    accepted_summary,
    declined_summary,
    describe,
    item_summary,
    suggested_summary,
)

SYNTHETIC_TEAM_NAME = "Synthetic team"
SYNTHETIC_LEAD = "lead_synthetic"
SYNTHETIC_PERSON_PREFIX = "synthetic_person_"
SYNTHETIC_PRO_PREFIX = "synthetic_pro_"
SYNTHETIC_PROFESSIONALS = 20

MW, PH, SAFE, MONEY, HOME, WORK, REL = DEFAULT_LIFE_AREAS
PERSON = Side.PERSON
PRO = Side.PROFESSIONAL
L = Leadership
S = ExpertiseKind

FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Priya", "Mohammed", "Grace", "Liam", "Aisha", "Chen", "Olivia",
    "Tariq", "Hannah", "Kwame", "Zara", "Callum", "Megan", "Ravi", "Lucy", "Ibrahim", "Ellie",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Khan", "Jones", "Patel", "Williams", "Ahmed", "Brown", "Nowak", "Taylor", "Ali",
    "Evans", "Murphy", "Singh", "Walker", "Okoro", "Hughes", "Wright", "Begum", "Clarke", "Lee",
)  # fmt: skip
SYNTHETIC_OUTCOMES: dict[str, tuple[str, ...]] = {
    MW: ("I want to feel calmer most days", "I want to sleep better", "I want fewer bad days"),
    PH: ("I want to get fitter", "I want to stop smoking", "I want to eat properly again"),
    SAFE: ("I want to feel safe at home", "I want a plan for when things get bad"),
    MONEY: ("I want to get on top of my debts", "I want to get the benefits I'm entitled to"),
    HOME: ("I want to keep my tenancy", "I want to move somewhere quieter"),
    WORK: ("I want to get a part-time job", "I want to go back to college", "I want to volunteer"),
    REL: ("I want to see my family more", "I want to make new friends", "I want to join a group"),
}
SYNTHETIC_DISCIPLINES = (
    Discipline.NURSE,
    Discipline.SOCIAL_WORKER,
    Discipline.OCCUPATIONAL_THERAPIST,
    Discipline.PEER_WORKER,
    Discipline.EMPLOYMENT_SPECIALIST,
    Discipline.PSYCHOLOGIST,
    Discipline.PSYCHIATRIST,
)
SYNTHETIC_LIBRARY = (
    (WORK, "Employment support", ResourceControl.OUR_SERVICE),
    (MW, "Medication review", ResourceControl.OUR_SERVICE),
    (MONEY, "Welfare benefits advice", ResourceControl.ELSEWHERE),
    (REL, "Peer support group", ResourceControl.ELSEWHERE),
    (PH, "Exercise referral", ResourceControl.ELSEWHERE),
)
OUTCOME = KINDS["outcome"]
PROPOSED_COMMITMENT = "Meet once a week for a month"
PROPOSAL_REASON = "I think it would help to meet more often for a while."
DECLINE_REASON = "Not now: let's see how the next month goes first."
REVIEWS_PER_PLAN = 5  # five reviews, both sides rating: about ten ratings per outcome
ROW_BATCH = 2000
# From this many people to add, PostgreSQL loads the tables below without their
# plain indexes and builds them once at the end (coproduce.demo.bulk_indexes).
DROP_INDEXES_FROM = 20_000
# The tables with several rows per person. (Users, people and plans have one
# row a person each: little to gain there.)
BULK_LOADED = (
    LifeArea,
    CareTeamMember,
    Review,
    ValuedOutcome,
    Rating,
    Expertise,
    Resource,
    Resource.outcomes.through,
    Commitment,
    Proposal,
    PlanChange,
)
# history_chain.seal reads each plan's newest entry by this one, once per batch.
KEPT_DURING_LOAD = frozenset({"planchange_chain_head"})


@dataclass
class SyntheticResult:
    existing: int
    created: int
    rows: dict[str, int]


def synthetic_team() -> tuple[Team, list[Professional], list[ResourceLibraryItem]]:
    """The synthetic team, its lead and professionals, made once."""
    password = (
        User.objects.filter(username=LEAD.username).values_list("password", flat=True).first()
    )
    with transaction.atomic():
        team, created = Team.objects.get_or_create(name=SYNTHETIC_TEAM_NAME)
        if created:
            password = password or make_password(DEMO_PASSWORD)
            users = User.objects.bulk_create(
                [
                    User(
                        username=SYNTHETIC_LEAD,
                        first_name="Lena",
                        last_name="Synthetic",
                        password=password,
                    )
                ]
                + [
                    User(
                        username=f"{SYNTHETIC_PRO_PREFIX}{n:02d}",
                        first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                        last_name=f"Synthetic {n:02d}",
                        password=password,
                    )
                    for n in range(1, SYNTHETIC_PROFESSIONALS + 1)
                ]
            )
            lead, *staff = Professional.objects.bulk_create(
                [
                    Professional(
                        user=users[0],
                        team=team,
                        discipline=Discipline.TEAM_MANAGER,
                        job_title="Team manager",
                    )
                ]
                + [
                    Professional(
                        user=u,
                        team=team,
                        discipline=SYNTHETIC_DISCIPLINES[n % len(SYNTHETIC_DISCIPLINES)],
                    )
                    for n, u in enumerate(users[1:])
                ]
            )
            team.lead = lead
            team.save(update_fields=["lead"])
            ResourceLibraryItem.objects.bulk_create(
                [
                    ResourceLibraryItem(team=team, name=name, control=control, created_by=lead.user)
                    for _, name, control in SYNTHETIC_LIBRARY
                ]
            )
    staff = list(
        Professional.objects.filter(team=team, user__username__startswith=SYNTHETIC_PRO_PREFIX)
        .select_related("user", "team")
        .order_by("user__username")
    )
    library = list(ResourceLibraryItem.objects.filter(team=team).order_by("name"))
    return team, staff, library


def build_synthetic(
    people: int,
    *,
    batch_people: int = 500,
    jobs: int = 1,
    today: date | None = None,
    progress: Callable[[int], Any] | None = None,
    drop_indexes: bool | None = None,
) -> SyntheticResult:
    """Top the synthetic team up to `people` people, each with a full plan.

    With `jobs` > 1 on PostgreSQL, that many processes write batches side by
    side, each in its own transaction: making the rows in Python takes about
    as long as PostgreSQL takes to store them, so two processes keep both of
    two cores busy. Each batch's content depends only on its numbering, so
    the result is the same whatever order the batches finish in.

    On PostgreSQL, adding `DROP_INDEXES_FROM` people or more (or any number
    with `drop_indexes=True`) drops the plain indexes of the bulk-loaded
    tables first and builds them again at the end, however the load ends;
    any still missing from a load cut short are made first, on every run.
    """
    today = today or timezone.localdate()
    if connection.vendor == "postgresql":
        bulk_indexes.restore(BULK_LOADED)  # a large load cut short before its end
    _team, staff, library = synthetic_team()
    mine = Person.objects.filter(user__username__startswith=SYNTHETIC_PERSON_PREFIX)
    existing = mine.count()
    rows: dict[str, int] = {}
    if progress:
        progress(min(existing, people))
    if existing >= people:
        return SyntheticResult(existing=existing, created=0, rows=rows)
    last = mine.order_by("-user__username").values_list("user__username", flat=True).first()
    next_index = int(last.removeprefix(SYNTHETIC_PERSON_PREFIX)) + 1 if last else 1
    to_make = people - existing
    numbers = range(next_index, next_index + to_make)
    batches = _batch_orders(numbers, batch_people, staff, library, today)
    if drop_indexes is None:
        drop_indexes = to_make >= DROP_INDEXES_FROM
    without_indexes = (
        bulk_indexes.dropped(BULK_LOADED, keep=KEPT_DURING_LOAD)
        if drop_indexes and connection.vendor == "postgresql"
        else nullcontext()
    )
    with without_indexes:
        for counts in _write_batches(batches, jobs):
            for name, count in counts.items():
                rows[name] = rows.get(name, 0) + count
            if progress:
                progress(counts["people"])
    _after_load(mine, analyze=bool(to_make))
    return SyntheticResult(existing=existing, created=to_make, rows=rows)


def _batch_orders(
    numbers: range,
    batch_people: int,
    staff: list[Professional],
    library: list[ResourceLibraryItem],
    today: date,
) -> list[_BatchOrder]:
    """The people numbered `numbers`, `batch_people` to a batch."""
    password = User.objects.get(username=SYNTHETIC_LEAD).password
    by_name = {item.name: item for item in library}
    library_by_area = {
        area: by_name[name] for area, name, _ in SYNTHETIC_LIBRARY if name in by_name
    }
    return [
        _BatchOrder(
            range(start, min(start + batch_people, numbers.stop)),
            staff,
            library_by_area,
            password,
            today,
        )
        for start in range(numbers.start, numbers.stop, batch_people)
    ]


def _after_load(mine: QuerySet[Person], *, analyze: bool) -> None:
    """The summaries of the bulk-inserted ratings and items; fresh statistics."""
    summaries.rebuild(Plan.objects.filter(person__in=mine))
    summaries.rebuild_content(Plan.objects.filter(person__in=mine))
    if analyze and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics: until autovacuum gets round to it, the planner would
        # take the bulk-loaded tables for nearly empty and choose slow plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclass
class _BatchOrder:
    """What one process needs to write one batch (it is pickled to a worker)."""

    numbers: range
    staff: list[Professional]
    library_by_area: dict[str, ResourceLibraryItem]
    password: str
    today: date


def _write_batches(batches: list[_BatchOrder], jobs: int) -> Iterator[dict[str, int]]:
    """Write each batch in its own transaction, yielding its row counts as it commits."""
    if jobs <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        # SQLite has one writer at a time; and inside a transaction (as in the
        # tests) other processes would not see its rows.
        yield from map(_write_batch, batches)
        return
    connections.close_all()  # each worker opens its own connection after the fork
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap_unordered(_write_batch, batches)


def _write_batch(order: _BatchOrder) -> dict[str, int]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A bulk load need not wait for each commit to reach the disk:
            # after a crash the batches that were lost are simply made again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return _synthetic_batch(
            order.numbers, order.staff, order.library_by_area, order.password, order.today
        )


def _number(plans: list[Plan], changes: list[PlanChange]) -> None:
    """Number each plan's history in time order, as plans.history.record does."""
    by_plan: dict[int, list[PlanChange]] = {}
    for change in changes:
        by_plan.setdefault(change.plan_id, []).append(change)
    for plan in plans:
        mine = sorted(by_plan.get(plan.pk, []), key=lambda change: change.at)
        for number, change in enumerate(mine, start=2):
            change.plan_version = number
        plan.version = len(mine) + 1
    db = connections[Plan.objects.db]
    if db.vendor != "postgresql":
        Plan.objects.bulk_update(plans, ["version"], batch_size=ROW_BATCH)
        return
    # The same update as bulk_update's, which builds a CASE of 500 branches
    # (in Python, then PostgreSQL parses it): a join with two arrays instead.
    table = db.ops.quote_name(Plan._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = numbered.version "  # noqa: S608 (our table's name)
            "FROM unnest(%s::bigint[], %s::bigint[]) AS numbered (id, version) "
            f"WHERE {table}.id = numbered.id",
            [[plan.pk for plan in plans], [plan.version for plan in plans]],
        )


def _bulk(model: Any, objs: Sequence[Any]) -> list[Any]:
    return model.objects.bulk_create(objs, batch_size=ROW_BATCH)


def _append(model: Any, objs: Sequence[Any], *, numbered: bool = False) -> None:
    """Insert rows whose ids nothing here needs back: the same rows as `_bulk`.

    On PostgreSQL through COPY, which skips building and parsing an INSERT
    for every 2,000 rows, the biggest cost of a bulk load after the Python
    that makes the rows. The values are prepared by each field exactly as
    bulk_create prepares them (pre_save on add, then get_db_prep_save), so
    defaults and auto_now_add come out the same, except that a value psycopg
    takes as it is (text, numbers, dates, UUIDs, ids) skips Django's
    preparation, which would return it unchanged at twice the cost of the
    COPY itself. Elsewhere, bulk_create.

    `numbered`: the objects do need their ids. On PostgreSQL they are taken
    from the table's own sequence first (one query), set on the objects and
    copied with the rows, which costs less than an INSERT that returns them.
    """
    db = connections[model.objects.db]  # the connection itself, not the per-thread proxy
    if db.vendor != "postgresql" or not objs:
        _bulk(model, objs)
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.local_concrete_fields if numbered or not f.primary_key]
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    table = db.ops.quote_name(model._meta.db_table)
    as_is = [
        f.attname
        if f.get_internal_type() in _COPIED_AS_IS
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
        else None
        for f in fields
    ]
    with db.cursor() as cursor:
        if numbered:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(objs)],
            )
            for obj, (number,) in zip(objs, sorted(cursor.fetchall()), strict=True):
                obj.pk = number
                obj._state.adding = False  # as bulk_create leaves them
                obj._state.db = db.alias
            as_is[fields.index(pk)] = pk.attname
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row(
                    [
                        values[attname]
                        if attname is not None
                        else f.get_db_prep_save(f.pre_save(obj, True), db)
                        for f, attname in zip(fields, as_is, strict=True)
                    ]
                )


def _append_values(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value}, every other field from its default:
    the rows `_append` inserts for `model(**values)`, without making the objects.

    Making a model object costs more than copying its row, and the largest
    tables take millions. Each missing value is the field's default, as the
    model's constructor would take it, prepared as in `_append`.
    """
    db = connections[model.objects.db]
    if db.vendor != "postgresql" or not rows:
        _bulk(model, [model(**values) for values in rows])
        return
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    # pre_save would set these from the clock: not what the constructor gives.
    assert not any(
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields
    )
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    table = db.ops.quote_name(model._meta.db_table)
    as_is = [f.get_internal_type() in _COPIED_AS_IS for f in fields]
    with db.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for values in rows:
            row = []
            for f, plain in zip(fields, as_is, strict=True):
                value = values[f.attname] if f.attname in values else f.get_default()
                row.append(value if plain else f.get_db_prep_save(value, db))
            copy.write_row(row)


# Field types whose Python values psycopg writes exactly as Django would prepare them.
_COPIED_AS_IS = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
        "UUIDField",
    }
)


@dataclass
class _Batch:
    """One transaction's worth of synthetic people, filled in one kind of row at a time.

    The per-person lists run in parallel: `persons[p]` has `plans[p]`, whose
    seven life areas are `areas[p]`, care team `pros[p]` and reviews `reviews[p]`.
    Each step draws from `rng` in turn, so the same numbering gives the same content.
    """

    rng: random.Random
    today: date
    # builder.at, remembered: a batch asks for the same few hundred moments
    # again and again, and each answer looks up the current time zone.
    at: Callable[..., datetime] = field(default_factory=lambda: functools.cache(at))
    persons: list[Person] = field(default_factory=list)
    starts: list[date] = field(default_factory=list)
    review_days: list[list[date]] = field(default_factory=list)
    next_reviews: list[date | None] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    areas: list[list[LifeArea]] = field(default_factory=list)
    pros: list[list[Professional]] = field(default_factory=list)
    reviews: list[list[Review]] = field(default_factory=list)
    changes: list[PlanChange] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def insert(self, name: str, model: Any, objs: Sequence[Any]) -> list[Any]:
        """Bulk-insert `objs`, counted under `name`; they come back with their ids."""
        self.rows[name] = len(objs)
        _append(model, objs, numbered=True)
        return list(objs)

    def append(self, name: str, model: Any, objs: Sequence[Any]) -> None:
        """Insert `objs`, counted under `name`, when nothing needs their ids (faster)."""
        self.rows[name] = len(objs)
        _append(model, objs)

    def append_values(self, name: str, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows given as field values, counted under `name` (faster still)."""
        self.rows[name] = len(rows)
        _append_values(model, rows)


def _synthetic_batch(
    numbers: Iterable[int],
    staff: list[Professional],
    library_by_area: dict[str, ResourceLibraryItem],
    password: str,
    today: date,
) -> dict[str, int]:
    """One transaction's worth of people, each with a complete plan, all bulk-inserted."""
    indexes = list(numbers)
    rng = random.Random(f"synthetic-{indexes[0]}")  # stable content for the same numbering
    batch = _Batch(rng, today)
    _add_people(batch, indexes, password)
    _add_plans(batch)
    _add_areas_and_care_teams(batch, staff)
    _add_reviews(batch)
    outcomes = _add_outcomes(batch)
    _add_ratings(batch, outcomes)
    _add_plan_items(batch, outcomes, library_by_area)
    _add_history(batch)
    return batch.rows


def _add_people(batch: _Batch, indexes: list[int], password: str) -> None:
    rng = batch.rng
    users = batch.insert(
        "users",
        User,
        [
            User(
                username=f"{SYNTHETIC_PERSON_PREFIX}{i:06d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=password,
            )
            for i in indexes
        ],
    )
    batch.persons = batch.insert("people", Person, [Person(user=u) for u in users])


def _add_plans(batch: _Batch) -> None:
    """A plan each, started 250-330 days ago, with the days its reviews were held."""
    rng, today = batch.rng, batch.today
    batch.starts = [today - timedelta(days=rng.randint(250, 330)) for _ in batch.persons]
    statuses = [
        Plan.Status.DRAFT if r < 0.03 else Plan.Status.CLOSED if r < 0.06 else Plan.Status.ACTIVE
        for r in (rng.random() for _ in batch.persons)
    ]
    for start, status in zip(batch.starts, statuses, strict=True):
        days: list[date] = []
        if status != Plan.Status.DRAFT:
            day = start + timedelta(days=rng.randint(7, 21))
            for _ in range(REVIEWS_PER_PLAN):
                if day >= today:
                    break
                days.append(day)
                day += timedelta(days=rng.randint(35, 56))
        batch.review_days.append(days)
        if status == Plan.Status.CLOSED:
            batch.next_reviews.append(None)
        elif days:
            batch.next_reviews.append(
                days[-1] + timedelta(days=rng.randint(35, 70))
            )  # some overdue
        else:
            batch.next_reviews.append(today + timedelta(days=rng.randint(7, 28)))
    batch.plans = batch.insert(
        "plans",
        Plan,
        [
            Plan(
                code=uuid.uuid4(),
                person=person,
                status=status,
                next_review_date=next_review,
                about_admire=f"{person.user.first_name} is kind and funny.",
                about_matters="Family, friends and feeling well.",
                about_support="Be patient and explain things clearly.",
                closed_at=batch.at(days[-1], 15) if status == Plan.Status.CLOSED and days else None,
            )
            for person, status, next_review, days in zip(
                batch.persons, statuses, batch.next_reviews, batch.review_days, strict=True
            )
        ],
    )
    # created_at is auto_now_add; back-date plans by start month (a handful of UPDATEs).
    by_month: dict[date, list[int]] = {}
    for plan, start in zip(batch.plans, batch.starts, strict=True):
        by_month.setdefault(start.replace(day=1), []).append(plan.pk)
    for month, pks in by_month.items():
        Plan.objects.filter(pk__in=pks).update(created_at=batch.at(month, 9))


def _add_areas_and_care_teams(batch: _Batch, staff: list[Professional]) -> None:
    """The seven default life areas, and one to three professionals invited onto each plan."""
    rng = batch.rng
    areas: list[LifeArea] = []
    members: list[CareTeamMember] = []
    for plan, person, start in zip(batch.plans, batch.persons, batch.starts, strict=True):
        mental = rng.choices((1, 2, 3, 4), weights=(4, 2, 2, 3))[0]
        for position, name in enumerate(DEFAULT_LIFE_AREAS):
            leadership = mental if name == MW else rng.choices((1, 2, 3), weights=(8, 2, 1))[0]
            areas.append(
                LifeArea(
                    code=uuid.uuid4(),
                    plan=plan,
                    name=name,
                    position=position,
                    leadership=leadership,
                    is_default=True,
                    created_by=person.user,
                    created_side=PERSON,
                    created_at=batch.at(start, 9),
                )
            )
        pros = rng.sample(staff, rng.randint(1, 3))
        batch.pros.append(pros)
        members += [
            CareTeamMember(
                plan=plan,
                professional=pro,
                role="Care coordinator" if n == 0 else "",
                added_by=person.user,
                added_at=batch.at(start, 9, 30),
            )
            for n, pro in enumerate(pros)
        ]
    areas = batch.insert("life areas", LifeArea, areas)
    per_plan = len(DEFAULT_LIFE_AREAS)
    batch.areas = [areas[p : p + per_plan] for p in range(0, len(areas), per_plan)]
    batch.append("care team members", CareTeamMember, members)
    batch.changes += [invited(member, member.added_at) for member in members]


def _add_reviews(batch: _Batch) -> None:
    """A completed review on each review day, started by each side in turn."""
    everyone: list[Review] = []
    for plan, pros, days, person, next_review in zip(
        batch.plans, batch.pros, batch.review_days, batch.persons, batch.next_reviews, strict=True
    ):
        these = [
            Review(
                code=uuid.uuid4(),
                plan=plan,
                held_on=day,
                started_by=person.user if n % 2 else pros[0].user,
                started_side=PERSON if n % 2 else PRO,
                # A closed plan's last review set a date too; then the plan was closed.
                next_review_date=days[n + 1]
                if n + 1 < len(days)
                else next_review or day + timedelta(weeks=6),
                completed_at=batch.at(day, 12),
            )
            for n, day in enumerate(days)
        ]
        batch.reviews.append(these)
        everyone += these
    batch.insert("reviews", Review, everyone)
    for these in batch.reviews:
        for n, review in enumerate(these):
            batch.changes.append(review_started(review, batch.at(review.held_on, 10)))
            batch.changes.append(
                review_completed(review, these[n - 1].next_review_date if n else None)
            )


@dataclass
class _Scores:
    """How one outcome's ratings go: where they start, how far apart the sides are."""

    plan_index: int
    start: int
    pro_bias: int
    last_review: int


def _add_outcomes(batch: _Batch) -> list[tuple[ValuedOutcome, _Scores]]:
    """Four to six valued outcomes per plan; some achieved or let go at a review."""
    rng, today = batch.rng, batch.today
    outcomes: list[ValuedOutcome] = []
    scores: list[_Scores] = []
    for p, (plan, person, start) in enumerate(
        zip(batch.plans, batch.persons, batch.starts, strict=True)
    ):
        areas = batch.areas[p]
        count = rng.randint(4, 6)
        n_reviews = len(batch.reviews[p])
        for n in range(count):
            area = areas[rng.randrange(7)]
            r = rng.random()
            outcome_status = (
                ValuedOutcome.Status.ACHIEVED
                if r < 0.12
                else ValuedOutcome.Status.LET_GO
                if r < 0.17
                else ValuedOutcome.Status.ACTIVE
            )
            last_review = n_reviews - 1
            changed_at = None
            if outcome_status != ValuedOutcome.Status.ACTIVE and n_reviews >= 2:
                last_review = rng.randint(1, n_reviews - 1)
                changed_at = batch.at(batch.reviews[p][last_review].held_on, 12)
            elif outcome_status != ValuedOutcome.Status.ACTIVE:
                outcome_status = ValuedOutcome.Status.ACTIVE
            by_pro = area.leadership > L.SHARED and rng.random() < 0.5
            author = batch.pros[p][0].user if by_pro else person.user
            outcomes.append(
                ValuedOutcome(
                    code=uuid.uuid4(),
                    plan=plan,
                    life_area=area,
                    created_by=author,
                    created_side=PRO if by_pro else PERSON,
                    created_at=batch.at(start, 10, n),
                    text=rng.choice(SYNTHETIC_OUTCOMES[area.name]),
                    why_it_matters="It would make a real difference to my life.",
                    target_date=today + timedelta(days=rng.randint(-30, 240)),
                    status=outcome_status,
                    status_changed_at=changed_at,
                )
            )
            scores.append(
                _Scores(p, rng.randint(1, 6), rng.choice((-2, -1, 0, 0, 1, 2)), last_review)
            )
    outcomes = batch.insert("valued outcomes", ValuedOutcome, outcomes)
    for outcome, score in zip(outcomes, scores, strict=True):
        batch.changes.append(added("outcome", outcome))
        if outcome.status_changed_at:
            batch.changes.append(settled(outcome, batch.persons[score.plan_index].user))
    return list(zip(outcomes, scores, strict=True))


def _add_ratings(batch: _Batch, outcomes: list[tuple[ValuedOutcome, _Scores]]) -> None:
    """Both sides rate each outcome at each review, and people sometimes in between.

    About fifty ratings a person: they are made as field values, not as Rating
    objects, which would cost more than everything else here (`_append_values`).
    """
    rng, today = batch.rng, batch.today
    ratings: list[dict[str, Any]] = []
    for outcome, scores in outcomes:
        p, last_review = scores.plan_index, scores.last_review
        person_id = batch.persons[p].user_id
        pros = batch.pros[p]
        achieved = outcome.status == ValuedOutcome.Status.ACHIEVED
        drift = rng.choice((-1, 0, 0, 1, 1, 1, 2))
        for n, review in enumerate(batch.reviews[p][: last_review + 1]):
            mine = clamp(scores.start + drift * n + rng.choice((-1, 0, 0, 1)))
            if achieved and n == last_review:
                mine = max(mine, 8)
            theirs = clamp(mine + scores.pro_bias + rng.choice((-1, 0, 1)))
            skip = rng.random()
            at_review = {"outcome_id": outcome.pk, "plan_id": outcome.plan_id,
                         "review_id": review.pk, "rated_on": review.held_on}  # fmt: skip
            if skip > 0.05:
                ratings.append(
                    {"side": PERSON, "rated_by_id": person_id, "score": mine,
                     "created_at": batch.at(review.held_on, 11), **at_review}
                )  # fmt: skip
            if skip < 0.95:
                ratings.append(
                    {"side": PRO, "rated_by_id": pros[n % len(pros)].user_id, "score": theirs,
                     "created_at": batch.at(review.held_on, 11, 15), **at_review}
                )  # fmt: skip
            if rng.random() < 0.2 and review.next_review_date:
                # Between reviews, people sometimes rate on their own.
                between = review.held_on + timedelta(days=rng.randint(7, 28))
                if between < min(today, review.next_review_date):
                    ratings.append(
                        {
                            "outcome_id": outcome.pk,
                            "plan_id": outcome.plan_id,
                            "side": PERSON,
                            "rated_by_id": person_id,
                            "score": clamp(mine + rng.choice((-1, 0, 1))),
                            "note": "Rated at home",
                            "rated_on": between,
                            "created_at": batch.at(between, 20),
                        }
                    )
    # Ratings get no history entries here: one per rating would double the rows
    # written, and the benchmarks read ratings, not their history.
    batch.append_values("ratings", Rating, ratings)


@dataclass
class _Items:
    """What people and their care teams put on the plans, in the order it is inserted."""

    expertise: list[Expertise] = field(default_factory=list)
    resources: list[tuple[Resource, ValuedOutcome | None]] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    accepted: list[tuple[Proposal, Commitment]] = field(default_factory=list)


def _add_plan_items(
    batch: _Batch,
    outcomes: list[tuple[ValuedOutcome, _Scores]],
    library_by_area: dict[str, ResourceLibraryItem],
) -> None:
    """Expertise, resources, commitments and one suggestion on every plan, with their history."""
    outcomes_by_plan: dict[int, list[ValuedOutcome]] = {}
    for outcome, _ in outcomes:
        outcomes_by_plan.setdefault(outcome.plan_id, []).append(outcome)
    items = _Items()
    for p, (plan, person, start) in enumerate(
        zip(batch.plans, batch.persons, batch.starts, strict=True)
    ):
        me = person.user
        pro = batch.pros[p][0].user
        areas = batch.areas[p]
        created = batch.at(start + timedelta(days=3), 14)
        items.expertise += _expertise(plan, areas, me, pro, created)
        items.resources += _resources(
            plan, areas, outcomes_by_plan.get(plan.pk, []), library_by_area, me, pro, created
        )
        items.commitments += _commitments(batch, plan, areas, start, me, pro)
        proposal = _suggestion(batch, plan, areas, me, pro)
        items.proposals.append(proposal)
        if proposal.status == Proposal.Status.ACCEPTED:
            items.accepted.append((proposal, _accepted_commitment(proposal, areas[0], pro)))
    _insert_items(batch, items)


def _expertise(
    plan: Plan, areas: list[LifeArea], me: User, pro: User, created: Any
) -> list[Expertise]:
    return [
        Expertise(plan=plan, life_area=None, kind=S.STRENGTHS, text="I'm a good listener.",
                  created_by=me, created_side=PERSON, created_at=created),
        Expertise(plan=plan, life_area=areas[0], kind=S.MY_SITUATION,
                  text="Things got hard after I lost my job.",
                  created_by=me, created_side=PERSON, created_at=created),
        Expertise(plan=plan, life_area=areas[0], kind=S.SEEN_WITH_OTHERS,
                  text="Many people find a routine helps.",
                  created_by=pro, created_side=PRO, created_at=created),
    ]  # fmt: skip


def _resources(
    plan: Plan,
    areas: list[LifeArea],
    their_outcomes: list[ValuedOutcome],
    library_by_area: dict[str, ResourceLibraryItem],
    me: User,
    pro: User,
    created: Any,
) -> list[tuple[Resource, ValuedOutcome | None]]:
    """A service from the team's library for the first outcome, and a friend; each with
    the outcome it is linked to, if any."""
    resources: list[tuple[Resource, ValuedOutcome | None]] = []
    if their_outcomes:
        target = their_outcomes[0]
        item = library_by_area.get(target.life_area.name)
        resources.append(
            (
                Resource(
                    code=uuid.uuid4(),
                    plan=plan,
                    life_area_id=target.life_area_id,
                    name=item.name if item else "Support from the team",
                    control=item.control if item else ResourceControl.OUR_SERVICE,
                    library_item=item,
                    created_by=pro,
                    created_side=PRO,
                    created_at=created,
                ),
                target,
            )
        )
    friend = Resource(
        code=uuid.uuid4(),
        plan=plan,
        life_area=areas[6],
        name="A friend who checks in",
        control=ResourceControl.PERSONAL,
        created_by=me,
        created_side=PERSON,
        created_at=created,
    )
    return [*resources, (friend, None)]


def _commitments(
    batch: _Batch, plan: Plan, areas: list[LifeArea], start: date, me: User, pro: User
) -> list[Commitment]:
    """Three commitments, two the person's and one the professional's; most past ones done."""
    rng, today = batch.rng, batch.today
    commitments: list[Commitment] = []
    for n, (who, side) in enumerate(((me, PERSON), (pro, PRO), (me, PERSON))):
        due = today + timedelta(days=rng.randint(-60, 30))
        done = due < today and rng.random() < 0.7
        commitments.append(
            Commitment(
                plan=plan,
                life_area=areas[rng.randrange(7)],
                who=who,
                who_side=side,
                what="Get in touch before the next meeting" if n else "Go to the group on Tuesday",
                due_date=due,
                status=Commitment.Status.DONE if done else Commitment.Status.OPEN,
                created_by=who,
                created_side=side,
                created_at=batch.at(min(start + timedelta(days=14), due - timedelta(days=3)), 13),
            )
        )
    return commitments


def _suggestion(batch: _Batch, plan: Plan, areas: list[LifeArea], me: User, pro: User) -> Proposal:
    """A suggested commitment, from either side: waiting, accepted or declined."""
    rng, today = batch.rng, batch.today
    proposed_at = batch.at(today - timedelta(days=rng.randint(6, 60)), 16)
    answer = rng.choice(
        (Proposal.Status.PENDING, Proposal.Status.ACCEPTED, Proposal.Status.DECLINED)
    )
    is_answered = answer != Proposal.Status.PENDING
    by_person = rng.random() < 0.4
    due = today + timedelta(days=30)
    # The shape plans.services gives a suggestion, so it can be answered in the app.
    return Proposal(
        code=uuid.uuid4(),
        plan=plan,
        life_area=areas[0],
        action=Proposal.Action.ADD,
        item_type="commitment",
        payload={
            "data": {"who": str(pro.pk), "what": PROPOSED_COMMITMENT,
                     "due_date": due.isoformat(), "status": "open"},
            "before": {},
            "after": {"who": pro.name, "what": PROPOSED_COMMITMENT,
                      "due_date": due.isoformat(), "status": Commitment.Status.OPEN.label},
        },
        reason=PROPOSAL_REASON,
        proposed_by=me if by_person else pro,
        proposed_side=PERSON if by_person else PRO,
        created_at=proposed_at,
        status=answer,
        answered_by=(pro if by_person else me) if is_answered else None,
        answered_at=proposed_at + timedelta(hours=rng.randint(2, 120)) if is_answered else None,
        answer_reason=DECLINE_REASON if answer == Proposal.Status.DECLINED else "",
    )  # fmt: skip


def _accepted_commitment(proposal: Proposal, area: LifeArea, pro: User) -> Commitment:
    """The commitment an accepted suggestion made, authored by whoever suggested it."""
    assert proposal.answered_at is not None
    return Commitment(
        plan=proposal.plan,
        life_area=area,
        who=pro,
        who_side=PRO,
        what=PROPOSED_COMMITMENT,
        due_date=date.fromisoformat(proposal.payload["after"]["due_date"]),
        created_by=proposal.proposed_by,
        created_side=proposal.proposed_side,
        created_at=proposal.answered_at,
    )


def _insert_items(batch: _Batch, items: _Items) -> None:
    batch.append("expertise", Expertise, items.expertise)
    resources = batch.insert("resources", Resource, [resource for resource, _ in items.resources])
    linked = [outcome for _, outcome in items.resources]
    links = [
        Resource.outcomes.through(resource_id=resource.pk, valuedoutcome_id=outcome.pk)
        for resource, outcome in zip(resources, linked, strict=True)
        if outcome is not None
    ]
    batch.append("resource-outcome links", Resource.outcomes.through, links)
    commitments = items.commitments + [commitment for _, commitment in items.accepted]
    batch.insert("commitments", Commitment, commitments)
    batch.insert("proposals", Proposal, items.proposals)
    changes = batch.changes
    changes += [added("expertise", item) for item in items.expertise]
    changes += [
        added("resource", resource, m2m={"outcomes": [outcome] if outcome else []})
        for resource, outcome in zip(resources, linked, strict=True)
    ]
    for proposal in items.proposals:
        changes.append(proposed(proposal))
        if proposal.status != Proposal.Status.PENDING:
            changes.append(answered(proposal))
    suggested = {id(commitment): proposal for proposal, commitment in items.accepted}
    changes += [
        added("commitment", commitment, proposal=suggested.get(id(commitment)))
        for commitment in commitments
    ]


def _add_history(batch: _Batch) -> None:
    """Number and seal every plan's history, then insert it."""
    _number(batch.plans, batch.changes)
    # Each plan's entries go in in time order, so their ids follow the chain.
    batch.changes.sort(key=lambda change: (change.plan_id, change.at))
    history_chain.seal(batch.changes)
    batch.append("history entries", PlanChange, batch.changes)


# --- history, worded as the services word it ---------------------------------------
#
# One function per kind of entry the services write, given the objects that
# entry is about. The words are never written here: each summary comes from the
# function or constant the service itself records with (item_summary,
# care_team.invited_summary, outcome_services.review_completed_summary, ...),
# all pure string work on objects already in memory, no queries.
# tests/test_seed_demo.py writes the same events through the services and
# checks these give the same entries.


def _entry(
    about: Any, action: str, summary: str, *, actor_id: Any, side: str, when: Any, **rest: Any
) -> PlanChange:
    """An entry about `about` (anything on a plan, in its life area if it has one)."""
    return PlanChange(
        plan_id=about.plan_id,
        life_area_id=getattr(about, "life_area_id", None),
        actor_id=actor_id,
        actor_side=side,
        at=when,
        action=action,
        summary=summary,
        **rest,
    )


def invited(member: CareTeamMember, when: Any) -> PlanChange:
    """plans.care_team.invite"""
    assert member.added_by_id is not None
    return _entry(
        member,
        PlanChange.Action.ACCESS,
        care_team.invited_summary(member.professional),
        actor_id=member.added_by_id,
        side=PERSON,
        when=when,
        after=care_team.describe_member(member),
    )


def added(
    kind_name: str, item: Any, *, m2m: dict[str, Any] | None = None, proposal: Any = None
) -> PlanChange:
    """plans.services.submit_add (and accept_proposal, for a suggested item)"""
    kind = KINDS[kind_name]
    return _entry(
        item,
        PlanChange.Action.CREATE,
        item_summary("Added", kind, item),
        actor_id=item.created_by_id,
        side=item.created_side,
        when=item.created_at,
        item_type=kind.name,
        item_code=item.code,
        after=describe(kind, item, m2m=m2m if m2m is not None else {"outcomes": []}),
        proposal=proposal,
    )


def settled(outcome: ValuedOutcome, by: Any) -> PlanChange:
    """outcomes.services.set_outcome_status"""
    assert outcome.status_changed_at is not None
    return _entry(
        outcome,
        PlanChange.Action.EDIT,
        outcome_services.status_summary(outcome),
        actor_id=by.pk,
        side=PERSON,
        when=outcome.status_changed_at,
        item_type=OUTCOME.name,
        item_code=outcome.code,
        before={"status": ValuedOutcome.Status.ACTIVE.label},
        after={"status": outcome.get_status_display()},
    )


def review_started(review: Review, when: Any) -> PlanChange:
    """outcomes.services.start_review"""
    return _entry(
        review,
        PlanChange.Action.REVIEW,
        outcome_services.REVIEW_STARTED_SUMMARY,
        actor_id=review.started_by_id,
        side=review.started_side,
        when=when,
    )


def review_completed(review: Review, before: date | None) -> PlanChange:
    """outcomes.services.complete_review (by whoever started it)"""
    following = review.next_review_date
    assert following is not None
    assert review.completed_at is not None
    return _entry(
        review,
        PlanChange.Action.REVIEW,
        outcome_services.review_completed_summary(following),
        actor_id=review.started_by_id,
        side=review.started_side,
        when=review.completed_at,
        before={"next_review_date": before.isoformat() if before else None},
        after={"next_review_date": following.isoformat(), "notes": review.notes},
    )


def proposed(proposal: Proposal) -> PlanChange:
    """plans.services.submit_add, where the rules make the addition a suggestion"""
    kind = KINDS[proposal.item_type]
    after = proposal.payload["after"]
    return _entry(
        proposal,
        PlanChange.Action.PROPOSE,
        suggested_summary(proposal.action, kind, after),
        actor_id=proposal.proposed_by_id,
        side=proposal.proposed_side,
        when=proposal.created_at,
        item_type=kind.name,
        after=after,
        proposal=proposal,
    )


def answered(proposal: Proposal) -> PlanChange:
    """plans.services.accept_proposal or decline_proposal"""
    reason = proposal.answer_reason
    accepted = proposal.status == Proposal.Status.ACCEPTED
    assert proposal.answered_at is not None
    proposer = proposal.proposed_by.name
    return _entry(
        proposal,
        PlanChange.Action.ACCEPT if accepted else PlanChange.Action.DECLINE,
        accepted_summary(proposer, reason) if accepted else declined_summary(proposer, reason),
        actor_id=proposal.answered_by_id,
        side=PRO if proposal.proposed_side == PERSON else PERSON,
        when=proposal.answered_at,
        item_type=proposal.item_type if accepted else "",
        proposal=proposal,
    )
