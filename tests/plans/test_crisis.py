"""The person's crisis plan: hers at every balance, section by section, by each side.

Amara writes and her words apply; Ben's change to any section is a suggestion,
whatever the balance of any area, which Amara accepts or declines. Contacts are
plain named people with a number and when to call. Amara marks it reviewed;
Ben agrees it. Everything is in the history, and open pages learn of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import (
    CrisisAgreement,
    CrisisContact,
    CrisisPlan,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    Proposal,
    Reply,
)
from tests.conftest import Cast, login

# Each section: its URL word, its kind and a field with what is written there.
SECTIONS = [
    ("signs", "crisis_signs", {"warning_signs": "I stop sleeping and stop answering texts"}),
    ("helps", "crisis_helps", {"helps": "A walk with my sister", "does_not_help": "Being rushed"}),
    ("tell", "crisis_tell", {"tell": "My sister Efua", "do_not_tell": "My employer"}),
    (
        "treatment",
        "crisis_treatment",
        {"treatment_preferences": "Home treatment first", "do_not_want": "Haloperidol"},
    ),
    (
        "practical",
        "crisis_practical",
        {"children": "", "pets": "Efua feeds Biscuit", "bills": "Rent on the 1st", "keys": "Efua"},
    ),
]

CONTACT = {
    "name": "Efua Osei",
    "relationship": "sister",
    "number": "07700 900123",
    "by_day": "on",
    "at_weekends": "on",
}


def crisis_url(cast: Cast, name: str = "crisis_plan", *args: Any) -> str:
    return reverse(name, args=[cast.plan.code, *args])


def section_data(section: str, fields: dict[str, str], version: int = 1) -> dict[str, Any]:
    return {"version": version, **fields}


def crisis_of(cast: Cast) -> CrisisPlan:
    return CrisisPlan.objects.get(plan=cast.plan)


@pytest.mark.parametrize(("section", "kind", "fields"), SECTIONS)
def test_person_writes_each_section_and_it_applies(
    client: Client, cast: Cast, section: str, kind: str, fields: dict[str, str]
) -> None:
    login(client, cast.amara)
    url = crisis_url(cast, "crisis_section_edit", section)
    assert client.get(url).status_code == 200
    response = client.post(url, section_data(section, fields))
    assert response.status_code == 302
    assert response["Location"] == crisis_url(cast) + f"#{section}"
    crisis = crisis_of(cast)
    for name, value in fields.items():
        assert getattr(crisis, name) == value
    assert (crisis.created_by, crisis.created_side) == (cast.amara.user, "person")
    change = PlanChange.objects.get(item_type=kind)
    assert (change.action, change.actor, change.actor_side) == ("edit", cast.amara.user, "person")
    assert change.item_code == crisis.code
    assert not Proposal.objects.exists()
    page = client.get(crisis_url(cast)).content.decode()
    for value in fields.values():
        assert value in page


@pytest.mark.parametrize(("section", "kind", "fields"), SECTIONS)
@pytest.mark.parametrize("balance", list(Leadership))
def test_professional_change_is_a_suggestion_whatever_the_balance(
    client: Client, cast: Cast, section: str, kind: str, fields: dict[str, str], balance: int
) -> None:
    LifeArea.objects.filter(plan=cast.plan).update(leadership=balance)
    login(client, cast.ben)
    url = crisis_url(cast, "crisis_section_edit", section)
    form = client.get(url).content.decode()
    assert "will be sent to Amara as a suggestion" in form
    response = client.post(url, {**section_data(section, fields), "reason": "As we discussed"})
    assert response.status_code == 302
    crisis = crisis_of(cast)
    for name in fields:
        assert getattr(crisis, name) == ""  # nothing of Amara's changed
    proposal = Proposal.objects.get()
    assert (proposal.item_type, proposal.action, proposal.proposed_side) == (
        kind,
        "change",
        "professional",
    )
    assert proposal.item_code == crisis.code
    assert proposal.reason == "As we discussed"


@pytest.mark.parametrize(("section", "kind", "fields"), SECTIONS)
def test_person_accepts_or_declines_a_suggestion(
    client: Client, cast: Cast, section: str, kind: str, fields: dict[str, str]
) -> None:
    login(client, cast.ben)
    url = crisis_url(cast, "crisis_section_edit", section)
    client.post(url, section_data(section, fields))
    client.post(url, section_data(section, {k: f"{v} (again)" for k, v in fields.items()}))
    first, second = Proposal.objects.order_by("created_at", "id")

    login(client, cast.amara)
    page = client.get(crisis_url(cast)).content.decode()
    assert "Ben suggests" in page
    accept = reverse("proposal_answer", args=[cast.plan.code, first.code, "accept"])
    response = client.post(accept, {})
    assert response.status_code == 302
    assert response["Location"] == crisis_url(cast) + f"#{section}"  # back where she was
    crisis = crisis_of(cast)
    for name, value in fields.items():
        assert getattr(crisis, name) == value
    decline = reverse("proposal_answer", args=[cast.plan.code, second.code, "decline"])
    assert client.post(decline, {"reason": "I prefer my words"}).status_code == 302
    crisis.refresh_from_db()
    for name, value in fields.items():
        assert getattr(crisis, name) == value
    second.refresh_from_db()
    assert second.status == "declined"
    actions = list(PlanChange.objects.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [
        ("propose", "ben"),
        ("propose", "ben"),
        ("accept", "amara"),
        ("edit", "ben"),  # Ben's words, applied because Amara accepted them
        ("decline", "amara"),
    ]


def test_person_adds_changes_and_removes_a_contact(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    assert client.get(crisis_url(cast, "crisis_contact_add")).status_code == 200
    response = client.post(crisis_url(cast, "crisis_contact_add"), CONTACT)
    assert response.status_code == 302
    contact = CrisisContact.objects.get()
    assert (contact.by_day, contact.by_night, contact.at_weekends) == (True, False, True)
    assert contact.when_words == "day, weekends"
    edit = crisis_url(cast, "crisis_contact_edit", contact.code)
    response = client.post(edit, {**CONTACT, "by_night": "on", "version": 1})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.by_night
    remove = crisis_url(cast, "crisis_contact_remove", contact.code)
    assert client.get(remove).status_code == 200
    assert client.post(remove, {"version": 2}).status_code == 302
    contact.refresh_from_db()
    assert contact.removed_at is not None
    assert list(
        PlanChange.objects.filter(item_type="crisis_contact")
        .order_by("at", "id")
        .values_list("action", flat=True)
    ) == ["create", "edit", "remove"]


def test_professional_suggests_a_contact_and_person_accepts(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    client.post(crisis_url(cast, "crisis_contact_add"), CONTACT)
    assert not CrisisContact.objects.exists()
    proposal = Proposal.objects.get(item_type="crisis_contact", action="add")
    login(client, cast.amara)
    client.post(reverse("proposal_answer", args=[cast.plan.code, proposal.code, "accept"]), {})
    contact = CrisisContact.objects.get()
    assert (contact.name, contact.created_by) == ("Efua Osei", cast.ben.user)
    # Removing it, too, is only a suggestion from Ben.
    login(client, cast.ben)
    client.post(crisis_url(cast, "crisis_contact_remove", contact.code), {"version": 1})
    contact.refresh_from_db()
    assert contact.removed_at is None
    assert Proposal.objects.filter(item_type="crisis_contact", action="remove").exists()


@pytest.mark.parametrize(
    ("number", "accepted"),
    [("07700 900123", True), ("+44 (0)20 7946 0000", True), ("call me", False), ("12", False)],
)
def test_contact_number_must_be_a_phone_number(
    client: Client, cast: Cast, number: str, accepted: bool
) -> None:
    login(client, cast.amara)
    response = client.post(crisis_url(cast, "crisis_contact_add"), {**CONTACT, "number": number})
    assert (response.status_code == 302) == accepted
    if not accepted:
        assert response.status_code == 422
        assert "Write a phone number" in response.content.decode()
        assert not CrisisContact.objects.exists()


def test_invalid_section_reshows_what_was_typed(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    text = "x" * 2001
    response = client.post(
        crisis_url(cast, "crisis_section_edit", "signs"), {"version": 1, "warning_signs": text}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Keep this under 2000 characters" in page
    assert text in page
    assert not CrisisPlan.objects.exists()  # a refused first edit starts nothing


def test_two_people_saving_at_once_get_the_conflict_page(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    url = crisis_url(cast, "crisis_section_edit", "signs")
    client.post(url, {"version": 1, "warning_signs": "First"})
    response = client.post(url, {"version": 1, "warning_signs": "Second"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this first" in page and "Second" in page
    assert crisis_of(cast).warning_signs == "First"


def test_person_marks_reviewed_and_professional_agrees(client: Client, cast: Cast) -> None:
    login(client, cast.ben)
    assert client.post(crisis_url(cast, "crisis_reviewed")).status_code == 403
    assert client.post(crisis_url(cast, "crisis_agree")).status_code == 302
    login(client, cast.amara)
    assert client.post(crisis_url(cast, "crisis_agree")).status_code == 403
    assert client.post(crisis_url(cast, "crisis_reviewed")).status_code == 302
    crisis = crisis_of(cast)
    assert crisis.reviewed_by == cast.amara.user and crisis.reviewed_at is not None
    assert CrisisAgreement.objects.get().agreed_by == cast.ben.user
    page = client.get(crisis_url(cast)).content.decode()
    assert "Last reviewed by you on" in page
    # Ben agreed before Amara's review: the page shows only agreements since.
    assert "Agreed by Ben Okafor" not in page
    login(client, cast.ben)
    client.post(crisis_url(cast, "crisis_agree"))
    page = client.get(crisis_url(cast)).content.decode()
    assert "Agreed by Ben Okafor" in page and "Last reviewed by Amara on" in page
    assert list(PlanChange.objects.order_by("at", "id").values_list("action", "summary")) == [
        ("agree", "Agreed the crisis plan"),
        ("review", "Reviewed the crisis plan"),
        ("agree", "Agreed the crisis plan"),
    ]


def test_nothing_changes_on_a_closed_plan(client: Client, cast: Cast) -> None:
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    login(client, cast.amara)
    url = crisis_url(cast, "crisis_section_edit", "signs")
    assert client.post(url, {"version": 1, "warning_signs": "x"}).status_code == 403
    assert client.post(crisis_url(cast, "crisis_reviewed")).status_code == 403
    assert client.post(crisis_url(cast, "crisis_contact_add"), CONTACT).status_code == 403
    assert client.get(crisis_url(cast)).status_code == 200
    assert not CrisisPlan.objects.exists()


@pytest.mark.parametrize("who", ["oscar", "priya", "chloe"])
def test_outsiders_get_a_404(client: Client, cast: Cast, who: str) -> None:
    login(client, getattr(cast, who))
    for name in ("crisis_plan", "crisis_print", "crisis_card"):
        assert client.get(crisis_url(cast, name)).status_code == 404


def test_plan_page_links_to_the_crisis_plan_near_the_top(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    link = page.index(crisis_url(cast))
    assert page.index("<h1") < link < page.index('class="cp-glance"')


def test_crisis_lines_show_from_the_setting(client: Client, cast: Cast, settings: Any) -> None:
    login(client, cast.amara)
    page = client.get(crisis_url(cast)).content.decode()
    assert "NHS 111, option 2" in page and "116 123" in page
    settings.CRISIS_LINES = [("Local crisis team", "0800 000 111", "9am to 5pm")]
    for name in ("crisis_plan", "crisis_print", "crisis_card"):
        page = client.get(crisis_url(cast, name)).content.decode()
        assert "Local crisis team" in page and "116 123" not in page


def test_print_and_card(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    client.post(crisis_url(cast, "crisis_contact_add"), CONTACT)
    client.post(
        crisis_url(cast, "crisis_section_edit", "helps"),
        {"version": 1, "helps": "A walk with my sister", "does_not_help": ""},
    )
    page = client.get(crisis_url(cast))
    assert crisis_url(cast, "crisis_print") in page.content.decode()
    printed = client.get(crisis_url(cast, "crisis_print")).content.decode()
    assert "crisis_print" in printed  # the A4 print stylesheet
    assert "Efua Osei" in printed and "07700 900123" in printed
    assert "A walk with my sister" in printed
    card = client.get(crisis_url(cast, "crisis_card")).content.decode()
    assert "cp-wallet-card" in card and "07700 900123" in card


def test_replies_to_the_crisis_plan(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    client.post(
        crisis_url(cast, "crisis_section_edit", "signs"), {"version": 1, "warning_signs": "x"}
    )
    crisis = crisis_of(cast)
    login(client, cast.ben)
    url = reverse("reply_add", args=[cast.plan.code, "crisis", crisis.code])
    response = client.post(url, {"text": "I would add: call the team first"})
    assert response.status_code == 302
    assert response["Location"] == crisis_url(cast) + "#replies"
    reply = Reply.objects.get()
    assert (reply.target_type, reply.target_side, reply.author_side) == (
        "crisis",
        "person",
        "professional",
    )
    assert PlanChange.objects.filter(action="reply", item_type="crisis").exists()
    login(client, cast.amara)
    assert "I would add: call the team first" in client.get(crisis_url(cast)).content.decode()


def test_live_check(client: Client, cast: Cast) -> None:
    login(client, cast.amara)
    cast.plan.refresh_from_db()
    seen = cast.plan.version
    live = crisis_url(cast, "crisis_live") + f"?v={seen}"
    assert client.get(live).status_code == 204
    assert client.get(crisis_url(cast, "crisis_live") + "?v=x").status_code == 400
    other = Client()
    login(other, cast.amara)
    other.post(
        crisis_url(cast, "crisis_section_edit", "signs"),
        {"version": 1, "warning_signs": "Not sleeping"},
    )
    response = client.get(live, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not sleeping" in body and 'hx-swap-oob="true"' in body
    # Marked for static/js/live.js, which never replaces a reply someone is typing.
    assert "data-live" in body and "data-stale-note" in body


@pytest.mark.parametrize("who", ["amara", "ben"])
def test_pages_stay_within_a_fixed_number_of_queries(
    client: Client, cast: Cast, who: str, django_assert_max_num_queries: Any
) -> None:
    login(client, cast.amara)
    for n in range(6):
        client.post(crisis_url(cast, "crisis_contact_add"), {**CONTACT, "name": f"Friend {n}"})
    for section, _kind, fields in SECTIONS:
        client.post(crisis_url(cast, "crisis_section_edit", section), section_data(section, fields))
    assert CrisisPlan.objects.get().signs_version == 2
    login(client, cast.ben)
    for section, _kind, fields in SECTIONS:
        client.post(crisis_url(cast, "crisis_section_edit", section), section_data(section, fields))
    client.post(crisis_url(cast, "crisis_agree"))
    login(client, getattr(cast, who))
    for name in ("crisis_plan", "crisis_print", "crisis_card"):
        with django_assert_max_num_queries(16):
            assert client.get(crisis_url(cast, name)).status_code == 200


def test_who_has_looked_shows_a_professional_reading_the_crisis_plan(
    client: Client, cast: Cast
) -> None:
    login(client, cast.ben)
    for name in ("crisis_plan", "crisis_print", "crisis_card"):
        client.get(crisis_url(cast, name))
    login(client, cast.amara)
    page = client.get(reverse("who_has_looked", args=[cast.plan.code])).content.decode()
    assert "looked at your crisis plan" in page
    assert "opened the printable copy of your crisis plan" in page
    assert "opened your crisis card" in page
