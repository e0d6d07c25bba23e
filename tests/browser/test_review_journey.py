"""A review carried out by both sides, in real browsers, with the chart and table updating.

Amara rates inline on her phone (htmx), starts a review and gives her view;
Ben joins it from his desk, gives his, and completes it; Ben then rates once
more on the full-page form. Every page and every state is scanned with axe.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from outcomes.models import Rating, Review
from tests import factories as f
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.conftest import Cast


def outcome_item(page: Any, code: Any) -> Any:
    return page.locator(f"#outcome-{code}")


def table_rows(item: Any) -> list[list[str]]:
    rows = item.locator(".cp-progress-table tbody tr")
    return [
        [" ".join(cell.split()) for cell in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def chart_scores(item: Any, side: str) -> list[str]:
    markers = item.locator(f"svg .cp-series[data-side='{side}'] [data-score]")
    return [markers.nth(i).get_attribute("data-score") or "" for i in range(markers.count())]


def test_review_by_both_sides_updates_chart_and_table(
    open_page: Callable[..., Any], browser_cast: Cast, transactional_db: None
) -> None:
    cast = browser_cast
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=28)
    outcome = f.make_outcome(cast.plan, text="Sleep through the night", area_name="Physical health")
    f.make_rating(outcome, cast.amara.user, 3, on=earlier)
    f.make_rating(outcome, cast.ben.user, 5, on=earlier)
    plan_path = f"/plans/{cast.plan.code}/"
    today_label = f"{today:%-d %b %Y}"
    earlier_label = f"{earlier:%-d %b %Y}"

    # --- Amara, on her phone: an inline rating --------------------------------------
    amara = open_page("phone")
    sign_in(amara, "amara")
    assert amara.url.endswith(plan_path)
    item = outcome_item(amara, outcome.code)
    assert chart_scores(item, "person") == ["3"]
    item.get_by_role("link", name="Rate progress").click()
    form = item.locator("form[data-editing]")
    form.wait_for()
    assert "How close am I to this outcome?" in form.inner_text()
    # Focus goes into the form that opened, so the keyboard carries on from there.
    assert amara.evaluate("!!document.activeElement.closest('form[data-editing]')")
    assert_accessible(amara, "inline rating form open")
    # Nothing chosen: the form says so, in place, and keeps the note.
    form.get_by_label("Anything to add").fill("Two good nights this week")
    form.get_by_role("button", name="Save rating").click()
    item.locator(".nhsuk-error-summary").wait_for()
    assert "Choose a number from 1 to 10." in item.inner_text()
    assert item.get_by_label("Anything to add").input_value() == "Two good nights this week"
    assert_accessible(amara, "inline rating form with an error")
    item.locator("form[data-editing]").get_by_label("6", exact=True).check()
    item.get_by_role("button", name="Save rating").click()
    item.locator("form[data-editing]").wait_for(state="detached")
    # The save is said out loud, and focus is back on the link that opened the form.
    assert amara.locator("#live-status").inner_text() == "Your rating is saved."
    amara.wait_for_function("document.activeElement.textContent.startsWith('Rate progress')")
    item = outcome_item(amara, outcome.code)
    assert chart_scores(item, "person") == ["3", "6"]
    item.get_by_text("See the numbers").click()
    assert table_rows(item) == [[earlier_label, "3", "5"], [today_label, "6", "\u2013 not rated"]]
    assert_accessible(amara, "after an inline rating, numbers open")

    # --- Amara starts a review and gives her view ----------------------------------
    amara.get_by_role("button", name="Start a review").click()
    amara.wait_for_url("**/reviews/*/")
    assert_accessible(amara, "review just started")
    review = Review.objects.get()
    fieldset = amara.get_by_role("group", name="Sleep through the night")
    fieldset.get_by_label("7", exact=True).check()
    fieldset.get_by_label("Anything to add").fill("Sleeping most nights now")
    amara.get_by_role("button", name="Save my view").click()
    amara.wait_for_url(f"**/reviews/{review.code}/")
    assert_accessible(amara, "review with Amara's view")
    assert "Sleeping most nights now" in amara.locator(".cp-review-table").inner_text()

    # --- Ben, at his desk, joins the review ----------------------------------------
    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path, "Ben on Amara's plan")
    ben.get_by_role("link", name="Join the review").click()
    ben.wait_for_url(f"**/reviews/{review.code}/")
    assert_accessible(ben, "Ben joins the review")
    assert "Sleeping most nights now" in ben.locator(".cp-review-table").inner_text()
    fieldset = ben.get_by_role("group", name="Sleep through the night")
    assert "How close is Amara to this outcome?" in fieldset.inner_text()
    assert fieldset.get_by_text("Where things are").count() == 0  # not Ben's decision
    fieldset.get_by_label("5", exact=True).check()
    ben.get_by_role("button", name="Save my view").click()
    ben.wait_for_url(f"**/reviews/{review.code}/")
    assert_accessible(ben, "review with both views")
    row = ben.locator(f"#review-outcome-{outcome.code}")
    assert row.locator("[data-side='person'] .cp-score").inner_text() == "7"
    assert row.locator("[data-side='professional'] .cp-score").inner_text() == "5"

    # A date today is refused; a date in the future completes the review.
    ben.get_by_label("Date of the next review").fill(today.isoformat())
    ben.get_by_role("button", name="Complete the review").click()
    ben.locator(".nhsuk-error-summary").wait_for()
    assert "The next review must be on a date after today." in ben.inner_text("main")
    assert_accessible(ben, "completing with a date that is not in the future")
    next_review = today + datetime.timedelta(days=90)
    ben.get_by_label("Date of the next review").fill(next_review.isoformat())
    ben.get_by_label("Notes from this review").fill("Keep the evening routine")
    ben.get_by_role("button", name="Complete the review").click()
    ben.wait_for_url(f"**{plan_path}")
    assert_accessible(ben, "back on the plan after the review")
    assert f"Next review: {next_review:%-d %B %Y}" in ben.inner_text("main")

    # --- Back on Amara's phone: both views, and the journey --------------------------
    goto(amara, plan_path, "Amara's plan after the review")
    item = outcome_item(amara, outcome.code)
    # Today Amara rated 6 and then 7 in the review: the later one is today's view.
    assert chart_scores(item, "person") == ["3", "7"]
    assert chart_scores(item, "professional") == ["5", "5"]
    item.get_by_text("See the numbers").click()
    assert table_rows(item) == [[earlier_label, "3", "5"], [today_label, "7", "5"]]
    assert "Your view: from 3 to 7 out of 10 (up)" in (
        item.locator("svg").get_attribute("aria-label") or ""
    )
    goto(amara, f"/plans/{cast.plan.code}/reviews/{review.code}/", "completed review")
    took_part = amara.locator("ul[aria-labelledby='took-part']").inner_text()
    assert "Amara Osei (person)" in took_part and "Ben Okafor (professional)" in took_part

    # --- Ben rates once more on the full-page form (the no-JavaScript route) --------
    # (The harness's "nojs" page cannot run axe, which needs JavaScript; the form
    # without htmx is the same page, reached by its link's href.)
    href = (
        outcome_item(ben, outcome.code)
        .get_by_role("link", name="Rate progress")
        .get_attribute("href")
    )
    assert href == f"{plan_path}outcomes/{outcome.code}/rate/"
    goto(ben, href, "the rating page on its own")
    assert "How close is Amara to this outcome?" in ben.inner_text("main")
    ben.get_by_label("8", exact=True).check()
    ben.get_by_role("button", name="Save rating").click()
    ben.wait_for_url(f"**{plan_path}#outcome-{outcome.code}")
    assert_accessible(ben, "plan after a rating on its own page")
    assert chart_scores(outcome_item(ben, outcome.code), "professional") == ["5", "8"]
    assert list(
        Rating.objects.filter(outcome=outcome).order_by("id").values_list("side", "score")
    ) == [
        ("person", 3),
        ("professional", 5),
        ("person", 6),
        ("person", 7),
        ("professional", 5),
        ("professional", 8),
    ]


def test_rating_and_review_without_javascript(
    open_page: Callable[..., Any], browser_cast: Cast, transactional_db: None
) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text="Cook for friends", area_name="Home")
    plan_path = f"/plans/{cast.plan.code}/"
    page = open_page("nojs")
    sign_in(page, "ben")
    goto(page, plan_path, "plan without JavaScript")

    # "Rate progress" is a plain link to a page with an ordinary form.
    outcome_item(page, outcome.code).get_by_role("link", name="Rate progress").click()
    page.wait_for_url("**/rate/")
    assert_accessible(page, "rating page without JavaScript")
    page.get_by_label("Anything to add").fill("Cooked twice this month")
    page.get_by_role("button", name="Save rating").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.get_by_label("Anything to add").input_value() == "Cooked twice this month"
    assert_accessible(page, "rating page with an error, without JavaScript")
    page.get_by_label("6", exact=True).check()
    page.get_by_role("button", name="Save rating").click()
    page.wait_for_url(f"**{plan_path}#outcome-{outcome.code}")
    assert_accessible(page, "plan after a rating without JavaScript")
    item = outcome_item(page, outcome.code)
    assert chart_scores(item, "professional") == ["6"]

    # A review, start to finish, with JavaScript off.
    page.get_by_role("button", name="Start a review").click()
    page.wait_for_url("**/reviews/*/")
    assert_accessible(page, "review without JavaScript")
    page.get_by_role("group", name="Cook for friends").get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Save my view").click()
    page.wait_for_url("**/reviews/*/")
    assert_accessible(page, "review with Ben's view, without JavaScript")
    next_review = timezone.localdate() + datetime.timedelta(days=60)
    page.get_by_label("Date of the next review").fill(next_review.isoformat())
    page.get_by_role("button", name="Complete the review").click()
    page.wait_for_url(f"**{plan_path}")
    assert_accessible(page, "plan after the review, without JavaScript")
    assert f"Next review: {next_review:%-d %B %Y}" in page.inner_text("main")
    assert chart_scores(outcome_item(page, outcome.code), "professional") == ["7"]
