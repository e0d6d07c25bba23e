"""Ratings and reviews: writes that touch several rows, each with its history entry.

Every function here runs in one transaction and records its PlanChange in it
(plans.services.record also bumps the plan's version, so open plan pages
refresh). The side of every rating is the signed-in user's side, taken from
PlanAccess, never from anything the user sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outcomes.forms import OutcomeForm
from outcomes.models import Rating, Review, ValuedOutcome
from plans import rules
from plans.access import PlanAccess
from plans.history import record
from plans.models import LifeArea, Plan, PlanChange
from plans.services import ItemKind

# Valued outcomes are edited and suggested like any other item on the plan
# (plans.services); outcomes.apps registers this kind when Django starts.
OUTCOME = ItemKind(
    "outcome",
    "outcome",
    ValuedOutcome,
    OutcomeForm,
    ("text", "why_it_matters", "target_date", "status"),
    summary_field="text",
)


class ReviewCompleted(Exception):
    """The review was completed (by either side) before this arrived."""

    def __init__(self, review: Review) -> None:
        super().__init__("review already completed")
        self.review = review


def require_plan_open(access: PlanAccess) -> None:
    if access.plan.is_closed:
        raise PermissionDenied("This plan is closed, so it cannot be changed.")


def require_may_rate(access: PlanAccess, outcome: ValuedOutcome) -> None:
    """Anyone who may see the plan rates from their own side (plans.rules.decide_rating)."""
    require_plan_open(access)
    worked_on = outcome.status == ValuedOutcome.Status.ACTIVE and outcome.removed_at is None
    decision = rules.decide_rating(plan_closed=access.plan.is_closed, outcome_worked_on=worked_on)
    if decision == rules.Decision.REFUSE:
        raise PermissionDenied("Only outcomes that are still being worked on are rated.")


@transaction.atomic
def rate_outcome(
    access: PlanAccess,
    outcome: ValuedOutcome,
    *,
    score: int,
    note: str = "",
    rated_on: datetime.date | None = None,
    review: Review | None = None,
) -> Rating:
    """A new rating: never an edit of an old one, so a correction is simply a later rating."""
    require_may_rate(access, outcome)
    rated_on = rated_on or timezone.localdate()
    if rated_on > timezone.localdate():
        raise ValueError("a rating cannot be dated in the future")
    rating = Rating.objects.create(
        outcome=outcome,
        plan=access.plan,
        side=access.side,
        rated_by=access.user,
        score=score,
        note=note,
        rated_on=rated_on,
        review=review,
    )
    if review is not None:
        review.participants.add(access.user)
    record(
        access,
        access.plan,
        PlanChange.Action.RATE,
        f"Rated progress on {OUTCOME.summary(outcome)}: {score} out of 10",
        kind=OUTCOME,
        item=outcome,
        life_area=outcome.life_area,
        after={"score": score, "rated_on": rated_on.isoformat(), "note": note},
    )
    return rating


@transaction.atomic
def set_outcome_status(
    access: PlanAccess, outcome: ValuedOutcome, status: str, review: Review | None = None
) -> None:
    """Achieved, let go, or back to working on it: the person's decision alone."""
    access.require_owner()
    require_plan_open(access)
    if status not in ValuedOutcome.Status.values:
        raise ValueError(f"unknown outcome status {status!r}")
    if status == outcome.status:
        return
    before = outcome.get_status_display()
    now = timezone.now()
    ValuedOutcome.objects.filter(pk=outcome.pk).update(
        status=status,
        status_changed_at=now,
        updated_by=access.user,
        updated_side=access.side,
        updated_at=now,
        # Anyone editing this outcome in another window now gets a conflict, not a silent undo.
        version=F("version") + 1,
    )
    outcome.refresh_from_db()
    if review is not None:
        review.participants.add(access.user)
    record(
        access,
        access.plan,
        PlanChange.Action.EDIT,
        f"{outcome.get_status_display()}: {OUTCOME.summary(outcome)}",
        kind=OUTCOME,
        item=outcome,
        life_area=outcome.life_area,
        before={"status": before},
        after={"status": outcome.get_status_display()},
    )


def open_review(access: PlanAccess) -> Review | None:
    return Review.objects.filter(plan=access.plan, completed_at__isnull=True).first()


@transaction.atomic
def start_review(access: PlanAccess) -> tuple[Review, bool]:
    """Start a review, or join the one already open: a plan has one open review at a time."""
    require_plan_open(access)
    # Lock the plan so two people pressing "Start" together get one review.
    Plan.objects.select_for_update().filter(pk=access.plan.pk).first()
    existing = open_review(access)
    if existing is not None:
        return existing, False
    review = Review.objects.create(
        plan=access.plan,
        held_on=timezone.localdate(),
        started_by=access.user,
        started_side=access.side,
    )
    record(access, access.plan, PlanChange.Action.REVIEW, "Started a review of the plan")
    return review, True


@dataclass(frozen=True)
class ReviewAnswer:
    """One outcome's part of a review, as one side gave it."""

    outcome: ValuedOutcome
    score: int | None = None
    note: str = ""
    status: str = ""


def _lock_open(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.completed_at is not None:
        raise ReviewCompleted(locked)
    return locked


@transaction.atomic
def answer_review(access: PlanAccess, review: Review, answers: list[ReviewAnswer]) -> int:
    """Record one side's ratings (and the person's decisions) in an open review.

    Returns how many things were recorded. Each side rates its own view only;
    marking an outcome achieved or let go is for the person alone.
    """
    require_plan_open(access)
    review = _lock_open(review)
    recorded = 0
    for answer in answers:
        if answer.score is not None:
            rate_outcome(
                access, answer.outcome, score=answer.score, note=answer.note, review=review
            )
            recorded += 1
        if answer.status and answer.status != answer.outcome.status:
            set_outcome_status(access, answer.outcome, answer.status, review=review)
            recorded += 1
    return recorded


@transaction.atomic
def complete_review(
    access: PlanAccess, review: Review, next_review_date: datetime.date, notes: str = ""
) -> Review:
    """Close the review and set the date of the next one on the plan."""
    require_plan_open(access)
    if next_review_date <= timezone.localdate():
        raise ValueError("the next review must be after today")
    review = _lock_open(review)
    review.next_review_date = next_review_date
    review.notes = notes
    review.completed_at = timezone.now()
    review.save(update_fields=["next_review_date", "notes", "completed_at"])
    review.participants.add(access.user)
    plan = access.plan
    before = plan.next_review_date
    Plan.objects.filter(pk=plan.pk).update(next_review_date=next_review_date)
    plan.next_review_date = next_review_date
    record(
        access,
        plan,
        PlanChange.Action.REVIEW,
        f"Completed the review. Next review on {next_review_date:%-d %B %Y}",
        before={"next_review_date": before.isoformat() if before else None},
        after={"next_review_date": next_review_date.isoformat(), "notes": notes},
    )
    return review


def carry_over_outcomes(old: Plan, new: Plan, areas: dict[int, LifeArea]) -> int:
    """Copy the outcomes still being worked on into the person's next plan.

    Called by the new-plan page inside the transaction that starts the plan
    (plans.lifecycle.start_episode), whose history entry says what came across.
    The outcomes keep their writers; their ratings stay with the earlier plan.
    """
    copies = [
        ValuedOutcome(
            plan=new,
            life_area=areas[outcome.life_area_id],
            text=outcome.text,
            why_it_matters=outcome.why_it_matters,
            target_date=outcome.target_date,
            created_by_id=outcome.created_by_id,
            created_side=outcome.created_side,
        )
        for outcome in ValuedOutcome.objects.current()
        .filter(plan=old, status=ValuedOutcome.Status.ACTIVE)
        .order_by("created_at", "id")
    ]
    ValuedOutcome.objects.bulk_create(copies)
    return len(copies)
