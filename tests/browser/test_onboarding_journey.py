"""From an empty database to Amara's draft plan, in the browser, with real email (issue 10).

No seed data: only a member of staff exists. Every email arrives through a
real SMTP server (aiosmtpd on loopback) and every link is opened from it.

    1. Staff start a team and invite its lead, Chloe.
    2. Chloe accepts: her password, then two-step sign-in from the secret on the page.
    3. Chloe invites Ben, who does the same on his phone.
    4. Ben starts Amara's plan and invites her by email.
    5. Amara opens her invitation, chooses her password (with the keyboard) and
       sees her draft plan.
    6. Amara writes and agrees (with the keyboard); Ben agrees and the plan is active.
    7. Later Amara closes it (the reason chosen with the keyboard) and starts a
       new plan, bringing what she chooses; the closed one is in "my earlier plans".

The journey is a list of steps over one `Journey`, so the plan's later life
(agree, activate, close, a new episode) can be appended as further steps.
"""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from coproduce.models import Person, Professional, Team
from plans.models import CareTeamMember, Plan
from tests import factories as f
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.onboarding.conftest import Inbox, smtp_server  # noqa: F401

OpenPage = Callable[..., Page]


@dataclass
class Journey:
    open_page: OpenPage
    inbox: Inbox
    pages: dict[str, Page] = field(default_factory=dict)

    def plan(self) -> Plan:
        """Amara's current plan (the newest)."""
        return Plan.objects.filter(person__user__email="amara@example.org").latest("created_at")


def code_from_the_page(page: Page) -> str:
    """What the authenticator app would show, from the key printed on the set-up page."""
    secret = page.locator("#totp-secret").text_content() or ""
    key = b32decode("".join(secret.split()))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def accept_professional_invitation(journey: Journey, email: str, username: str, kind: str) -> Page:
    invitation = journey.inbox.last_to(email)
    assert invitation.subject == "You have been invited to Coproduce"
    page = journey.open_page(kind)
    goto(page, invitation.link(), f"{username}'s invitation")
    page.get_by_label("Choose a username").fill(username)
    page.get_by_label("Choose a password").fill(f.PASSWORD)
    page.get_by_label("Type the password again").fill(f.PASSWORD)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    assert_accessible(page, f"{username} sets up two-step sign-in")
    page.get_by_text("I cannot scan the code").click()
    page.get_by_label("Code from your authenticator app").fill(code_from_the_page(page))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in is set up")
    assert page.locator("#backup-codes li").count() == 10
    assert_accessible(page, f"{username}'s backup codes")
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url(lambda url: "two-step" not in url)
    assert_accessible(page, f"{username} is in")
    return page


# --- the steps -------------------------------------------------------------------------


def staff_start_the_team(journey: Journey) -> None:
    page = journey.pages["staff"] = journey.open_page("desktop")
    sign_in(page, "sam")
    page.get_by_role("link", name="Teams: start a team and invite its lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    assert_accessible(page, "no teams yet")
    page.get_by_label("Team name").fill("Riverside CMHT")
    page.get_by_label("Team lead's full name").fill("Chloe Adeyemi")
    page.get_by_label("Team lead's email address").fill("chloe@example.org")
    page.get_by_label("Team lead's profession").select_option("team_manager")
    page.get_by_role("button", name="Start the team and invite its lead").click()
    expect(page.get_by_text("Riverside CMHT is set up.")).to_be_visible()
    assert_accessible(page, "the team is started")
    team = Team.objects.get(name="Riverside CMHT")
    assert team.lead is not None and team.lead.user.email == "chloe@example.org"


def chloe_accepts_and_invites_ben(journey: Journey) -> None:
    page = journey.pages["chloe"] = accept_professional_invitation(
        journey, "chloe@example.org", "chloe", "desktop"
    )
    page.get_by_role("link", name="Professionals in the team: invite or deactivate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Professionals in Riverside CMHT")
    assert_accessible(page, "Chloe's team, just her")
    page.get_by_label("Full name").fill("Ben Okafor")
    page.get_by_label("Email address").fill("ben@example.org")
    page.get_by_label("Profession").select_option("nurse")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("We have emailed an invitation to Ben Okafor.")).to_be_visible()
    assert_accessible(page, "Ben invited")


def ben_sets_up_his_sign_in(journey: Journey) -> None:
    page = journey.pages["ben"] = accept_professional_invitation(
        journey, "ben@example.org", "ben", "phone"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    ben = Professional.objects.get(user__username="ben")
    assert ben.team is not None and ben.team.name == "Riverside CMHT"


def ben_starts_amaras_plan(journey: Journey) -> None:
    page = journey.pages["ben"]
    page.get_by_role("link", name="Start a plan for someone new").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a plan for someone new")
    assert_accessible(page, "a plan for someone new")
    page.get_by_label("Their full name").fill("Amara Osei")
    page.get_by_label("The name they like to be called by").fill("Amara")
    page.get_by_label("Their email address").fill("amara@example.org")
    page.get_by_label("By email, with a link").check()
    page.get_by_role("button", name="Start the plan and invite them").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inviting Amara")
    assert_accessible(page, "Amara invited")
    plan = journey.plan()
    assert plan.status == Plan.Status.DRAFT
    [member] = CareTeamMember.objects.filter(plan=plan)
    assert member.professional.user.username == "ben" and member.is_coordinator


def amara_accepts_with_the_keyboard(journey: Journey) -> None:
    invitation = journey.inbox.last_to("amara@example.org")
    assert invitation.subject == "Your plan is waiting for you"
    assert "Amara" not in invitation.text and "Amara" not in invitation.html
    page = journey.pages["amara"] = journey.open_page("phone")
    goto(page, invitation.link(), "Amara's invitation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Coproduce, Amara")
    page.get_by_label("Choose a username").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("amara")
    page.keyboard.press("Tab")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/{journey.plan().code}/")
    expect(page.get_by_text("Your password is set. Welcome to Coproduce.")).to_be_visible()
    assert_accessible(page, "Amara sees her draft plan")
    expect(page.get_by_role("heading", name="Work and learning")).to_be_visible()
    assert Person.objects.get(user__username="amara").plans.get() == journey.plan()


def amara_writes_and_agrees(journey: Journey) -> None:
    page = journey.pages["amara"]
    page.get_by_role("link", name="Change what I have written about me").click()
    page.get_by_label("What matters to me").fill("My garden, and my sister Efua")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    goto(page, f"/plans/{journey.plan().code}/", "Amara's plan, in her words")
    expect(page.locator("#about")).to_contain_text("My garden, and my sister Efua")
    page.get_by_role("link", name="Agree to my plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree to my plan")
    assert_accessible(page, "Amara is asked to agree")
    # With the keyboard: the button, then Enter.
    page.get_by_role("button", name="I agree to my plan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You agreed to the plan.")).to_be_visible()
    assert_accessible(page, "Amara has agreed")
    plan = journey.plan()
    assert plan.status == Plan.Status.DRAFT
    assert plan.agreements.get().agreed_by.username == "amara"


def ben_agrees_and_the_plan_is_active(journey: Journey) -> None:
    page = journey.pages["ben"]
    goto(page, f"/plans/{journey.plan().code}/", "Amara's agreed draft, for Ben")
    page.get_by_role("link", name="Agree to the plan, as care coordinator").click()
    assert_accessible(page, "Ben is asked to agree")
    page.get_by_role("button", name="I agree: make the plan active").click()
    expect(page.get_by_text("You agreed to the plan. It is now active.")).to_be_visible()
    expect(page.locator("#agreements")).to_contain_text("Agreed by Amara on")
    expect(page.locator("#agreements")).to_contain_text("and by you on")
    assert_accessible(page, "the plan is active")
    assert journey.plan().status == Plan.Status.ACTIVE

    amara = journey.pages["amara"]
    goto(amara, f"/plans/{journey.plan().code}/", "Amara's active plan")
    expect(amara.locator("#agreements")).to_contain_text("and by Ben Okafor on")


def later_it_is_closed_and_a_new_plan_starts(journey: Journey) -> None:
    page = journey.pages["amara"]
    old = journey.plan()
    page.get_by_role("link", name="Close my plan").click()
    assert_accessible(page, "closing the plan")
    page.get_by_role("button", name="Close the plan").click()
    expect(page.get_by_text("Choose why the plan is closing").first).to_be_visible()
    assert_accessible(page, "closing without a reason")
    # With the keyboard: the reason's radio button, Space, then the button.
    page.get_by_label("The person's choice").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Close the plan").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The plan is closed.")).to_be_visible()
    assert_accessible(page, "the closed plan")

    page.get_by_role("link", name="Start a new plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a new plan")
    assert_accessible(page, "choosing what to bring into the new plan")
    page.get_by_role("button", name="Start my new plan").click()
    expect(page.get_by_text("Your new plan is ready.")).to_be_visible()
    assert_accessible(page, "the new plan")
    expect(page.locator("#about")).to_contain_text("My garden, and my sister Efua")

    page.get_by_role("link", name="My earlier plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My earlier plans")
    assert_accessible(page, "my earlier plans")
    expect(page.get_by_text("Why it closed: The person's choice")).to_be_visible()
    plans = Plan.objects.filter(person__user__username="amara").order_by("created_at")
    assert [p.status for p in plans] == [Plan.Status.CLOSED, Plan.Status.DRAFT]
    assert plans[1].previous_plan_id == old.pk


STEPS = [
    staff_start_the_team,
    chloe_accepts_and_invites_ben,
    ben_sets_up_his_sign_in,
    ben_starts_amaras_plan,
    amara_accepts_with_the_keyboard,
    amara_writes_and_agrees,
    ben_agrees_and_the_plan_is_active,
    later_it_is_closed_and_a_new_plan_starts,
]


def test_from_an_empty_database_to_an_agreed_plan_and_the_next(
    open_page: OpenPage,
    live_server: Any,
    transactional_db: None,
    smtp_server: Inbox,  # noqa: F811
) -> None:
    assert not Team.objects.exists() and not Plan.objects.exists()
    f.make_user("sam", "Sam Admin", is_staff=True)
    journey = Journey(open_page, smtp_server)
    for step in STEPS:
        step(journey)
