"""Ratings and reviews: writes that touch several rows, each with its history entry.

Every function here runs in one transaction and records its PlanChange in it
(plans.history.record also bumps the plan's version, so open plan pages
refresh). The side of every rating is the signed-in user's side, taken from
PlanAccess, never from anything the user sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coproduce.models import Side
from outcomes import summaries
from outcomes.forms import OutcomeForm
from outcomes.models import PowerCheck, Rating, Review, ValuedOutcome
from plans import rules
from plans.access import PlanAccess
from plans.history import record
from plans.leadership import return_at_review, take_back
from plans.models import LifeArea, Plan, PlanChange
from plans.services import ItemKind

# Valued outcomes are edited and suggested like any other item on the plan
# (plans.services); outcomes.apps registers this kind when Django starts.
OUTCOME = ItemKind(
    "outcome",
    "outcome",
    OutcomeForm,
    summary_field="text",
    form_takes_writer_side=True,
    words=ValuedOutcome.WORDS,
)


# How the history words the events here. Each is also how the synthetic caseload
# (coproduce.demo.synthetic) words the same event, so the wording lives here once.
REVIEW_STARTED_SUMMARY = "Started a review of the plan"


def review_completed_summary(next_review_date: datetime.date) -> str:
    return f"Completed the review. Next review on {next_review_date:%-d %B %Y}"


def status_summary(outcome: ValuedOutcome) -> str:
    """An outcome achieved, let go, or worked on again: "Achieved: I want a job"."""
    return f"{outcome.get_status_display()}: {OUTCOME.summary(outcome)}"


class ReviewCompleted(Exception):
    """The review was completed (by either side) before this arrived."""

    def __init__(self, review: Review) -> None:
        super().__init__("review already completed")
        self.review = review


def require_plan_open(access: PlanAccess) -> None:
    if access.plan.is_closed:
        raise PermissionDenied("This plan is closed, so it cannot be changed.")


def require_may_rate(access: PlanAccess, outcome: ValuedOutcome) -> None:
    """Each side rates from its own view, and a supporter the person lets rate from
    theirs (plans.rules.decide_rating)."""
    require_plan_open(access)
    if access.is_supporter and not access.supporter_may_rate:
        raise PermissionDenied("You can see this plan, but not rate progress on it.")
    worked_on = outcome.status == ValuedOutcome.Status.ACTIVE and outcome.removed_at is None
    decision = rules.decide_rating(
        plan_closed=access.plan.is_closed,
        outcome_worked_on=worked_on,
        side=access.side,
        supporter_may_rate=access.supporter_may_rate,
    )
    if decision == rules.Decision.REFUSE:
        raise PermissionDenied("Only outcomes that are still being worked on are rated.")


def _record_about(
    access: PlanAccess,
    outcome: ValuedOutcome,
    action: str,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    review: Review | None = None,
) -> None:
    """The history entry for something done to one outcome, in its life area; done
    in a review, it counts the user as taking part in that review."""
    if review is not None:
        review.participants.add(access.user)
    record(
        access,
        access.plan,
        action,
        summary,
        kind=OUTCOME,
        item=outcome,
        life_area=outcome.life_area,
        before=before,
        after=after,
    )


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
    _record_about(
        access,
        outcome,
        PlanChange.Action.RATE,
        # The score first: an outcome often ends with a full stop ("…most nights.").
        f"Rated progress {score} out of 10 on {OUTCOME.summary(outcome)}",
        after={"score": score, "rated_on": rated_on.isoformat(), "note": note},
        review=review,
    )
    summaries.refresh(outcome)  # after the history entry: see summaries.refresh
    return rating


def require_may_withdraw(access: PlanAccess, rating: Rating) -> None:
    """Only the one who gave a rating withdraws it (plans.rules.decide_rating_withdrawal)."""
    decision = rules.decide_rating_withdrawal(
        plan_closed=access.plan.is_closed,
        own=rating.rated_by_id == access.user.pk,
        withdrawn=rating.is_withdrawn,
    )
    if decision == rules.Decision.REFUSE:
        raise PermissionDenied("Only the one who gave a rating can withdraw it, once.")


@transaction.atomic
def withdraw_rating(access: PlanAccess, rating: Rating, *, reason: str) -> bool:
    """Withdraw a rating: kept, and in the history with the reason, but left out of
    every figure, chart and latest rating. False if it was already withdrawn
    (someone pressed twice): nothing is written then."""
    require_may_withdraw(access, rating)
    now = timezone.now()
    withdrawn = Rating.objects.filter(pk=rating.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_reason=reason
    )
    if not withdrawn:
        return False
    rating.withdrawn_at, rating.withdrawn_reason = now, reason
    outcome = rating.outcome
    _record_about(
        access,
        outcome,
        PlanChange.Action.RATE,
        f"Withdrew a rating of {rating.score} out of 10 on {OUTCOME.summary(outcome)}",
        before={"score": rating.score, "rated_on": rating.rated_on.isoformat()},
        after={"withdrawn": True, "reason": reason},
    )
    summaries.refresh(outcome)  # after the history entry: see summaries.refresh
    return True


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
    _record_about(
        access,
        outcome,
        PlanChange.Action.EDIT,
        status_summary(outcome),
        before={"status": before},
        after={"status": outcome.get_status_display()},
        review=review,
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
    record(access, access.plan, PlanChange.Action.REVIEW, REVIEW_STARTED_SUMMARY)
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
    review.snapshot = outcomes_snapshot(access.plan)
    review.save(update_fields=["next_review_date", "notes", "completed_at", "snapshot"])
    review.participants.add(access.user)
    plan = access.plan
    before = plan.next_review_date
    Plan.objects.filter(pk=plan.pk).update(next_review_date=next_review_date)
    plan.next_review_date = next_review_date
    record(
        access,
        plan,
        PlanChange.Action.REVIEW,
        review_completed_summary(next_review_date),
        before={"next_review_date": before.isoformat() if before else None},
        after={"next_review_date": next_review_date.isoformat(), "notes": notes},
    )
    # Balances agreed "until the next review" come back now that it is held.
    return_at_review(access)
    return review


def outcomes_snapshot(plan: Plan) -> list[dict[str, object]]:
    """The plan's outcomes as they are now, with each side's latest rating: one query.

    Kept on the review when it is completed (Review.snapshot), so an old
    review shows the words of its day, whatever is changed later.
    """
    outcomes = (
        ValuedOutcome.objects.with_latest_ratings()
        .filter(plan=plan, removed_at__isnull=True)
        .select_related("life_area")
        .order_by("life_area__position", "created_at", "id")
    )
    return [
        {
            "code": str(outcome.code),
            "area": outcome.life_area.name,
            "text": outcome.text,
            "why_it_matters": outcome.why_it_matters,
            "status": outcome.status,
            "person_score": getattr(outcome, f"latest_{Side.PERSON}_score"),
            "professional_score": getattr(outcome, f"latest_{Side.PROFESSIONAL}_score"),
        }
        for outcome in outcomes
    ]


@transaction.atomic
def answer_power_check(
    access: PlanAccess,
    review: Review,
    *,
    led: str = "",
    words_kept: str = "",
    shared_as_agreed: str = "",
    note: str = "",
) -> PowerCheck:
    """One side's answers to the power check; answering again replaces one's own."""
    require_plan_open(access)
    review = _lock_open(review)
    if access.is_owner:
        answers = {"led": led, "words_kept": words_kept, "shared_as_agreed": ""}
    else:
        answers = {"led": "", "words_kept": "", "shared_as_agreed": shared_as_agreed}
    check, _ = PowerCheck.objects.update_or_create(
        review=review,
        answered_by=access.user,
        defaults={**answers, "side": access.side, "note": note, "answered_at": timezone.now()},
    )
    review.participants.add(access.user)
    record(
        access,
        access.plan,
        PlanChange.Action.REVIEW,
        "Answered the power check in the review",
        after={**{k: v for k, v in answers.items() if v}, "note": note},
    )
    return check


@transaction.atomic
def take_back_leadership(access: PlanAccess, review: Review, area: LifeArea) -> None:
    """The person withdraws an agreement to professional leadership, in an open review."""
    access.require_owner()
    require_plan_open(access)
    review = _lock_open(review)
    take_back(access, area, review.held_on)


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
