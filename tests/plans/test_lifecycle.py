"""The plan's life: draft -> agreed -> active -> closed -> a new plan (issue 10, part 4),
and care coordination moving to someone else (part 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.models import Discipline
from outcomes.models import ValuedOutcome
from plans import rules
from plans.lifecycle import CARRY_NAMES
from plans.models import CareTeamMember, Expertise, Plan, PlanAgreement, PlanChange
from plans.rules import LifeAct, Role, Stage
from tests import factories as f
from tests.conftest import Cast, login

# --- the rules, as a table: stage x role x act ----------------------------------------

ALLOWED = {
    (Stage.DRAFT, Role.PERSON, LifeAct.AGREE),
    (Stage.AGREED, Role.COORDINATOR, LifeAct.AGREE),
    *(
        (stage, role, LifeAct.CLOSE)
        for stage in (Stage.DRAFT, Stage.AGREED, Stage.ACTIVE)
        for role in (Role.PERSON, Role.COORDINATOR)
    ),
    (Stage.CLOSED, Role.PERSON, LifeAct.NEW_EPISODE),
    *(
        (stage, role, LifeAct.HAND_OVER)
        for stage in (Stage.DRAFT, Stage.AGREED, Stage.ACTIVE)
        for role in (Role.COORDINATOR, Role.LEAD)
    ),
}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("act", list(LifeAct))
def test_lifecycle_rules_table(stage: Stage, role: Role, act: LifeAct) -> None:
    assert rules.may_do(stage, role, act) == ((stage, role, act) in ALLOWED)


def test_the_table_says_something_for_each_act() -> None:
    for act in LifeAct:
        assert any(a == act for _, _, a in ALLOWED), act


@pytest.mark.parametrize(
    ("status", "version", "person_agreed", "stage"),
    [
        ("draft", 5, None, Stage.DRAFT),
        ("draft", 5, 5, Stage.AGREED),
        ("draft", 6, 5, Stage.DRAFT),  # changed since the person agreed: agree again
        ("active", 9, 5, Stage.ACTIVE),
        ("active", 9, None, Stage.ACTIVE),
        ("closed", 9, 9, Stage.CLOSED),
    ],
)
def test_plan_stage(status: str, version: int, person_agreed: int | None, stage: Stage) -> None:
    assert rules.plan_stage(status, version=version, person_agreed_version=person_agreed) == stage


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def draft(cast: Cast) -> Cast:
    """Amara's plan as a draft, with Ben as its care coordinator."""
    Plan.objects.filter(pk=cast.plan.pk).update(status=Plan.Status.DRAFT)
    CareTeamMember.objects.filter(plan=cast.plan, professional=cast.ben).update(is_coordinator=True)
    cast.plan.refresh_from_db()
    return cast


def _version(plan: Plan) -> int:
    return Plan.objects.values_list("version", flat=True).get(pk=plan.pk)


def _agree(client, plan: Plan):  # type: ignore[no-untyped-def]
    return client.post(reverse("plan_agree", args=[plan.code]), {"version": _version(plan)})


def test_amara_agrees_then_ben_and_the_plan_is_active(client, draft: Cast) -> None:
    plan = draft.plan
    login(client, draft.amara)
    page = client.get(reverse("plan_detail", args=[plan.code])).content.decode()
    assert "Agree to my plan" in page
    assert client.get(reverse("plan_agree", args=[plan.code])).status_code == 200

    response = _agree(client, plan)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert PlanAgreement.objects.filter(plan=plan, side="person").count() == 1
    assert PlanChange.objects.filter(plan=plan, action="agree").count() == 1
    # Amara cannot agree twice; Ben is asked next.
    assert client.get(reverse("plan_agree", args=[plan.code])).status_code == 403

    client.force_login(draft.ben.user)
    page = client.get(reverse("plan_detail", args=[plan.code])).content.decode()
    assert "Agree to the plan, as care coordinator" in page
    assert _agree(client, plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE

    client.force_login(draft.amara.user)
    page = client.get(reverse("plan_detail", args=[plan.code])).content.decode()
    assert "Agreed by you on" in page
    assert "and by Ben Okafor on" in page
    assert "Changed since it was agreed" not in page


def test_the_coordinator_cannot_agree_before_the_person(client, draft: Cast) -> None:
    login(client, draft.ben)
    assert _agree(client, draft.plan).status_code == 403
    assert not PlanAgreement.objects.exists()


def test_another_professional_cannot_agree(client, draft: Cast) -> None:
    login(client, draft.amara)
    _agree(client, draft.plan)
    rita = f.make_professional("rita", "Rita Moss", draft.team, Discipline.NURSE)
    f.add_to_care_team(draft.plan, rita)
    client.force_login(rita.user)
    # Adding Rita changed the plan, and she is not the coordinator: neither may agree now.
    assert _agree(client, draft.plan).status_code == 403


def test_a_change_after_the_person_agreed_asks_her_again(client, draft: Cast) -> None:
    plan = draft.plan
    login(client, draft.amara)
    _agree(client, plan)
    f.make_outcome(plan, text="A change after she agreed")
    from plans.history import record  # the one writer: what any edit does

    record(None, plan, PlanChange.Action.CREATE, "An outcome was added")
    client.force_login(draft.ben.user)
    assert _agree(client, plan).status_code == 403
    client.force_login(draft.amara.user)
    assert _agree(client, plan).status_code == 302


def test_agreeing_a_plan_that_changed_since_it_was_read_is_a_409(client, draft: Cast) -> None:
    plan = draft.plan
    read = _version(plan)
    from plans.history import record

    record(None, plan, PlanChange.Action.EDIT, "Ben changed what matters to Amara")
    login(client, draft.amara)
    response = client.post(reverse("plan_agree", args=[plan.code]), {"version": read})
    assert response.status_code == 409
    page = response.content.decode()
    assert "The plan changed while you were reading it" in page
    assert "Ben changed what matters to Amara" in page
    assert not PlanAgreement.objects.exists()
    # The page offers the plan as it is now: agreeing from it works.
    assert f'value="{_version(plan)}"' in page
    assert _agree(client, plan).status_code == 302
    assert PlanAgreement.objects.filter(plan=plan).count() == 1


def test_a_stale_or_tampered_agreement_form_is_reshown(client, draft: Cast) -> None:
    login(client, draft.amara)
    url = reverse("plan_agree", args=[draft.plan.code])
    for version in ("", "abc", "-1", "99999999999999999999999"):
        response = client.post(url, {"version": version})
        assert response.status_code in (409, 422), version
    assert not PlanAgreement.objects.exists()


def _active_and_agreed(client, draft: Cast) -> Plan:  # type: ignore[no-untyped-def]
    login(client, draft.amara)
    _agree(client, draft.plan)
    client.force_login(draft.ben.user)
    _agree(client, draft.plan)
    draft.plan.refresh_from_db()
    return draft.plan


def test_a_change_to_the_agreed_plan_shows_as_such(client, draft: Cast) -> None:
    plan = _active_and_agreed(client, draft)
    agreed_at = _version(plan)
    client.force_login(draft.amara.user)
    client.post(
        reverse("about_edit", args=[plan.code]),
        {"about_admire": "", "about_matters": "My garden", "about_support": "", "version": 1},
    )
    assert _version(plan) > agreed_at
    page = client.get(reverse("plan_detail", args=[plan.code])).content.decode()
    assert "Changed since it was agreed" in page
    since = reverse("plan_history", args=[plan.code]) + f"?since={agreed_at}"
    assert since in page
    history = client.get(since).content.decode()
    assert "Showing only what changed since the plan was agreed" in history
    assert "agreed to the plan" not in history


def test_close_needs_a_reason_and_keeps_the_choice(client, draft: Cast) -> None:
    plan = _active_and_agreed(client, draft)
    client.force_login(draft.amara.user)
    url = reverse("plan_close", args=[plan.code])
    response = client.post(url, {"reason": "bored"})
    assert response.status_code == 422
    assert "Choose one of the reasons shown" in response.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Choose why the plan is closing" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE

    assert client.post(url, {"reason": "person_choice"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED
    assert plan.closed_reason == "person_choice"
    assert plan.closed_by == draft.amara.user
    entry = PlanChange.objects.get(plan=plan, action="close")
    assert "The person's choice" in entry.summary
    # Closed: nobody closes it again or agrees to it.
    assert client.get(url).status_code == 403


def test_a_professional_not_coordinating_cannot_close(client, cast: Cast) -> None:
    login(client, cast.ben)  # on the team, not the coordinator
    response = client.post(reverse("plan_close", args=[cast.plan.code]), {"reason": "moved"})
    assert response.status_code == 403


def test_the_coordinator_closes_the_plan(client, draft: Cast) -> None:
    login(client, draft.ben)
    response = client.post(reverse("plan_close", args=[draft.plan.code]), {"reason": "discharged"})
    assert response.status_code == 302
    draft.plan.refresh_from_db()
    assert draft.plan.closed_reason == "discharged"


def _closed(client, draft: Cast) -> Plan:  # type: ignore[no-untyped-def]
    plan = _active_and_agreed(client, draft)
    client.force_login(draft.amara.user)
    client.post(reverse("plan_close", args=[plan.code]), {"reason": "moved"})
    plan.refresh_from_db()
    return plan


def test_a_new_plan_carries_over_what_the_person_chooses(client, draft: Cast) -> None:
    plan = draft.plan
    Plan.objects.filter(pk=plan.pk).update(about_matters="My garden")
    working = f.make_outcome(plan, text="Back to work by the summer")
    f.make_outcome(plan, text="Done already", status=ValuedOutcome.Status.ACHIEVED)
    f.make_expertise(plan, draft.amara.user, "strengths", "I am a good cook")
    plan = _closed(client, draft)

    url = reverse("plan_new_episode", args=[plan.code])
    page = client.get(url).content.decode()
    for name in CARRY_NAMES:
        assert f'value="{name}"' in page
    response = client.post(url, {"carry": ["outcomes", "expertise"]})
    assert response.status_code == 302
    new = Plan.objects.exclude(pk=plan.pk).get(person=draft.amara)
    assert response["Location"] == reverse("plan_detail", args=[new.code])
    assert new.status == Plan.Status.DRAFT
    assert new.previous_plan == plan
    texts = list(ValuedOutcome.objects.filter(plan=new).values_list("text", flat=True))
    assert texts == [working.text]
    assert Expertise.objects.filter(plan=new, text="I am a good cook").exists()
    assert new.about_matters == ""  # not chosen
    assert not CareTeamMember.objects.filter(plan=new).exists()  # not chosen
    assert new.life_areas.count() == plan.life_areas.count()
    entry = PlanChange.objects.get(plan=new, action="create")
    assert "carrying over" in entry.summary
    # The earlier plan is unchanged, and one plan at a time.
    assert ValuedOutcome.objects.filter(plan=plan).count() == 2
    assert client.post(url, {"carry": []}).status_code == 409
    assert Plan.objects.filter(person=draft.amara).count() == 2


def test_a_new_plan_with_the_care_team_keeps_the_coordinator(client, draft: Cast) -> None:
    plan = _closed(client, draft)
    url = reverse("plan_new_episode", args=[plan.code])
    client.post(url, {"carry": ["care_team", "about"]})
    new = Plan.objects.exclude(pk=plan.pk).get(person=draft.amara)
    member = CareTeamMember.objects.get(plan=new)
    assert member.professional == draft.ben
    assert member.is_coordinator


def test_a_new_plan_with_an_unknown_choice_is_reshown(client, draft: Cast) -> None:
    plan = _closed(client, draft)
    response = client.post(
        reverse("plan_new_episode", args=[plan.code]), {"carry": ["outcomes", "crystal-ball"]}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose from the things shown" in page
    assert 'value="outcomes" checked' in page or "checked" in page
    assert Plan.objects.filter(person=draft.amara).count() == 1


def test_only_the_person_starts_a_new_plan(client, draft: Cast) -> None:
    plan = _closed(client, draft)
    client.force_login(draft.ben.user)
    assert client.post(reverse("plan_new_episode", args=[plan.code]), {}).status_code == 403


def test_earlier_plans_stay_readable_and_exportable(client, draft: Cast) -> None:
    plan = _closed(client, draft)
    client.post(reverse("plan_new_episode", args=[plan.code]), {"carry": []})
    page = client.get(reverse("earlier_plans")).content.decode()
    assert reverse("plan_detail", args=[plan.code]) in page
    assert reverse("plan_print", args=[plan.code]) in page
    assert reverse("plan_export_fhir", args=[plan.code]) in page
    assert "Moved away or to another service" in page
    assert client.get(reverse("plan_detail", args=[plan.code])).status_code == 200
    assert client.get(reverse("plan_export_fhir", args=[plan.code])).status_code == 200
    # Home is the new plan.
    new = Plan.objects.exclude(pk=plan.pk).get(person=draft.amara)
    assert client.get(reverse("home"))["Location"] == reverse("plan_detail", args=[new.code])
    # Another person sees none of it.
    client.force_login(draft.priya.user)
    assert (
        reverse("plan_detail", args=[plan.code])
        not in client.get(reverse("earlier_plans")).content.decode()
    )


# --- care coordination -------------------------------------------------------------------


def _rita(cast: Cast) -> CareTeamMember:
    rita = f.make_professional("rita", "Rita Moss", cast.team, Discipline.NURSE)
    return f.add_to_care_team(cast.plan, rita)


def test_the_coordinator_hands_over_and_the_person_is_told(client, draft: Cast) -> None:
    rita = _rita(draft)
    login(client, draft.ben)
    url = reverse("plan_hand_over", args=[draft.plan.code])
    assert "Rita Moss" in client.get(url).content.decode()
    response = client.post(url, {"to": rita.pk})
    assert response.status_code == 302
    assert CareTeamMember.objects.get(is_coordinator=True, plan=draft.plan).pk == rita.pk
    client.force_login(draft.amara.user)
    history = client.get(reverse("plan_history", args=[draft.plan.code])).content.decode()
    assert (
        "Care coordination moved from Ben Okafor (community mental health nurse) "
        "to Rita Moss (community mental health nurse)" in history
    )
    page = client.get(reverse("plan_detail", args=[draft.plan.code])).content.decode()
    assert "Care coordinator: Rita Moss" in page


def test_handing_over_to_someone_not_on_the_team_is_reshown(client, draft: Cast) -> None:
    _rita(draft)
    login(client, draft.ben)
    url = reverse("plan_hand_over", args=[draft.plan.code])
    for to in ("", "abc", str(10**9)):
        response = client.post(url, {"to": to})
        assert response.status_code == 422, to
    assert CareTeamMember.objects.get(is_coordinator=True, plan=draft.plan).professional == (
        draft.ben
    )


def test_only_the_coordinator_or_lead_hands_over(client, draft: Cast) -> None:
    rita = _rita(draft)
    client.force_login(rita.professional.user)
    url = reverse("plan_hand_over", args=[draft.plan.code])
    assert client.post(url, {"to": rita.pk}).status_code == 403


def test_the_lead_sees_active_plans_without_a_coordinator(client, cast: Cast) -> None:
    login(client, cast.chloe)
    page = client.get(reverse("team_overview")).content.decode()
    assert "Active plans with no care coordinator (1)" in page
    url = reverse("team_hand_over", args=[cast.plan.code])
    assert url in page
    ben = CareTeamMember.objects.get(plan=cast.plan, professional=cast.ben)
    assert client.post(url, {"to": ben.pk}).status_code == 302
    assert CareTeamMember.objects.get(pk=ben.pk).is_coordinator
    entry = PlanChange.objects.filter(plan=cast.plan).latest("id")
    assert entry.summary == "Ben Okafor (community mental health nurse) is now the care coordinator"
    assert entry.actor == cast.chloe.user
    page = client.get(reverse("team_overview")).content.decode()
    assert "Active plans with no care coordinator" not in page


def test_another_lead_cannot_reach_the_plan(client, cast: Cast) -> None:
    hana = f.make_professional("hana", "Hana Berg", cast.other_team, Discipline.TEAM_MANAGER)
    cast.other_team.lead = hana
    cast.other_team.save()
    client.force_login(hana.user)
    assert client.get(reverse("team_hand_over", args=[cast.plan.code])).status_code == 404
