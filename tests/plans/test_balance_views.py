"""Five balances, five behaviours, through HTTP: every action by each side at each balance.

The rules themselves are a table in test_rules.py; here each cell is driven
through the real views and the database says what happened: applied (and
whether it waits for the person's agreement), a suggestion, or refused.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.models import Side
from outcomes.models import ValuedOutcome
from plans.models import Leadership, Plan, PlanChange, Proposal, Resource
from tests import factories as f
from tests.conftest import Cast, login

APPLIED, UNAGREED, SUGGESTED, REFUSED = "applied", "applied, not yet agreed", "suggested", "refused"
PERSON, PRO = Side.PERSON, Side.PROFESSIONAL
PL, PLS, SH, PLA, PRL = list(Leadership)

# Someone's resource (not their own words): (balance, side acting, whose resource) -> outcome.
RESOURCE: dict[tuple[int, str, str], str] = {
    (PL, PERSON, PERSON): APPLIED,
    (PL, PERSON, PRO): APPLIED,
    (PL, PRO, PRO): SUGGESTED,
    (PL, PRO, PERSON): SUGGESTED,
    (PLS, PERSON, PERSON): APPLIED,
    (PLS, PERSON, PRO): APPLIED,
    (PLS, PRO, PRO): APPLIED,
    (PLS, PRO, PERSON): SUGGESTED,
    (SH, PERSON, PERSON): APPLIED,
    (SH, PERSON, PRO): SUGGESTED,
    (SH, PRO, PRO): APPLIED,
    (SH, PRO, PERSON): SUGGESTED,
    (PLA, PERSON, PERSON): APPLIED,
    (PLA, PERSON, PRO): SUGGESTED,
    (PLA, PRO, PRO): UNAGREED,
    (PLA, PRO, PERSON): UNAGREED,
    (PRL, PERSON, PERSON): APPLIED,
    (PRL, PERSON, PRO): SUGGESTED,
    (PRL, PRO, PRO): APPLIED,
    (PRL, PRO, PERSON): APPLIED,
}
AREA = "Mental wellbeing"


def _balance(cast: Cast, value: int) -> Any:
    area = f.area(cast.plan, AREA)
    area.leadership = value
    area.save()
    return area


def _actor(cast: Cast, side: str) -> Any:
    return cast.amara if side == PERSON else cast.ben


def _post(client: Client, cast: Cast, act: str, kind: str, item: Any, data: dict) -> int:
    if act == "add":
        url = reverse("item_add", args=[cast.plan.code, kind])
    else:
        url = reverse(
            f"item_{'edit' if act == 'change' else 'remove'}",
            args=[cast.plan.code, kind, item.code],
        )
    return client.post(url, data).status_code


def _what_happened(status: int, model: Any, before: int, item: Any, field: str, new: str) -> str:
    if status == 403:
        return REFUSED
    assert status == 302, status
    if Proposal.objects.exists():
        assert model.objects.count() == before
        if item is not None:
            item.refresh_from_db()
            assert getattr(item, field) != new and item.removed_at is None
        return SUGGESTED
    changed = model.objects.filter(**{field: new}).first() or (
        item is not None and model.objects.filter(pk=item.pk, removed_at__isnull=False).first()
    )
    assert changed, "neither applied nor suggested"
    return UNAGREED if changed.awaiting_agreement else APPLIED


def _resource_data(cast: Cast, area: Any, item: Any, name: str) -> dict:
    data = {"area": str(area.code), "name": name, "control": "our_service", "reason": "why"}
    if item is not None:
        data["version"] = item.version
    return data


CASES = [
    (balance, side, act, owner, RESOURCE[(balance, side, owner if act != "add" else side)])
    for balance, side, act, owner in itertools.product(
        Leadership, Side, ["add", "change", "remove"], Side
    )
    if act != "add" or owner == side  # a new resource is its writer's own
]


def test_every_cell_is_driven() -> None:
    assert len(CASES) == 5 * 2 * (1 + 2 + 2) == 50


@pytest.mark.parametrize(("balance", "side", "act", "owner", "expected"), CASES)
def test_resource(
    client: Client, cast: Cast, balance: int, side: str, act: str, owner: str, expected: str
) -> None:
    area = _balance(cast, balance)
    item = None
    if act != "add":
        item = f.make_resource(
            cast.plan, by=_actor(cast, owner).user, area_name=AREA, name="Old name"
        )
    before = Resource.objects.count()
    login(client, _actor(cast, side))
    status = _post(
        client, cast, act, "resource", item, _resource_data(cast, area, item, "New name")
    )
    assert _what_happened(status, Resource, before, item, "name", "New name") == expected


OUTCOME_CASES = list(itertools.product(Leadership, Side, ["add", "change", "remove"]))


@pytest.mark.parametrize(("balance", "side", "act"), OUTCOME_CASES)
def test_the_persons_outcome_is_hers_at_every_balance(
    client: Client, cast: Cast, balance: int, side: str, act: str
) -> None:
    area = _balance(cast, balance)
    item = None if act == "add" else f.make_outcome(cast.plan, area_name=AREA, text="Old words")
    before = ValuedOutcome.objects.count()
    login(client, _actor(cast, side))
    data: dict[str, Any] = {
        "area": str(area.code),
        "text": "New words",
        "status": "let_go",
        "reason": "why",
    }
    if item is not None:
        data["version"] = item.version
    status = _post(client, cast, act, "outcome", item, data)
    expected = APPLIED if side == PERSON else SUGGESTED
    assert _what_happened(status, ValuedOutcome, before, item, "text", "New words") == expected


@pytest.mark.parametrize(
    ("side", "act"), list(itertools.product(Side, ["add", "change", "remove"]))
)
def test_nothing_changes_on_a_closed_plan(client: Client, cast: Cast, side: str, act: str) -> None:
    area = _balance(cast, SH)
    item = (
        None
        if act == "add"
        else f.make_resource(cast.plan, by=_actor(cast, side).user, area_name=AREA)
    )
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.CLOSED)
    login(client, _actor(cast, side))
    status = _post(
        client, cast, act, "resource", item, _resource_data(cast, area, item, "New name")
    )
    assert _what_happened(status, Resource, 0, item, "name", "New name") == REFUSED


def test_agreeing_one_item_and_all_in_an_area(client: Client, cast: Cast) -> None:
    area = _balance(cast, PLA)
    login(client, cast.ben)
    for name in ("First", "Second", "Third"):
        client.post(
            reverse("item_add", args=[cast.plan.code, "resource"]),
            _resource_data(cast, area, None, name),
        )
    assert Resource.objects.not_yet_agreed().count() == 3
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Not yet agreed by Amara (3)" in page
    assert "3 things here not yet agreed by Amara." in page
    assert "I agree" not in page  # only Amara agrees

    first = Resource.objects.get(name="First")
    assert (
        client.post(
            reverse("item_agree", args=[cast.plan.code, "resource", first.code])
        ).status_code
        == 403
    )

    login(client, cast.amara)
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Waiting for you to agree (3)" in page
    assert "You have not agreed to 3 things here yet." in page
    assert (
        client.post(
            reverse("item_agree", args=[cast.plan.code, "resource", first.code])
        ).status_code
        == 302
    )
    assert Resource.objects.not_yet_agreed().count() == 2
    assert client.post(reverse("area_agree", args=[cast.plan.code, area.code])).status_code == 302
    assert not Resource.objects.not_yet_agreed().exists()
    summaries = list(
        PlanChange.objects.filter(action="agree").order_by("id").values_list("summary", flat=True)
    )
    assert summaries == ["Agreed with resource: First", f"Agreed with everything in {AREA} (2)"]
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Waiting for you to agree" not in page


def test_a_professional_change_waits_again_for_agreement_until_the_person_changes_it(
    client: Client, cast: Cast
) -> None:
    area = _balance(cast, PLA)
    item = f.make_resource(cast.plan, by=cast.amara.user, area_name=AREA, name="Mine")
    login(client, cast.ben)
    client.post(
        reverse("item_edit", args=[cast.plan.code, "resource", item.code]),
        _resource_data(cast, area, item, "Ben's"),
    )
    item.refresh_from_db()
    assert (item.name, item.awaiting_agreement) == ("Ben's", True)
    login(client, cast.amara)
    client.post(
        reverse("item_edit", args=[cast.plan.code, "resource", item.code]),
        _resource_data(cast, area, item, "Mine again"),
    )
    item.refresh_from_db()
    assert (item.name, item.awaiting_agreement) == ("Mine again", False)


def test_where_the_person_leads_with_support_she_sees_what_ben_added(
    client: Client, cast: Cast
) -> None:
    area = _balance(cast, PLS)
    login(client, cast.ben)
    client.post(
        reverse("item_add", args=[cast.plan.code, "resource"]),
        _resource_data(cast, area, None, "Peer group"),
    )
    assert Resource.objects.get().name == "Peer group"
    assert PlanChange.objects.get().summary == "Added resource: Peer group"
    login(client, cast.amara)
    page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
    assert "Added by Ben Okafor — you can reply or ask to change it." in page


@pytest.mark.parametrize("balance", list(Leadership))
def test_each_area_says_what_its_balance_means_to_each_side(
    client: Client, cast: Cast, balance: int
) -> None:
    from plans.rules import balance_sentence

    _balance(cast, balance)
    for who, side in ((cast.amara, PERSON), (cast.ben, PRO)):
        login(client, who)
        page = client.get(reverse("plan_detail", args=[cast.plan.code])).content.decode()
        assert balance_sentence(balance, side, "Amara").replace("'", "&#x27;") in page


def test_the_persons_reply_answers_not_yet_agreed_and_a_professionals_does_not(
    client: Client, cast: Cast
) -> None:
    area = _balance(cast, PLA)
    item = f.make_resource(cast.plan, by=cast.amara.user, area_name=AREA, name="Mine")
    login(client, cast.ben)
    client.post(
        reverse("item_edit", args=[cast.plan.code, "resource", item.code]),
        _resource_data(cast, area, item, "Ben's"),
    )
    reply_url = reverse("reply_add", args=[cast.plan.code, "resource", item.code])
    assert client.post(reply_url, {"text": "Tell Amara why"}).status_code == 302
    item.refresh_from_db()
    assert item.awaiting_agreement  # Ben's own reply answers nothing

    login(client, cast.amara)
    assert client.post(reply_url, {"text": "I would add: Tuesdays"}).status_code == 302
    item.refresh_from_db()
    assert not item.awaiting_agreement
    summaries = list(
        PlanChange.objects.filter(action__in=["reply", "agree"])
        .order_by("id")
        .values_list("action", "summary")
    )
    assert summaries[-2:] == [
        ("reply", "Replied to resource “Ben's”: I would add: Tuesdays"),
        ("agree", "Replied to resource: Ben's"),
    ]
