"""The crisis plan in the FHIR export: a CarePlan with a crisis-plan category, contacts
as RelatedPerson, validated the same way as the rest of the export (tests/plans/test_fhir.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from coproduce.models import Side
from plans.models import CrisisAgreement, CrisisContact, CrisisPlan
from tests import factories as f
from tests.plans import test_fhir
from tests.plans.test_fhir import (
    COPRODUCE,
    FHIR_CODE,
    FHIR_ID,
    KNOWN_SYSTEMS,
    OWN_CODES,
    STANDARD_DISPLAYS,
    Story,
    _by_id,
    _export,
    _ref,
    _resources,
    _walk,
)

story = test_fhir.story  # the same plan as the rest of the export's tests

# The crisis plan's own code systems, beside the plan's (tests/plans/test_fhir.py).
CRISIS_CODES: dict[str, set[str] | None] = {
    COPRODUCE + "care-plan-category": {"crisis-plan"},
    COPRODUCE + "crisis-contact-time": {"day", "night", "weekend"},
}


def _crisis(story: Story) -> tuple[CrisisPlan, list[CrisisContact]]:
    crisis = CrisisPlan.objects.create(
        plan=story.plan,
        created_by=story.amara,
        created_side=Side.PERSON,
        warning_signs="I stop sleeping",
        helps="A walk with Sam",
        do_not_want="Being held down",
        pets="Sam feeds the cat",
        reviewed_at=timezone.now(),
        reviewed_by=story.amara,
    )
    contacts = [
        CrisisContact.objects.create(
            plan=story.plan,
            created_by=story.amara,
            created_side=Side.PERSON,
            name="Sam Lee",
            relationship="friend",
            number="07700 900123",
            by_day=True,
            at_weekends=True,
        ),
        CrisisContact.objects.create(
            plan=story.plan,
            created_by=story.ben,
            created_side=Side.PROFESSIONAL,
            name="Crisis team",
            number="0300 000 0000",
            by_night=True,
        ),
    ]
    CrisisContact.objects.create(
        plan=story.plan,
        created_by=story.amara,
        created_side=Side.PERSON,
        name="Gone",
        number="0123",
        removed_at=timezone.now(),
    )
    CrisisAgreement.objects.create(crisis_plan=crisis, agreed_by=story.ben)
    f.make_reply(story.plan, story.ben, "crisis", crisis.code, "Call the team before 999")
    return crisis, contacts


@pytest.mark.django_db
def test_crisis_plan_is_a_valid_care_plan_with_related_people(story: Story) -> None:
    crisis, contacts = _crisis(story)
    bundle = _export(story.plan)

    Bundle.model_validate(bundle)
    for resource in _resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert FHIR_ID.match(resource["id"]), resource["id"]

    by_id = _by_id(bundle)
    main, crisis_plan = _resources(bundle, "CarePlan")
    assert crisis_plan["id"] == str(crisis.code)
    assert crisis_plan["category"] == [
        {
            "coding": [
                {
                    "system": COPRODUCE + "care-plan-category",
                    "code": "crisis-plan",
                    "display": "Crisis and contingency plan",
                }
            ],
            "text": "Crisis and contingency plan",
        }
    ]
    assert crisis_plan["partOf"] == [{"reference": _ref(main)}]
    assert crisis_plan["status"] == main["status"] and crisis_plan["intent"] == "plan"
    patient = _ref(_resources(bundle, "Patient")[0])
    assert crisis_plan["subject"]["reference"] == crisis_plan["author"]["reference"] == patient
    assert crisis_plan["description"] == (
        "My early warning signs: I stop sleeping\n\nWhat helps me: A walk with Sam\n\n"
        "What I do not want: Being held down\n\nPets: Sam feeds the cat"
    )
    notes = [n["text"] for n in crisis_plan["note"]]
    assert notes == [
        "Reviewed by the person.",
        "Agreed by Ben (care team).",
        "Reply from the professional side: Call the team before 999",
    ]
    # The reply is on the crisis plan, not repeated on the plan.
    assert not any("Call the team" in n["text"] for n in main.get("note", []))

    # Contacts: RelatedPerson, current ones only, each listed in supportingInfo.
    assert [s["reference"] for s in crisis_plan["supportingInfo"]] == [
        f"urn:uuid:{c.code}" for c in contacts
    ]
    sam = by_id[str(contacts[0].code)]
    assert sam["resourceType"] == "RelatedPerson"
    assert sam["patient"]["reference"] == patient
    assert sam["name"] == [{"text": "Sam Lee"}]
    assert sam["relationship"] == [{"text": "friend"}]
    assert sam["telecom"] == [{"system": "phone", "value": "07700 900123"}]
    assert [e["valueCoding"]["code"] for e in sam["extension"]] == ["day", "weekend"]
    team = by_id[str(contacts[1].code)]
    assert "relationship" not in team
    assert [e["valueCoding"]["code"] for e in team["extension"]] == ["night"]
    names = {r["name"][0]["text"] for r in _resources(bundle, "RelatedPerson")}
    assert names == {"Sam", "Sam Lee", "Crisis team"}  # Sam the user, and two contacts

    # Every reference resolves; every coding is known.
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    references = [n["reference"] for n in _walk(bundle) if isinstance(n, dict) and "reference" in n]
    assert set(references) <= full_urls
    codes = OWN_CODES | CRISIS_CODES
    for coding in (
        n for n in _walk(bundle) if isinstance(n, dict) and {"system", "code"} <= n.keys()
    ):
        assert FHIR_CODE.match(coding["code"]), coding
        assert coding["system"] in KNOWN_SYSTEMS | set(CRISIS_CODES), coding
        if coding["system"] in STANDARD_DISPLAYS:
            assert coding["display"] == STANDARD_DISPLAYS[coding["system"]][coding["code"]]
        else:
            allowed = codes[coding["system"]]
            assert allowed is None or coding["code"] in allowed, coding

    # Who wrote the crisis plan and each contact: Provenance, like every item.
    targets = {p["target"][0]["reference"] for p in _resources(bundle, "Provenance")}
    assert {_ref(crisis_plan), *(f"urn:uuid:{c.code}" for c in contacts)} <= targets


@pytest.mark.django_db
def test_without_a_crisis_plan_there_is_one_care_plan(story: Story) -> None:
    bundle = _export(story.plan)
    assert len(_resources(bundle, "CarePlan")) == 1


@pytest.mark.django_db
def test_crisis_plan_adds_two_queries_whatever_its_size(
    story: Story, django_assert_max_num_queries: Any
) -> None:
    _crisis(story)
    # 14 for the plan (its supporters included), 2 for the crisis plan.
    with django_assert_max_num_queries(16):
        _export(story.plan)
    with CaptureQueriesContext(connection) as before:
        _export(story.plan)
    for n in range(10):
        CrisisContact.objects.create(
            plan=story.plan,
            created_by=story.dev,
            created_side=Side.PROFESSIONAL,
            name=f"Friend {n}",
            number="0123 456",
        )
    with CaptureQueriesContext(connection) as after:
        _export(story.plan)
    assert len(after.captured_queries) == len(before.captured_queries) <= 16
