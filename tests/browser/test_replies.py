"""The right of reply in real Chromium: live for the other side, by keyboard, without JavaScript.

Amara's outcome is in "Work and learning"; Ben is on her care team. Every page
and state reached is scanned with axe (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from plans.models import PlanChange, Reply
from tests import factories as f
from tests.browser.conftest import LIVE_WITHIN_MS, assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import (
    BACK_TO_WORK,
    assert_same_document,
    plan_path,
    remember_this_document,
    tab_to,
    wait_for_plan,
)
from tests.conftest import Cast

OpenPage = Callable[..., Page]


def test_bens_reply_appears_live_on_amaras_open_page(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    work = f.area(cast.plan)
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    mine = f.make_outcome(cast.plan, text="Learn to drive")
    amara = open_page("phone")
    ben = open_page("desktop")
    sign_in(amara, "amara")
    remember_this_document(amara)
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)

    # Amara starts a reply of her own in the same area: what she types must survive.
    amara.locator(f"#replies-outcome-{mine.code} summary").click()
    draft = amara.locator(f"#replies-outcome-{mine.code}").get_by_label("Your reply")
    draft.fill("I have booked a first lesson")
    assert_accessible(amara, "Amara's reply form open")

    replies = ben.locator(f"#replies-outcome-{outcome.code}")
    replies.locator("summary").click()
    assert_accessible(ben, "Ben's reply form open")
    replies.get_by_label("Your reply").fill("I would add: part-time to start with")
    replies.get_by_role("button", name=re.compile("^Send reply")).click()
    expect(replies.locator("summary")).to_contain_text("Replies (1)")
    expect(replies).to_contain_text("You (professional) replied on")
    expect(ben.locator("#live-status")).to_have_text("Your reply is saved.")
    assert_same_document(ben)
    assert_accessible(ben, "Ben's reply saved")

    # Her page holds a reply being typed in that area: it keeps it and says so.
    stale = amara.locator(f"#area-{work.code} [data-stale-note]")
    expect(stale).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(draft).to_have_value("I have booked a first lesson")
    amara.locator(f"#replies-outcome-{mine.code}").get_by_role(
        "button", name=re.compile("^Send reply")
    ).click()
    theirs = amara.locator(f"#replies-outcome-{mine.code}")
    expect(theirs.locator("summary")).to_contain_text("Replies (1)")

    # Once sent, the area catches up and Ben's reply shows under his outcome.
    bens = amara.locator(f"#replies-outcome-{outcome.code}")
    expect(bens.locator("summary")).to_contain_text("Replies (1)", timeout=LIVE_WITHIN_MS)
    bens.locator("summary").click()
    expect(bens).to_contain_text("I would add: part-time to start with")
    expect(bens).to_contain_text("Ben Okafor (professional)")
    assert_same_document(amara)
    assert_accessible(amara, "Ben's reply arrived live")

    # And hers reaches Ben's open page.
    expect(ben.locator(f"#replies-outcome-{mine.code} summary")).to_contain_text(
        "Replies (1)", timeout=LIVE_WITHIN_MS
    )
    assert_accessible(ben, "Amara's reply arrived live")
    assert sorted(Reply.objects.values_list("author_side", flat=True)) == [
        "person",
        "professional",
    ]
    assert PlanChange.objects.filter(action=PlanChange.Action.REPLY).count() == 2


def test_amara_replies_with_the_keyboard_alone(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, cast.ben.user, text=BACK_TO_WORK)
    # Ben has the plan open: the reply sent by keyboard must reach him live too.
    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)
    page = open_page("desktop")
    sign_in(page, "amara")
    wait_for_plan(page, cast)
    remember_this_document(page)

    tab_to(page, text=f"Reply to {BACK_TO_WORK}")
    page.keyboard.press("Enter")
    replies = page.locator(f"#replies-outcome-{outcome.code}")
    expect(replies.locator("details")).to_have_attribute("open", "")
    assert_accessible(page, "reply opened from the keyboard")
    page.keyboard.press("Tab")
    expect(replies.get_by_label("Your reply")).to_be_focused()
    page.keyboard.type("I would rather start in the autumn")
    page.keyboard.press("Tab")
    expect(replies.get_by_role("button", name=re.compile("^Send reply"))).to_be_focused()
    page.keyboard.press("Enter")

    expect(replies).to_contain_text("I would rather start in the autumn")
    expect(replies.locator("summary")).to_contain_text("Replies (1)")
    # Focus is not dropped at the top of the page.
    expect(page.locator("body")).not_to_be_focused()
    assert page.evaluate("document.activeElement !== document.body")
    assert_same_document(page)
    assert_accessible(page, "reply sent from the keyboard")
    assert Reply.objects.get().text == "I would rather start in the autumn"

    bens = ben.locator(f"#replies-outcome-{outcome.code}")
    expect(bens.locator("summary")).to_contain_text("Replies (1)", timeout=LIVE_WITHIN_MS)
    bens.locator("summary").click()
    expect(bens).to_contain_text("I would rather start in the autumn")
    assert_same_document(ben)
    assert_accessible(ben, "Amara's keyboard reply arrived live")


def test_ben_replies_without_javascript(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    ben = open_page("nojs")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben's plan page without JavaScript")

    replies = ben.locator(f"#replies-outcome-{outcome.code}")
    replies.locator("summary").click()
    replies.get_by_role("button", name=re.compile("^Send reply")).click()
    ben.wait_for_url(re.compile(r"/replies/outcome/"))
    expect(ben.locator(".nhsuk-error-summary")).to_contain_text("Write your reply")
    assert_accessible(ben, "empty reply refused")

    ben.get_by_label("Your reply").fill("Shall we talk about it on Tuesday?")
    ben.get_by_role("button", name=re.compile("^Send reply")).click()
    wait_for_plan(ben, cast)
    assert ben.url.endswith(f"#outcome-{outcome.code}")
    expect(ben.get_by_role("alert")).to_contain_text("Your reply is saved.")
    expect(ben.locator(f"#replies-outcome-{outcome.code} summary")).to_contain_text("Replies (1)")
    assert_accessible(ben, "reply saved without JavaScript")

    amara = open_page("nojs")
    sign_in(amara, "amara")
    goto(amara, plan_path(cast), "Amara reloads")
    mine = amara.locator(f"#replies-outcome-{outcome.code}")
    mine.locator("summary").click()
    expect(mine).to_contain_text("Shall we talk about it on Tuesday?")
    assert_accessible(amara, "Ben's reply, without JavaScript")


def test_a_live_update_keeps_the_keyboard_users_place(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """Amara's focus is on an outcome's replies when Ben replies to it: the live
    update replaces that part of her page, and her focus stays on its copy."""
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    amara = open_page("desktop")
    sign_in(amara, "amara")
    wait_for_plan(amara, cast)
    remember_this_document(amara)
    tab_to(amara, text=f"Reply to {BACK_TO_WORK}")
    summary = amara.locator(f"#replies-outcome-{outcome.code} summary")
    expect(summary).to_be_focused()

    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    replies = ben.locator(f"#replies-outcome-{outcome.code}")
    replies.locator("summary").click()
    replies.get_by_label("Your reply").fill("Part-time first, perhaps")
    replies.get_by_role("button", name=re.compile("^Send reply")).click()
    expect(replies.locator("summary")).to_contain_text("Replies (1)")

    expect(summary).to_contain_text("Replies (1)", timeout=LIVE_WITHIN_MS)
    expect(summary).to_be_focused()
    assert_same_document(amara)
    assert_accessible(amara, "a reply arrived live where Amara's focus was")
