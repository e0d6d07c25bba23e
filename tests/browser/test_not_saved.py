"""A save that does not go through says so (static/js/coproduce.js, #request-problem).

htmx leaves a refusal it does not swap, and a request that never reached the
server, without a word: Save would seem to do nothing, and someone could
believe it saved. Here it says "Not saved", why, and that what they typed is
still in the form, without taking focus from the field they were typing in.

(Removal from the care team while the plan is open is not one of these: the
open page goes to "You no longer have access", see test_removal.py.)
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from plans.access import get_plan_for_user
from plans.models import Proposal, Resource, SupporterSuggestion
from plans.supporters import change_permissions
from tests import factories as f
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import (
    BACK_TO_WORK,
    assert_same_document,
    link,
    plan_path,
    remember_this_document,
)
from tests.conftest import Cast

OpenPage = Callable[..., Page]


def test_efua_is_told_her_suggestion_was_not_sent_when_amara_has_just_stopped_suggestions(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """A permission changed while the page was open: the refusal's reason is shown."""
    cast = browser_cast
    efua = f.make_supporter(cast.plan, "efua", "Efua Osei", may_suggest=True)
    page = open_page("phone")
    sign_in(page, "efua")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Osei's plan")
    remember_this_document(page)
    link(page, "Suggest a resource", "Work and learning").click()
    form = page.locator("#form-resource-new")
    form.get_by_label("Personal or community").check()
    what = form.get_by_label("What it is")
    what.fill("Sunday lunch at Efua's")

    # Meanwhile Amara, on her own phone, lets Efua look but no longer suggest.
    amara = get_plan_for_user(cast.amara.user, cast.plan.code)
    looks_only = {"may_see": True, "may_suggest": False, "may_rate": False, "may_be_named": True}
    change_permissions(amara, efua, looks_only)

    what.press("Enter")  # sends the form, as a keyboard user would

    problem = page.locator("#request-problem")
    expect(problem).to_be_visible()
    expect(problem).to_have_attribute("role", "alert")
    expect(problem).to_contain_text("Not saved")
    expect(problem).to_contain_text("You can see this plan, but not suggest changes to it.")
    expect(problem).to_contain_text("What you typed is still in the form.")
    expect(problem.get_by_role("link", name="reload the page")).to_be_visible()
    expect(what).to_have_value("Sunday lunch at Efua's")
    expect(what).to_be_focused()
    assert_same_document(page)
    assert_accessible(page, "Efua told her suggestion was not sent")
    assert not SupporterSuggestion.objects.filter(plan=cast.plan).exists()


def test_ben_is_told_when_his_phone_cannot_reach_coproduce_and_his_text_stays(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """No connection: said once, for what Ben sent, not for every live check that fails."""
    cast = browser_cast
    page = open_page("phone")
    sign_in(page, "ben")
    goto(page, plan_path(cast), "Ben has Amara's plan open")
    remember_this_document(page)
    link(page, "Add a resource", "Work and learning").click()
    form = page.locator("#form-resource-new")
    form.get_by_label("Personal or community").check()
    what = form.get_by_label("What it is")
    what.fill("Driving lessons fund")

    # The wifi drops.
    page.route("**/*", lambda route: route.abort("internetdisconnected"))
    # The page's own live check fails, twice, and says nothing: Ben did nothing.
    for _ in range(2):
        with page.expect_event("requestfailed", lambda request: "/live/" in request.url):
            pass
    problem = page.locator("#request-problem")
    expect(problem).to_be_hidden()

    what.press("Enter")

    expect(problem).to_be_visible()
    expect(problem).to_have_attribute("role", "alert")
    expect(problem).to_contain_text("Not saved")
    expect(problem).to_contain_text(
        "Could not reach Coproduce. Check your connection and try again; "
        "what you typed is still here."
    )
    expect(what).to_have_value("Driving lessons fund")
    expect(what).to_be_focused()
    assert_same_document(page)
    assert_accessible(page, "Ben told his suggestion did not reach Coproduce")

    # Back online, he sends it again: it goes through and the message goes.
    page.unroute("**/*")
    form.get_by_role("button", name="Send suggestion").click()
    expect(page.locator("#form-resource-new")).to_have_count(0)
    expect(problem).to_be_hidden()
    assert_accessible(page, "Ben's suggestion sent once back online")
    assert Proposal.objects.filter(plan=cast.plan).count() == 1
    assert not Resource.objects.filter(plan=cast.plan).exists()


def test_amara_is_told_she_is_signed_out_and_her_words_stay(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """Her session ended elsewhere (signed out everywhere): not the sign-in page over her form."""
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    page = open_page("phone")
    sign_in(page, "amara")
    remember_this_document(page)
    link(page.locator(f"#outcome-{outcome.code}"), "Change", BACK_TO_WORK).click()
    form = page.locator(f"#form-outcome-{outcome.code}")
    words = form.get_by_label("What I want, in my own words")
    words.fill("Back at work by June, three days a week")

    # Her password changed elsewhere: every session of hers ends, whichever
    # backend holds sessions (the database, or Redis with REDIS_URL).
    amara = cast.amara.user
    amara.set_password("a-new-password-chosen-elsewhere")
    amara.save()
    form.get_by_role("button", name="Save").click()

    problem = page.locator("#request-problem")
    expect(problem).to_contain_text("Not saved")
    expect(problem).to_contain_text("You are no longer signed in")
    expect(problem).to_contain_text("What you typed is still in the form.")
    expect(words).to_have_value("Back at work by June, three days a week")
    assert_same_document(page)
    assert_accessible(page, "Amara told she is signed out")
    outcome.refresh_from_db()
    assert outcome.text == BACK_TO_WORK
