"""The right of reply: either side replies to any item, rating or declined suggestion.

Replies are written once and kept: there is no way to edit or remove one, and a
correction is a new reply. Each reply is in the history, live for the other
side, in print and in the FHIR export (tests/plans/test_fhir.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coproduce.models import Discipline, Side
from coproduce.plan_page.replies import find_target
from outcomes.models import ValuedOutcome
from plans import services
from plans.access import PlanAccess, get_plan_for_user
from plans.models import CareTeamMember, ExpertiseKind, Plan, PlanChange, Proposal, Reply
from plans.replies import InvalidReply, add_reply
from tests import factories as f
from tests.conftest import Cast, login

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def access_of(who: Any, plan: Plan) -> PlanAccess:
    return get_plan_for_user(who.user, plan.code)


def reply_url(plan: Plan, target_type: str, target_code: Any) -> str:
    return reverse("reply_add", args=[plan.code, target_type, target_code])


def plan_url(plan: Plan) -> str:
    return reverse("plan_detail", args=[plan.code])


def declined_suggestion(cast: Cast) -> Proposal:
    """Ben suggests an outcome in an area Amara leads; she declines it with a reason."""
    result = services.submit_add(
        access_of(cast.ben, cast.plan),
        services.KINDS["outcome"],
        {"text": "Take medication as prescribed.", "status": "active"},
        area=f.area(cast.plan, "Mental wellbeing"),
        reason="It will help you sleep",
    )
    assert result.proposal is not None
    services.decline_proposal(access_of(cast.amara, cast.plan), result.proposal, "Not my words")
    result.proposal.refresh_from_db()
    return result.proposal


# What can be replied to: a target on Amara's plan, its anchor on the plan page,
# the side that wrote it, and the life area open pages redraw when a reply arrives.
def make_target(cast: Cast, target_type: str) -> tuple[Any, str, str]:
    """(the target's code, where a plain POST goes back to, the side that wrote it)"""
    plan, amara, ben = cast.plan, cast.amara.user, cast.ben.user
    if target_type == "outcome":
        outcome = f.make_outcome(plan, amara, text="Back to work by the summer")
        return outcome.code, f"{plan_url(plan)}#outcome-{outcome.code}", Side.PERSON
    if target_type == "resource":
        resource = f.make_resource(plan, ben, name="Work coach")
        return resource.code, f"{plan_url(plan)}#resource-{resource.code}", Side.PROFESSIONAL
    if target_type == "commitment":
        commitment = f.make_commitment(plan, ben, what="call the job centre")
        return commitment.code, f"{plan_url(plan)}#commitment-{commitment.code}", Side.PROFESSIONAL
    if target_type == "expertise":
        entry = f.make_expertise(plan, amara, ExpertiseKind.STRENGTHS, "I am good with people")
        return entry.code, f"{plan_url(plan)}#expertise-{entry.code}", Side.PERSON
    if target_type == "about":
        return plan.code, f"{plan_url(plan)}#about", Side.PERSON
    if target_type == "life_area":
        area = f.area(plan)
        return area.code, f"{plan_url(plan)}#area-{area.code}", Side.PERSON
    if target_type == "rating":
        outcome = f.make_outcome(plan, amara, text="Sleep through the night")
        rating = f.make_rating(outcome, ben, 3)
        return rating.code, f"{plan_url(plan)}#outcome-{outcome.code}", Side.PROFESSIONAL
    assert target_type == "proposal"
    proposal = declined_suggestion(cast)
    # Declined by Amara: the side that wrote the answer being replied to.
    return proposal.code, reply_url(plan, "proposal", proposal.code), Side.PERSON


TARGETS = ["outcome", "resource", "commitment", "expertise", "about", "life_area", "rating"]
ALL_TARGETS = [*TARGETS, "proposal"]


# --- the service ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reply_and_its_history_entry_are_written_together(cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer")
    version = cast.plan.version
    access = access_of(cast.ben, cast.plan)
    target, _ = find_target(access, "outcome", str(outcome.code))

    reply = add_reply(access, target, {"text": "  I would add: part-time first  "})

    assert (reply.text, reply.author, reply.author_side) == (
        "I would add: part-time first",
        cast.ben.user,
        Side.PROFESSIONAL,
    )
    assert (reply.target_type, reply.target_code, reply.target_side) == (
        "outcome",
        outcome.code,
        Side.PERSON,
    )
    assert reply.life_area == outcome.life_area
    (change,) = PlanChange.objects.filter(plan=cast.plan)
    assert change.action == PlanChange.Action.REPLY
    assert change.get_action_display() == "Replied"
    assert (change.actor, change.actor_side) == (cast.ben.user, Side.PROFESSIONAL)
    assert (change.item_type, change.item_code) == ("outcome", outcome.code)
    assert change.life_area == outcome.life_area
    assert change.summary == (
        "Replied to valued outcome “Back to work by the summer”: I would add: part-time first"
    )
    assert change.after == {"reply": "I would add: part-time first"}
    cast.plan.refresh_from_db()
    assert cast.plan.version == version + 1 == change.plan_version


@pytest.mark.django_db
def test_a_correction_is_a_new_reply_and_the_first_is_kept(cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    access = access_of(cast.amara, cast.plan)
    target, _ = find_target(access, "outcome", str(outcome.code))

    add_reply(access, target, {"text": "I mean by June"})
    add_reply(access, target, {"text": "Sorry, I meant by July"})

    assert list(Reply.objects.order_by("pk").values_list("text", flat=True)) == [
        "I mean by June",
        "Sorry, I meant by July",
    ]
    assert PlanChange.objects.filter(action=PlanChange.Action.REPLY).count() == 2


def test_replies_cannot_be_edited_or_removed_by_any_url() -> None:
    for name in ("reply_edit", "reply_remove", "reply_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    # Plan content is not in the admin: staff reading it would not show in "who has looked".
    assert Reply not in admin.site._registry


@pytest.mark.django_db
def test_an_empty_reply_is_refused_and_nothing_is_written(cast: Cast) -> None:
    access = access_of(cast.amara, cast.plan)
    target, _ = find_target(access, "about", str(cast.plan.code))

    with pytest.raises(InvalidReply) as refused:
        add_reply(access, target, {"text": "   "})

    assert refused.value.form.errors == {"text": ["Write your reply before sending it."]}
    assert not Reply.objects.exists()
    assert not PlanChange.objects.exists()


@pytest.mark.django_db
def test_nobody_replies_on_a_closed_plan(cast: Cast) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    access = access_of(cast.amara, cast.plan)
    target, _ = find_target(access, "about", str(cast.plan.code))

    with pytest.raises(PermissionDenied):
        add_reply(access, target, {"text": "Hello"})
    assert not Reply.objects.exists()


# --- the view: every kind of target, by each side -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["amara", "ben"])
@pytest.mark.parametrize("target_type", ALL_TARGETS)
def test_each_side_replies_to_each_kind_without_javascript(
    client: Client, cast: Cast, who: str, target_type: str
) -> None:
    code, back, target_side = make_target(cast, target_type)
    author = getattr(cast, who)
    login(client, author)

    response = client.post(reply_url(cast.plan, target_type, code), {"text": "I disagree because"})

    assert response.status_code == 302
    assert response["Location"] == back
    reply = Reply.objects.get()
    assert (reply.target_type, reply.target_code, reply.target_side) == (
        target_type,
        code,
        target_side,
    )
    assert (reply.author, reply.author_side) == (
        author.user,
        Side.PERSON if who == "amara" else Side.PROFESSIONAL,
    )
    page = client.get(back.split("#")[0]).content.decode()
    assert "I disagree because" in page
    assert "Your reply is saved." in page


@pytest.mark.django_db
@pytest.mark.parametrize("target_type", TARGETS)
def test_the_other_side_sees_the_reply_beside_the_item(
    client: Client, cast: Cast, target_type: str
) -> None:
    code, _, _ = make_target(cast, target_type)
    login(client, cast.ben)
    client.post(reply_url(cast.plan, target_type, code), {"text": "Seen, thank you"})

    login(client, cast.amara)
    page = client.get(plan_url(cast.plan)).content.decode()

    block = page.split(f'id="replies-{target_type}-{code}"', 1)[1].split("</details>", 1)[0]
    assert "Replies (1)" in block
    assert "Seen, thank you" in block
    assert "Ben Okafor (professional)" in block


@pytest.mark.django_db
def test_with_htmx_only_the_items_replies_come_back(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer")
    f.make_resource(cast.plan, cast.ben.user, name="Work coach")
    login(client, cast.amara)

    response = client.post(
        reply_url(cast.plan, "outcome", outcome.code), {"text": "Part-time first"}, **HTMX
    )

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.count('class="cp-replies"') == 1
    assert f'id="replies-outcome-{outcome.code}"' in body
    assert "Replies (1)" in body and "Part-time first" in body
    assert "Work coach" not in body  # the rest of the area is not redrawn
    # The poller is not moved on: changes others made meanwhile still reach this page.
    assert 'id="live"' not in body
    assert 'id="live-status"' in body and "Your reply is saved." in body


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bad_input_is_shown_again_with_what_was_typed(
    client: Client, cast: Cast, headers: dict[str, Any]
) -> None:
    outcome = f.make_outcome(cast.plan)
    login(client, cast.amara)
    url = reply_url(cast.plan, "outcome", outcome.code)

    empty = client.post(url, {"text": ""}, **headers)
    too_long = client.post(url, {"text": "é" * 2001}, **headers)

    assert empty.status_code == too_long.status_code == 422
    assert "Write your reply before sending it." in empty.content.decode()
    body = too_long.content.decode()
    assert "Keep this under 2000 characters (you have written 2001)." in body
    assert "é" * 2001 in body
    assert not Reply.objects.exists()


@pytest.mark.django_db
def test_the_reply_page_lists_replies_and_has_a_form(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer")
    f.make_reply(cast.plan, cast.ben.user, "outcome", outcome.code, "Shall we meet?")
    login(client, cast.amara)

    body = client.get(reply_url(cast.plan, "outcome", outcome.code)).content.decode()

    assert "About this valued outcome: Back to work by the summer" in body
    assert "Shall we meet?" in body
    assert 'name="text"' in body


# --- who may reply to what ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_item_of_another_plan_is_not_found_through_this_one(client: Client, cast: Cast) -> None:
    priyas = f.make_outcome(cast.priya_plan, cast.priya.user)
    login(client, cast.amara)

    for target_type, code in [
        ("outcome", priyas.code),
        ("about", cast.priya_plan.code),
        ("life_area", f.area(cast.priya_plan).code),
        ("rating", f.make_rating(priyas, cast.priya.user, 5).code),
    ]:
        response = client.post(reply_url(cast.plan, target_type, code), {"text": "Hi"})
        assert response.status_code == 404, target_type
    assert not Reply.objects.exists()


@pytest.mark.django_db
def test_a_removed_professional_cannot_reply(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(
        removed_at=timezone.now(), removed_by=cast.amara.user
    )
    login(client, cast.ben)

    response = client.post(reply_url(cast.plan, "outcome", outcome.code), {"text": "Still here"})

    assert response.status_code == 404
    assert not Reply.objects.exists()


@pytest.mark.django_db
def test_a_waiting_suggestion_is_answered_not_replied_to(client: Client, cast: Cast) -> None:
    result = services.submit_add(
        access_of(cast.ben, cast.plan),
        services.KINDS["outcome"],
        {"text": "Sleep better", "status": "active"},
        area=f.area(cast.plan, "Mental wellbeing"),
    )
    assert result.proposal is not None
    login(client, cast.amara)

    response = client.post(reply_url(cast.plan, "proposal", result.proposal.code), {"text": "No"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_removed_item_takes_no_more_replies(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    ValuedOutcome.objects.filter(pk=outcome.pk).update(removed_at=timezone.now())
    login(client, cast.amara)

    response = client.post(reply_url(cast.plan, "outcome", outcome.code), {"text": "x"})

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_closed_plan_shows_replies_but_takes_none(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    f.make_reply(cast.plan, cast.ben.user, "outcome", outcome.code, "An old reply")
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    login(client, cast.amara)

    page = client.get(plan_url(cast.plan)).content.decode()
    response = client.post(reply_url(cast.plan, "outcome", outcome.code), {"text": "New"})

    assert "An old reply" in page
    assert reply_url(cast.plan, "outcome", outcome.code) not in page
    assert response.status_code == 403
    assert Reply.objects.count() == 1


# --- declined suggestions: "I disagree because…" ------------------------------------------------


@pytest.mark.django_db
def test_the_proposer_replies_to_a_declined_suggestion_from_the_history(
    client: Client, cast: Cast
) -> None:
    proposal = declined_suggestion(cast)
    url = reply_url(cast.plan, "proposal", proposal.code)
    login(client, cast.ben)

    history = client.get(reverse("plan_history", args=[cast.plan.code])).content.decode()
    assert "Declined Ben Okafor&#x27;s suggestion: Not my words" in history
    assert f'href="{url}"' in history

    response = client.post(url, {"text": "I disagree because it would help"}, follow=True)
    body = response.content.decode()
    assert "About this suggestion: Ben Okafor&#x27;s suggestion" in body
    assert "I disagree because it would help" in body

    login(client, cast.amara)
    history = client.get(reverse("plan_history", args=[cast.plan.code])).content.decode()
    assert (
        "Replied to suggestion “Ben Okafor&#x27;s suggestion”: I disagree because it would help"
        in history
    )
    assert "Ben Okafor (professional)" in history


# --- live, history and print ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_other_sides_open_page_gets_the_reply_live(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer")
    cast.plan.refresh_from_db()
    seen = cast.plan.version
    login(client, cast.amara)
    client.post(reply_url(cast.plan, "outcome", outcome.code), {"text": "Part-time first"})

    login(client, cast.ben)
    live = client.get(reverse("plan_live", args=[cast.plan.code]), {"v": seen}, **HTMX)

    assert live.status_code == 200
    body = live.content.decode()
    assert f'id="area-{outcome.life_area.code}"' in body
    assert "Part-time first" in body
    assert "Replies (1)" in body
    # Only the area the reply is in comes back.
    assert body.count('class="cp-area nhsuk-card"') == 1


@pytest.mark.django_db
def test_a_reply_to_about_me_redraws_the_whole_plan_live(client: Client, cast: Cast) -> None:
    cast.plan.refresh_from_db()
    seen = cast.plan.version
    login(client, cast.ben)
    client.post(reply_url(cast.plan, "about", cast.plan.code), {"text": "Lovely to read"})

    login(client, cast.amara)
    body = client.get(
        reverse("plan_live", args=[cast.plan.code]), {"v": seen}, **HTMX
    ).content.decode()

    assert 'id="about"' in body
    assert "Lovely to read" in body


@pytest.mark.django_db
def test_replies_are_printed_with_their_author(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Back to work by the summer")
    rating = f.make_rating(outcome, cast.ben.user, 3)
    f.make_reply(cast.plan, cast.ben.user, "outcome", outcome.code, "I would add: part-time")
    f.make_reply(cast.plan, cast.amara.user, "rating", rating.code, "I feel closer than 3")
    f.make_reply(cast.plan, cast.ben.user, "about", cast.plan.code, "Lovely to read")
    login(client, cast.amara)

    body = client.get(reverse("plan_print", args=[cast.plan.code])).content.decode()

    assert "“I would add: part-time” — Ben Okafor (professional)" in body
    assert "Replies to Ben Okafor&#x27;s rating of 3" in body
    assert "“I feel closer than 3” — Amara Osei (person)" in body
    assert "“Lovely to read” — Ben Okafor (professional)" in body
    assert 'name="text"' not in body  # print has no reply forms


@pytest.mark.django_db
def test_the_persons_side_reads_warm_words(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    f.make_reply(cast.plan, cast.amara.user, "outcome", outcome.code, "Mine")
    login(client, cast.amara)

    page = client.get(plan_url(cast.plan)).content.decode()

    assert "You (person)</span> replied on" in page
    assert "Say if you disagree, or what you would add." in page


@pytest.mark.django_db
def test_a_supporter_side_is_not_needed_for_professionals_of_any_discipline(
    client: Client, cast: Cast
) -> None:
    """A peer worker on the care team replies like any professional."""
    peer = f.make_professional("pat", "Pat Jones", cast.team, Discipline.PEER_WORKER)
    f.add_to_care_team(cast.plan, peer)
    outcome = f.make_outcome(cast.plan)
    login(client, peer)

    client.post(reply_url(cast.plan, "outcome", outcome.code), {"text": "Been there"})

    assert Reply.objects.get().author_side == Side.PROFESSIONAL
