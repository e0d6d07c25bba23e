"""An old review shows the words of its day, marked "changed since", in real browsers.

Amara reaches it by keyboard alone on her phone; Ben reads it with
JavaScript off. Every page is scanned with axe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import Review
from plans import services
from plans.access import get_plan_for_user
from tests import factories as f
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import tab_to
from tests.conftest import Cast

OLD = "I want to sleep through the night most nights."
NEW = "I want to sleep well and wake rested."


def old_review(cast: Cast) -> Review:
    """A review completed three weeks ago; Amara rewords her outcome since."""
    then = timezone.now() - dt.timedelta(days=21)
    with time_machine.travel(then, tick=False):
        outcome = f.make_outcome(cast.plan, text=OLD, area_name="Mental wellbeing")
        amara = get_plan_for_user(cast.amara.user, cast.plan.code)
        ben = get_plan_for_user(cast.ben.user, cast.plan.code)
        review, _ = outcome_services.start_review(amara)
        outcome_services.answer_review(amara, review, [outcome_services.ReviewAnswer(outcome, 6)])
        outcome_services.answer_review(ben, review, [outcome_services.ReviewAnswer(outcome, 4)])
        next_review = timezone.localdate() + dt.timedelta(days=42)
        outcome_services.complete_review(ben, review, next_review)
    outcome.refresh_from_db()
    data = {"text": NEW, "why_it_matters": "", "target_date": "", "status": "active"}
    services.submit_change(
        get_plan_for_user(cast.amara.user, cast.plan.code),
        services.KINDS["outcome"],
        outcome,
        {**data, "version": str(outcome.version)},
    )
    return review


def assert_old_words(page: Any) -> None:
    row = page.locator("tr[id^='review-outcome-']")
    text = " ".join(row.inner_text().split())
    assert OLD in text
    assert "Changed since" in text
    assert f"Now: {NEW}" in text
    assert "6 out of 10" in text and "4 out of 10" in text


def test_old_review_by_keyboard_alone(
    open_page: Callable[..., Any], browser_cast: Cast, transactional_db: None
) -> None:
    cast = browser_cast
    review = old_review(cast)
    page = open_page("phone")
    sign_in(page, "amara")
    tab_to(page, "All reviews of my plan")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(f"/plans/{cast.plan.code}/reviews/"))
    assert_accessible(page, "Amara's reviews")
    tab_to(page, f"Review on {review.held_on:%-d %B %Y}")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: f"/reviews/{review.code}/" in url)
    assert_accessible(page, "an old review with a snapshot")
    assert_old_words(page)


def test_old_review_without_javascript(
    open_page: Callable[..., Any], browser_cast: Cast, transactional_db: None
) -> None:
    cast = browser_cast
    review = old_review(cast)
    page = open_page("nojs")
    sign_in(page, "ben")
    goto(page, f"/plans/{cast.plan.code}/reviews/{review.code}/", "old review, no JavaScript")
    assert_old_words(page)
