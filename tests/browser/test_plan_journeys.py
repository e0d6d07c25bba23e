"""The shared plan, two-sided, in real Chromium (issue 3).

Amara leads "Work and learning"; Ben is on her care team. Each journey runs
against the live server, through the real sign-in form, and scans every page
and every state it reaches with axe (see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from outcomes.models import ValuedOutcome
from plans.models import Leadership, LifeArea, PlanChange, Proposal, Resource
from tests import factories as f
from tests.browser.conftest import (
    LIVE_WITHIN_MS,
    assert_accessible,
    goto,
    screenshot,
    sign_in,
)
from tests.conftest import Cast

OpenPage = Callable[..., Page]

BACK_TO_WORK = "I want to get back to work by the summer"


def plan_path(cast: Cast) -> str:
    return f"/plans/{cast.plan.code}/"


def area_section(page: Page, area: LifeArea) -> Locator:
    return page.locator(f"#area-{area.code}")


def remember_this_document(page: Page) -> None:
    """Mark the loaded document, so a full page load would be noticed."""
    page.evaluate("window.coproduceTestMark = 'still the same page'")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.coproduceTestMark") == "still the same page", "page reloaded"


def active_text(page: Page) -> str:
    return page.evaluate(
        "(document.activeElement && (document.activeElement.textContent || '')).trim()"
    )


def wait_for_plan(page: Page, cast: Cast) -> None:
    """Wait until the page is the plan (after a redirect that may add #area-…)."""
    page.wait_for_url(lambda url: url.split("#")[0].endswith(plan_path(cast)))


def link(scope: Page | Locator, action: str, label: str = "") -> Locator:
    """ "Change: <what>" and the like; Chromium names them "Change : <what>"."""
    pattern = rf"^{re.escape(action)}\b" + (rf".*{re.escape(label)}" if label else "")
    return scope.get_by_role("link", name=re.compile(pattern))


def tab_to(page: Page, text: str = "", element_id: str = "", limit: int = 150) -> None:
    """Press Tab until focus reaches the element with this text or id."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "({id: document.activeElement.id,"
            " text: (document.activeElement.textContent || '').replace(/\\s+/g, ' ').trim()})"
        )
        if (element_id and focused["id"] == element_id) or (text and text in focused["text"]):
            return
    raise AssertionError(f"Tab never reached {text or element_id!r}")


# --- 1. Amara edits an outcome in an area she leads ----------------------------------


def test_amara_changes_an_outcome_in_place_on_her_phone(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    work = f.area(cast.plan)
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK, why_it_matters="Money and people")
    f.make_resource(cast.plan, cast.ben.user, name="Individual Placement and Support")
    f.make_commitment(cast.plan, cast.ben.user, what="ring the job centre with Amara")
    page = open_page("phone")

    sign_in(page, "amara")

    assert page.url.endswith(plan_path(cast)), "home sends Amara to her plan"
    expect(page.get_by_role("heading", name="My plan", level=1)).to_be_visible()
    screenshot(page, "plan-amara")
    remember_this_document(page)
    item = page.locator(f"#outcome-{outcome.code}")
    link(item, "Change", BACK_TO_WORK).tap()

    form = page.locator(f"#form-outcome-{outcome.code}")
    expect(form).to_be_visible()
    text = form.get_by_label("What I want, in my own words")
    expect(text).to_have_value(BACK_TO_WORK)
    expect(form.get_by_role("button", name="Save")).to_be_visible()
    # Amara leads here: her change applies at once, it is not a suggestion.
    expect(form).not_to_contain_text("as a suggestion")
    assert_accessible(page, "inline form open")
    screenshot(page, "inline-edit-form", form)

    text.fill("I want to be back at work by June, three days a week")
    form.get_by_role("button", name="Save").tap()

    item = page.locator(f"#outcome-{outcome.code}")
    expect(item).to_contain_text("I want to be back at work by June, three days a week")
    expect(item).to_contain_text("edited by Amara Osei (person)")
    expect(form).to_have_count(0)
    expect(page.locator("#live-status")).to_have_text("Saved.")
    assert_same_document(page)
    expect(area_section(page, work)).to_contain_text("Individual Placement and Support")
    assert_accessible(page, "after an inline save")
    screenshot(page, "plan-amara-area", area_section(page, work))

    outcome.refresh_from_db()
    assert outcome.text == "I want to be back at work by June, three days a week"
    assert outcome.updated_by == cast.amara.user
    change = PlanChange.objects.get(plan=cast.plan, action=PlanChange.Action.EDIT)
    assert change.before == {"text": BACK_TO_WORK}


def test_amara_changes_an_outcome_with_the_keyboard_alone(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    page = open_page("desktop")

    goto(page, "/accounts/login/")
    tab_to(page, element_id="id_username")
    page.keyboard.type("amara")
    page.keyboard.press("Tab")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    wait_for_plan(page, cast)
    assert_accessible(page, "signed in with the keyboard")
    remember_this_document(page)

    tab_to(page, text=f"Change: {BACK_TO_WORK}")
    page.keyboard.press("Enter")

    # Focus moves into the form that opened, not back to the top of the page.
    field = page.locator(f"#form-outcome-{outcome.code}").get_by_label(
        "What I want, in my own words"
    )
    expect(field).to_be_focused()
    assert_accessible(page, "inline form opened from the keyboard")
    page.keyboard.press("Control+A")
    page.keyboard.type("Back at work by the summer, somewhere kind")
    tab_to(page, text="Save")
    page.keyboard.press("Enter")

    item = page.locator(f"#outcome-{outcome.code}")
    expect(item).to_contain_text("Back at work by the summer, somewhere kind")
    expect(item).to_contain_text("edited by Amara Osei")
    # Focus returns to the link that opened the form, so the next Tab is where she was.
    expect(link(item, "Change", "Back at work")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Saved.")
    assert_same_document(page)
    assert_accessible(page, "saved from the keyboard")
    outcome.refresh_from_db()
    assert outcome.text == "Back at work by the summer, somewhere kind"


# --- 2. Ben suggests; Amara sees it live, keeps her typing, accepts; Ben sees it -------


def test_ben_suggests_amara_sees_it_live_and_accepts_ben_sees_it_applied(
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
    ben.get_by_role("link", name="Amara Osei").first.click()
    wait_for_plan(ben, cast)
    assert_accessible(ben, "Ben opens Amara's plan")
    remember_this_document(ben)

    # Ben's change in an area Amara leads becomes a suggestion.
    ben.locator(f"#outcome-{outcome.code}").get_by_role("link", name=re.compile("^Change")).click()
    form = ben.locator(f"#form-outcome-{outcome.code}")
    expect(form).to_contain_text("Amara leads here, so this will be sent to Amara as a suggestion")
    assert_accessible(ben, "Ben's suggestion form")
    form.get_by_label("What Amara wants").fill("Back to work by the summer, with IPS support")
    form.get_by_label("Why are you suggesting this?").fill("IPS has a place from May")
    form.get_by_role("button", name="Send suggestion").click()
    expect(area_section(ben, work)).to_contain_text("You suggest")
    expect(ben.locator("#live-status")).to_have_text(re.compile("Sent as a suggestion"))
    assert_accessible(ben, "Ben's suggestion sent")

    # Amara's open page shows it without a reload.
    expect(area_section(amara, work)).to_contain_text("Ben suggests", timeout=LIVE_WITHIN_MS)
    expect(area_section(amara, work)).to_contain_text("IPS has a place from May")
    # The card shows what Ben would change, not every field left as it was.
    card = amara.locator(".cp-proposal").first
    expect(card.locator("dt")).to_have_text(["Text"])
    expect(amara.locator("#suggestions")).to_contain_text("Work and learning: 1 suggestion")
    assert_same_document(amara)
    assert_accessible(amara, "a suggestion arrived live")
    screenshot(amara, "suggestion-card", amara.locator(".cp-proposal").first)

    # Amara starts changing her own outcome; Ben suggests something else meanwhile.
    amara.locator(f"#outcome-{mine.code}").get_by_role("link", name=re.compile("^Change")).click()
    draft = amara.locator(f"#form-outcome-{mine.code}").get_by_label("What I want, in my own words")
    draft.fill("Learn to drive, half-typed")
    add_link = link(ben, "Add a resource", "Work and learning")
    add_link.click()
    new_resource = ben.locator("#form-resource-new")
    new_resource.get_by_label("What it is").fill("Driving lessons fund")
    new_resource.get_by_label("Personal or community").check()
    assert_accessible(ben, "Ben's add-resource form")
    new_resource.get_by_role("button", name="Send suggestion").click()
    expect(ben.locator("#form-resource-new")).to_have_count(0)

    # Her form and her typing stay; a note says the area changed underneath.
    stale = area_section(amara, work).locator("[data-stale-note]")
    expect(stale).to_be_visible(timeout=LIVE_WITHIN_MS)
    expect(draft).to_have_value("Learn to drive, half-typed")
    expect(amara.locator("#suggestions")).to_contain_text("Work and learning: 2 suggestions")
    assert_accessible(amara, "stale note beside an open form")
    amara.locator(f"#form-outcome-{mine.code}").get_by_role("link", name="Cancel").click()
    expect(area_section(amara, work).locator(".cp-proposal")).to_have_count(2)
    expect(stale).to_be_hidden()
    assert_same_document(amara)

    # Amara accepts Ben's change.
    proposal = Proposal.objects.get(plan=cast.plan, action=Proposal.Action.CHANGE)
    card = amara.locator(f"#proposal-{proposal.code}")
    card.get_by_role("button", name="Accept Ben's suggestion").click()
    expect(card).to_have_count(0)
    item = amara.locator(f"#outcome-{outcome.code}")
    expect(item).to_contain_text("Back to work by the summer, with IPS support")
    expect(amara.locator("#live-status")).to_have_text("Accepted.")
    assert_accessible(amara, "accepted")

    # Ben's open page sees it applied, without a reload.
    expect(ben.locator(f"#outcome-{outcome.code}")).to_contain_text(
        "Back to work by the summer, with IPS support", timeout=LIVE_WITHIN_MS
    )
    expect(ben.locator(f"#proposal-{proposal.code}")).to_have_count(0)
    assert_same_document(ben)
    assert_accessible(ben, "Ben sees his suggestion applied")

    # Amara declines the other suggestion, inline, with a reason; Ben sees it go.
    resource = Proposal.objects.get(plan=cast.plan, action=Proposal.Action.ADD)
    amara.locator(f"#proposal-{resource.code}").get_by_role(
        "link", name="Decline Ben's suggestion"
    ).click()
    answer = amara.locator(f"#answer-{resource.code}")
    reason = answer.get_by_label("Why are you declining?")
    expect(reason).to_be_focused()
    expect(answer.get_by_role("button")).to_have_text(["Decline"])  # only this form
    assert_accessible(amara, "inline decline form")
    answer.get_by_role("button", name="Decline").click()
    expect(answer.locator(".nhsuk-error-summary")).to_contain_text("Say why")
    assert_accessible(amara, "inline decline without a reason")
    reason.fill("I will ask my brother first")
    answer.get_by_role("button", name="Decline").click()
    expect(answer).to_have_count(0)
    expect(amara.locator("#live-status")).to_have_text("Declined.")
    expect(amara.locator("#suggestions")).to_contain_text("No suggestions are waiting")
    assert_accessible(amara, "declined inline")
    expect(ben.locator(f"#proposal-{resource.code}")).to_have_count(0, timeout=LIVE_WITHIN_MS)
    assert_accessible(ben, "Ben sees his suggestion answered")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    outcome.refresh_from_db()
    assert outcome.text == "Back to work by the summer, with IPS support"
    resource.refresh_from_db()
    assert resource.status == Proposal.Status.DECLINED
    assert resource.answer_reason == "I will ask my brother first"
    assert not Resource.objects.filter(plan=cast.plan).exists(), "declined, never added"


# --- 3. Two pages save the same outcome: the second gets the conflict view -----------


def test_a_conflict_shows_both_texts_and_loses_nothing(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    wellbeing = f.area(cast.plan, "Mental wellbeing")
    # Two sides can only change one item at once where both may apply: Amara's own
    # resource where professionals lead with her agreement (plans.rules).
    wellbeing.leadership = Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT
    wellbeing.save()
    outcome = f.make_resource(
        cast.plan, by=cast.amara.user, area_name="Mental wellbeing", name="Sleep better"
    )
    amara = open_page("phone")
    ben = open_page("phone")
    sign_in(amara, "amara")
    sign_in(ben, "ben")
    screenshot(ben, "caseload-ben")
    goto(ben, plan_path(cast), "Ben's view of Amara's plan")
    remember_this_document(ben)

    for page in (amara, ben):
        page.locator(f"#resource-{outcome.code}").get_by_role(
            "link", name=re.compile("^Change")
        ).click()
        expect(page.locator(f"#form-resource-{outcome.code}")).to_be_visible()
    ben_text = ben.locator(f"#form-resource-{outcome.code}").get_by_label("What it is")
    ben_text.fill("Sleep better, with a wind-down routine before 11")

    amara_form = amara.locator(f"#form-resource-{outcome.code}")
    amara_form.get_by_label("What it is").fill("Sleep better without pills")
    amara_form.get_by_role("button", name="Save").click()
    expect(amara.locator(f"#resource-{outcome.code}")).to_contain_text("Sleep better without pills")

    ben_form = ben.locator(f"#form-resource-{outcome.code}")
    ben_form.get_by_role("button", name="Save").click()

    expect(ben_form.get_by_role("alert")).to_contain_text("Someone else changed this first")
    expect(ben_form).to_contain_text("Amara Osei (person) saved a newer version")
    expect(ben_form.locator(".cp-diff")).to_contain_text("Sleep better without pills")
    expect(ben_text).to_have_value("Sleep better, with a wind-down routine before 11")
    assert_same_document(ben)
    assert_accessible(ben, "conflict view")
    screenshot(ben, "conflict-view", ben_form)

    ben_text.fill("Sleep better without pills, with a wind-down routine before 11")
    ben_form.get_by_role("button", name="Save").click()
    item = ben.locator(f"#resource-{outcome.code}")
    expect(item).to_contain_text("Sleep better without pills, with a wind-down routine before 11")
    expect(item).to_contain_text("edited by Ben Okafor (professional)")
    assert_accessible(ben, "merged and saved")
    expect(amara.locator(f"#resource-{outcome.code}")).to_contain_text(
        "with a wind-down routine", timeout=LIVE_WITHIN_MS
    )
    assert_accessible(amara, "Amara sees the merged text")

    outcome.refresh_from_db()
    assert outcome.name == "Sleep better without pills, with a wind-down routine before 11"
    edits = PlanChange.objects.filter(plan=cast.plan, action=PlanChange.Action.EDIT).order_by("at")
    assert [(edit.after or {}).get("name") for edit in edits] == [
        "Sleep better without pills",
        "Sleep better without pills, with a wind-down routine before 11",
    ]


# --- 4. The same journey with JavaScript off ---------------------------------------------


def test_the_same_journey_without_javascript(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    outcome = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    amara = open_page("nojs")
    ben = open_page("nojs")

    sign_in(amara, "amara")
    link(amara, "Change", BACK_TO_WORK).click()
    amara.wait_for_url("**/edit/")
    assert_accessible(amara, "full-page edit form")
    amara.get_by_label("What I want, in my own words").fill("")
    amara.get_by_role("button", name="Save").click()
    expect(amara.locator(".nhsuk-error-summary")).to_contain_text("Write what you want")
    assert_accessible(amara, "edit form with an error")
    amara.get_by_label("What I want, in my own words").fill("Back at work by June")
    amara.get_by_role("button", name="Save").click()
    wait_for_plan(amara, cast)
    expect(amara.get_by_role("alert")).to_contain_text("Saved.")
    expect(amara.locator(f"#outcome-{outcome.code}")).to_contain_text("edited by Amara Osei")
    assert_accessible(amara, "saved, with a message")

    sign_in(ben, "ben")
    goto(ben, plan_path(cast))
    link(ben, "Change", "Back at work by June").click()
    ben.wait_for_url("**/edit/")
    assert_accessible(ben, "Ben's full-page suggestion form")
    ben.get_by_label("What Amara wants").fill("Back at work by June, with IPS")
    ben.get_by_role("button", name="Send suggestion").click()
    wait_for_plan(ben, cast)
    expect(ben.get_by_role("alert")).to_contain_text("Sent as a suggestion")
    assert_accessible(ben, "suggestion sent, with a message")
    link(ben, "Suggest an outcome", "Work and learning").click()
    ben.wait_for_url("**/add/?area=*")
    assert_accessible(ben, "Ben's full-page add form")
    ben.get_by_label("What Amara wants").fill("Join the Thursday running group")
    ben.get_by_role("button", name="Send suggestion").click()
    wait_for_plan(ben, cast)
    assert_accessible(ben, "second suggestion sent")

    goto(amara, plan_path(cast), "Amara reloads and finds two suggestions")
    change, add = (
        Proposal.objects.get(plan=cast.plan, action=action)
        for action in (Proposal.Action.CHANGE, Proposal.Action.ADD)
    )
    amara.locator(f"#proposal-{change.code}").get_by_role(
        "button", name=re.compile("^Accept")
    ).click()
    wait_for_plan(amara, cast)
    expect(amara.get_by_role("alert")).to_contain_text("Accepted.")
    expect(amara.locator(f"#outcome-{outcome.code}")).to_contain_text(
        "Back at work by June, with IPS"
    )
    assert_accessible(amara, "accepted, with a message")

    amara.locator(f"#proposal-{add.code}").get_by_role("link", name=re.compile("^Decline")).click()
    amara.wait_for_url("**/decline/")
    assert_accessible(amara, "decline page")
    amara.get_by_role("button", name="Decline").click()
    expect(amara.locator(".nhsuk-error-summary")).to_contain_text("Say why")
    assert_accessible(amara, "decline without a reason")
    amara.get_by_label("Why are you declining?").fill("I tried it last year; not for me")
    amara.get_by_role("button", name="Decline").click()
    wait_for_plan(amara, cast)
    expect(amara.get_by_role("alert")).to_contain_text("Declined.")
    expect(amara.locator(".cp-proposal")).to_have_count(0)
    assert_accessible(amara, "declined, with a message")

    goto(ben, plan_path(cast), "Ben reloads")
    expect(ben.locator(f"#outcome-{outcome.code}")).to_contain_text(
        "Back at work by June, with IPS"
    )
    expect(ben.locator(".cp-proposal")).to_have_count(0)
    assert not ValuedOutcome.objects.filter(text="Join the Thursday running group").exists()
    add.refresh_from_db()
    assert add.status == Proposal.Status.DECLINED
    assert add.answer_reason == "I tried it last year; not for me"


# --- 5. History shows the changes and a removed item ------------------------------------


def test_history_shows_changes_and_a_removed_item(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    work = f.area(cast.plan)
    keep = f.make_outcome(cast.plan, text=BACK_TO_WORK)
    gone = f.make_outcome(cast.plan, text="Volunteer at the food bank")
    f.make_outcome(cast.plan, area_name="Money", text="Pay off the catalogue debt")
    page = open_page("phone")
    sign_in(page, "amara")

    item = page.locator(f"#outcome-{keep.code}")
    item.get_by_role("link", name=re.compile("^Change")).click()
    page.locator(f"#form-outcome-{keep.code}").get_by_label("What I want, in my own words").fill(
        "Back at work by June"
    )
    page.locator(f"#form-outcome-{keep.code}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#outcome-{keep.code}")).to_contain_text("Back at work by June")

    page.locator(f"#outcome-{gone.code}").get_by_role("link", name=re.compile("^Remove")).click()
    confirm = page.locator(f"#remove-{gone.code}")
    expect(confirm).to_contain_text("it stays in the plan's history")
    assert_accessible(page, "confirm removal")
    confirm.get_by_label("Why? (optional)").fill("Not the right time")
    confirm.get_by_role("button", name="Remove it").click()
    expect(page.locator(f"#outcome-{gone.code}")).to_have_count(0)
    expect(area_section(page, work)).not_to_contain_text("Volunteer at the food bank")
    assert_accessible(page, "after removal")

    page.get_by_role("link", name="Everything that has changed in my plan").click()
    page.wait_for_url("**/history/")
    assert_accessible(page, "history")
    entries = page.locator(".cp-history > li")
    expect(entries.first).to_contain_text("Removed outcome: Volunteer at the food bank")
    expect(entries.first).to_contain_text("Amara Osei (person)")
    expect(entries.first.locator("del").first).to_have_text("Volunteer at the food bank")
    expect(entries.nth(1)).to_contain_text("Changed outcome: Back at work by June")
    expect(entries.nth(1).locator("del")).to_have_text(BACK_TO_WORK)
    expect(entries.nth(1).locator("ins")).to_have_text("Back at work by June")

    page.get_by_label("Part of the plan").select_option(label="Money")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/history/?area=*")
    assert_accessible(page, "history of one area")
    expect(page.get_by_role("main")).not_to_contain_text("Volunteer at the food bank")
