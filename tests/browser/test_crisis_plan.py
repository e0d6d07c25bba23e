"""Amara writes her crisis plan on her phone and prints the one-page version (issue 12).

With JavaScript, by keyboard alone, and with JavaScript off; every page and
state scanned with axe (see conftest.py). The printed version is printed to a
PDF by Chromium itself, which must come out as exactly one A4 page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from plans.models import CrisisContact, CrisisPlan
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.conftest import Cast

OpenPage = Callable[..., Page]

SIGNS = "I stop sleeping, then stop answering texts. I skip choir."
# A4 in PostScript points (portrait): 210 mm x 297 mm.
A4_POINTS = (595.28, 841.89)
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]")


def crisis_path(cast: Cast) -> str:
    return f"/plans/{cast.plan.code}/crisis/"


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def write_plan(page: Page, cast: Cast) -> None:
    """The journey both variants share: open from the plan, write, add a contact, review."""
    page.get_by_role("link", name="My crisis plan").click()
    page.wait_for_url(f"**{crisis_path(cast)}")
    assert_accessible(page, "her crisis plan, empty")
    expect(page.get_by_text("116 123")).to_be_visible()  # the crisis lines are always there

    page.get_by_role("link", name=re.compile("Change to early warning signs")).click()
    page.wait_for_url("**/crisis/signs/")
    assert_accessible(page, "early warning signs form")
    page.get_by_label("My early warning signs").fill(SIGNS)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{crisis_path(cast)}#signs")
    expect(page.locator("#signs")).to_contain_text(SIGNS)
    assert_accessible(page, "early warning signs saved")

    page.get_by_role("link", name="Add someone to contact").click()
    page.wait_for_url("**/crisis/contacts/add/")
    page.get_by_label("Name").fill("Efua Osei")
    page.get_by_label("Who they are to me").fill("sister")
    page.get_by_label("Phone number").fill("call her")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write a phone number")
    assert_accessible(page, "contact form with an error")
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label("At night").check()
    page.get_by_label("At weekends").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{crisis_path(cast)}#contact")
    expect(page.locator("#contact")).to_contain_text("Efua Osei (sister)")
    expect(page.locator("#contact")).to_contain_text("When: night, weekends")

    page.get_by_role("button", name="I have looked at it today and it still stands").click()
    expect(page.locator("#reviewed")).to_contain_text("Last reviewed by you on")
    assert_accessible(page, "contact added and reviewed")


def print_it(page: Page, cast: Cast) -> None:
    page.get_by_role("link", name="Print on one page").click()
    page.wait_for_url("**/crisis/print/")
    assert_accessible(page, "the one-page print view")
    expect(page.get_by_role("heading", name="Crisis plan: Amara Osei")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("07700 900123")


def assert_one_a4_page(page: Page) -> None:
    """Chromium prints it (honouring @page size) to exactly one A4 page."""
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 1
    boxes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert boxes, "no page size in the PDF"
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, boxes


def test_amara_writes_her_crisis_plan_on_her_phone_and_prints_it(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    page = open_page("phone")
    sign_in(page, "amara")
    write_plan(page, cast)
    print_it(page, cast)
    assert_one_a4_page(page)

    page.get_by_role("link", name="A wallet-sized card").click()
    page.wait_for_url("**/crisis/card/")
    assert_accessible(page, "the wallet card")
    card = page.locator(".cp-wallet-card").first
    expect(card).to_contain_text("Efua Osei")
    box = card.bounding_box()
    assert box is not None and box["width"] <= 330  # 85.6 mm at 96 px to the inch

    crisis = CrisisPlan.objects.get(plan=cast.plan)
    assert crisis.warning_signs == SIGNS and crisis.reviewed_by == cast.amara.user
    assert CrisisContact.objects.get(plan=cast.plan).by_night


def test_the_same_without_javascript(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    page = open_page("nojs")
    sign_in(page, "amara")
    write_plan(page, cast)
    print_it(page, cast)
    assert_one_a4_page(page)
    goto(page, f"{crisis_path(cast)}card/", "the wallet card without JavaScript")


def test_amara_writes_it_with_the_keyboard_alone(open_page: OpenPage, browser_cast: Cast) -> None:
    cast = browser_cast
    page = open_page("desktop")
    sign_in(page, "amara")

    def tab_to(name: str, limit: int = 150) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "document.activeElement === document.body ? '' :"
                " (document.activeElement.textContent || document.activeElement.id || '')"
                ".replace(/\\s+/g, ' ').trim()"
            )
            if name in focused:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    tab_to("My crisis plan")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{crisis_path(cast)}")
    assert_accessible(page, "crisis plan reached by keyboard")
    tab_to("Change to what helps")
    page.keyboard.press("Enter")
    page.wait_for_url("**/crisis/helps/")
    assert_accessible(page, "what helps form, by keyboard")
    tab_to("crisis_helps-")  # the first field, by its id
    page.keyboard.type("A walk by the river with Efua")
    tab_to("Save")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{crisis_path(cast)}#helps")
    expect(page.locator("#helps")).to_contain_text("A walk by the river with Efua")
    assert_accessible(page, "saved by keyboard")
    tab_to("Print on one page")
    page.keyboard.press("Enter")
    page.wait_for_url("**/crisis/print/")
    assert_accessible(page, "print view by keyboard")
    assert CrisisPlan.objects.get(plan=cast.plan).helps == "A walk by the river with Efua"
