"""Supporters in a browser (issue 12): Efua, Amara's sister, is on her side.

1. Efua suggests something on her phone; it goes to Amara alone, and Amara
   puts it in her plan.
2. The same without JavaScript.
3. Amara removes Efua by keyboard alone while Efua has the plan open: Efua's
   open page says her access has ended; the plan is then a plain 404 for her.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from plans.models import Resource, Supporter, SupporterSuggestion
from tests import factories as f
from tests.browser.conftest import LIVE_WITHIN_MS, assert_accessible, goto, sign_in
from tests.browser.test_plan_journeys import link, tab_to
from tests.conftest import Cast

OpenPage = Callable[..., Page]


def _efua(cast: Cast) -> Supporter:
    return f.make_supporter(cast.plan, "efua", "Efua Osei", may_suggest=True)


def _efua_suggests(page: Page, cast: Cast, *, javascript: bool) -> None:
    sign_in(page, "efua")  # lands on Amara's plan, the one person she supports
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Osei's plan")
    expect(page.locator("main")).to_contain_text("You support Amara")
    link(page, "Suggest a resource", "Work and learning").click()
    form = page.locator("#form-resource-new") if javascript else page.locator("main form").first
    form.get_by_label("What it is").fill("Sunday lunch at Efua's")
    form.get_by_label("Personal or community").check()
    expect(form).to_contain_text("This goes to Amara first")
    assert_accessible(page, "Efua's suggestion form")
    form.get_by_role("button", name="Send suggestion").click()
    message = "Sent to Amara. It goes into the plan only if Amara takes it up."
    if javascript:
        expect(page.locator("#live-status")).to_have_text(message)
    else:
        expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page, "Efua's suggestion sent")
    assert SupporterSuggestion.objects.filter(plan=cast.plan, status="pending").count() == 1
    assert not Resource.objects.filter(plan=cast.plan).exists()


def _amara_takes_it_up(page: Page, cast: Cast) -> None:
    sign_in(page, "amara")
    page.get_by_role("link", name="Suggestions from people on my side").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggestions from people on my side")
    expect(page.locator("main")).to_contain_text("Efua Osei suggests: Add resource")
    assert_accessible(page, "Efua's suggestion waiting for Amara")
    page.get_by_role("button", name=re.compile("^Put it in my plan")).click()
    expect(page.get_by_text("Done: Efua's suggestion is now in your plan.")).to_be_visible()
    assert_accessible(page, "Efua's suggestion taken up")
    goto(page, f"/plans/{cast.plan.code}/", "Amara's plan with Efua's idea")
    expect(page.locator("main")).to_contain_text("Sunday lunch at Efua's")
    resource = Resource.objects.get(plan=cast.plan)
    assert (resource.created_by, resource.created_side) == (cast.amara.user, "person")


def test_efua_suggests_on_her_phone_and_amara_takes_it_up(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    _efua(cast)
    _efua_suggests(open_page("phone"), cast, javascript=True)
    _amara_takes_it_up(open_page("phone"), cast)


def test_efua_suggests_and_amara_takes_it_up_without_javascript(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    _efua(cast)
    _efua_suggests(open_page("nojs"), cast, javascript=False)
    _amara_takes_it_up(open_page("nojs"), cast)


def test_amara_removes_efua_by_keyboard_and_efuas_open_page_says_so(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    efua = _efua(cast)
    f.make_outcome(cast.plan, text="I want to get back to work by the summer")
    plan_path = f"/plans/{cast.plan.code}/"

    efua_page = open_page("desktop")
    sign_in(efua_page, "efua")
    expect(efua_page.get_by_role("heading", level=1)).to_have_text("Amara Osei's plan")
    with efua_page.expect_request(lambda request: "/live/" in request.url):
        pass  # her open page is asking for changes

    amara = open_page("phone")
    sign_in(amara, "amara")
    tab_to(amara, "People who help me")
    amara.keyboard.press("Enter")
    amara.wait_for_url("**/care-team/")
    expect(amara.locator("main")).to_contain_text("Efua Osei, family")
    assert_accessible(amara, "people who help me, with Efua")
    tab_to(amara, "Change what Efua Osei can do, or remove them")
    amara.keyboard.press("Enter")
    expect(amara.get_by_role("heading", level=1)).to_have_text("What Efua Osei can do")
    assert_accessible(amara, "what Efua may do")
    tab_to(amara, "Remove Efua Osei")
    amara.keyboard.press("Enter")
    expect(amara.get_by_role("heading", level=1)).to_have_text(
        "Remove Efua Osei from the people on your side?"
    )
    assert_accessible(amara, "confirm removing Efua")
    tab_to(amara, "Yes, remove Efua Osei")
    amara.keyboard.press("Enter")
    expect(amara.get_by_text("Efua Osei can no longer see your plan.")).to_be_visible()
    assert_accessible(amara, "Efua removed")
    efua.refresh_from_db()
    assert efua.removed_at is not None

    # Efua did nothing: her open page finds out on its next poll.
    efua_page.wait_for_url("**/access-ended/", timeout=LIVE_WITHIN_MS)
    expect(efua_page.get_by_role("heading", level=1)).to_have_text(
        "You no longer have access to this plan"
    )
    body = efua_page.locator("main").inner_text()
    assert "Amara" not in body and "back to work" not in body
    assert_accessible(efua_page, "Efua told her access has ended")

    # On her next visit the plan is a plain "not found": nothing of it, not even whose.
    response = efua_page.goto(plan_path)
    assert response is not None and response.status == 404
    assert "Amara" not in efua_page.locator("main").inner_text()
    assert_accessible(efua_page, "the plan is not found for Efua")


def test_efua_rates_from_her_own_view_and_amara_sees_it_beside_the_two(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """Amara lets Efua rate; Efua's view is a third, beside Amara's and the
    professionals', and is charted as neither."""
    from outcomes.models import Rating

    cast = browser_cast
    f.make_supporter(cast.plan, "efua", "Efua Osei", may_rate=True)
    outcome = f.make_outcome(cast.plan, text="Sleep through the night")
    f.make_rating(outcome, cast.amara.user, 4)
    efua = open_page("phone")
    sign_in(efua, "efua")
    item = efua.locator(f"#outcome-{outcome.code}")
    item.get_by_role("link", name=re.compile("^Rate progress")).click()
    form = item.locator("form[data-editing]")
    form.wait_for()
    assert_accessible(efua, "Efua's inline rating form")
    form.get_by_label("7", exact=True).check()
    form.get_by_role("button", name="Save rating").click()
    expect(efua.locator("#live-status")).to_have_text("Your rating is saved.")
    rating = Rating.objects.get(side="supporter")
    assert (rating.rated_by.username, rating.score) == ("efua", 7)

    amara = open_page("desktop")
    sign_in(amara, "amara")
    goto(amara, f"/plans/{cast.plan.code}/", "Amara's plan with Efua's view")
    third = amara.locator(f"#outcome-{outcome.code} .cp-rating--supporter")
    expect(third).to_contain_text("People on my side")
    expect(third).to_contain_text("Efua Osei")
    expect(third.locator(".cp-score")).to_have_text("7")
