"""What the demo shows, and running seed_demo again, from one demo written for the module.

Writing the demo through the services takes seconds, so the tests here share
one copy, rolled back when the module ends; each test runs in its own
transaction on top of it, so one that runs seed_demo again (idempotence, the
logins, --reset, the synthetic caseload) leaves the next the demo as it was.
The synthetic caseload's history is checked in tests/test_seed_demo.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from coproduce.demo.builder import demo_usernames
from coproduce.demo.content import DEMO_PASSWORD, DEMO_TEAM_NAME
from coproduce.demo.synthetic import SYNTHETIC_PERSON_PREFIX, SYNTHETIC_TEAM_NAME, build_synthetic
from coproduce.models import SUPPORTER, Person, Professional, Side, Team, User
from outcomes.models import Rating, ValuedOutcome
from plans.access import get_plan_for_user
from plans.models import (
    AccessRequest,
    CareTeamMember,
    Commitment,
    CrisisAgreement,
    CrisisContact,
    CrisisPlan,
    Expertise,
    Leadership,
    LifeArea,
    Plan,
    PlanChange,
    PlanView,
    Proposal,
    Resource,
    Supporter,
    SupporterSuggestion,
)

PROJECT_APPS = ("coproduce", "plans", "outcomes")
AUTHORED: tuple[type[Model], ...] = (Expertise, Resource, Commitment, ValuedOutcome, LifeArea)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models = list(apps.get_models(include_auto_created=True))
    return {
        m._meta.label: m._default_manager.count()
        for m in models
        if m._meta.app_label in PROJECT_APPS
    }


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, written once for the module; what seed_demo printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_demo_personas_have_the_right_profiles() -> None:
    amara = User.objects.get(username="amara")
    ben = User.objects.get(username="ben")
    chloe = User.objects.get(username="chloe")
    assert amara.side == Side.PERSON
    assert ben.side == Side.PROFESSIONAL
    plan = Plan.objects.get(person__user=amara)
    assert plan.status == Plan.Status.ACTIVE
    assert list(plan.life_areas.filter(is_default=True).values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    current = CareTeamMember.objects.current().filter(plan=plan)
    assert current.filter(professional__user=ben).exists()
    assert not current.filter(professional__user=chloe).exists()
    team = Team.objects.get(name=DEMO_TEAM_NAME)
    assert team.lead == chloe.professional
    assert ben.professional.team == team
    # Ben can open Amara's plan through the one access module.
    assert get_plan_for_user(ben, plan.code).plan == plan
    assert set(Plan.objects.values_list("status", flat=True)) == {"draft", "active", "closed"}
    # Suggestions both waiting and answered, and Amara asking to share leadership again.
    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert {"pending", "accepted", "declined"} <= statuses
    assert plan.proposals.filter(
        action=Proposal.Action.LEADERSHIP, status="pending", proposed_by=amara
    ).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_item_is_written_by_someone_from_the_side_it_claims() -> None:
    care_teams: dict[int, set[int]] = {}
    for plan_id, user_id in CareTeamMember.objects.values_list("plan_id", "professional__user_id"):
        care_teams.setdefault(plan_id, set()).add(user_id)
    owners = dict(Plan.objects.values_list("pk", "person__user_id"))
    checked = 0
    for model in AUTHORED:
        items: Any = model._default_manager.select_related(
            "created_by__person", "created_by__professional"
        )
        for item in items:
            author = item.created_by
            assert author.side == item.created_side, (model.__name__, item.pk)
            if item.created_side == Side.PERSON:
                assert author.pk == owners[item.plan_id]
            else:
                assert author.pk in care_teams[item.plan_id]
            checked += 1
    assert checked > 200
    both_sides = {Side.PERSON, Side.PROFESSIONAL}
    for model in (Expertise, Resource, Commitment):
        assert set(model._default_manager.values_list("created_side", flat=True)) == both_sides


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_ratings_are_in_range_and_amara_has_both_sides() -> None:
    scores = list(Rating.objects.values_list("score", flat=True))
    assert scores
    assert min(scores) >= 1
    assert max(scores) <= 10
    amara_ratings = Rating.objects.filter(plan__person__user__username="amara")
    # Both sides, and Efua's own view (the person lets her rate: a third view).
    assert set(amara_ratings.values_list("side", flat=True)) == {
        Side.PERSON,
        Side.PROFESSIONAL,
        SUPPORTER,
    }
    efuas = amara_ratings.get(side=SUPPORTER)
    assert efuas.rated_by.username == "efua"
    # Each rating comes from the side its rater is on; a supporter's from someone
    # the person lets rate.
    for rating in Rating.objects.select_related(
        "rated_by__person", "rated_by__professional", "plan__person"
    ):
        if rating.side == SUPPORTER:
            assert (
                rating.plan.person.supporters.current()
                .filter(user=rating.rated_by, may_rate=True)
                .exists()
            )
        else:
            assert rating.rated_by.side == rating.side


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_nothing_on_a_plan_predates_the_plan() -> None:
    started = {plan.pk: plan.created_at for plan in Plan.objects.all()}
    for model in AUTHORED:
        for plan_id, created_at in model._default_manager.values_list("plan_id", "created_at"):
            assert created_at >= started[plan_id], model.__name__
    for plan_id, rated_on in Rating.objects.values_list("plan_id", "rated_on"):
        assert rated_on >= started[plan_id].date()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_history_is_numbered_in_time_order_as_the_services_number_it() -> None:
    now = timezone.now()
    for plan in Plan.objects.all():
        numbered = list(plan.changes.order_by("plan_version").values_list("plan_version", "at"))
        assert [number for number, _ in numbered] == list(range(2, plan.version + 1))
        moments = [when for _, when in numbered]
        assert moments == sorted(moments), plan
        assert moments[-1] < now
    # Only wordings the services write: no "Plan created", no "Review held".
    assert not PlanChange.objects.filter(item_type="plan").exists()
    assert not PlanChange.objects.filter(summary__contains="Review held").exists()
    assert PlanChange.objects.filter(summary__startswith="Completed the review").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_where_the_person_leads_a_professional_s_resource_was_a_suggestion_she_accepted() -> None:
    amara = Plan.objects.get(person__user__username="amara")
    by_professionals = Resource.objects.filter(plan=amara, created_side=Side.PROFESSIONAL)
    assert by_professionals.exists()
    # Where she leads alone (issue 9: where she leads with support, a professional's own
    # resource applies at once and she is told; tests/plans/test_balance_views.py).
    led_alone = by_professionals.filter(life_area__leadership=Leadership.PERSON_LEADS)
    assert led_alone.exists()
    for resource in led_alone:
        added = amara.changes.get(item_code=resource.code, action="create")
        assert added.proposal is not None
        assert added.proposal.status == Proposal.Status.ACCEPTED
        assert added.proposal.answered_by == amara.person.user


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_request_to_join_waits_and_the_care_teams_have_looked_where_nobody_waits() -> None:
    request = AccessRequest.objects.get(plan__person__user__username="james")
    assert request.status == AccessRequest.Status.PENDING
    assert request.professional.user.username == "hana"
    assert PlanView.objects.filter(plan=request.plan, viewer__username="ben").exists()
    # Amara is waiting for an answer on Mental wellbeing: her care team has not looked since.
    assert not PlanView.objects.filter(plan__person__user__username="amara").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_demo_and_a_synthetic_caseload_verify() -> None:
    """Their history chains are intact (plans.history_chain), as verify_history checks."""
    build_synthetic(12, batch_people=5)

    out, err = StringIO(), StringIO()
    call_command("verify_history", stdout=out, stderr=err)
    report = out.getvalue() + err.getvalue()

    plans = Plan.objects.count()
    assert f"{plans} plans, {PlanChange.objects.count()} history entries checked" in report
    assert "every chain is intact" in report
    assert not PlanChange.objects.filter(entry_hash="").exists()


# --- running seed_demo again, on top of the module's demo -------------------------------


@pytest.mark.django_db
def test_running_twice_gives_the_same_counts_and_prints_the_logins(demo: str) -> None:
    output = demo  # what the first run printed
    first = counts()
    again = seed()
    assert counts() == first
    assert first["coproduce.Person"] == 12
    assert first["plans.Plan"] == 12
    assert first["outcomes.Rating"] > 100
    assert first["plans.PlanChange"] >= 12
    for text in (output, again):
        for username in ("amara", "ben", "chloe"):
            assert username in text
        assert DEMO_PASSWORD in text


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_demo_logins_work_and_are_reset_by_a_second_run() -> None:
    assert authenticate(username="amara", password=DEMO_PASSWORD) is not None
    User.objects.filter(username="ben").update(password="!")  # unusable
    seed()
    hashes = set(User.objects.filter(username__in=demo_usernames()).values_list("password"))
    assert len(hashes) == 1  # one hash, shared: the second run reset ben's
    assert authenticate(username="ben", password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_synthetic_caseload_is_added_once() -> None:
    before = Person.objects.count()
    seed("--people", "30")
    synthetic = Person.objects.filter(user__username__startswith=SYNTHETIC_PERSON_PREFIX)
    assert synthetic.count() == 30
    assert Person.objects.count() == before + 30
    plans = Plan.objects.filter(person__in=synthetic)
    assert plans.count() == 30
    assert ValuedOutcome.objects.filter(plan__in=plans).count() >= 30 * 4
    assert Rating.objects.filter(plan__in=plans).exists()
    assert LifeArea.objects.filter(plan__in=plans).count() == 30 * 7
    team = Team.objects.get(name=SYNTHETIC_TEAM_NAME)
    assert team.lead is not None
    assert Professional.objects.filter(team=team).count() == 21
    after_first = counts()
    seed("--people", "30")
    assert counts() == after_first


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_reset_rebuilds_the_demo_even_after_it_was_used() -> None:
    seed("--people", "5")
    fresh = counts()
    plan = Plan.objects.get(person__user__username="amara")
    ben = User.objects.get(username="ben")
    PlanView.objects.create(plan=plan, viewer=ben, page="plan")  # someone used the demo
    seed("--reset")
    assert counts() == fresh
    rebuilt = Plan.objects.get(person__user__username="amara")
    assert rebuilt.code != plan.code
    assert authenticate(username="amara", password=DEMO_PASSWORD) is not None
    # The synthetic team is not part of the demo and stays as it was.
    assert Person.objects.filter(user__username__startswith=SYNTHETIC_PERSON_PREFIX).count() == 5


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_amara_has_her_own_crisis_plan_written_through_the_services() -> None:
    amara = User.objects.get(username="amara")
    ben = User.objects.get(username="ben")
    plan = Plan.objects.get(person__user=amara)
    crisis = CrisisPlan.objects.get(plan=plan)
    assert crisis.created_side == Side.PERSON and crisis.created_by == amara
    assert "haloperidol" in crisis.do_not_want
    # Ben's addition was a suggestion (Mental wellbeing is professional-led with agreement,
    # but the crisis plan is Amara's), which she accepted.
    assert "WhatsApp" in crisis.warning_signs
    proposal = Proposal.objects.get(plan=plan, item_type="crisis_signs")
    assert (proposal.proposed_by, proposal.status) == (ben, Proposal.Status.ACCEPTED)
    contacts = CrisisContact.objects.current().filter(plan=plan)
    assert [c.name for c in contacts] == [
        "Efua Osei",
        "Ben Okafor",
        "Crisis and home treatment team",
    ]
    assert all(c.created_by == amara for c in contacts)
    assert crisis.reviewed_by == amara and crisis.reviewed_at is not None
    assert (timezone.localdate() - timezone.localdate(crisis.reviewed_at)).days == 12
    agreement = CrisisAgreement.objects.get(crisis_plan=crisis)
    assert agreement.agreed_by == ben and agreement.agreed_at > crisis.reviewed_at
    kinds = set(
        PlanChange.objects.filter(plan=plan, item_type__startswith="crisis").values_list(
            "item_type", flat=True
        )
    )
    assert kinds == {
        "crisis_signs",
        "crisis_helps",
        "crisis_tell",
        "crisis_treatment",
        "crisis_practical",
        "crisis_contact",
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_efua_is_on_amaras_side_and_her_suggestions_went_to_amara() -> None:
    efua = Supporter.objects.select_related("person__user", "user").get(user__username="efua")
    assert (efua.person.user.username, efua.relationship) == ("amara", "family")
    assert (efua.may_see, efua.may_suggest, efua.may_be_named) == (True, True, True)
    assert efua.user.check_password("coproduce-demo")
    plan = Plan.objects.get(person=efua.person, status=Plan.Status.ACTIVE)
    statuses = dict(SupporterSuggestion.objects.filter(plan=plan).values_list("summary", "status"))
    assert statuses == {
        "Add resource: Sunday lunch at Efua's": "accepted",
        "Add resource: Evening walk with Efua": "pending",
    }
    # Taken up, it is Amara's own resource; the waiting one is not on the plan.
    lunch = Resource.objects.get(plan=plan, name="Sunday lunch at Efua's")
    assert (lunch.created_by.username, lunch.created_side) == ("amara", "person")
    assert not Resource.objects.filter(plan=plan, name="Evening walk with Efua").exists()
    commitments = Commitment.objects.filter(plan=plan).select_related("who")
    named = {
        c.who_label: c.who_kind
        for c in commitments
        if c.who_label in ("Efua Osei", "Citizens Advice")
    }
    assert named == {"Efua Osei": "account", "Citizens Advice": "service"}
