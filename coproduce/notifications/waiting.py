"""What is waiting for whom, derived from the plans themselves.

Nothing here is stored: each `Rule` is one query over the models that already
say what waits (pending suggestions, items not yet agreed, replies since the
last look, open commitments, review dates, join requests, overdue leadership
requests), annotated with who it waits for. The same rules make the "For you"
list, the count in the header (all of them summed in one query) and the
notifications that are emailed (`coproduce.notifications.sending`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from coproduce.compiled_query import CompiledQuery
from coproduce.models import Side, User
from coproduce.notifications.models import Kind
from outcomes.models import ValuedOutcome
from plans.models import (
    AccessRequest,
    Commitment,
    Expertise,
    Plan,
    PlanChange,
    Proposal,
    Resource,
)

# Reminders go to the side that must act: commitments this close, reviews this close.
COMMITMENT_SOON = datetime.timedelta(days=2)
REVIEW_SOON = datetime.timedelta(days=7)

CURRENT_CARE_TEAM = "care_team__removed_at__isnull"


@dataclass(frozen=True)
class Now:
    at: datetime.datetime
    today: datetime.date

    @classmethod
    def current(cls) -> Now:
        return cls(timezone.now(), timezone.localdate())


@dataclass(frozen=True)
class Rule:
    """One kind of thing waiting for one side, at one stage ("soon", "overdue"...)."""

    kind: str
    stage: str
    # Rows annotated with recipient (a user id), ref (what the key names),
    # plan_ref (the plan's id), area_code (or None) and when (a date or time).
    rows: Callable[[Now], QuerySet[Any]]
    # Reminders are emailed but not listed twice in "For you".
    reminder: bool = False

    def key(self, row: dict[str, Any]) -> str:
        return f"{self.kind}-{self.stage}:{row['ref']}"


def _to_person(rows: QuerySet[Any], plan: str = "plan__") -> QuerySet[Any]:
    return rows.filter(**{f"{plan}status__in": [Plan.Status.DRAFT, Plan.Status.ACTIVE]}).annotate(
        recipient=F(f"{plan}person__user_id")
    )


def _to_care_team(
    rows: QuerySet[Any], plan: str = "plan__", *, coordinator: bool = False
) -> QuerySet[Any]:
    """Each current member (or only the care coordinator): one join, reused by the annotation."""
    where: dict[str, Any] = {
        f"{plan}{CURRENT_CARE_TEAM}": True,
        f"{plan}status__in": [Plan.Status.DRAFT, Plan.Status.ACTIVE],
    }
    if coordinator:
        where[f"{plan}care_team__is_coordinator"] = True
    return rows.filter(**where).annotate(recipient=F(f"{plan}care_team__professional__user_id"))


def _shape(rows: QuerySet[Any], ref: Any, when: str, area: str | None = "life_area__code") -> Any:
    return rows.annotate(
        ref=ref,
        plan_ref=F("plan_id") if rows.model is not Plan else F("pk"),
        area_code=F(area) if area else Value(None, output_field=CharField()),
        when=F(when),
    )


def _suggestions(side_of_author: str, now: Now, stage: str) -> QuerySet[Proposal]:
    rows = Proposal.objects.pending().filter(proposed_side=side_of_author)
    if stage == "waiting":
        waited = datetime.timedelta(hours=settings.SUGGESTION_REMINDER_HOURS)
        return rows.filter(created_at__lte=now.at - waited)
    return rows


def _suggestion_rules() -> list[Rule]:
    """A suggestion waits for the side that did not make it: told when new, and
    reminded once it has waited SUGGESTION_REMINDER_HOURS."""
    rules = []
    for stage in ("new", "waiting"):

        def to_person(now: Now, stage: str = stage) -> QuerySet[Any]:
            rows = _to_person(_suggestions(Side.PROFESSIONAL, now, stage))
            return _shape(rows, F("code"), "created_at")

        def to_care_team(now: Now, stage: str = stage) -> QuerySet[Any]:
            rows = _to_care_team(_suggestions(Side.PERSON, now, stage))
            return _shape(rows, F("code"), "created_at")

        reminder = stage == "waiting"
        rules += [
            Rule(Kind.SUGGESTION, stage, to_person, reminder=reminder),
            Rule(Kind.SUGGESTION, stage, to_care_team, reminder=reminder),
        ]
    return rules


def _not_yet_agreed(model: Any) -> Callable[[Now], QuerySet[Any]]:
    def rows(now: Now) -> QuerySet[Any]:
        # A change made again after a reply is a new thing to agree to.
        ref = Concat(Cast("code", CharField()), Value(":"), Cast("version", CharField()))
        return _shape(_to_person(model.objects.not_yet_agreed()), ref, "created_at")

    return rows


def _replies_to_person(now: Now) -> QuerySet[Any]:
    rows = PlanChange.objects.filter(
        action=PlanChange.Action.REPLY,
        actor_side=Side.PROFESSIONAL,
        plan_version__gt=F("plan__person_last_seen_version"),
    )
    return _shape(_to_person(rows), F("id"), "at")


def _replies_to_care_team(now: Now) -> QuerySet[Any]:
    rows = PlanChange.objects.filter(
        action=PlanChange.Action.REPLY,
        actor_side=Side.PERSON,
        plan__care_team__removed_at__isnull=True,
        plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE],
        plan_version__gt=F("plan__care_team__last_seen_version"),
    ).annotate(recipient=F("plan__care_team__professional__user_id"))
    return _shape(rows, F("id"), "at")


def _commitments(now: Now, stage: str) -> QuerySet[Commitment]:
    rows = Commitment.objects.current().filter(status=Commitment.Status.OPEN)
    if stage == "overdue":
        return rows.filter(due_date__lt=now.today)
    return rows.filter(due_date__gte=now.today, due_date__lte=now.today + COMMITMENT_SOON)


def _reviews(now: Now, stage: str) -> QuerySet[Plan]:
    if stage == "overdue":
        return Plan.objects.filter(next_review_date__lt=now.today)
    return Plan.objects.filter(
        next_review_date__gte=now.today, next_review_date__lte=now.today + REVIEW_SOON
    )


def _commitment_ref() -> Any:
    # A new due date is a new reminder.
    return Concat(Cast("code", CharField()), Value(":"), Cast("due_date", CharField()))


def _review_ref() -> Any:
    return Concat(Cast("code", CharField()), Value(":"), Cast("next_review_date", CharField()))


def _commitment_rules() -> list[Rule]:
    rules = []
    for stage in ("soon", "overdue"):

        def to_person(now: Now, stage: str = stage) -> QuerySet[Any]:
            # Hers, and every professional's made to her.
            return _shape(_to_person(_commitments(now, stage)), _commitment_ref(), "due_date")

        def to_professional(now: Now, stage: str = stage) -> QuerySet[Any]:
            rows = _commitments(now, stage).filter(
                who_side=Side.PROFESSIONAL, plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE]
            )
            return _shape(rows.annotate(recipient=F("who_id")), _commitment_ref(), "due_date")

        def to_coordinator(now: Now, stage: str = stage) -> QuerySet[Any]:
            # The person's own commitments are made to her care team: its coordinator is told.
            rows = _commitments(now, stage).filter(who_side=Side.PERSON)
            return _shape(_to_care_team(rows, coordinator=True), _commitment_ref(), "due_date")

        rules += [
            Rule(Kind.COMMITMENT, stage, to_person),
            Rule(Kind.COMMITMENT, stage, to_professional),
            Rule(Kind.COMMITMENT, stage, to_coordinator),
        ]
    return rules


def _review_rules() -> list[Rule]:
    rules = []
    for stage in ("soon", "overdue"):

        def to_person(now: Now, stage: str = stage) -> QuerySet[Any]:
            rows = _to_person(_reviews(now, stage), plan="")
            return _shape(rows, _review_ref(), "next_review_date", area=None)

        def to_coordinator(now: Now, stage: str = stage) -> QuerySet[Any]:
            rows = _to_care_team(_reviews(now, stage), plan="", coordinator=True)
            return _shape(rows, _review_ref(), "next_review_date", area=None)

        rules += [Rule(Kind.REVIEW, stage, to_person), Rule(Kind.REVIEW, stage, to_coordinator)]
    return rules


def _leadership_to_lead(now: Now) -> QuerySet[Any]:
    rows = (
        Proposal.objects.leadership_requests_overdue(now.at)
        .filter(
            plan__care_team__removed_at__isnull=True,
            plan__care_team__professional__team__lead__isnull=False,
            plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE],
        )
        .annotate(recipient=F("plan__care_team__professional__team__lead__user_id"))
    )
    return _shape(rows, F("code"), "created_at")


RULES: list[Rule] = [
    *_suggestion_rules(),
    *(
        Rule(Kind.NOT_AGREED, "new", _not_yet_agreed(m))
        for m in (ValuedOutcome, Resource, Commitment, Expertise)
    ),
    Rule(Kind.REPLY, "new", _replies_to_person),
    Rule(Kind.REPLY, "new", _replies_to_care_team),
    *_commitment_rules(),
    *_review_rules(),
    Rule(
        Kind.JOIN_REQUEST,
        "new",
        lambda now: _shape(
            _to_person(AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)),
            F("code"),
            "created_at",
            area=None,
        ),
    ),
    Rule(Kind.LEADERSHIP, "overdue", _leadership_to_lead),
]

FIELDS = ("recipient", "ref", "plan_ref", "area_code", "when")


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values(
        n=Func(F("ref"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def count_for(user: User, now: Now | None = None) -> int:
    """How many things wait for this user: every rule, one query.

    It is in the header of every signed-in page. Building its SQL with the ORM
    (some twenty subqueries) cost more than running it, so the SQL is compiled
    once per process, database and setting (`COUNT`, `coproduce.compiled_query`)
    and only the values change: the user, and the moments the rules compare
    with. Planning it cost PostgreSQL more than running it too, so there it is
    a prepared statement, planned once per connection.
    """
    row = COUNT.fetchone((user.pk, now or Now.current()))
    return int(row[0]) if row else 0


def _count_rows(inputs: tuple[int, Now]) -> QuerySet[Any]:
    """The count as the ORM builds it: what the compiled SQL is and is checked against."""
    user_id, now = inputs
    total: Any = Value(0)
    for rule in RULES:
        if not rule.reminder:
            total = total + _count(rule.rows(now).filter(recipient=user_id))
    return User.objects.filter(pk=user_id).values_list(total, flat=True)


def _count_query(user_id: int, now: Now) -> int:
    """The count run as the ORM builds it, afresh (the reference the tests compare with)."""
    rows = _count_rows((user_id, now))
    return int(rows[0]) if rows else 0


def _moments(now: Now) -> dict[str, Any]:
    """Every moment a counted rule compares with, each a function of now."""
    return {
        "at": now.at,
        "today": now.today,
        "commitment_soon": now.today + COMMITMENT_SOON,
        "review_soon": now.today + REVIEW_SOON,
        "leadership_due": now.at - datetime.timedelta(days=settings.LEADERSHIP_ESCALATION_DAYS),
    }


def _count_values(inputs: tuple[int, Now]) -> dict[str, Any]:
    """The values as the database takes them (a date is text on SQLite, and so on)."""
    user_id, now = inputs
    values: dict[str, Any] = {"user": user_id}
    for name, moment in _moments(now).items():
        field: DateField[Any, Any] = (
            DateTimeField() if isinstance(moment, datetime.datetime) else DateField()
        )
        values[name] = field.get_db_prep_value(moment, connection)
    return values


COUNT = CompiledQuery(
    _count_rows,
    _count_values,
    stand_ins=(
        (
            987_654_321,
            Now(
                datetime.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
                datetime.date(2001, 2, 3),
            ),
        ),
        (
            987_654_329,
            Now(
                datetime.datetime(2003, 5, 7, 8, 9, 10, 11, tzinfo=datetime.UTC),
                datetime.date(2003, 5, 9),
            ),
        ),
    ),
    required={"user"},
    # The escalation days decide whether two moments coincide.
    key=lambda: settings.LEADERSHIP_ESCALATION_DAYS,
)


@dataclass(frozen=True)
class Waiting:
    kind: str
    stage: str
    key: str
    recipient_id: int
    plan_id: int
    area_code: Any
    when: Any
    reminder: bool


def rows_of(
    rules: Iterable[Rule], now: Now, *, user: User | None = None, plan_ids: list[int] | None = None
) -> list[Waiting]:
    found: dict[tuple[int, str], Waiting] = {}
    for rule in rules:
        rows = rule.rows(now)
        if user is not None:
            rows = rows.filter(recipient=user.pk)
        if plan_ids is not None:
            rows = rows.filter(plan_ref__in=plan_ids)
        for row in rows.order_by().values(*FIELDS):
            if row["recipient"] is None:
                continue
            item = Waiting(
                rule.kind,
                rule.stage,
                rule.key(row),
                row["recipient"],
                row["plan_ref"],
                row["area_code"],
                row["when"],
                rule.reminder,
            )
            found.setdefault((item.recipient_id, item.key), item)
    return list(found.values())


def waiting_for(user: User, now: Now | None = None) -> list[Waiting]:
    """Everything waiting for one user, for the "For you" page (reminders not repeated)."""
    now = now or Now.current()
    return rows_of([r for r in RULES if not r.reminder], now, user=user)


def all_waiting(now: Now, plan_ids: list[int] | None = None) -> list[Waiting]:
    """Everything waiting for anyone (or on these plans), reminders included: for email."""
    return rows_of(RULES, now, plan_ids=plan_ids)


def link_for(item: Waiting, plan_code: Any) -> str:
    if item.kind == Kind.LEADERSHIP:
        return reverse("team_overview")
    if item.kind == Kind.JOIN_REQUEST:
        return reverse("care_team", args=[plan_code])
    anchor = ""
    if item.kind == Kind.SUGGESTION:
        anchor = f"#proposal-{item.key.split(':', 1)[1]}"
    elif item.area_code:
        anchor = f"#area-{item.area_code}"
    return reverse("plan_detail", args=[plan_code]) + anchor


def new_since(plan: Plan, seen_version: int, side: str | None) -> tuple[set[str], set[int]]:
    """What the other side changed since this user last opened the plan.

    The codes of the items and the ids of the life areas, for the "new since
    you last looked" markers. Nothing is marked on a first look.
    """
    if not seen_version or seen_version >= plan.version:
        return set(), set()
    changes = PlanChange.objects.filter(plan=plan, plan_version__gt=seen_version).exclude(
        actor_side=side or ""
    )
    items: set[str] = set()
    areas: set[int] = set()
    for item_code, area_id, proposal_code in changes.values_list(
        "item_code", "life_area_id", "proposal__code"
    ):
        if item_code:
            items.add(str(item_code))
        if proposal_code:
            items.add(str(proposal_code))
        if area_id:
            areas.add(area_id)
    return items, areas


__all__ = ["RULES", "Now", "Rule", "Waiting", "all_waiting", "count_for", "waiting_for"]
