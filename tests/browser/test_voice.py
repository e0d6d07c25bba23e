"""The person's voice in real Chromium (issue 9): with the mouse, by keyboard alone,
and with JavaScript off.

(a) "Mental wellbeing" is led by professionals. Ben changes Amara's outcome
    there: her words are hers at every balance, so it becomes a suggestion,
    and her open plan page shows it arrive without a reload.
(b) "Mental wellbeing" is led by professionals with Amara's agreement. Ben
    changes his own resource there: it applies at once, marked "not yet
    agreed" on Amara's page until she agrees (one button), after which the
    marker is gone on both sides.

Every page and state reached is scanned with axe (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from outcomes.models import ValuedOutcome
from plans.models import Leadership, LifeArea, PlanChange, Proposal, Resource
from tests import factories as f
from tests.browser.conftest import LIVE_WITHIN_MS, assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import (
    assert_same_document,
    link,
    plan_path,
    remember_this_document,
    tab_to,
    wait_for_plan,
)
from tests.conftest import Cast

OpenPage = Callable[..., Page]

SLEEP = "I want to sleep through the night most nights."
BENS_WORDS = "Adhere to prescribed sleep hygiene regime."
CLINIC = "Sleep clinic"
CLINIC_NOW = "Sleep clinic at St Ann's, Tuesday mornings"


def wellbeing(cast: Cast, level: int) -> LifeArea:
    area = f.area(cast.plan, "Mental wellbeing")
    area.leadership = level
    area.save()
    return area


def sleep_outcome(cast: Cast) -> ValuedOutcome:
    return f.make_outcome(cast.plan, text=SLEEP, area_name="Mental wellbeing")


def bens_clinic(cast: Cast) -> Resource:
    return f.make_resource(cast.plan, cast.ben.user, area_name="Mental wellbeing", name=CLINIC)


def assert_still_amaras(outcome: ValuedOutcome) -> Proposal:
    """Ben's words wait as a suggestion; Amara's stay on the plan."""
    outcome.refresh_from_db()
    assert outcome.text == SLEEP
    assert outcome.updated_by is None
    proposal = Proposal.objects.get(action=Proposal.Action.CHANGE, item_code=outcome.code)
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.payload["data"]["text"] == BENS_WORDS
    return proposal


def assert_agreed(resource: Resource) -> None:
    resource.refresh_from_db()
    assert resource.name == CLINIC_NOW
    assert not resource.awaiting_agreement
    assert PlanChange.objects.filter(action=PlanChange.Action.AGREE).count() == 1


def amara_sees_ben_suggest_live(amara: Page, area: LifeArea) -> None:
    section = amara.locator(f"#area-{area.code}")
    expect(section).to_contain_text("Ben suggests", timeout=LIVE_WITHIN_MS)
    expect(section.locator(".cp-proposal")).to_contain_text(BENS_WORDS)
    expect(amara.locator("#suggestions")).to_contain_text("Mental wellbeing: 1 suggestion")
    assert_same_document(amara)
    assert_accessible(amara, "Ben's suggestion arrived live")


# --- (a) Ben's edit of Amara's outcome where professionals lead: a suggestion, live ----


def test_bens_edit_of_amaras_outcome_becomes_a_suggestion_she_sees_live(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    area = wellbeing(cast, Leadership.PROFESSIONAL_LEADS)
    outcome = sleep_outcome(cast)
    amara = open_page("phone")
    ben = open_page("desktop")
    sign_in(amara, "amara")
    remember_this_document(amara)
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)

    link(ben.locator(f"#outcome-{outcome.code}"), "Change", SLEEP).click()
    form = ben.locator(f"#form-outcome-{outcome.code}")
    # Labels fit the reader: this is not Ben's own words.
    expect(form).not_to_contain_text("in my own words")
    expect(form).to_contain_text("will be sent to Amara as a suggestion")
    assert_accessible(ben, "Ben's suggestion form where professionals lead")
    form.get_by_label("What Amara wants").fill(BENS_WORDS)
    form.get_by_label("Why are you suggesting this?").fill("Clinically indicated")
    form.get_by_role("button", name="Send suggestion").click()
    expect(ben.locator("#live-status")).to_have_text(re.compile("Sent as a suggestion"))
    expect(ben.locator(f"#outcome-{outcome.code}")).to_contain_text(SLEEP)
    assert_same_document(ben)
    assert_accessible(ben, "Ben's suggestion sent")

    amara_sees_ben_suggest_live(amara, area)
    expect(amara.locator(f"#outcome-{outcome.code}")).to_contain_text(SLEEP)
    assert_still_amaras(outcome)


def test_bens_suggestion_by_keyboard_alone_arrives_live(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    area = wellbeing(cast, Leadership.PROFESSIONAL_LEADS)
    outcome = sleep_outcome(cast)
    amara = open_page("phone")
    ben = open_page("desktop")
    sign_in(amara, "amara")
    remember_this_document(amara)
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)

    tab_to(ben, text=f"Change: {SLEEP}")
    ben.keyboard.press("Enter")
    form = ben.locator(f"#form-outcome-{outcome.code}")
    expect(form.get_by_label("What Amara wants")).to_be_focused()
    assert_accessible(ben, "suggestion form opened from the keyboard")
    ben.keyboard.press("Control+A")
    ben.keyboard.type(BENS_WORDS)
    tab_to(ben, text="Send suggestion")
    ben.keyboard.press("Enter")
    expect(ben.locator("#live-status")).to_have_text(re.compile("Sent as a suggestion"))
    assert_same_document(ben)
    assert_accessible(ben, "suggestion sent from the keyboard")

    amara_sees_ben_suggest_live(amara, area)
    proposal = assert_still_amaras(outcome)

    # Amara answers by keyboard too: the words become Ben's only because she accepts.
    tab_to(amara, text="Accept Ben's suggestion")
    amara.keyboard.press("Enter")
    expect(amara.locator(f"#proposal-{proposal.code}")).to_have_count(0)
    expect(amara.locator(f"#outcome-{outcome.code}")).to_contain_text(BENS_WORDS)
    assert_same_document(amara)
    assert_accessible(amara, "accepted from the keyboard")
    outcome.refresh_from_db()
    assert outcome.text == BENS_WORDS
    assert outcome.writers["text"] == "professional"


def test_bens_suggestion_without_javascript(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    wellbeing(cast, Leadership.PROFESSIONAL_LEADS)
    outcome = sleep_outcome(cast)
    ben = open_page("nojs")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben's plan page without JavaScript")
    link(ben.locator(f"#outcome-{outcome.code}"), "Change", SLEEP).click()
    ben.wait_for_url("**/edit/")
    expect(ben.locator("main")).not_to_contain_text("in my own words")
    expect(ben.locator("main")).to_contain_text("will be sent to Amara as a suggestion")
    assert_accessible(ben, "Ben's full-page suggestion form")
    ben.get_by_label("What Amara wants").fill(BENS_WORDS)
    ben.get_by_role("button", name="Send suggestion").click()
    wait_for_plan(ben, cast)
    expect(ben.get_by_role("alert")).to_contain_text("Sent as a suggestion")
    expect(ben.locator(f"#outcome-{outcome.code}")).to_contain_text(SLEEP)
    assert_accessible(ben, "suggestion sent, with a message")

    amara = open_page("nojs")
    sign_in(amara, "amara")
    wait_for_plan(amara, cast)
    expect(amara.locator(".cp-proposal")).to_contain_text(BENS_WORDS)
    expect(amara.locator(f"#outcome-{outcome.code}")).to_contain_text(SLEEP)
    assert_accessible(amara, "Amara finds Ben's suggestion")
    assert_still_amaras(outcome)


# --- (b) Professionals lead with agreement: applies, "not yet agreed" until she agrees ---


def test_not_yet_agreed_until_amara_agrees(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    area = wellbeing(cast, Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    resource = bens_clinic(cast)
    amara = open_page("phone")
    ben = open_page("desktop")
    sign_in(amara, "amara")
    remember_this_document(amara)
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)

    link(ben.locator(f"#resource-{resource.code}"), "Change", CLINIC).click()
    form = ben.locator(f"#form-resource-{resource.code}")
    expect(form).not_to_contain_text("as a suggestion")
    assert_accessible(ben, "Ben's form where he leads with Amara's agreement")
    form.get_by_label("What it is").fill(CLINIC_NOW)
    form.get_by_role("button", name="Save").click()
    item = ben.locator(f"#resource-{resource.code}")
    expect(item).to_contain_text(CLINIC_NOW)
    expect(item).to_contain_text("Not yet agreed by Amara")
    expect(ben.locator("#suggestions")).to_contain_text("Not yet agreed by Amara (1)")
    assert_same_document(ben)
    assert_accessible(ben, "Ben's change applied, not yet agreed")

    # Amara's open page shows it applied and waiting for her, without a reload.
    mine = amara.locator(f"#resource-{resource.code}")
    expect(mine).to_contain_text(CLINIC_NOW, timeout=LIVE_WITHIN_MS)
    expect(mine).to_contain_text("You have not agreed to this yet")
    expect(amara.locator("#suggestions")).to_contain_text("Waiting for you to agree (1)")
    assert_same_document(amara)
    assert_accessible(amara, "not yet agreed, arrived live")

    mine.get_by_role("button", name=re.compile("^I agree")).click()
    expect(mine).not_to_contain_text("You have not agreed")
    expect(amara.locator("#suggestions")).not_to_contain_text("Waiting for you to agree")
    expect(amara.locator(f"#area-{area.code}")).not_to_contain_text("not agreed")
    assert_same_document(amara)
    assert_accessible(amara, "agreed")

    # The marker goes from Ben's open page too.
    expect(item).not_to_contain_text("Not yet agreed", timeout=LIVE_WITHIN_MS)
    expect(ben.locator("#suggestions")).not_to_contain_text("Not yet agreed")
    expect(item).to_contain_text(CLINIC_NOW)
    assert_same_document(ben)
    assert_accessible(ben, "Ben sees it agreed")
    assert_agreed(resource)


def test_not_yet_agreed_by_keyboard_alone(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    wellbeing(cast, Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    resource = bens_clinic(cast)
    amara = open_page("phone")
    ben = open_page("desktop")
    sign_in(amara, "amara")
    remember_this_document(amara)
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben opens Amara's plan")
    remember_this_document(ben)

    tab_to(ben, text=f"Change: {CLINIC}")
    ben.keyboard.press("Enter")
    form = ben.locator(f"#form-resource-{resource.code}")
    expect(form.get_by_label("What it is")).to_be_focused()
    assert_accessible(ben, "form opened from the keyboard")
    ben.keyboard.press("Control+A")
    ben.keyboard.type(CLINIC_NOW)
    tab_to(ben, text="Save")
    ben.keyboard.press("Enter")
    item = ben.locator(f"#resource-{resource.code}")
    expect(item).to_contain_text("Not yet agreed by Amara")
    assert_same_document(ben)
    assert_accessible(ben, "saved from the keyboard, not yet agreed")

    mine = amara.locator(f"#resource-{resource.code}")
    expect(mine).to_contain_text("You have not agreed to this yet", timeout=LIVE_WITHIN_MS)
    assert_accessible(amara, "not yet agreed, arrived live")
    tab_to(amara, text=f"I agree: {CLINIC_NOW}")
    amara.keyboard.press("Enter")
    expect(mine).not_to_contain_text("You have not agreed")
    expect(amara.locator("#suggestions")).not_to_contain_text("Waiting for you to agree")
    # Focus is not dropped at the top of the page. It is put back when htmx has
    # settled the swap, a moment after the text changes: wait for it, not race it.
    amara.wait_for_function("document.activeElement !== document.body")
    assert_same_document(amara)
    assert_accessible(amara, "agreed from the keyboard")

    expect(item).not_to_contain_text("Not yet agreed", timeout=LIVE_WITHIN_MS)
    assert_accessible(ben, "Ben sees it agreed")
    assert_agreed(resource)


def test_not_yet_agreed_without_javascript(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    wellbeing(cast, Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    resource = bens_clinic(cast)
    ben = open_page("nojs")
    sign_in(ben, "ben")
    goto(ben, plan_path(cast), "Ben's plan page without JavaScript")
    link(ben.locator(f"#resource-{resource.code}"), "Change", CLINIC).click()
    ben.wait_for_url("**/edit/")
    assert_accessible(ben, "Ben's full-page form")
    ben.get_by_label("What it is").fill(CLINIC_NOW)
    ben.get_by_role("button", name="Save").click()
    wait_for_plan(ben, cast)
    expect(ben.get_by_role("alert")).to_contain_text("Saved")
    item = ben.locator(f"#resource-{resource.code}")
    expect(item).to_contain_text(CLINIC_NOW)
    expect(item).to_contain_text("Not yet agreed by Amara")
    assert_accessible(ben, "saved, not yet agreed")

    amara = open_page("nojs")
    sign_in(amara, "amara")
    wait_for_plan(amara, cast)
    mine = amara.locator(f"#resource-{resource.code}")
    expect(mine).to_contain_text("You have not agreed to this yet")
    assert_accessible(amara, "Amara finds it not yet agreed")
    mine.get_by_role("button", name=re.compile("^I agree")).click()
    wait_for_plan(amara, cast)
    expect(amara.get_by_role("alert")).to_contain_text("marked as agreed")
    expect(amara.locator(f"#resource-{resource.code}")).not_to_contain_text("not agreed")
    expect(amara.locator("#suggestions")).not_to_contain_text("Waiting for you to agree")
    assert_accessible(amara, "agreed, with a message")

    goto(ben, plan_path(cast), "Ben reloads")
    expect(ben.locator(f"#resource-{resource.code}")).not_to_contain_text("Not yet agreed")
    assert_agreed(resource)
