"""Both sides edit one plan: what applies at once, what becomes a proposal, what is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from outcomes.models import ValuedOutcome
from plans.models import Leadership, LifeArea, Plan, PlanChange, Proposal, Resource
from tests import factories as f
from tests.conftest import Cast, login

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def add_url(cast: Cast, kind: str = "outcome") -> str:
    return reverse("item_add", args=[cast.plan.code, kind])


def edit_url(cast: Cast, item, kind: str = "outcome") -> str:
    return reverse("item_edit", args=[cast.plan.code, kind, item.code])


def set_balance(cast: Cast, name: str, value: int) -> LifeArea:
    area = f.area(cast.plan, name)
    area.leadership = value
    area.save()
    return area


def outcome_data(area: LifeArea, text: str = "Get back to work by the summer", **extra) -> dict:
    return {"area": str(area.code), "text": text, "why_it_matters": "", "status": "active", **extra}


def test_person_adds_outcome_in_area_she_leads(client: Client, cast: Cast) -> None:
    area = f.area(cast.plan)
    login(client, cast.amara)
    response = client.post(add_url(cast), outcome_data(area))
    assert response.status_code == 302
    outcome = ValuedOutcome.objects.get()
    assert (outcome.created_by, outcome.created_side) == (cast.amara.user, "person")
    change = PlanChange.objects.get()
    assert change.action == "create"
    assert (change.after or {})["text"] == "Get back to work by the summer"
    cast.plan.refresh_from_db()
    assert cast.plan.version == change.plan_version == 2


def test_professional_edit_in_person_led_area_becomes_proposal(client: Client, cast: Cast) -> None:
    area = f.area(cast.plan)
    login(client, cast.ben)
    response = client.post(add_url(cast), outcome_data(area, reason="We talked about this"))
    assert response.status_code == 302
    assert not ValuedOutcome.objects.exists()
    proposal = Proposal.objects.get()
    assert (proposal.action, proposal.proposed_side, proposal.reason) == (
        "add",
        "professional",
        "We talked about this",
    )
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "You suggest" in page

    login(client, cast.amara)
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Ben suggests" in page
    response = client.post(
        reverse("proposal_answer", args=[cast.plan.code, proposal.code, "accept"]), {}
    )
    assert response.status_code == 302
    outcome = ValuedOutcome.objects.get()
    assert outcome.created_by == cast.ben.user  # Ben wrote it; Amara agreed
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answered_by) == ("accepted", cast.amara.user)
    actions = list(PlanChange.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["propose", "accept", "create"]


LONG = (
    "I want to walk to the allotment every morning, dig the beds, "
    "and sell the beans at the market on Saturdays."
)
WHOLE = "I want to walk to the allotment every morning, and dig the beds with my brother."


def test_summaries_show_at_most_80_characters(client: Client, cast: Cast) -> None:
    """History entries and suggestions cut a longer text at 79 characters and an ellipsis."""
    assert (len(LONG), len(WHOLE)) == (107, 80)
    area = f.area(cast.plan)
    login(client, cast.amara)
    for text in (LONG, WHOLE):
        assert client.post(add_url(cast), outcome_data(area, text=text)).status_code == 302
    summaries = list(PlanChange.objects.order_by("id").values_list("summary", flat=True))
    assert summaries == [f"Added outcome: {LONG[:79]}…", f"Added outcome: {WHOLE}"]

    login(client, cast.ben)
    assert client.post(add_url(cast), outcome_data(area, text=LONG)).status_code == 302
    proposed = PlanChange.objects.get(action=PlanChange.Action.PROPOSE)
    assert proposed.summary == f"Suggested adding outcome: {LONG[:79]}…"


def test_shared_area_applies_for_both(client: Client, cast: Cast) -> None:
    # Since issue 9 an outcome is always the person's own words (a professional's is a
    # suggestion, test_balance_views.py): both sides add their own resources at once.
    area = set_balance(cast, "Money", Leadership.SHARED)
    for who in (cast.amara, cast.ben):
        login(client, who)
        data = {"area": str(area.code), "name": who.user.name, "control": "personal"}
        assert client.post(add_url(cast, "resource"), data).status_code == 302
    assert Resource.objects.count() == 2
    assert not Proposal.objects.exists()


def test_person_edit_in_professional_led_area_becomes_proposal(client: Client, cast: Cast) -> None:
    # Since issue 9 an outcome is always the person's (hers to change at every balance):
    # what becomes a suggestion is her change to professional content, such as Ben's resource.
    area = set_balance(cast, "Mental wellbeing", Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT)
    outcome = f.make_resource(cast.plan, by=cast.ben.user, area_name="Mental wellbeing", name="Old")
    login(client, cast.amara)
    response = client.post(
        edit_url(cast, outcome, "resource"),
        {"area": str(area.code), "name": "New words", "control": "personal", "version": 1},
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.name == "Old"
    proposal = Proposal.objects.get()
    assert proposal.payload["before"]["name"] == "Old"
    assert proposal.payload["after"]["name"] == "New words"

    answer = reverse("proposal_answer", args=[cast.plan.code, proposal.code, "accept"])
    assert client.post(answer).status_code == 403  # cannot accept your own
    login(client, cast.ben)
    assert client.post(answer).status_code == 302
    outcome.refresh_from_db()
    assert (outcome.name, outcome.updated_by, outcome.version) == ("New words", cast.amara.user, 2)
    # Answering twice is a conflict, not a second change.
    response = client.post(answer)
    assert response.status_code == 409
    assert "already been accepted" in response.content.decode()


def test_decline_needs_a_reason_and_keeps_it(client: Client, cast: Cast) -> None:
    area = f.area(cast.plan)
    login(client, cast.ben)
    client.post(add_url(cast), outcome_data(area))
    proposal = Proposal.objects.get()
    login(client, cast.amara)
    url = reverse("proposal_answer", args=[cast.plan.code, proposal.code, "decline"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Say why" in response.content.decode()
    assert client.post(url, {"reason": "Not yet, maybe later"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer_reason) == ("declined", "Not yet, maybe later")
    assert not ValuedOutcome.objects.exists()
    assert PlanChange.objects.filter(action="decline", proposal=proposal).exists()


def test_only_the_author_withdraws(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    client.post(add_url(cast), outcome_data(f.area(cast.plan)))
    proposal = Proposal.objects.get()
    url = reverse("proposal_answer", args=[cast.plan.code, proposal.code, "withdraw"])
    login(client, cast.amara)
    assert client.post(url).status_code == 403
    login(client, cast.ben)
    assert client.post(url).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def test_stale_save_is_a_conflict_that_keeps_the_typing(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Original")
    area = outcome.life_area
    login(client, cast.amara)
    first = client.post(edit_url(cast, outcome), outcome_data(area, text="First", version=1))
    assert first.status_code == 302
    second = client.post(edit_url(cast, outcome), outcome_data(area, text="Mine", version=1))
    assert second.status_code == 409
    body = second.content.decode()
    assert "Someone else changed this first" in body
    assert "First" in body  # the newer text
    assert ">\nMine</textarea>" in body  # what they typed, still in the form
    assert 'name="version" value="2"' in body  # resaving merges onto the newer version
    outcome.refresh_from_db()
    assert (outcome.text, outcome.version) == ("First", 2)
    assert (
        client.post(
            edit_url(cast, outcome), outcome_data(area, text="Merged", version=2)
        ).status_code
        == 302
    )
    outcome.refresh_from_db()
    assert outcome.text == "Merged"


def test_htmx_conflict_is_swapped_409(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Original")
    login(client, cast.amara)
    response = client.post(
        edit_url(cast, outcome), outcome_data(outcome.life_area, text="Mine", version=7), **HTMX
    )
    assert response.status_code == 409
    assert b"<html" not in response.content
    assert b"data-editing" in response.content


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write what you want, in your own words."), ("x" * 1001, "Keep this under 1000")],
)
def test_bad_input_is_reshown_with_message(
    client: Client, cast: Cast, text: str, message: str
) -> None:
    login(client, cast.amara)
    data = outcome_data(f.area(cast.plan), text=text, why_it_matters="Because I miss it")
    for extra in ({}, HTMX):
        response = client.post(add_url(cast), data, **extra)
        assert response.status_code == 422
        body = response.content.decode()
        assert message in body
        assert "Because I miss it" in body
    assert not ValuedOutcome.objects.exists()


def test_missing_version_is_reshown_not_a_crash(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan)
    login(client, cast.amara)
    response = client.post(edit_url(cast, outcome), outcome_data(outcome.life_area, text="New"))
    assert response.status_code == 422
    assert "missing its version" in response.content.decode()


def test_unknown_and_foreign_ids_are_404(client: Client, cast: Cast) -> None:
    other = f.make_outcome(cast.priya_plan, by=cast.priya.user)
    login(client, cast.amara)
    # Priya's outcome through Amara's plan URL
    assert client.get(edit_url(cast, other)).status_code == 404
    assert client.post(add_url(cast), {"area": "not-a-uuid", "text": "x"}).status_code == 404
    foreign_area = f.area(cast.priya_plan)
    assert client.post(add_url(cast), outcome_data(foreign_area)).status_code == 404
    assert client.get(f"/plans/{cast.plan.code}/widget/add/").status_code == 404


@pytest.mark.parametrize("who", ["oscar", "priya", "chloe"])
def test_outsiders_cannot_touch_the_plan(client: Client, cast: Cast, who: str) -> None:
    outcome = f.make_outcome(cast.plan)
    login(client, getattr(cast, who))
    assert client.post(add_url(cast), outcome_data(f.area(cast.plan))).status_code == 404
    assert (
        client.post(edit_url(cast, outcome), outcome_data(outcome.life_area, version=1)).status_code
        == 404
    )
    assert ValuedOutcome.objects.count() == 1


def test_remove_is_soft_and_in_history(client: Client, cast: Cast) -> None:
    outcome = f.make_outcome(cast.plan, text="Walk the dog daily")
    login(client, cast.amara)
    url = reverse("item_remove", args=[cast.plan.code, "outcome", outcome.code])
    assert client.get(url).status_code == 200
    # Without the version it started from, a removal is re-shown, not applied blind.
    response = client.post(url, {})
    assert response.status_code == 422
    assert "missing its version" in response.content.decode()
    assert client.post(url, {"version": 1}).status_code == 302
    outcome.refresh_from_db()
    assert outcome.removed_at is not None
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Walk the dog daily" not in page
    history = client.get(reverse("plan_history", args=[cast.plan.code])).content.decode()
    assert "Removed outcome: Walk the dog daily" in history
    # It cannot be edited once removed.
    assert client.get(edit_url(cast, outcome)).status_code == 404


def test_professional_cannot_take_leadership_without_agreement(client: Client, cast: Cast) -> None:
    area = f.area(cast.plan, "Mental wellbeing")
    url = reverse("leadership_propose", args=[cast.plan.code, area.code])
    login(client, cast.ben)
    response = client.post(url, {"leadership": 5, "reason": ""})
    assert response.status_code == 422
    assert "Say why" in response.content.decode()
    assert client.post(url, {"leadership": 5, "reason": "Medication change"}).status_code == 302
    area.refresh_from_db()
    assert area.leadership == Leadership.PERSON_LEADS  # not until Amara agrees
    # A second suggestion waits for the first to be answered.
    waiting = client.post(url, {"leadership": 4, "reason": "Or this"})
    assert waiting.status_code == 409
    assert "Or this" in waiting.content.decode()  # what he wrote is given back
    proposal = Proposal.objects.get(action="leadership")
    login(client, cast.amara)
    client.post(reverse("proposal_answer", args=[cast.plan.code, proposal.code, "accept"]))
    area.refresh_from_db()
    assert area.leadership == Leadership.PROFESSIONAL_LEADS
    change = PlanChange.objects.get(action="leadership")
    assert change.before == {"leadership": "Person leads"}
    assert change.after == {"leadership": "Professional leads"}


def test_closed_plan_cannot_change(client: Client, cast: Cast) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status="closed")
    login(client, cast.amara)
    assert client.post(add_url(cast), outcome_data(f.area(cast.plan))).status_code == 403


def test_about_me_is_the_persons_to_write(client: Client, cast: Cast) -> None:
    url = reverse("about_edit", args=[cast.plan.code])
    data = {
        "about_admire": "Kind",
        "about_matters": "My son",
        "about_support": "Be patient",
        "version": 1,
    }
    login(client, cast.ben)
    assert client.post(url, data).status_code == 302
    cast.plan.refresh_from_db()
    assert cast.plan.about_matters == ""
    assert Proposal.objects.get().item_type == "about"
    login(client, cast.amara)
    assert client.post(url, {**data, "about_matters": "My son and my garden"}).status_code == 302
    cast.plan.refresh_from_db()
    assert (cast.plan.about_matters, cast.plan.about_version) == ("My son and my garden", 2)
    # Ben's page still had version 1: his next save is a conflict, not an overwrite.
    login(client, cast.ben)
    assert client.post(url, data).status_code == 409


def test_htmx_save_returns_the_area_out_of_band(client: Client, cast: Cast) -> None:
    area = f.area(cast.plan)
    login(client, cast.amara)
    response = client.post(add_url(cast), outcome_data(area), **HTMX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    body = response.content.decode()
    assert f'id="area-{area.code}"' in body
    assert 'hx-swap-oob="true"' in body
    assert "Get back to work by the summer" in body
    assert "<html" not in body


def test_person_adds_own_part_of_life_and_professional_only_suggests(
    client: Client, cast: Cast
) -> None:
    url = add_url(cast, "life_area")
    login(client, cast.ben)
    assert client.post(url, {"name": "Music"}).status_code == 302
    assert not LifeArea.objects.filter(plan=cast.plan, name="Music").exists()
    login(client, cast.amara)
    assert client.post(url, {"name": "Faith"}).status_code == 302
    assert LifeArea.objects.filter(plan=cast.plan, name="Faith").exists()
    response = client.post(url, {"name": "faith"})
    assert response.status_code == 422
    assert "already has a part of life with that name" in response.content.decode()


def test_expertise_belongs_to_its_side(client: Client, cast: Cast) -> None:
    url = add_url(cast, "expertise")
    login(client, cast.ben)
    # Ben may only choose professional kinds: a citizen kind is not an option for him.
    response = client.post(url, {"kind": "strengths", "text": "Resilient"})
    assert response.status_code == 422
    assert (
        client.post(url, {"kind": "contributing_factors", "text": "Poor sleep"}).status_code == 302
    )
    entry = cast.plan.expertise.get()
    login(client, cast.amara)
    response = client.post(
        reverse("item_edit", args=[cast.plan.code, "expertise", entry.code]),
        {"kind": "contributing_factors", "text": "Poor sleep and worry", "version": 1},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "Poor sleep"  # her edit to Ben's expertise is a suggestion
    assert Proposal.objects.get().proposed_side == "person"


def test_professional_adds_resource_from_team_library(client: Client, cast: Cast) -> None:
    from plans.models import Resource, ResourceLibraryItem

    area = set_balance(cast, "Work and learning", Leadership.SHARED)
    goal = f.make_outcome(cast.plan, text="Find paid work")
    library = ResourceLibraryItem.objects.create(
        team=cast.team,
        name="Individual Placement and Support",
        provider="Riverside IPS service",
        how_to_access="Ben refers you",
        control="our_service",
    )
    login(client, cast.ben)
    form_page = client.get(add_url(cast, "resource") + f"?area={area.code}").content.decode()
    assert "Individual Placement and Support" in form_page
    # Picking it fills the fields in the browser: each option carries its values.
    assert 'data-fill-provider="Riverside IPS service"' in form_page
    assert 'data-fill-control="our_service"' in form_page
    # "What it is" is needed unless something is picked: never marked optional.
    assert "What it is (optional)" not in " ".join(form_page.split())
    assert "---------" not in form_page  # no empty "where it comes from" choice
    response = client.post(
        add_url(cast, "resource"),
        {"area": str(area.code), "library_item": str(library.code), "outcomes": [str(goal.code)]},
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.name, resource.provider, resource.library_item) == (
        "Individual Placement and Support",
        "Riverside IPS service",
        library,
    )
    assert list(resource.outcomes.all()) == [goal]


def test_new_resource_can_join_the_library(client: Client, cast: Cast) -> None:
    from plans.models import Resource, ResourceLibraryItem

    area = set_balance(cast, "Money", Leadership.SHARED)
    login(client, cast.ben)
    data = {
        "area": str(area.code),
        "name": "Citizens Advice debt clinic",
        "control": "elsewhere",
        "save_to_library": "on",
    }
    assert client.post(add_url(cast, "resource"), data).status_code == 302
    item = ResourceLibraryItem.objects.get()
    assert (item.team, item.name, item.control) == (
        cast.team,
        "Citizens Advice debt clinic",
        "elsewhere",
    )
    assert Resource.objects.get().library_item == item
    # Nothing chosen and nothing written: a clear message, not a crash.
    response = client.post(add_url(cast, "resource"), {"area": str(area.code)})
    assert response.status_code == 422
    assert "Say what the resource is" in response.content.decode()


def test_removing_something_changed_meanwhile_shows_the_newer_version(
    client: Client, cast: Cast
) -> None:
    outcome = f.make_outcome(cast.plan, text="Old words")
    url = reverse("item_remove", args=[cast.plan.code, "outcome", outcome.code])
    login(client, cast.amara)
    edit = client.post(
        edit_url(cast, outcome), outcome_data(outcome.life_area, text="New words", version=1)
    )
    assert edit.status_code == 302
    # Her removal page was opened at version 1: she sees the newer text, keeps her reason.
    response = client.post(url, {"version": 1, "reason": "Not needed any more"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this after you opened it" in body
    assert "New words" in body
    assert "Not needed any more</textarea>" in body
    assert 'name="version" value="2"' in body
    outcome.refresh_from_db()
    assert outcome.removed_at is None
    assert client.post(url, {"version": 2}).status_code == 302
    # Confirmed on the newer version, it is removed.
    outcome.refresh_from_db()
    assert outcome.removed_at is not None


def test_cancel_puts_back_only_its_area_and_is_a_folded_look(client: Client, cast: Cast) -> None:
    from plans.models import PlanView

    area = f.area(cast.plan)
    login(client, cast.ben)
    form = client.get(add_url(cast) + f"?area={area.code}", **HTMX)
    fragment_url = reverse("area_fragment", args=[cast.plan.code, area.code])
    body = form.content.decode()
    assert f'hx-get="{fragment_url}"' in body
    # Without JavaScript, Cancel is a plain link back to the area on the plan page.
    assert f'href="{reverse("plan_detail", args=[cast.plan.code])}#area-{area.code}"' in body

    response = client.get(fragment_url, **HTMX)
    assert response.status_code == 200
    assert f'id="area-{area.code}"' in response.content.decode()
    # It carries the area's content (issue 15): one "who has looked" row, and a
    # second Cancel soon after folds into it.
    client.get(fragment_url, **HTMX)
    (view,) = PlanView.objects.all()
    assert (view.page, view.detail, view.times) == ("area", area.name, 2)
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("who", ["amara", "ben"])
def test_views_that_answer_htmx_differently_say_so_to_caches(
    client: Client, cast: Cast, who: str
) -> None:
    area = f.area(cast.plan)
    login(client, getattr(cast, who))
    for headers in ({}, HTMX):
        response = client.get(add_url(cast) + f"?area={area.code}", **headers)
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
