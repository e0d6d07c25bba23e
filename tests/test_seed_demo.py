"""The synthetic caseload (`seed_demo --people N`): its history is worded and numbered
as the services word and number it.

Running seed_demo itself (idempotence, the logins, --reset, adding the caseload once)
is tested in tests/test_demo_content.py, on top of that module's one demo.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from coproduce.demo import bulk_indexes, synthetic
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


# --- a large load on PostgreSQL, without the plain indexes ------------------------------


def index_definitions() -> dict[str, str]:
    tables = [model._meta.db_table for model in synthetic.BULK_LOADED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
        )
        return dict(cursor.fetchall())


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL loads without indexes (DATABASE_URL=postgres://…).")


def watch_indexes_during_load(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The plain indexes missing while the batches are written, once per load."""
    seen: list[list[str]] = []
    write = synthetic._write_batches

    def watching(*args: Any) -> Any:
        seen.append(bulk_indexes.missing(synthetic.BULK_LOADED))
        yield from write(*args)

    monkeypatch.setattr(synthetic, "_write_batches", watching)
    return seen


@pytest.mark.django_db
@pytest.mark.usefixtures("postgresql")
def test_a_large_load_goes_in_without_the_plain_indexes_and_leaves_every_index_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = index_definitions()
    plain = bulk_indexes.plain_indexes(synthetic.BULK_LOADED)
    assert set(plain) <= set(before)  # the names the migrations gave them
    seen = watch_indexes_during_load(monkeypatch)
    monkeypatch.setattr(synthetic, "DROP_INDEXES_FROM", 10)

    synthetic.build_synthetic(12, batch_people=5)

    assert seen == [sorted(set(plain) - synthetic.KEPT_DURING_LOAD)]
    assert index_definitions() == before
    out, err = StringIO(), StringIO()
    call_command("verify_history", stdout=out, stderr=err)
    assert "every chain is intact" in out.getvalue() + err.getvalue()
    changes = PlanChange.objects.filter(plan__person__user__username__startswith="synthetic_")
    assert changes.count() > 12 * 10
    assert not changes.filter(entry_hash="").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("postgresql")
def test_a_small_load_keeps_its_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = watch_indexes_during_load(monkeypatch)
    synthetic.build_synthetic(3)
    assert seen == [[]]


@pytest.mark.django_db
@pytest.mark.usefixtures("postgresql")
def test_indexes_dropped_by_a_load_that_failed_or_was_cut_short_are_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = index_definitions()

    def failing(*args: Any) -> dict[str, int]:
        raise RuntimeError("the load stopped here")

    monkeypatch.setattr(synthetic, "_synthetic_batch", failing)
    with pytest.raises(RuntimeError):
        synthetic.build_synthetic(3, drop_indexes=True)
    assert index_definitions() == before

    # Killed before its `finally`: the next run makes what is missing first.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX rating_seq")
        cursor.execute("DROP INDEX planchange_recent")
    assert bulk_indexes.missing(synthetic.BULK_LOADED) == ["planchange_recent", "rating_seq"]
    monkeypatch.undo()
    synthetic.build_synthetic(0)
    assert index_definitions() == before
