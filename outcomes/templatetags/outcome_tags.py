"""Template helpers for ratings, reviews and progress charts on the plan page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import F
from django.utils.safestring import SafeString

from coproduce.models import SUPPORTER, Side
from outcomes.charts import Progress, progress_from, progress_svg
from outcomes.models import Review
from plans.templatetags.plan_tags import first_name

register = template.Library()


@register.simple_tag
def progress_of(outcome: Any) -> Progress:
    """The outcome's journey, from the ratings the plan page loaded in one query.

    coproduce.plan_page.loader.load_plan_page attaches `rating_history` to every outcome;
    reading it here (rather than outcome.ratings.all()) keeps the page at one
    query for all the charts, however many outcomes there are.
    """
    return progress_from(outcome.rating_history)


@register.simple_tag
def progress_chart(progress: Progress, access: Any, outcome: Any) -> SafeString:
    """The chart, labelled for who is looking ("Your view" to the person)."""
    return progress_svg(progress, person_label=person_label(access), outcome_text=outcome.text)


@register.simple_tag
def person_label(access: Any) -> str:
    if access.is_owner:
        return "Your view"
    return f"{first_name(access.plan.person)}'s view"


@register.simple_tag
def latest_reviews(plan: Any, limit: int = 3) -> list[Review]:
    """The open review (if any) first, then the most recent: one query."""
    return list(
        Review.objects.filter(plan=plan)
        .select_related("started_by")
        .order_by(F("completed_at").desc(nulls_first=True), "-held_on", "-id")[:limit]
    )


@register.simple_tag
def latest_supporter_rating(outcome: Any) -> Any:
    """The latest standing rating by someone on the person's side (from the page's
    prefetch, in the order the page's "latest" uses), or None."""
    standing = [
        r
        for r in getattr(outcome, "rating_history", [])
        if r.side == SUPPORTER and r.withdrawn_at is None
    ]
    return max(standing, key=lambda r: (r.rated_on, r.created_at, r.pk), default=None)


@register.simple_tag
def latest_rating_per_side(outcome: Any) -> list[Any]:
    """Each side's latest rating of the outcome (from the page's prefetch), person first."""
    latest: dict[str, Any] = {}
    for rating in getattr(outcome, "rating_history", []):
        latest[rating.side] = rating
    return [latest[side] for side in Side.values if side in latest]
