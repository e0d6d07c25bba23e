"""Supporters: the people on the person's side, through the pages the person and they use.

efua is Amara's sister, invited by Amara; Ben is on Amara's care team.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from coproduce.plan_page.fhir import plan_bundle, plan_for_export
from plans.models import (
    Commitment,
    Leadership,
    LifeArea,
    PlanChange,
    PlanView,
    Proposal,
    Resource,
    Supporter,
    SupporterSuggestion,
)
from tests import factories as f
from tests.conftest import Cast, login
from tests.onboarding.conftest import IMMEDIATE_TASKS

pytestmark = pytest.mark.django_db


def _plan_url(cast: Cast, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"code": cast.plan.code, **kwargs})


def _efua(
    cast: Cast, *, may_see: bool = True, may_suggest: bool = True, may_be_named: bool = True
) -> Supporter:
    return f.make_supporter(
        cast.plan,
        "efua",
        "Efua Osei",
        may_see=may_see,
        may_suggest=may_suggest,
        may_be_named=may_be_named,
    )


def _as(client: Client, supporter: Supporter) -> Client:
    client.force_login(supporter.user)
    return client


def _suggest_resource(client: Client, cast: Cast, name: str = "Walking group") -> Any:
    area = f.area(cast.plan)
    return client.post(
        _plan_url(cast, "item_add", kind_name="resource"),
        {"area": str(area.code), "name": name, "control": "personal", "reason": "It helps"},
    )


# --- inviting ------------------------------------------------------------------------


@pytest.fixture
def immediate_email(settings: Any) -> None:
    settings.TASKS = IMMEDIATE_TASKS


def test_amara_invites_her_sister_by_email(
    client: Client, cast: Cast, immediate_email: None, django_capture_on_commit_callbacks: Any
) -> None:
    login(client, cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _plan_url(cast, "supporter_invite"),
            {
                "full_name": "Efua Osei",
                "email": "Efua@Example.org",
                "relationship": "family",
                "may_see": "on",
                "may_suggest": "on",
            },
        )

    assert response.status_code == 302
    supporter = Supporter.objects.get(person=cast.amara)
    assert supporter.user.email == "efua@example.org"
    assert (supporter.may_see, supporter.may_suggest, supporter.may_be_named) == (
        True,
        True,
        False,
    )
    assert not supporter.user.has_usable_password()  # until she accepts the invitation
    [message] = mail.outbox
    assert message.to == ["efua@example.org"]
    assert "/welcome/" in message.body
    assert "Amara" not in message.body  # no plan content, not even whose
    change = PlanChange.objects.filter(plan=cast.plan, action=PlanChange.Action.ACCESS).first()
    assert change is not None and "Efua Osei (family)" in change.summary


def test_an_invitation_with_mistakes_is_shown_again_with_messages(
    client: Client, cast: Cast
) -> None:
    login(client, cast.amara)
    response = client.post(
        _plan_url(cast, "supporter_invite"),
        {"full_name": "", "email": "not-an-email", "may_suggest": "on"},
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter an email address like name@example.com" in body
    assert "Choose who they are to you" in body
    assert "To suggest changes they need to see your plan too." in body
    assert not Supporter.objects.exists()


def test_amara_cannot_invite_herself_or_the_same_person_twice(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    efua.user.email = "efua@example.org"
    efua.user.save()
    cast.amara.user.email = "amara@example.org"
    cast.amara.user.save()
    login(client, cast.amara)
    for email, message in [
        ("amara@example.org", "This is your own email address."),
        ("efua@example.org", "already one of your supporters"),
    ]:
        response = client.post(
            _plan_url(cast, "supporter_invite"),
            {"full_name": "X", "email": email, "relationship": "friend", "may_see": "on"},
        )
        assert response.status_code == 422
        assert message in response.content.decode()
    assert Supporter.objects.count() == 1


# --- seeing --------------------------------------------------------------------------


def test_a_supporter_who_may_only_look_sees_the_plan_and_no_way_to_change_it(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    efua = _efua(cast, may_suggest=False)
    f.make_outcome(cast.plan, text="Back to work by the summer")
    _as(client, efua)

    with django_assert_max_num_queries(40):
        response = client.get(_plan_url(cast, "plan_detail"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Back to work by the summer" in body
    assert "You support Amara: what you suggest goes to Amara first" in body
    for absent in ("Suggest a change", "Rate progress", "Start a review", "History of changes"):
        assert absent not in body
    assert client.get(_plan_url(cast, "item_add", kind_name="resource")).status_code == 403
    # Everything else about the plan is not a supporter's: as if it did not exist.
    for name in ("plan_history", "plan_print", "plan_export_fhir", "review_list"):
        assert client.get(_plan_url(cast, name)).status_code == 404


def test_a_supporter_lands_on_the_plan_and_their_look_is_in_who_has_looked(
    client: Client, cast: Cast
) -> None:
    efua = _efua(cast)
    response = _as(client, efua).get(reverse("home"))
    assert response["Location"] == _plan_url(cast, "plan_detail")

    client.get(_plan_url(cast, "plan_detail"))

    assert PlanView.objects.filter(plan=cast.plan, viewer=efua.user, page="plan").exists()
    page = login(Client(), cast.amara).get(_plan_url(cast, "who_has_looked"))
    assert "Efua Osei, one of the people on your side, looked at your plan" in " ".join(
        page.content.decode().split()
    )


def test_people_who_help_me_lists_supporters_and_what_each_may_do(
    client: Client, cast: Cast
) -> None:
    _efua(cast)
    login(client, cast.amara)

    body = client.get(_plan_url(cast, "care_team")).content.decode()

    assert "People on my side" in body
    assert "Efua Osei</strong>, family" in body
    assert "Can see my plan and suggest changes to me." in body


# --- suggesting ----------------------------------------------------------------------


def test_a_supporters_suggestion_goes_to_the_person_alone(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    changes_before = PlanChange.objects.filter(plan=cast.plan).count()

    response = _suggest_resource(_as(client, efua), cast)

    assert response.status_code == 302
    suggestion = SupporterSuggestion.objects.get()
    assert suggestion.supporter == efua
    assert suggestion.summary == "Add resource: Walking group"
    # Nothing on the plan, nothing in its history, nothing for the care team.
    assert not Resource.objects.filter(plan=cast.plan).exists()
    assert not Proposal.objects.filter(plan=cast.plan).exists()
    assert PlanChange.objects.filter(plan=cast.plan).count() == changes_before
    ben = login(Client(), cast.ben)
    assert "Walking group" not in ben.get(_plan_url(cast, "plan_detail")).content.decode()
    assert ben.get(_plan_url(cast, "supporter_suggestions")).status_code == 403
    amara = login(Client(), cast.amara)
    assert "Walking group" in amara.get(_plan_url(cast, "supporter_suggestions")).content.decode()


def test_amara_takes_up_efuas_suggestion_as_her_own_edit(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    _suggest_resource(_as(client, efua), cast)
    suggestion = SupporterSuggestion.objects.get()
    amara = login(Client(), cast.amara)

    response = amara.post(
        _plan_url(
            cast, "supporter_suggestion_answer", suggestion_code=suggestion.code, answer="take-up"
        )
    )

    assert response.status_code == 302
    resource = Resource.objects.get(plan=cast.plan)
    assert resource.name == "Walking group"
    assert (resource.created_by, resource.created_side) == (cast.amara.user, "person")
    change = PlanChange.objects.filter(plan=cast.plan).first()
    assert change is not None
    assert (change.actor, change.summary) == (cast.amara.user, "Added resource: Walking group")
    suggestion.refresh_from_db()
    assert suggestion.status == SupporterSuggestion.Status.ACCEPTED
    # Answered once: a second answer changes nothing.
    again = amara.post(
        _plan_url(
            cast, "supporter_suggestion_answer", suggestion_code=suggestion.code, answer="take-up"
        )
    )
    assert again.status_code == 302
    assert Resource.objects.filter(plan=cast.plan).count() == 1


def test_where_the_care_team_leads_taking_it_up_is_amaras_suggestion_to_them(
    client: Client, cast: Cast
) -> None:
    area = f.area(cast.plan)
    LifeArea.objects.filter(pk=area.pk).update(leadership=Leadership.PROFESSIONAL_LEADS)
    resource = f.make_resource(cast.plan, by=cast.ben.user)
    efua = _efua(cast)
    _as(client, efua).post(
        _plan_url(cast, "item_remove", kind_name="resource", item_code=resource.code),
        {"version": str(resource.version), "reason": "It closed"},
    )
    suggestion = SupporterSuggestion.objects.get()

    login(Client(), cast.amara).post(
        _plan_url(
            cast, "supporter_suggestion_answer", suggestion_code=suggestion.code, answer="take-up"
        )
    )

    proposal = Proposal.objects.get(plan=cast.plan)
    assert (proposal.proposed_by, proposal.action) == (cast.amara.user, "remove")
    resource.refresh_from_db()
    assert resource.removed_at is None


def test_declining_and_withdrawing(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    _as(client, efua)
    _suggest_resource(client, cast, "First")
    _suggest_resource(client, cast, "Second")
    first, second = SupporterSuggestion.objects.order_by("created_at", "pk")
    amara = login(Client(), cast.amara)

    amara.post(
        _plan_url(cast, "supporter_suggestion_answer", suggestion_code=first.code, answer="decline")
    )
    # Amara does not withdraw Efua's suggestion; Efua does not answer her own.
    answer_url = _plan_url(
        cast, "supporter_suggestion_answer", suggestion_code=second.code, answer="withdraw"
    )
    assert amara.post(answer_url).status_code == 403
    take_up_url = _plan_url(
        cast, "supporter_suggestion_answer", suggestion_code=second.code, answer="take-up"
    )
    assert client.post(take_up_url).status_code == 403
    assert client.post(answer_url).status_code == 302

    statuses = dict(SupporterSuggestion.objects.values_list("summary", "status"))
    assert statuses == {"Add resource: First": "declined", "Add resource: Second": "withdrawn"}
    assert not Resource.objects.exists()


# --- removing ------------------------------------------------------------------------


def test_removal_takes_effect_on_the_very_next_request(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    _as(client, efua)
    plan_url = _plan_url(cast, "plan_detail")
    assert client.get(plan_url).status_code == 200
    version = cast.plan.version

    amara = login(Client(), cast.amara)
    response = amara.post(_plan_url(cast, "supporter_remove", supporter_code=efua.code))
    assert response.status_code == 302

    assert client.get(plan_url).status_code == 404
    live = client.get(_plan_url(cast, "plan_live"), {"v": version}, headers={"HX-Request": "true"})
    assert live.status_code == 404
    assert live["HX-Redirect"] == reverse("access_ended")
    assert _suggest_resource(client, cast).status_code == 404
    efua.refresh_from_db()
    assert efua.removed_at is not None
    body = amara.get(_plan_url(cast, "care_team")).content.decode()
    assert "Efua Osei, family (on my side): from" in body


def test_permissions_change_on_the_next_request(client: Client, cast: Cast) -> None:
    efua = _efua(cast)
    _as(client, efua)
    add = _plan_url(cast, "item_add", kind_name="resource") + f"?area={f.area(cast.plan).code}"
    assert client.get(add).status_code == 200

    login(Client(), cast.amara).post(
        _plan_url(cast, "supporter_detail", supporter_code=efua.code), {"may_see": "on"}
    )

    assert client.get(add).status_code == 403
    login(Client(), cast.amara).post(
        _plan_url(cast, "supporter_detail", supporter_code=efua.code), {}
    )
    assert client.get(_plan_url(cast, "plan_detail")).status_code == 404


# --- commitments can name anyone -----------------------------------------------------


def test_a_commitment_names_a_supporter_an_outside_service_or_anyone(
    client: Client, cast: Cast
) -> None:
    efua = _efua(cast)
    area = f.area(cast.plan)
    login(client, cast.amara)
    add = _plan_url(cast, "item_add", kind_name="commitment")
    form = client.get(add, {"area": str(area.code)}).content.decode()
    assert "Efua Osei (family, on the person&#x27;s side)" in form

    for who, name, what in [
        (str(efua.user_id), "", "drive me to the appointment"),
        ("service", "Citizens Advice", "check my benefits"),
        ("community", "The Tuesday walking group", "walk with me"),
    ]:
        response = client.post(
            add,
            {"area": str(area.code), "who": who, "who_name": name, "what": what, "status": "open"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
    missing_name = client.post(
        add, {"area": str(area.code), "who": "service", "what": "x", "status": "open"}
    )
    assert missing_name.status_code == 422
    assert "Write the name of the service, group or person." in missing_name.content.decode()

    rows = {c.what: (c.who_kind, c.who_label, c.who_side) for c in Commitment.objects.all()}
    assert rows == {
        "drive me to the appointment": ("account", "Efua Osei", "person"),
        "check my benefits": ("service", "Citizens Advice", "professional"),
        "walk with me": ("community", "The Tuesday walking group", "person"),
    }
    body = client.get(_plan_url(cast, "plan_detail")).content.decode()
    assert "<strong>Citizens Advice:</strong> check my benefits" in body


def test_a_supporter_not_to_be_named_is_not_offered(client: Client, cast: Cast) -> None:
    _efua(cast, may_be_named=False)
    login(client, cast.amara)
    area = f.area(cast.plan)
    form = client.get(
        _plan_url(cast, "item_add", kind_name="commitment"), {"area": str(area.code)}
    ).content.decode()
    assert "Efua Osei" not in form


# --- the export ----------------------------------------------------------------------


def test_the_export_has_supporters_as_related_people_and_named_performers(
    client: Client, cast: Cast
) -> None:
    efua = _efua(cast)
    area = f.area(cast.plan)
    login(client, cast.amara).post(
        _plan_url(cast, "item_add", kind_name="commitment"),
        {
            "area": str(area.code),
            "who": "service",
            "who_name": "Citizens Advice",
            "what": "help",
            "status": "open",
        },
    )

    bundle = plan_bundle(plan_for_export(cast.plan.code))

    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    [related] = [r for r in resources if r["resourceType"] == "RelatedPerson"]
    assert related["name"][0]["text"] == "Efua Osei"
    assert related["relationship"] == [{"text": "Family"}]
    assert related["active"] is True
    [care_team] = [r for r in resources if r["resourceType"] == "CareTeam"]
    supporters = [
        p for p in care_team["participant"] if p["role"][0]["text"].startswith("Supporter")
    ]
    assert supporters[0]["member"]["reference"] == f"urn:uuid:{related['id']}"
    [care_plan] = [r for r in resources if r["resourceType"] == "CarePlan"]
    performers = [a["detail"]["performer"] for a in care_plan["activity"]]
    assert [{"display": "Citizens Advice"}] in performers
    references = {
        node["reference"]
        for node in _walk(bundle)
        if isinstance(node, dict) and "reference" in node
    }
    assert references <= {entry["fullUrl"] for entry in bundle["entry"]}
    assert related["id"] != efua.user.pk  # a derived id, not the database's


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


# --- the new pages stay flat as they grow ------------------------------------------


def test_the_supporter_pages_take_a_fixed_number_of_queries(
    client: Client, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    efua = _efua(cast)
    _as(client, efua)
    for number in range(3):
        _suggest_resource(client, cast, f"Idea {number}")
    for number in range(3):
        f.make_supporter(cast.plan, f"friend{number}", f"Friend {number}", relationship="friend")
    amara = login(Client(), cast.amara)
    pages = [
        (amara, _plan_url(cast, "care_team")),
        (amara, _plan_url(cast, "supporter_suggestions")),
        (amara, _plan_url(cast, "supporter_detail", supporter_code=efua.code)),
        (client, _plan_url(cast, "supporter_suggestions")),
    ]
    for who, url in pages:
        with django_assert_max_num_queries(12):
            assert who.get(url).status_code == 200
    for number in range(3, 10):
        _suggest_resource(client, cast, f"Idea {number}")
        f.make_supporter(cast.plan, f"more{number}", f"More {number}", relationship="carer")
    for who, url in pages:
        with django_assert_max_num_queries(12):
            assert who.get(url).status_code == 200


def test_efua_accepts_her_invitation_and_lands_on_amaras_plan(
    client: Client, cast: Cast, immediate_email: None, django_capture_on_commit_callbacks: Any
) -> None:
    amara = login(Client(), cast.amara)
    with django_capture_on_commit_callbacks(execute=True):
        amara.post(
            _plan_url(cast, "supporter_invite"),
            {
                "full_name": "Efua Osei",
                "email": "efua@example.org",
                "relationship": "family",
                "may_see": "on",
            },
        )
    [message] = mail.outbox
    welcome = next(word for word in message.body.split() if "/welcome/" in word)
    path = welcome[welcome.index("/welcome/") :]

    page = client.get(path)
    assert "Someone has asked you to be on their side." in page.content.decode()
    password = "a-long-new-password-for-efua"
    response = client.post(
        path, {"username": "efua", "new_password1": password, "new_password2": password}
    )

    assert response.status_code == 302
    landing = client.get(reverse("home"))
    assert landing["Location"] == _plan_url(cast, "plan_detail")
    assert client.get(landing["Location"]).status_code == 200


def test_a_supporter_is_not_offered_the_crisis_plan(client: Client, cast: Cast) -> None:
    # The crisis plan says whom to tell and whom not to: it stays with Amara and
    # her care team, so her plan page does not link a supporter to a 404.
    efua = _efua(cast)
    crisis = _plan_url(cast, "crisis_plan")
    client.force_login(efua.user)
    page = client.get(_plan_url(cast, "plan_detail")).content.decode()
    assert crisis not in page
    assert client.get(crisis).status_code == 404
    login(client, cast.amara)
    assert crisis in client.get(_plan_url(cast, "plan_detail")).content.decode()
