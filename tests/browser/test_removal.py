"""Removal takes effect at once, even on a page that is already open (issue 5).

Ben has Amara's plan open; Amara removes him from her care team on her phone.
Ben's open page stops updating and tells him plainly that he no longer has
access, without showing anything of the plan.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from playwright.sync_api import Page, Request, expect

from plans import care_team
from plans.models import AccessRequest, CareTeamMember, PlanView
from tests import factories as f
from tests.browser.conftest import FAST_POLL_MS, LIVE_WITHIN_MS, assert_accessible, goto, sign_in
from tests.conftest import Cast

OpenPage = Callable[..., Page]


def test_amara_removes_ben_and_his_open_page_stops_and_tells_him(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    f.make_outcome(cast.plan, text="I want to get back to work by the summer")
    plan_path = f"/plans/{cast.plan.code}/"

    ben = open_page("desktop")
    sign_in(ben, "ben")
    goto(ben, plan_path, "Ben has Amara's plan open")
    expect(ben.get_by_role("heading", level=1)).to_have_text("Amara Osei's plan")
    polls: list[str] = []

    def count_polls(request: Request) -> None:
        if "/live/" in request.url:
            polls.append(request.url)

    ben.on("request", count_polls)
    # The open page should be asking for changes: wait for its next poll.
    with ben.expect_request(lambda request: "/live/" in request.url):
        pass

    amara = open_page("phone")
    sign_in(amara, "amara")
    amara.get_by_role("link", name="People who help me").click()
    expect(amara.get_by_role("heading", level=1)).to_have_text("People who help me")
    assert_accessible(amara, "Amara's care team")
    amara.get_by_role("link", name="Remove Ben Okafor from my care team").click()
    expect(amara.get_by_role("heading", level=1)).to_have_text(
        "Remove Ben Okafor from your care team?"
    )
    assert_accessible(amara, "confirm removing Ben")
    amara.get_by_role("button", name="Yes, remove Ben Okafor").click()
    expect(amara.get_by_text("Ben Okafor can no longer see your plan.")).to_be_visible()
    assert_accessible(amara, "Ben removed")
    assert not CareTeamMember.objects.current().filter(plan=cast.plan, professional=cast.ben)

    # Ben did nothing: his open page finds out on its next poll.
    ben.wait_for_url("**/access-ended/", timeout=LIVE_WITHIN_MS)
    expect(ben.get_by_role("heading", level=1)).to_have_text(
        "You no longer have access to this plan"
    )
    # Not left wondering whether something he was writing went in.
    expect(ben.locator("main")).to_contain_text("Anything you were writing in it was not saved.")
    body = ben.locator("main").inner_text()
    assert "Amara" not in body
    assert "back to work" not in body
    assert_accessible(ben, "Ben told his access has ended")

    # And it has stopped asking.
    polls.clear()
    ben.wait_for_timeout(3 * FAST_POLL_MS)
    assert polls == []


def test_amara_invites_ben_back_and_sees_who_has_looked(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    """The care team pages are plain links and forms (no script needed), and pass axe."""
    cast = browser_cast
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now(), removed_by=cast.amara.user
    )
    PlanView.objects.create(plan=cast.plan, viewer=cast.ben.user, page="plan")
    page = open_page("phone")
    sign_in(page, "amara")
    page.get_by_role("link", name="People who help me").click()
    page.wait_for_url("**/care-team/")
    assert_accessible(page, "care team, nobody on it")
    page.get_by_role("link", name="Invite a professional").click()
    page.wait_for_url("**/care-team/invite/")
    assert_accessible(page, "directory")
    page.get_by_label("Name").fill("ben")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/care-team/invite/?**")
    expect(page.get_by_role("heading", level=2)).to_contain_text("1 professional found")
    assert_accessible(page, "directory results")
    page.get_by_role("button", name="Invite Ben Okafor").click()
    page.wait_for_url("**/care-team/")
    expect(page.get_by_text("Ben Okafor can now see your plan.")).to_be_visible()
    assert_accessible(page, "Ben invited again")
    assert CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).count() == 2

    goto(page, f"/plans/{cast.plan.code}/who-has-looked/", "who has looked")
    expect(page.locator("main")).to_contain_text("Ben Okafor, community mental health nurse")
    goto(page, f"/plans/{cast.plan.code}/print/", "printable plan")
    goto(page, "/account/close/", "close my account")


def test_ben_asks_to_join_priyas_plan_with_her_code(
    open_page: OpenPage, browser_cast: Cast
) -> None:
    cast = browser_cast
    code = care_team.display_share_code(care_team.share_code(cast.priya_plan))
    page = open_page("phone")
    sign_in(page, "ben")
    goto(page, "/care-team/join/", "join form")
    page.get_by_label("Plan code").fill("nope")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the 8 letters and numbers")
    assert_accessible(page, "join form with an error")
    page.get_by_label("Plan code").fill(code)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request has been sent if the code is right.")).to_be_visible()
    assert_accessible(page, "join request sent")
    assert AccessRequest.objects.filter(plan=cast.priya_plan, professional=cast.ben).exists()
