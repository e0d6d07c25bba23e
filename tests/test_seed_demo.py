"""The synthetic caseload (`seed_demo --people N`): its history is worded and numbered
as the services word and number it.

Running seed_demo itself (idempotence, the logins, --reset, adding the caseload once)
is tested in tests/test_demo_content.py, on top of that module's one demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from coproduce.demo import synthetic
from coproduce.models import Discipline, Side
from outcomes import services as outcome_services
from plans import care_team, services
from plans.access import get_plan_for_user
from plans.models import (
    Commitment,
    Plan,
    PlanChange,
    Proposal,
)
from plans.services import KINDS
from tests import factories as f
from tests.conftest import Cast

HISTORY_FIELDS = (
    "action",
    "item_type",
    "item_code",
    "summary",
    "actor_id",
    "actor_side",
    "life_area_id",
    "proposal_id",
    "before",
    "after",
)


def entry(change: PlanChange) -> tuple[Any, ...]:
    return tuple(getattr(change, name) for name in HISTORY_FIELDS)


@pytest.mark.django_db
def test_the_synthetic_history_is_worded_as_the_services_word_it(cast: Cast) -> None:
    """Each kind of entry the bulk builder writes, against the services' own entry."""
    plan = cast.plan
    hana = f.make_professional("hana", "Hana Novak", cast.team, Discipline.SOCIAL_WORKER)
    hers = get_plan_for_user(cast.amara.user, plan.code)
    work = f.area(plan, "Work and learning")
    ours: list[PlanChange] = []

    member = care_team.invite(hers, hana)
    ours.append(synthetic.invited(member, member.added_at))
    outcome = services.submit_add(
        hers, KINDS["outcome"], {"text": "I want a job", "status": "active"}, area=work
    ).item
    ours.append(synthetic.added("outcome", outcome))
    strengths = services.submit_add(
        hers, KINDS["expertise"], {"kind": "strengths", "text": "I'm a good listener."}
    ).item
    ours.append(synthetic.added("expertise", strengths))
    resource = services.submit_add(
        hers,
        KINDS["resource"],
        {"name": "A friend", "control": "personal", "outcomes": [str(outcome.code)]},
        area=work,
    ).item
    ours.append(synthetic.added("resource", resource, m2m={"outcomes": [outcome]}))
    mine = services.submit_add(
        hers,
        KINDS["commitment"],
        {"who": cast.amara.user.pk, "what": "Go to the group", "status": "open"},
        area=work,
    ).item
    ours.append(synthetic.added("commitment", mine))

    his = get_plan_for_user(cast.ben.user, plan.code)
    known = services.submit_add(
        his, KINDS["expertise"], {"kind": "seen_with_others", "text": "A routine helps."}
    ).item
    ours.append(synthetic.added("expertise", known))
    review, _ = outcome_services.start_review(his)
    ours.append(synthetic.review_started(review, review.held_on))
    outcome_services.answer_review(
        hers, review, [outcome_services.ReviewAnswer(outcome, status="achieved")]
    )
    outcome.refresh_from_db()
    ours.append(synthetic.settled(outcome, cast.amara.user))
    before = plan.next_review_date
    review = outcome_services.complete_review(his, review, date.today() + timedelta(days=40))
    ours.append(synthetic.review_completed(review, before))

    for answer in ("accept", "decline"):
        suggestion = {"who": cast.ben.user.pk, "what": synthetic.PROPOSED_COMMITMENT}
        proposal = services.submit_add(
            his, KINDS["commitment"], {**suggestion, "status": "open"}, area=work
        ).proposal
        assert proposal is not None
        ours.append(synthetic.proposed(proposal))
        if answer == "accept":
            services.accept_proposal(hers, proposal)
            proposal.refresh_from_db()
            ours.append(synthetic.answered(proposal))
            made = Commitment.objects.get(plan=plan, what=synthetic.PROPOSED_COMMITMENT)
            ours.append(synthetic.added("commitment", made, proposal=proposal))
        else:
            services.decline_proposal(hers, proposal, synthetic.DECLINE_REASON)
            proposal.refresh_from_db()
            ours.append(synthetic.answered(proposal))

    theirs = sorted(map(entry, PlanChange.objects.filter(plan=plan)), key=repr)
    assert sorted(map(entry, ours), key=repr) == theirs
    assert len(theirs) == 14


@pytest.mark.django_db
def test_the_synthetic_caseload_writes_only_those_entries_numbered_like_the_services() -> None:
    synthetic.build_synthetic(30)
    changes = PlanChange.objects.filter(plan__person__user__username__startswith="synthetic_")
    kinds = set(changes.values_list("action", "item_type"))
    assert kinds <= {
        ("access", ""),
        ("create", "outcome"),
        ("create", "expertise"),
        ("create", "resource"),
        ("create", "commitment"),
        ("edit", "outcome"),
        ("review", ""),
        ("propose", "commitment"),
        ("accept", "commitment"),
        ("decline", ""),
    }
    assert {
        ("access", ""),
        ("create", "outcome"),
        ("review", ""),
        ("propose", "commitment"),
    } <= kinds
    assert not changes.filter(item_type="plan").exists()
    for plan in Plan.objects.filter(person__user__username__startswith="synthetic_"):
        numbered = list(plan.changes.order_by("plan_version").values_list("plan_version", "at"))
        assert [number for number, _ in numbered] == list(range(2, plan.version + 1))
        assert [when for _, when in numbered] == sorted(when for _, when in numbered)
    # A waiting synthetic suggestion can be answered in the app, like any other.
    waiting = Proposal.objects.filter(
        plan__person__user__username__startswith="synthetic_", status="pending"
    ).first()
    assert waiting is not None
    owner = get_plan_for_user(waiting.plan.person.user, waiting.plan.code)
    answerer = (
        owner
        if waiting.proposed_side == Side.PROFESSIONAL
        else get_plan_for_user(
            waiting.plan.care_team.current().first().professional.user,  # type: ignore[union-attr]
            waiting.plan.code,
        )
    )
    services.accept_proposal(answerer, waiting)
    assert Commitment.objects.filter(plan=waiting.plan, what=synthetic.PROPOSED_COMMITMENT).exists()
