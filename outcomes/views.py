"""Reviewing the plan. Every plan is fetched through plans.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.models import Side
from outcomes import services
from outcomes.forms import CompleteReviewForm, ReviewRatingForm, rating_question
from outcomes.models import Rating, Review, ValuedOutcome
from plans.access import PlanAccess, get_or_404, get_plan_for_user
from plans.care_team import log_view


def _review(access: PlanAccess, code: str) -> Review:
    return get_or_404(
        Review.objects.select_related("started_by").filter(plan=access.plan), code=code
    )


# --- reviews -----------------------------------------------------------------------


@require_GET
def review_list(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    log_view(access, "reviews")
    reviews = (
        Review.objects.filter(plan=access.plan)
        .select_related("started_by")
        .prefetch_related("participants")
        .order_by("-held_on", "-id")
    )
    context = {"access": access, "plan": access.plan, "reviews": reviews}
    return render(request, "outcomes/review_list.html", context)


@require_POST
def review_start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a review, or join the one the other side already started."""
    access = get_plan_for_user(request.user, code)
    review, created = services.start_review(access)
    if created:
        messages.success(request, "You started a review. Rate each outcome, then finish it.")
    else:
        messages.info(request, "A review is already under way: add your view to it.")
    return redirect("review_detail", code=access.plan.code, review_code=review.code)


def _answer_forms(
    access: PlanAccess, outcomes: list[ValuedOutcome], data: Any = None
) -> list[tuple[ValuedOutcome, ReviewRatingForm]]:
    question = rating_question(access)
    return [
        (
            outcome,
            ReviewRatingForm(
                data,
                prefix=outcome.code.hex,
                question=question,
                may_set_status=access.is_owner,
                initial={"status": outcome.status},
            ),
        )
        for outcome in outcomes
        if outcome.status == ValuedOutcome.Status.ACTIVE
    ]


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, code: str, review_code: str) -> HttpResponse:
    """The review: both sides' ratings side by side, and this side's questions."""
    access = get_plan_for_user(request.user, code)
    review = _review(access, review_code)
    if request.method == "GET":
        log_view(access, "review")
    outcomes = _review_outcomes(access, review)
    answer_forms = _answer_forms(access, outcomes)
    nothing_given = False
    if request.method == "POST":
        if review.completed_at is not None:
            messages.error(request, "This review has been completed, so nothing more can be added.")
            return redirect("review_detail", code=access.plan.code, review_code=review.code)
        services.require_plan_open(access)
        answer_forms = _answer_forms(access, outcomes, request.POST)
        if all(form.is_valid() for _, form in answer_forms):
            answers = [
                services.ReviewAnswer(
                    outcome=outcome,
                    score=form.cleaned_data["score"],
                    note=form.cleaned_data["note"],
                    # Only the person's form has this field; anything else posted is ignored.
                    status=form.cleaned_data.get("status", ""),
                )
                for outcome, form in answer_forms
            ]
            try:
                recorded = services.answer_review(access, review, answers)
            except services.ReviewCompleted:
                messages.error(request, "Someone completed this review while you were answering.")
                return redirect("review_detail", code=access.plan.code, review_code=review.code)
            if recorded:
                messages.success(request, "Saved. The other side can add their view too.")
                return redirect("review_detail", code=access.plan.code, review_code=review.code)
            nothing_given = True
    return _review_page(
        request,
        access,
        review,
        outcomes,
        answer_forms,
        CompleteReviewForm(),
        nothing_given=nothing_given,
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def review_complete(request: HttpRequest, code: str, review_code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    review = _review(access, review_code)
    services.require_plan_open(access)
    form = CompleteReviewForm(request.POST)
    if review.completed_at is None and form.is_valid():
        try:
            services.complete_review(
                access, review, form.cleaned_data["next_review_date"], form.cleaned_data["notes"]
            )
        except services.ReviewCompleted:
            pass
        else:
            messages.success(request, "The review is complete and the next one is booked in.")
            return redirect("plan_detail", code=access.plan.code)
    if review.completed_at is not None:
        messages.error(request, "This review has already been completed.")
        return redirect("review_detail", code=access.plan.code, review_code=review.code)
    outcomes = _review_outcomes(access, review)
    return _review_page(
        request, access, review, outcomes, _answer_forms(access, outcomes), form, status=422
    )


def _review_outcomes(access: PlanAccess, review: Review) -> list[ValuedOutcome]:
    """Current outcomes, each with this review's ratings attached: two queries in all."""
    in_review = Rating.objects.filter(review=review).select_related("rated_by")
    return list(
        ValuedOutcome.objects.current()
        .filter(plan=access.plan)
        .select_related("life_area")
        .prefetch_related(Prefetch("ratings", queryset=in_review, to_attr="review_ratings"))
        .order_by("life_area__position", "created_at", "id")
    )


def _latest_by_side(ratings: list[Rating]) -> dict[str, Rating]:
    latest: dict[str, Rating] = {}
    for rating in ratings:  # oldest first (Rating's ordering), so later ones win
        latest[rating.side] = rating
    return latest


def _review_page(
    request: HttpRequest,
    access: PlanAccess,
    review: Review,
    outcomes: list[ValuedOutcome],
    answer_forms: list[tuple[ValuedOutcome, ReviewRatingForm]],
    complete_form: CompleteReviewForm,
    *,
    nothing_given: bool = False,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for outcome in outcomes:
        latest = _latest_by_side(outcome.review_ratings)  # type: ignore[attr-defined]
        decided_here = (
            outcome.status != ValuedOutcome.Status.ACTIVE
            and outcome.status_changed_at is not None
            and timezone.localdate(outcome.status_changed_at) >= review.held_on
        )
        if outcome.status == ValuedOutcome.Status.ACTIVE or latest or decided_here:
            rows.append(
                {
                    "outcome": outcome,
                    "person": latest.get(Side.PERSON),
                    "professional": latest.get(Side.PROFESSIONAL),
                }
            )
    context = {
        "access": access,
        "plan": access.plan,
        "review": review,
        "rows": rows,
        "participants": list(
            review.participants.select_related("person", "professional").order_by("display_name")
        ),
        "answer_forms": answer_forms,
        "complete_form": complete_form,
        "nothing_given": nothing_given,
        "answers_invalid": any(form.is_bound and form.errors for _, form in answer_forms),
        "is_open": review.completed_at is None and not access.plan.is_closed,
    }
    return render(request, "outcomes/review_detail.html", context, status=status)
