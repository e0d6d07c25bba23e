"""Reviewing the plan. Every plan is fetched through plans.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.models import Side
from outcomes import services
from outcomes.forms import (
    CompleteReviewForm,
    ReviewRatingForm,
    power_check_form,
    rating_question,
)
from outcomes.models import PowerCheck, Rating, Review, ValuedOutcome
from plans.access import PlanAccess, get_or_404, get_plan_for_user
from plans.care_team import log_view
from plans.leadership import may_take_back
from plans.models import LifeArea


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
    """One form per outcome being worked on, holding what this side already
    said in this review (so the form does not come back blank after saving)."""
    question = rating_question(access)
    forms = []
    for outcome in outcomes:
        if outcome.status != ValuedOutcome.Status.ACTIVE:
            continue
        given = _latest_by_side(getattr(outcome, "review_ratings", [])).get(access.side)
        initial: dict[str, Any] = {"status": outcome.status}
        if given is not None:
            initial.update(score=given.score, note=given.note)
        form = ReviewRatingForm(
            data,
            prefix=outcome.code.hex,
            question=question,
            may_set_status=access.is_owner,
            initial=initial,
        )
        forms.append((outcome, form))
    return forms


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
                    # A view already given and left as it was is not given again.
                    score=form.cleaned_data["score"]
                    if {"score", "note"} & set(form.changed_data)
                    else None,
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
    power_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    if review.snapshot is not None:
        return _snapshot_page(request, access, review, outcomes, status=status)
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
        "answer_forms": answer_forms,
        "complete_form": complete_form,
        "nothing_given": nothing_given,
        "answers_invalid": any(form.is_bound and form.errors for _, form in answer_forms),
        "is_open": review.completed_at is None and not access.plan.is_closed,
        **_power_context(access, review, power_form),
    }
    return render(request, "outcomes/review_detail.html", context, status=status)


def _power_context(access: PlanAccess, review: Review, power_form: Any = None) -> dict[str, Any]:
    """Who took part with their power check answers, this user's form, what may be taken back.

    Answering the power check makes one a participant, so the participants'
    query brings every answer with it (one query for both).
    """
    answer = PowerCheck.objects.filter(review=review, answered_by=OuterRef("pk"))
    participants = list(
        review.participants.select_related("person", "professional")
        .annotate(**{f"check_{name}": Subquery(answer.values(name)[:1]) for name in ANSWERS})
        .order_by("display_name")
    )
    checks = [
        PowerCheck(
            review=review,
            answered_by=user,
            **{name: getattr(user, f"check_{name}") for name in ANSWERS},
        )
        for user in participants
        if user.check_side  # type: ignore[attr-defined]
    ]
    checks.sort(key=lambda check: check.side != "person")
    mine = next((c for c in checks if c.answered_by_id == access.user.pk), None)
    if power_form is None:
        initial = {name: getattr(mine, name) for name in ANSWERS} if mine else None
        power_form = power_check_form(access, initial=initial)
    return {"participants": participants, "power_checks": checks, "power_form": power_form}


ANSWERS = ("side", "led", "words_kept", "shared_as_agreed", "note")


def _snapshot_page(
    request: HttpRequest,
    access: PlanAccess,
    review: Review,
    outcomes: list[ValuedOutcome],
    *,
    status: int = 200,
) -> HttpResponse:
    """A completed review with a snapshot: the outcomes in the words of its day."""
    now = {str(outcome.code): outcome for outcome in outcomes}
    statuses = dict(ValuedOutcome.Status.choices)
    rows = []
    assert review.snapshot is not None
    for then in review.snapshot:
        current = now.get(then["code"])
        rows.append(
            {
                "then": {**then, "status_label": statuses.get(then["status"], then["status"])},
                "now": current,
                "removed_since": current is None,
                "text_changed": current is not None
                and (current.text, current.why_it_matters)
                != (then["text"], then["why_it_matters"]),
                "status_changed": current is not None and current.status != then["status"],
            }
        )
    context = {
        "access": access,
        "plan": access.plan,
        "review": review,
        "snapshot_rows": rows,
        "is_open": False,
        **_power_context(access, review),
    }
    return render(request, "outcomes/review_detail.html", context, status=status)


@require_POST
def review_power_check(request: HttpRequest, code: str, review_code: str) -> HttpResponse:
    """One side's answers to the power check, while the review is open."""
    access = get_plan_for_user(request.user, code)
    review = _review(access, review_code)
    services.require_plan_open(access)
    if review.completed_at is not None:
        messages.error(request, "This review has been completed, so nothing more can be added.")
        return redirect("review_detail", code=access.plan.code, review_code=review.code)
    form = power_check_form(access, request.POST)
    if form.is_valid():
        try:
            services.answer_power_check(access, review, **form.cleaned_data)
        except services.ReviewCompleted:
            messages.error(request, "Someone completed this review while you were answering.")
        else:
            messages.success(request, "Thank you. Your answers are kept with this review.")
        return redirect(
            reverse("review_detail", args=[access.plan.code, review.code]) + "#power-check"
        )
    outcomes = _review_outcomes(access, review)
    return _review_page(
        request,
        access,
        review,
        outcomes,
        _answer_forms(access, outcomes),
        CompleteReviewForm(),
        power_form=form,
        status=422,
    )


@require_http_methods(["GET", "POST"])
def review_leadership(request: HttpRequest, code: str, review_code: str) -> HttpResponse:
    """The person takes back leadership of a part of the plan, at a review.

    A page of its own, so the review page needs no extra query for it.
    """
    access = get_plan_for_user(request.user, code)
    review = _review(access, review_code)
    access.require_owner()
    if review.completed_at is not None:
        messages.error(request, "This review is complete: take leadership back at the next one.")
        return redirect("review_detail", code=access.plan.code, review_code=review.code)
    areas = [
        area
        for area in LifeArea.objects.filter(plan=access.plan).order_by("position", "id")
        if may_take_back(area)
    ]
    error = ""
    if request.method == "POST":
        services.require_plan_open(access)
        chosen = next((a for a in areas if str(a.code) == request.POST.get("area", "")), None)
        if chosen is not None:
            try:
                services.take_back_leadership(access, review, chosen)
            except services.ReviewCompleted:
                messages.error(request, "Someone completed this review a moment ago.")
            else:
                messages.success(request, f"You took back leadership of {chosen.name}.")
            return redirect("review_detail", code=access.plan.code, review_code=review.code)
        error = "Choose a part of your plan that professionals lead now."
    context = {"access": access, "plan": access.plan, "review": review, "areas": areas}
    context["error"] = error
    return render(request, "outcomes/review_leadership.html", context, status=422 if error else 200)
