"""Rating progress on one outcome, inline on the plan page or on a page of its own."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from coproduce.htmx import HtmxHttpRequest, page_or_fragment
from coproduce.plan_page.page import after_write
from outcomes import services
from outcomes.forms import RatingForm, WithdrawRatingForm, rating_question
from outcomes.models import Rating, ValuedOutcome
from plans.access import get_or_404, get_plan_for_user
from plans.forms import plan_started


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def rate_outcome(request: HtmxHttpRequest, code: str, outcome_code: str) -> HttpResponse:
    """A new rating from the signed-in user's side: inline with htmx, or a page of its own."""
    access = get_plan_for_user(request.user, code, supporters=True)
    outcome = get_or_404(
        ValuedOutcome.objects.current().select_related("life_area").filter(plan=access.plan),
        code=outcome_code,
    )
    services.require_may_rate(access, outcome)
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        question=rating_question(access),
        started_on=plan_started(access.plan),
        auto_id=f"rate-{outcome.code.hex[:8]}-%s",
    )
    if form.is_valid():
        # Only the form's own fields are read: a "side" in the POST is ignored.
        services.rate_outcome(
            access,
            outcome,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
            rated_on=form.cleaned_data["rated_on"],
        )
        return after_write(
            request,
            access,
            "Your rating is saved.",
            outcome.life_area,
            anchor=f"#outcome-{outcome.code}",
        )
    context = {"access": access, "plan": access.plan, "outcome": outcome, "form": form}
    status = 422 if form.is_bound else 200
    return page_or_fragment(request, "outcomes/rate.html", "form", context, status=status)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def withdraw_rating(
    request: HtmxHttpRequest, code: str, outcome_code: str, rating_code: str
) -> HttpResponse:
    """Withdraw one of my own ratings, with a reason: a small confirm form (inline
    with htmx, or a page of its own), then back to the plan."""
    access = get_plan_for_user(request.user, code, supporters=True)
    outcome = get_or_404(
        ValuedOutcome.objects.current().select_related("life_area").filter(plan=access.plan),
        code=outcome_code,
    )
    rating = get_or_404(Rating.objects.filter(outcome=outcome), code=rating_code)
    rating.outcome = outcome
    services.require_may_withdraw(access, rating)
    form = WithdrawRatingForm(
        request.POST if request.method == "POST" else None,
        auto_id=f"withdraw-{rating.code.hex[:8]}-%s",
    )
    if form.is_valid():
        services.withdraw_rating(access, rating, reason=form.cleaned_data["reason"])
        return after_write(
            request,
            access,
            "Your rating is withdrawn. It stays in the history, and no longer counts.",
            outcome.life_area,
            anchor=f"#outcome-{outcome.code}",
        )
    context = {
        "access": access,
        "plan": access.plan,
        "outcome": outcome,
        "rating": rating,
        "form": form,
    }
    status = 422 if form.is_bound else 200
    return page_or_fragment(
        request, "outcomes/withdraw_rating.html", "form", context, status=status
    )
