"""The plan's history is a hash chain: tampering with it in the database shows.

Entries are written the way the app writes them (plans.services and
outcomes.services through ``record()``); the tampering is plain SQL, as
someone with database access would do it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from fhir.resources.R4B import get_fhir_model_class

from coproduce.plan_page.fhir import HISTORY_ENTRY_EXTENSION, plan_bundle
from outcomes import services as outcome_services
from plans import history_chain, services
from plans.access import get_plan_for_user
from plans.models import Plan, PlanChange
from tests import factories as f
from tests.conftest import Cast


def _write_history(cast: Cast) -> list[PlanChange]:
    """Amara adds an outcome and changes it, Ben suggests one, Amara rates hers."""
    amara = get_plan_for_user(cast.amara.user, cast.plan.code)
    area = f.area(cast.plan)
    outcome_kind = services.KINDS["outcome"]
    added = services.submit_add(
        amara, outcome_kind, {"text": "Back to work by summer", "status": "active"}, area=area
    )
    assert added.applied
    outcome = added.item
    services.submit_change(
        amara,
        outcome_kind,
        outcome,
        {"text": "Back to work by the summer", "status": "active", "version": outcome.version},
    )
    ben = get_plan_for_user(cast.ben.user, cast.plan.code)
    suggested = services.submit_add(
        ben,
        outcome_kind,
        {"text": "Try a work placement", "status": "active"},
        area=area,
        reason="It helped others",
    )
    assert not suggested.applied
    outcome.refresh_from_db()
    outcome_services.rate_outcome(amara, outcome, score=6, note="Getting there")
    return list(PlanChange.objects.filter(plan=cast.plan).order_by("id"))


def _verify(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("verify_history", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def _verify_fails(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_history", *args, stdout=StringIO(), stderr=err)
    return err.getvalue() + str(failure.value)


@pytest.mark.django_db
def test_each_entry_holds_the_hash_of_its_content_and_of_the_one_before(cast: Cast) -> None:
    entries = _write_history(cast)

    assert len(entries) == 4
    assert entries[0].prev_hash == ""
    for before, entry in itertools.pairwise(entries):
        assert entry.prev_hash == before.entry_hash
    # The exact format, written out independently of plans.history_chain.
    last = entries[-1]
    content = {
        "format": 1,
        "plan": str(cast.plan.code),
        "prev": last.prev_hash,
        "actor": cast.amara.user.pk,
        "side": "person",
        "at": last.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "action": "rate",
        "item_type": "outcome",
        "item": str(last.item_code),
        "summary": last.summary,
        "before": last.before,
        "after": last.after,
        "plan_version": last.plan_version,
    }
    serialised = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert last.entry_hash == hashlib.sha256(serialised.encode("ascii")).hexdigest()
    assert "every chain is intact" in _verify()
    assert "every chain is intact" in _verify("--plan", str(cast.plan.code))


def _tamper(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Nothing happened here"),
        ("after", '{"text": "Something else"}'),
        ("actor_side", "professional"),
        ("at", "2020-01-01 10:00:00"),
    ],
)
def test_changing_an_entry_in_sql_breaks_the_chain_at_that_entry(
    cast: Cast, column: str, value: str
) -> None:
    entries = _write_history(cast)
    other = _write_history_for_priya(cast)
    target = entries[1]

    _tamper(f"UPDATE plans_planchange SET {column} = %s WHERE id = %s", [value, target.pk])  # noqa: S608

    report = _verify_fails()
    assert f"plan {cast.plan.code}: entry {target.pk} was changed after it was written" in report
    assert str(cast.priya_plan.code) not in report  # her chain is intact
    assert "1 plan has a broken history" in report
    assert other  # she had a history to check
    assert "every chain is intact" in _verify("--plan", str(cast.priya_plan.code))


def _write_history_for_priya(cast: Cast) -> list[PlanChange]:
    priya = get_plan_for_user(cast.priya.user, cast.priya_plan.code)
    services.submit_add(
        priya,
        services.KINDS["outcome"],
        {"text": "Sleep better", "status": "active"},
        area=f.area(cast.priya_plan),
    )
    return list(PlanChange.objects.filter(plan=cast.priya_plan))


@pytest.mark.django_db
def test_deleting_an_entry_in_sql_names_the_entry_after_the_gap(cast: Cast) -> None:
    entries = _write_history(cast)

    _tamper("DELETE FROM plans_planchange WHERE id = %s", [entries[1].pk])

    report = _verify_fails("--plan", str(cast.plan.code))
    assert f"entry {entries[2].pk} does not follow the entry before it" in report


@pytest.mark.django_db
def test_recomputing_one_hash_in_sql_still_breaks_the_next_link(cast: Cast) -> None:
    """Someone who edits an entry and rewrites its hash is caught by the entry after it."""
    entries = _write_history(cast)
    target = entries[1]
    target.summary = "Nothing happened here"
    forged = history_chain.hash_of(target, cast.plan.code, target.prev_hash)

    _tamper(
        "UPDATE plans_planchange SET summary = %s, entry_hash = %s WHERE id = %s",
        [target.summary, forged, target.pk],
    )

    report = _verify_fails()
    assert f"entry {entries[2].pk} does not follow the entry before it" in report


@pytest.mark.django_db
def test_an_entry_written_around_the_history_writer_is_named(cast: Cast) -> None:
    entries = _write_history(cast)
    stray = PlanChange.objects.create(plan=cast.plan, action="edit", summary="Slipped in")

    report = _verify_fails()
    assert f"plan {cast.plan.code}: entry {stray.pk} has no hash" in report
    assert len(entries) == 4  # the entries before it are fine: only the stray one is named
    assert report.count("Broken:") == 1


def test_an_unknown_plan_code_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No plan with code"):
        call_command("verify_history", "--plan", "6f1c3f0e-2b7d-4c52-9a57-3c1f6a0d8e41")
    with pytest.raises(CommandError, match="Not a plan code"):
        call_command("verify_history", "--plan", "not-a-uuid")


@pytest.mark.django_db
def test_a_fork_is_refused_by_the_database(cast: Cast) -> None:
    """Two entries may never follow the same one (the partial unique index)."""
    entries = _write_history(cast)
    twin = PlanChange(plan=cast.plan, action="edit", summary="A second successor")
    twin.prev_hash = entries[1].prev_hash
    twin.entry_hash = history_chain.hash_of(twin, cast.plan.code, twin.prev_hash)

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_the_fhir_provenance_carries_the_entry_hash(cast: Cast) -> None:
    entries = _write_history(cast)
    by_hash = {entry.entry_hash: entry for entry in entries}

    bundle = plan_bundle(Plan.objects.get(pk=cast.plan.pk))

    provenance = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Provenance"
    ]
    carried: dict[str, str] = {}
    without: list[str] = []
    for resource in provenance:
        get_fhir_model_class("Provenance").model_validate(resource)
        if "extension" not in resource:
            without.append(resource["target"][0]["extension"][0]["valueUri"])
            continue
        (extension,) = resource["extension"]
        assert extension["url"] == HISTORY_ENTRY_EXTENSION
        carried[resource["id"]] = extension["valueIdentifier"]["value"]
    # The outcome's creation, its edit, and the rating: each with its own entry.
    actions = sorted(by_hash[value].action for value in carried.values())
    assert actions == ["create", "edit", "rate"]
    # Only the life areas the test factory made without any history go without.
    areas = {str(code) for code in cast.plan.life_areas.values_list("code", flat=True)}
    assert set(without) == areas
