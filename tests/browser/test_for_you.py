"""Nobody misses what matters (issue 11), in real Chromium.

Amara has her plan open on her phone. Ben suggests a change; the "For you"
count in the header rises without a reload, a notice appears at the top of
her screen, and she follows it to the suggestion with the keyboard alone.
Without JavaScript the count is there after a reload.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from plans.models import Proposal
from tests import factories as f
from tests.browser.conftest import LIVE_WITHIN_MS, assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import (
    BACK_TO_WORK,
    area_section,
    assert_same_document,
    plan_path,
    remember_this_document,
    tab_to,
    wait_for_plan,
)
from tests.conftest import Cast

OpenPage = Callable[..., Page]


def ben_suggests(ben: Page, outcome_code: object, text: str) -> None:
    ben.locator(f"#outcome-{outcome_code}").get_by_role("link", name=re.compile("^Change")).click()
    form = ben.locator(f"#form-outcome-{outcome_code}")
    form.get_by_label("What Amara wants").fill(text)
    form.get_by_label("Why are you suggesting this?").fill("IPS has a place from May")
    form.get_by_role("button", name="Send suggestion").click()
    expect(ben.locator("#live-status")).to_have_text(re.compile("Sent as a suggestion"))


def test_the_count_rises_live_and_amara_follows_it_by_keyboard(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    work = f.area(cast.plan)
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    amara = open_page("phone")
    sign_in(amara, "amara")
    wait_for_plan(amara, cast)
    count = amara.locator("#for-you-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count).to_have_text("0 things waiting for you")
    remember_this_document(amara)

    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    ben_suggests(ben, outcome.code, "Back to work by the summer, with IPS support")

    # Without a reload: the count rises, a notice shows on her first screen,
    # and the area that changed is marked.
    expect(count).to_have_text("1 thing waiting for you", timeout=LIVE_WITHIN_MS)
    news = amara.locator("#live-news")
    expect(news).to_contain_text("Work and learning changed")
    expect(news).to_have_attribute("aria-live", "polite")
    expect(news).to_be_in_viewport()
    expect(area_section(amara, work)).to_contain_text("Changed just now")
    assert_same_document(amara)
    assert_accessible(amara, "a suggestion arrived: count, notice and marker")

    # Keyboard alone: from the top of the page to "For you", then to the suggestion.
    amara.evaluate("document.activeElement && document.activeElement.blur()")
    amara.keyboard.press("Home")
    tab_to(amara, "For you")
    amara.keyboard.press("Enter")
    amara.wait_for_url(re.compile(r"/for-you/$"))
    expect(amara.get_by_role("heading", name="For you", level=1)).to_be_visible()
    assert_accessible(amara, "For you")
    tab_to(amara, "A suggestion to answer")
    amara.keyboard.press("Enter")
    proposal = Proposal.objects.get(plan=cast.plan)
    amara.wait_for_url(re.compile(rf"#proposal-{proposal.code}$"))
    card = amara.locator(f"#proposal-{proposal.code}")
    expect(card).to_be_in_viewport()
    expect(card.get_by_role("button", name="Accept Ben's suggestion")).to_be_visible()
    assert_accessible(amara, "the suggestion, reached from For you")

    # She answers it: nothing waits any more.
    card.get_by_role("button", name="Accept Ben's suggestion").focus()
    amara.keyboard.press("Enter")
    expect(card).to_have_count(0)
    goto(amara, "/for-you/", "nothing waits")
    expect(amara.locator("main")).to_contain_text("Nothing is waiting for you right now.")
    expect(count).to_have_text("0 things waiting for you")


def test_without_javascript_the_count_is_there_after_a_reload(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    amara = open_page("nojs")
    sign_in(amara, "amara")
    count = amara.locator("#for-you-count")
    expect(count).to_have_text("0 things waiting for you")

    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    ben_suggests(ben, outcome.code, "Back to work with IPS support")

    goto(amara, plan_path(cast), "Amara reloads her plan without JavaScript")
    expect(count).to_have_text("1 thing waiting for you")
    amara.get_by_role("link", name=re.compile("^For you")).click()
    amara.wait_for_url(re.compile(r"/for-you/$"))
    assert_accessible(amara, "For you, without JavaScript")
    amara.get_by_role("link", name=re.compile("A suggestion to answer")).click()
    wait_for_plan(amara, cast)
    expect(amara.locator(".cp-proposal")).to_contain_text("Ben suggests")
    assert_accessible(amara, "the suggestion, without JavaScript")
    goto(amara, "/settings/emails/", "email settings without JavaScript")


def test_the_note_about_a_change_sits_beside_the_form_being_written(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    work = f.area(cast.plan)
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    for i in range(4):
        f.make_resource(cast.plan, cast.ben.user, name=f"Resource {i}")
    mine = f.make_commitment(cast.plan, cast.amara.user, what="Update my CV")
    amara = open_page("phone")
    sign_in(amara, "amara")
    wait_for_plan(amara, cast)
    amara.locator(f"#commitment-{mine.code}").get_by_role(
        "link", name=re.compile("^Change")
    ).click()
    form = amara.locator(f"#form-commitment-{mine.code}")
    expect(form).to_be_visible()

    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    ben_suggests(ben, outcome.code, "Back to work with IPS support")

    note = area_section(amara, work).locator("[data-stale-note]")
    expect(note).to_be_visible(timeout=LIVE_WITHIN_MS)
    # Right before her form, on the screen she is looking at.
    expect(form.locator("xpath=preceding-sibling::*[1]")).to_have_attribute("data-stale-note", "")
    expect(note).to_be_in_viewport()
    expect(amara.locator("#live-news")).to_contain_text("Work and learning changed")
    assert_accessible(amara, "the note beside Amara's form")
