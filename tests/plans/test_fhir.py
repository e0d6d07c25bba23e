"""The FHIR R4B export of a whole plan ("take my data", machine-readable).

The bundle is validated with the fhir.resources R4B models (a real FHIR
model), and, because those models do not check coded values, every coded
value is checked against the value sets the R4B specification gives for
each element used.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from coproduce.models import Discipline, Person, Professional, Side, Team, User
from coproduce.plan_page.fhir import plan_bundle, plan_for_export
from outcomes.models import Rating, ValuedOutcome
from plans.models import (
    CareTeamMember,
    Commitment,
    Expertise,
    LifeArea,
    Plan,
    PlanAgreement,
    Resource,
    ResourceControl,
)
from tests import factories as f

Json = dict[str, Any]

COPRODUCE = "https://coproduce.example/fhir/CodeSystem/"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"

# Allowed values of the coded elements the export uses, from the FHIR R4B
# specification (required bindings, or the code system named in the binding).
# (resource type, path, code system or None for a plain code, allowed codes)
R4B_CODES: list[tuple[str, str, str | None, set[str]]] = [
    (
        "Bundle",
        "type",
        None,
        {
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        },
    ),
    (
        "CarePlan",
        "status",
        None,
        {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    ),
    ("CarePlan", "intent", None, {"proposal", "plan", "order", "option"}),
    (
        "CarePlan",
        "activity.detail.status",
        None,
        {
            "not-started",
            "scheduled",
            "in-progress",
            "on-hold",
            "completed",
            "cancelled",
            "stopped",
            "unknown",
            "entered-in-error",
        },
    ),
    (
        "CarePlan",
        "activity.detail.kind",
        None,
        {
            "Appointment",
            "CommunicationRequest",
            "DeviceRequest",
            "MedicationRequest",
            "NutritionOrder",
            "Task",
            "ServiceRequest",
            "VisionPrescription",
        },
    ),
    (
        "CareTeam",
        "status",
        None,
        {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ),
    (
        "Goal",
        "lifecycleStatus",
        None,
        {
            "proposed",
            "planned",
            "accepted",
            "active",
            "on-hold",
            "completed",
            "cancelled",
            "entered-in-error",
            "rejected",
        },
    ),
    (
        "Goal",
        "achievementStatus.coding",
        GOAL_ACHIEVEMENT,
        {
            "in-progress",
            "improving",
            "worsening",
            "no-change",
            "achieved",
            "sustaining",
            "not-achieved",
            "no-progress",
            "not-attainable",
        },
    ),
    (
        "Observation",
        "status",
        None,
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        },
    ),
    (
        "Observation",
        "category.coding",
        OBSERVATION_CATEGORY,
        {
            "social-history",
            "vital-signs",
            "imaging",
            "laboratory",
            "procedure",
            "survey",
            "exam",
            "therapy",
            "activity",
        },
    ),
    (
        "Provenance",
        "agent.type.coding",
        PARTICIPANT_TYPE,
        {
            "enterer",
            "performer",
            "author",
            "verifier",
            "legal",
            "attester",
            "informant",
            "custodian",
            "assembler",
            "composer",
        },
    ),
    (
        "Provenance",
        "activity.coding",
        DATA_OPERATION,
        {"CREATE", "DELETE", "EXECUTE", "READ", "UPDATE", "APPEND", "NULLIFY"},
    ),
    ("Patient", "telecom.system", None, {"phone", "fax", "email", "pager", "url", "sms", "other"}),
    ("Patient", "gender", None, {"male", "female", "other", "unknown"}),
    ("Practitioner", "gender", None, {"male", "female", "other", "unknown"}),
    (
        "Patient",
        "name.use",
        None,
        {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
    ),
    (
        "Practitioner",
        "name.use",
        None,
        {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
    ),
]
# Elements in the table that the export deliberately leaves out (we do not
# hold gender, and names carry no "use"): listed so that the "each field was
# seen" check below is explicit about them rather than silently skipping.
NOT_EXPORTED = {
    ("Patient", "gender"),
    ("Practitioner", "gender"),
    ("Patient", "name.use"),
    ("Practitioner", "name.use"),
}

# Displays of the standard codes used, as the code systems define them.
STANDARD_DISPLAYS = {
    GOAL_ACHIEVEMENT: {
        "in-progress": "In Progress",
        "improving": "Improving",
        "worsening": "Worsening",
        "no-change": "No Change",
        "achieved": "Achieved",
    },
    OBSERVATION_CATEGORY: {"survey": "Survey"},
    PARTICIPANT_TYPE: {"author": "Author"},
    DATA_OPERATION: {"CREATE": "create", "UPDATE": "revise"},
}

# Coproduce's own code systems: the codes each may carry. A change here is a
# change of the published format, so it must be deliberate.
LIFE_AREA = None  # codes are the areas' own names, slugified: any valid FHIR code
OWN_CODES: dict[str, set[str] | None] = {
    COPRODUCE + "life-area": LIFE_AREA,
    COPRODUCE + "leadership": {
        "person-leads",
        "person-leads-with-support",
        "shared",
        "professional-leads-with-agreement",
        "professional-leads",
    },
    COPRODUCE + "side": {"person", "professional"},
    COPRODUCE + "activity-type": {"commitment", "resource"},
    COPRODUCE + "resource-control": {"our_service", "elsewhere", "personal"},
    COPRODUCE + "expertise-kind": {
        "my_situation",
        "whole_life",
        "strengths",
        "my_people",
        "seen_with_others",
        "contributing_factors",
        "resources_we_control",
        "resources_elsewhere",
    },
    COPRODUCE + "discipline": set(Discipline.values),
    COPRODUCE + "observation": {"outcome-closeness"},
}
KNOWN_SYSTEMS = set(OWN_CODES) | set(STANDARD_DISPLAYS)
FHIR_CODE = re.compile(r"^[^\s]+( [^\s]+)*$")
FHIR_ID = re.compile(r"^[A-Za-z0-9\-\.]{1,64}$")


# Small local builders ---------------------------------------------------------

_seq = iter(range(1, 10_000))


def _user(name: str, **fields: Any) -> User:
    return User.objects.create(
        username=f"{name.lower()}{next(_seq)}", display_name=name, password="!", **fields
    )


def _professional(name: str, team: Team | None, discipline: str = Discipline.NURSE) -> Professional:
    return Professional.objects.create(user=_user(name), team=team, discipline=discipline)


def _on_team(plan: Plan, professional: Professional, **fields: Any) -> CareTeamMember:
    return CareTeamMember.objects.create(
        plan=plan, professional=professional, added_by=plan.person.user, **fields
    )


def _side(user: User) -> str:
    return Side.PROFESSIONAL if hasattr(user, "professional") else Side.PERSON


def _outcome(area: LifeArea, by: User, text: str, **fields: Any) -> ValuedOutcome:
    return ValuedOutcome.objects.create(
        plan=area.plan, life_area=area, created_by=by, created_side=_side(by), text=text, **fields
    )


def _rate(outcome: ValuedOutcome, by: User, *scores: int, note: str = "") -> list[Rating]:
    start = dt.date(2026, 1, 1)
    return [
        Rating.objects.create(
            outcome=outcome,
            plan=outcome.plan,
            side=_side(by),
            rated_by=by,
            score=score,
            note=note,
            rated_on=start + dt.timedelta(days=30 * i),
        )
        for i, score in enumerate(scores)
    ]


def _commitment(area: LifeArea, by: User, who: User, what: str, **fields: Any) -> Commitment:
    return Commitment.objects.create(
        plan=area.plan,
        life_area=area,
        created_by=by,
        created_side=_side(by),
        who=who,
        who_side=_side(who),
        what=what,
        **fields,
    )


def _resource(area: LifeArea, by: User, name: str, **fields: Any) -> Resource:
    return Resource.objects.create(
        plan=area.plan, life_area=area, created_by=by, created_side=_side(by), name=name, **fields
    )


def _expertise(plan: Plan, by: User, kind: str, text: str, **fields: Any) -> Expertise:
    return Expertise.objects.create(
        plan=plan, created_by=by, created_side=_side(by), kind=kind, text=text, **fields
    )


@dataclass
class Story:
    plan: Plan
    amara: User
    ben: User
    dev: User
    sam: User
    work: LifeArea
    outcomes: dict[str, ValuedOutcome]
    removed_outcome: ValuedOutcome
    ratings: list[Rating]
    commitments: dict[str, Commitment]
    resources: dict[str, Resource]
    expertise: list[Expertise]


def _add_content(plan: Plan, amara: User, ben: User, label: str) -> None:
    """More of everything, to show the query count does not grow with the plan."""
    area = LifeArea.objects.create(plan=plan, name=f"Extra {label}", created_by=amara)
    carer = _professional(f"Carer {label}", Team.objects.create(name=f"Team {label}"))
    _on_team(plan, carer)
    for n in range(3):
        outcome = _outcome(area, amara, f"Outcome {label}{n}")
        _rate(outcome, amara, 2, 5)
        _rate(outcome, carer.user, 4)
        resource = _resource(area, carer.user, f"Resource {label}{n}", control="elsewhere")
        resource.outcomes.add(outcome)
        _commitment(
            area,
            carer.user,
            amara,
            f"Commitment {label}{n}",
            updated_by=ben,
            updated_side=Side.PROFESSIONAL,
            updated_at=timezone.now(),
        )
        _expertise(plan, carer.user, "seen_with_others", f"Seen {label}{n}", life_area=area)
        f.make_reply(plan, amara, "outcome", outcome.code)
        f.make_reply(plan, carer.user, "resource", resource.code)


@pytest.fixture
def story() -> Story:
    amara = _user("Amara", first_name="Amara", last_name="Okafor", email="amara@example.org")
    person = Person.objects.create(
        user=amara, date_of_birth=dt.date(1990, 4, 2), pronouns="she/her"
    )
    team = Team.objects.create(name="North Recovery Team")
    ben_prof = _professional("Ben", team)
    dev_prof = _professional("Dev", team, Discipline.SOCIAL_WORKER)
    _professional("Chloe", team, Discipline.TEAM_MANAGER)  # never involved: not exported
    sam = _user("Sam")  # a friend who helps: no profile of his own
    ben, dev = ben_prof.user, dev_prof.user

    plan = Plan.objects.create(
        person=person,
        status=Plan.Status.ACTIVE,
        next_review_date=dt.date(2026, 9, 1),
        about_admire="My humour.",
        about_matters="My daughter and my music.",
    )
    _on_team(plan, ben_prof, role="Care coordinator")
    _on_team(
        plan,
        dev_prof,
        added_at=timezone.now() - dt.timedelta(days=90),
        removed_at=timezone.now() - dt.timedelta(days=10),
        removed_by=amara,
    )
    work = LifeArea.objects.create(plan=plan, name="Work and learning", created_by=amara)
    mind = LifeArea.objects.create(
        plan=plan, name="Mental wellbeing", leadership=4, created_by=amara, position=1
    )
    music = LifeArea.objects.create(
        plan=plan, name="Music & me", leadership=3, created_by=amara, position=2
    )

    improving = _outcome(
        work,
        amara,
        "I want to get back to work by the summer",
        why_it_matters="Work gives my week a shape.",
        target_date=dt.date(2026, 7, 1),
        updated_by=ben,
        updated_side=Side.PROFESSIONAL,
        updated_at=timezone.now(),
    )
    achieved = _outcome(
        mind, ben, "Sleep through most nights", status="achieved", status_changed_at=timezone.now()
    )
    let_go = _outcome(music, amara, "Play in a band", status="let_go")
    let_go_flat = _outcome(music, amara, "Write a song", status="let_go")
    worsening = _outcome(mind, amara, "Feel calmer in crowds")
    unrated = _outcome(work, amara, "Take a course")
    removed = _outcome(work, amara, "An outcome I took away", removed_at=timezone.now())

    ratings = [
        *_rate(improving, amara, 3, 6, note="Getting there"),
        *_rate(improving, ben, 4),
        *_rate(let_go_flat, amara, 5, 5),
        *_rate(worsening, amara, 6, 4),
        *_rate(worsening, dev, 5),
        *_rate(unrated, ben, 2, 7),  # the professional's view alone sets no trend
    ]
    _rate(removed, amara, 4)  # not exported with its removed outcome

    commitments = {
        "open": _commitment(
            work, amara, amara, "Email the job coach", due_date=dt.date(2026, 3, 1)
        ),
        "done": _commitment(mind, ben, ben, "Book a review with the GP", status="done"),
        "dropped": _commitment(work, ben, sam, "Drive Amara to interviews", status="dropped"),
    }
    commitments["gone"] = _commitment(work, amara, amara, "Removed", removed_at=timezone.now())
    job_club = _resource(
        work,
        ben,
        "Job club",
        provider="North Recovery Team",
        how_to_access="Tuesdays 10am, drop in",
        control=ResourceControl.OUR_SERVICE,
    )
    job_club.outcomes.add(improving, removed)
    resources = {
        "job_club": job_club,
        "friend": _resource(music, amara, "Sam's lifts", control=ResourceControl.PERSONAL),
    }
    expertise = [
        _expertise(plan, amara, "strengths", "I keep going.", life_area=work),
        _expertise(plan, ben, "contributing_factors", "Poor sleep makes mornings hard."),
        _expertise(plan, dev, "resources_elsewhere", "The benefits advice line."),
    ]
    _expertise(plan, amara, "my_people", "Removed entry", removed_at=timezone.now())
    return Story(
        plan=plan,
        amara=amara,
        ben=ben,
        dev=dev,
        sam=sam,
        work=work,
        outcomes={
            "improving": improving,
            "achieved": achieved,
            "let_go": let_go,
            "let_go_flat": let_go_flat,
            "worsening": worsening,
            "unrated": unrated,
        },
        removed_outcome=removed,
        ratings=ratings,
        commitments=commitments,
        resources=resources,
        expertise=expertise,
    )


def _export(plan: Plan) -> Json:
    return plan_bundle(plan_for_export(plan.code))


# Walking the bundle -------------------------------------------------------------


def _resources(bundle: Json, kind: str | None = None) -> list[Json]:
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def _by_id(bundle: Json) -> dict[str, Json]:
    return {r["id"]: r for r in _resources(bundle)}


def _at(node: Json, path: str) -> list[Any]:
    """Every value at a dotted path, stepping into every item of a list."""
    values: list[Any] = [node]
    for step in path.split("."):
        found = [value[step] for value in values if step in value]
        values = [
            item for value in found for item in (value if isinstance(value, list) else [value])
        ]
    return values


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _ref(resource: Json) -> str:
    return f"urn:uuid:{resource['id']}"


def _goal(bundle: Json, outcome: ValuedOutcome) -> Json:
    return _by_id(bundle)[str(outcome.code)]


# Tests ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_bundle_is_valid_fhir_r4b(story: Story) -> None:
    bundle = _export(story.plan)

    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    assert parsed.entry is not None
    assert len(parsed.entry) == len(bundle["entry"])
    for resource in _resources(bundle):
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)
        assert FHIR_ID.match(resource["id"]), resource["id"]
    assert bundle["timestamp"].endswith("+00:00")
    assert bundle["identifier"]["value"] == f"urn:uuid:{bundle['id']}"


def test_validator_is_strict_about_structure() -> None:
    """The R4B models reject what a FHIR reader would, so the checks above can fail."""
    goal = {
        "resourceType": "Goal",
        "lifecycleStatus": "active",
        "description": {"text": "Get back to work"},
        "subject": {"reference": "urn:uuid:0b0e8c0e-0000-4000-8000-000000000000"},
    }
    get_fhir_model_class("Goal").model_validate(goal)
    for broken in (
        {**goal, "startDate": "2026-13-45"},
        {**goal, "target": {"dueDate": "2026-07-01"}},  # must be a list
        {**goal, "whyItMatters": "an element R4B does not have"},
        {key: value for key, value in goal.items() if key != "subject"},
    ):
        with pytest.raises(ValueError):
            get_fhir_model_class("Goal").model_validate(broken)


@pytest.mark.django_db
def test_bundle_is_plain_json_with_no_empty_values(story: Story) -> None:
    bundle = _export(story.plan)

    assert json.loads(json.dumps(bundle)) == bundle  # no dates, UUIDs or lazy strings
    for node in _walk(bundle):
        # FHIR JSON has no nulls, empty strings, empty arrays or empty objects.
        assert node not in (None, "", [], {}), "empty value in the bundle"


@pytest.mark.django_db
def test_every_coded_value_is_allowed_by_r4b(story: Story) -> None:
    bundle = _export(story.plan)

    for kind, path, system, allowed in R4B_CODES:
        nodes = [bundle] if kind == "Bundle" else _resources(bundle, kind)
        values = [value for node in nodes for value in _at(node, path)]
        if (kind, path) in NOT_EXPORTED:
            assert values == [], f"{kind}.{path} is exported: add it to the checks"
            continue
        assert values, f"{kind}.{path} never appears: the check would pass on nothing"
        for value in values:
            if system is None:
                assert value in allowed, f"{kind}.{path} = {value!r}"
            else:
                assert value["system"] == system, f"{kind}.{path} system {value['system']}"
                assert value["code"] in allowed, f"{kind}.{path} = {value['code']!r}"


@pytest.mark.django_db
def test_every_coding_uses_a_known_system_code_and_display(story: Story) -> None:
    bundle = _export(story.plan)

    codings = [n for n in _walk(bundle) if isinstance(n, dict) and {"system", "code"} <= n.keys()]
    seen_systems = {coding["system"] for coding in codings}
    assert seen_systems == KNOWN_SYSTEMS
    for coding in codings:
        assert FHIR_CODE.match(coding["code"]), coding
        if coding["system"] in STANDARD_DISPLAYS:
            assert coding["display"] == STANDARD_DISPLAYS[coding["system"]][coding["code"]]
        else:
            allowed = OWN_CODES[coding["system"]]
            assert allowed is None or coding["code"] in allowed, coding


@pytest.mark.django_db
def test_every_reference_resolves_inside_the_bundle(story: Story) -> None:
    bundle = _export(story.plan)
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    resources = _by_id(bundle)

    assert len(full_urls) == len(set(full_urls))
    assert all(
        url == f"urn:uuid:{entry['resource']['id']}"
        for url, entry in zip(full_urls, bundle["entry"], strict=True)
    )
    references = [n["reference"] for n in _walk(bundle) if isinstance(n, dict) and "reference" in n]
    assert len(references) > 50
    assert set(references) <= set(full_urls)

    # Provenance pointing inside the CarePlan names an element that exists there.
    for provenance in _resources(bundle, "Provenance"):
        for target in provenance["target"]:
            resource = resources[target["reference"].removeprefix("urn:uuid:")]
            for extension in target.get("extension", []):
                assert extension["url"] == "http://hl7.org/fhir/StructureDefinition/targetElement"
                element_ids = {n.get("id") for n in _walk(resource) if isinstance(n, dict)}
                assert extension["valueUri"] in element_ids


@pytest.mark.django_db
def test_counts_follow_the_plan(story: Story) -> None:
    bundle = _export(story.plan)
    [care_plan] = _resources(bundle, "CarePlan")
    [care_team] = _resources(bundle, "CareTeam")
    [patient] = _resources(bundle, "Patient")

    goals = _resources(bundle, "Goal")
    assert {g["id"] for g in goals} == {str(o.code) for o in story.outcomes.values()}
    assert str(story.removed_outcome.code) not in _by_id(bundle)
    assert care_plan["goal"] == [{"reference": _ref(g)} for g in goals]

    observations = _resources(bundle, "Observation")
    assert sorted(o["id"] for o in observations) == sorted(str(r.code) for r in story.ratings)

    activities = {a["id"]: a for a in care_plan["activity"]}
    current_commitments = [c for key, c in story.commitments.items() if key != "gone"]
    assert set(activities) == {str(c.code) for c in current_commitments} | {
        str(r.code) for r in story.resources.values()
    }
    assert {n["id"] for n in care_plan["note"]} == {str(e.code) for e in story.expertise}
    assert len(care_plan["category"]) == 3

    # Provenance: one "created" for every item, one more for every edited item.
    items: list[Any] = [
        *story.outcomes.values(),
        *story.ratings,
        *current_commitments,
        *story.resources.values(),
        *story.expertise,
        *LifeArea.objects.filter(plan=story.plan),
    ]
    created: dict[str, int] = {}
    edited: dict[str, int] = {}
    for provenance in _resources(bundle, "Provenance"):
        target = provenance["target"][0]
        key = target["extension"][0]["valueUri"] if "extension" in target else target["reference"]
        [activity] = provenance["activity"]["coding"]
        counter = created if activity["code"] == "CREATE" else edited
        code = key.removeprefix("urn:uuid:")
        counter[code] = counter.get(code, 0) + 1
    assert created == {str(item.code): 1 for item in items}
    assert edited == {str(story.outcomes["improving"].code): 1}

    # Everyone who is or was on the care team or wrote anything, and nobody else.
    practitioners = {p["name"][0]["text"] for p in _resources(bundle, "Practitioner")}
    assert practitioners == {"Ben", "Dev"}
    assert [r["name"][0]["text"] for r in _resources(bundle, "RelatedPerson")] == ["Sam"]
    assert len(_resources(bundle, "PractitionerRole")) == 2
    assert [o["name"] for o in _resources(bundle, "Organization")] == ["North Recovery Team"]
    assert care_team["subject"]["reference"] == _ref(patient)
    assert len(care_team["participant"]) == 3  # Amara herself, Ben, Dev


@pytest.mark.django_db
def test_removed_care_team_member_has_an_ended_period(story: Story) -> None:
    bundle = _export(story.plan)
    [care_team] = _resources(bundle, "CareTeam")
    practitioner_of = {p["name"][0]["text"]: _ref(p) for p in _resources(bundle, "Practitioner")}
    periods = {p["member"]["reference"]: p["period"] for p in care_team["participant"]}
    dev_member = CareTeamMember.objects.get(plan=story.plan, professional__user=story.dev)

    dev_period = periods[practitioner_of["Dev"]]
    assert dt.datetime.fromisoformat(dev_period["start"]) == dev_member.added_at
    assert dt.datetime.fromisoformat(dev_period["end"]) == dev_member.removed_at
    assert "end" not in periods[practitioner_of["Ben"]]
    assert care_team["status"] == "active"
    ben = next(p for p in care_team["participant"] if p["member"]["display"] == "Ben")
    assert ben["role"] == [{"text": "Care coordinator"}]
    assert ben["onBehalfOf"]["display"] == "North Recovery Team"


@pytest.mark.django_db
def test_goal_statuses_map_exactly(story: Story) -> None:
    bundle = _export(story.plan)

    def statuses(key: str) -> tuple[str, str | None]:
        goal = _goal(bundle, story.outcomes[key])
        achievement = goal.get("achievementStatus")
        return goal["lifecycleStatus"], achievement and achievement["coding"][0]["code"]

    assert statuses("achieved") == ("completed", "achieved")
    assert statuses("improving") == ("active", "improving")  # Amara: 3 then 6
    assert statuses("worsening") == ("active", "worsening")  # Amara: 6 then 4
    assert statuses("unrated") == ("active", "in-progress")  # only Ben's view: no trend
    assert statuses("let_go_flat") == ("cancelled", "no-change")
    assert statuses("let_go") == ("cancelled", None)
    improving = _goal(bundle, story.outcomes["improving"])["achievementStatus"]
    assert improving["text"] == "Improving (Amara's own ratings: 3, then 6)"


@pytest.mark.django_db
def test_goal_carries_the_persons_words_and_who_expressed_it(story: Story) -> None:
    bundle = _export(story.plan)
    [patient] = _resources(bundle, "Patient")
    ben = next(p for p in _resources(bundle, "Practitioner") if p["name"][0]["text"] == "Ben")

    goal = _goal(bundle, story.outcomes["improving"])
    assert goal["description"] == {"text": "I want to get back to work by the summer"}
    assert goal["note"] == [{"text": "Why it matters: Work gives my week a shape."}]
    assert goal["target"] == [{"dueDate": "2026-07-01"}]
    assert goal["expressedBy"]["reference"] == _ref(patient)
    assert goal["subject"]["reference"] == _ref(patient)
    assert goal["category"][0]["coding"][0]["code"] == "work-and-learning"
    assert _goal(bundle, story.outcomes["achieved"])["expressedBy"]["reference"] == _ref(ben)


@pytest.mark.django_db
def test_ratings_are_observations_with_who_rated(story: Story) -> None:
    bundle = _export(story.plan)
    resources = _by_id(bundle)
    rating = story.ratings[1]  # Amara's second rating of "improving": 6

    observation = resources[str(rating.code)]
    assert observation["valueInteger"] == 6
    assert observation["effectiveDateTime"] == rating.rated_on.isoformat()
    assert observation["focus"] == [{"reference": f"urn:uuid:{story.outcomes['improving'].code}"}]
    assert observation["note"] == [{"text": "Getting there"}]
    assert observation["code"]["text"] == "How close am I to this outcome? (1\N{EN DASH}10)"
    assert (
        resources[observation["performer"][0]["reference"].removeprefix("urn:uuid:")][
            "resourceType"
        ]
        == "Patient"
    )
    ben_rating = resources[str(story.ratings[2].code)]
    assert ben_rating["performer"][0]["display"] == "Ben"
    assert (
        resources[ben_rating["performer"][0]["reference"].removeprefix("urn:uuid:")]["resourceType"]
        == "Practitioner"
    )


@pytest.mark.django_db
def test_commitments_resources_and_expertise_in_the_care_plan(story: Story) -> None:
    bundle = _export(story.plan)
    [care_plan] = _resources(bundle, "CarePlan")
    activities = {a["id"]: a["detail"] for a in care_plan["activity"]}

    def detail(item: Commitment | Resource) -> Json:
        return activities[str(item.code)]

    assert detail(story.commitments["open"])["status"] == "not-started"
    assert detail(story.commitments["open"])["scheduledPeriod"] == {"end": "2026-03-01"}
    assert detail(story.commitments["done"])["status"] == "completed"
    assert detail(story.commitments["dropped"])["status"] == "cancelled"
    assert detail(story.commitments["dropped"])["performer"][0]["display"] == "Sam"
    assert detail(story.commitments["open"])["description"] == "Email the job coach"

    job_club = detail(story.resources["job_club"])
    # Linked to the current outcome only: the removed one is not in the bundle.
    assert job_club["goal"] == [{"reference": f"urn:uuid:{story.outcomes['improving'].code}"}]
    assert job_club["performer"] == [{"display": "North Recovery Team"}]
    assert "Tuesdays 10am" in job_club["description"]

    notes = {n["id"]: n for n in care_plan["note"]}
    strengths = notes[str(story.expertise[0].code)]
    assert strengths["text"] == "Citizen expertise — My gifts and strengths: I keep going."
    assert strengths["authorReference"]["display"] == "Amara"
    factors = notes[str(story.expertise[1].code)]
    assert factors["text"].startswith("Professional expertise — Contributing factors:")

    leadership = {
        c["text"]: c["extension"][0]["valueCoding"]["code"] for c in care_plan["category"]
    }
    assert leadership == {
        "Work and learning": "person-leads",
        "Mental wellbeing": "professional-leads-with-agreement",
        "Music & me": "shared",
    }
    assert "My daughter and my music." in care_plan["description"]
    assert care_plan["subject"]["display"] == "Amara"


@pytest.mark.django_db
def test_patient_holds_only_what_we_hold(story: Story) -> None:
    [patient] = _resources(_export(story.plan), "Patient")

    assert set(patient) == {
        "resourceType",
        "id",
        "active",
        "name",
        "telecom",
        "birthDate",
        "extension",
    }
    assert patient["name"] == [{"text": "Amara", "family": "Okafor", "given": ["Amara"]}]
    assert patient["birthDate"] == "1990-04-02"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "care_plan_status", "care_team_status"),
    [
        ("draft", "draft", "active"),
        ("active", "active", "active"),
        ("closed", "completed", "inactive"),
    ],
)
def test_plan_status_maps_exactly(
    story: Story, status: str, care_plan_status: str, care_team_status: str
) -> None:
    Plan.objects.filter(pk=story.plan.pk).update(
        status=status, closed_at=timezone.now() if status == "closed" else None
    )
    bundle = _export(story.plan)
    [care_plan] = _resources(bundle, "CarePlan")
    [care_team] = _resources(bundle, "CareTeam")

    assert care_plan["status"] == care_plan_status
    assert care_plan["intent"] == "plan"
    assert care_team["status"] == care_team_status
    assert ("end" in care_plan["period"]) == (status == "closed")


@pytest.mark.django_db
def test_ids_are_stable_between_exports(story: Story) -> None:
    first, second = _export(story.plan), _export(story.plan)

    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["id"] != second["id"]  # each export is its own bundle


@pytest.mark.django_db
def test_query_count_is_small_and_does_not_grow(
    story: Story, django_assert_max_num_queries: Any
) -> None:
    # 14: the plan and its prefetches, the people, the history's entry hashes,
    # the replies, the plan's agreements and the person's supporters (one query
    # each, however many).
    with django_assert_max_num_queries(14):
        small = _export(story.plan)

    _add_content(story.plan, story.amara, story.ben, "A")
    _add_content(story.plan, story.amara, story.ben, "B")
    with CaptureQueriesContext(connection) as before:
        _export(story.plan)
    _add_content(story.plan, story.amara, story.ben, "C")
    with CaptureQueriesContext(connection) as after:
        big = _export(story.plan)

    assert len(big["entry"]) > len(small["entry"]) + 50
    assert len(after.captured_queries) == len(before.captured_queries) <= 14


@pytest.mark.django_db
def test_plan_bundle_prefetches_a_plain_plan_itself(story: Story) -> None:
    plan = Plan.objects.get(pk=story.plan.pk)

    assert plan_bundle(plan)["entry"][1]["resource"]["id"] == str(story.plan.code)


@pytest.mark.django_db
def test_replies_are_annotations_with_their_author_on_what_they_answer(story: Story) -> None:
    outcome = story.outcomes["improving"]
    rating = story.ratings[0]
    commitment = next(iter(story.commitments.values()))
    resource = next(iter(story.resources.values()))
    f.make_reply(story.plan, story.ben, "outcome", outcome.code, "I would add: part-time first")
    f.make_reply(story.plan, story.amara, "outcome", outcome.code, "Yes, part-time first")
    f.make_reply(story.plan, story.ben, "rating", rating.code, "I see it closer to 6")
    f.make_reply(story.plan, story.amara, "commitment", commitment.code, "I can do Tuesdays")
    f.make_reply(story.plan, story.amara, "resource", resource.code, "The bus is easier")
    f.make_reply(story.plan, story.amara, "about", story.plan.code, "I also like gardening")

    bundle = _export(story.plan)
    Bundle.model_validate(bundle)
    for resource_json in _resources(bundle):
        get_fhir_model_class(resource_json["resourceType"]).model_validate(resource_json)
    by_id = _by_id(bundle)
    patient = _ref(_resources(bundle, "Patient")[0])
    (ben,) = [_ref(p) for p in _resources(bundle, "Practitioner") if p["name"][0]["text"] == "Ben"]

    goal_replies = [n for n in _goal(bundle, outcome)["note"] if "authorReference" in n]
    assert [(n["authorReference"]["reference"], n["text"]) for n in goal_replies] == [
        (ben, "Reply from the professional side: I would add: part-time first"),
        (patient, "Reply from the person side: Yes, part-time first"),
    ]
    assert all(n["time"].endswith("+00:00") for n in goal_replies)
    observation = by_id[str(rating.code)]
    assert [n for n in observation["note"] if "authorReference" in n] == [
        {
            "authorReference": {"reference": ben, "display": "Ben"},
            "time": observation["note"][-1]["time"],
            "text": "Reply from the professional side: I see it closer to 6",
        }
    ]
    (care_plan,) = _resources(bundle, "CarePlan")
    activities = {a["id"]: a for a in care_plan["activity"]}
    assert [p["text"] for p in activities[str(commitment.code)]["progress"]] == [
        "Reply from the person side: I can do Tuesdays"
    ]
    assert [
        p["authorReference"]["reference"] for p in activities[str(resource.code)]["progress"]
    ] == [patient]
    about = [n for n in care_plan["note"] if n["text"].startswith("About the about me")]
    assert [n["text"] for n in about] == [
        f"About the about me {story.plan.code}. Reply from the person side: I also like gardening"
    ]
    assert about[0]["authorReference"]["reference"] == patient


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "care_plan_status"),
    [("discharged", "completed"), ("moved", "revoked"), ("person_choice", "revoked")],
)
def test_a_closed_plan_says_how_it_ended(story: Story, reason: str, care_plan_status: str) -> None:
    Plan.objects.filter(pk=story.plan.pk).update(
        status="closed", closed_at=timezone.now(), closed_reason=reason
    )
    [care_plan] = _resources(_export(story.plan), "CarePlan")
    assert care_plan["status"] == care_plan_status
    assert care_plan["intent"] == "plan"


@pytest.mark.django_db
def test_agreements_are_exported_and_valid(story: Story) -> None:
    for side, user in ((Side.PERSON, story.amara), (Side.PROFESSIONAL, story.ben)):
        PlanAgreement.objects.create(
            plan=story.plan, side=side, agreed_by=user, plan_version=story.plan.version
        )
    bundle = _export(story.plan)
    Bundle.model_validate(bundle)
    [care_plan] = _resources(bundle, "CarePlan")
    get_fhir_model_class("CarePlan").model_validate(care_plan)
    agreements = [
        e for e in care_plan["extension"] if e["url"].endswith("/StructureDefinition/agreement")
    ]
    assert len(agreements) == 2
    by = [
        next(x["valueReference"]["display"] for x in a["extension"] if x["url"] == "agreedBy")
        for a in agreements
    ]
    assert by == [story.amara.name, story.ben.name]
    notes = [n["text"] for n in care_plan["note"] if n["text"].startswith("Agreed by")]
    assert notes == [
        f"Agreed by {story.amara.name} (the person).",
        f"Agreed by {story.ben.name} (the care coordinator).",
    ]
    references = {n["reference"] for n in _walk(bundle) if isinstance(n, dict) and "reference" in n}
    assert references <= {entry["fullUrl"] for entry in bundle["entry"]}
