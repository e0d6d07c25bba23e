"""The machine-readable "take my data" export: one plan as a FHIR R4B Bundle.

The export is built as plain dicts and lists (ready for ``json.dumps``), so
the app does not depend on a FHIR library; the tests validate the output
with the ``fhir.resources`` R4B models and check every coded value against
the value sets of the R4B specification.

How Coproduce maps onto FHIR:

=========================  ====================================================
Coproduce                  FHIR R4B
=========================  ====================================================
Person                     Patient
Professional               Practitioner + PractitionerRole (discipline, team)
Team                       Organization
Other author (supporter)   RelatedPerson
Plan                       CarePlan (intent "plan"; "about me" as description)
Plan status                draft/active -> draft/active; closed -> completed
                           (discharged) or revoked (moved, the person's choice)
PlanAgreement              CarePlan.extension "agreement" (who, side, when)
                           and a CarePlan.note saying it in words
LifeArea                   CarePlan.category (life-area coding + leadership
                           extension); Goal.category for its outcomes
CareTeamMember             CareTeam.participant with period start/end
ValuedOutcome              Goal (lifecycle active/completed/cancelled; one a
                           professional wrote: "proposed" with acceptance
                           "pending" until the person agrees, then "accepted"
                           with acceptance "agree" (goal-acceptance extension))
Rating                     Observation (valueInteger, focus = the Goal)
Commitment                 CarePlan.activity (detail.kind "Task")
Resource                   CarePlan.activity (detail.goal = linked outcomes)
Expertise                  CarePlan.note (kind-labelled Annotation)
Reply                      an Annotation (authorReference, time, text) on what it answers:
                           Goal.note (outcome), Observation.note (rating),
                           CarePlan.activity.progress (commitment, resource; R4B
                           activities have no note), CarePlan.note (anything else)
CrisisPlan                 a second CarePlan (category "crisis-plan", partOf the
                           plan; its sections as the description; the person's
                           review and professionals' agreement as notes)
CrisisContact              RelatedPerson (name, relationship, phone; when to
                           call as a crisis-contact-time extension), listed in
                           the crisis CarePlan's supportingInfo
created_by / updated_by    Provenance (activity CREATE / UPDATE, agent author)
PlanChange.entry_hash      Provenance.extension history-entry-hash (the hash
                           chain entry that recorded that event)
=========================  ====================================================

Only current items are exported: removed items stay in the plan's history,
which the readable export shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, cast

from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from coproduce.models import SUPPORTER, Side, User
from outcomes.models import Rating, ValuedOutcome
from plans.models import (
    CareTeamMember,
    Commitment,
    CrisisAgreement,
    CrisisContact,
    CrisisPlan,
    Expertise,
    ExpertiseKind,
    LifeArea,
    Plan,
    PlanAgreement,
    PlanChange,
    Reply,
    Resource,
    ResourceControl,
    Supporter,
)

Json = dict[str, Any]

BASE = "https://coproduce.example/fhir"
LIFE_AREA_SYSTEM = f"{BASE}/CodeSystem/life-area"
LEADERSHIP_SYSTEM = f"{BASE}/CodeSystem/leadership"
SIDE_SYSTEM = f"{BASE}/CodeSystem/side"
ACTIVITY_TYPE_SYSTEM = f"{BASE}/CodeSystem/activity-type"
RESOURCE_CONTROL_SYSTEM = f"{BASE}/CodeSystem/resource-control"
EXPERTISE_KIND_SYSTEM = f"{BASE}/CodeSystem/expertise-kind"
DISCIPLINE_SYSTEM = f"{BASE}/CodeSystem/discipline"
OBSERVATION_SYSTEM = f"{BASE}/CodeSystem/observation"
CARE_PLAN_CATEGORY_SYSTEM = f"{BASE}/CodeSystem/care-plan-category"
CRISIS_CONTACT_TIME_SYSTEM = f"{BASE}/CodeSystem/crisis-contact-time"
CRISIS_CONTACT_TIME_EXTENSION = f"{BASE}/StructureDefinition/crisis-contact-time"
CRISIS_CONTACT_TIMES = [
    ("by_day", "day", "In the day"),
    ("by_night", "night", "At night"),
    ("at_weekends", "weekend", "At weekends"),
]

LIFE_AREA_EXTENSION = f"{BASE}/StructureDefinition/life-area"
LEADERSHIP_EXTENSION = f"{BASE}/StructureDefinition/leadership"
RESOURCE_CONTROL_EXTENSION = f"{BASE}/StructureDefinition/resource-control"
EXPERTISE_KIND_EXTENSION = f"{BASE}/StructureDefinition/expertise-kind"
NEXT_REVIEW_EXTENSION = f"{BASE}/StructureDefinition/next-review-date"
# The entry in the plan's hash-chained history (plans.history_chain) that
# recorded the event, so a reader can check the export against the history.
HISTORY_ENTRY_EXTENSION = f"{BASE}/StructureDefinition/history-entry-hash"
HISTORY_HASH_SYSTEM = f"{BASE}/history-entry-sha256"

GOAL_ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
PROVENANCE_PARTICIPANT_SYSTEM = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
DATA_OPERATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
TARGET_ELEMENT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/targetElement"
PRONOUNS_EXTENSION = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"
GOAL_ACCEPTANCE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"

# Ids for records that have no UUID of their own (people, teams) are derived
# from this namespace, so the same person gets the same id in every export.
ID_NAMESPACE = uuid.UUID("6f1c3f0e-2b7d-4c52-9a57-3c1f6a0d8e41")

RATING_QUESTION = "How close am I to this outcome? (1–10)"  # noqa: RUF001 (a real en dash)

PLAN_STATUS = {
    Plan.Status.DRAFT: "draft",
    Plan.Status.ACTIVE: "active",
    Plan.Status.CLOSED: "completed",
}
# A plan closed before its work was done (the person moved, or chose to stop)
# is "revoked" in FHIR's words; a discharge is the plan completed.
CLOSED_STATUS = {
    Plan.CloseReason.DISCHARGED: "completed",
    Plan.CloseReason.MOVED: "revoked",
    Plan.CloseReason.PERSON_CHOICE: "revoked",
}
AGREEMENT_EXTENSION = f"{BASE}/StructureDefinition/agreement"
GOAL_LIFECYCLE = {
    ValuedOutcome.Status.ACTIVE: "active",
    ValuedOutcome.Status.ACHIEVED: "completed",
    # The person chose to let it go: cancelled, not "rejected" (never agreed).
    ValuedOutcome.Status.LET_GO: "cancelled",
}
# Coproduce does not record when work on a commitment starts, so an open one
# is "not-started" rather than guessing "in-progress".
COMMITMENT_STATUS = {
    Commitment.Status.OPEN: "not-started",
    Commitment.Status.DONE: "completed",
    Commitment.Status.DROPPED: "cancelled",
}
LEADERSHIP_CODES = {
    1: "person-leads",
    2: "person-leads-with-support",
    3: "shared",
    4: "professional-leads-with-agreement",
    5: "professional-leads",
}
ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
}


def export_prefetches() -> list[Any]:
    """Everything the export reads, fetched once (a fixed number of queries)."""
    current = {"removed_at__isnull": True}
    return [
        Prefetch(
            "care_team",
            queryset=CareTeamMember.objects.select_related(
                "professional__user", "professional__team"
            ).order_by("added_at", "id"),
            to_attr="export_care_team",
        ),
        Prefetch("life_areas", queryset=LifeArea.objects.all(), to_attr="export_life_areas"),
        Prefetch(
            "agreements",
            queryset=PlanAgreement.objects.order_by("agreed_at", "id"),
            to_attr="export_agreements",
        ),
        Prefetch(
            "outcomes",
            queryset=ValuedOutcome.objects.filter(**current)
            .select_related("life_area")
            .prefetch_related("ratings"),
            to_attr="export_outcomes",
        ),
        Prefetch(
            "commitments",
            queryset=Commitment.objects.filter(**current).select_related("life_area"),
            to_attr="export_commitments",
        ),
        Prefetch(
            "resources",
            queryset=Resource.objects.filter(**current)
            .select_related("life_area")
            .prefetch_related(Prefetch("outcomes", queryset=ValuedOutcome.objects.only("code"))),
            to_attr="export_resources",
        ),
        Prefetch(
            "expertise",
            queryset=Expertise.objects.filter(**current).select_related("life_area"),
            to_attr="export_expertise",
        ),
        Prefetch("replies", queryset=Reply.objects.all(), to_attr="export_replies"),
        # The people on the person's side, past and present (RelatedPerson).
        Prefetch(
            "person__supporters",
            queryset=Supporter.objects.order_by("added_at", "id"),
            to_attr="export_supporters",
        ),
    ]


def plan_for_export(code: uuid.UUID | str) -> Plan:
    """The plan with everything the export needs. Raises Plan.DoesNotExist.

    Access is not checked here: callers fetch the plan through plans.access first.
    """
    return (
        Plan.objects.select_related("person__user", "crisis_plan")
        .prefetch_related(*export_prefetches())
        .get(code=code)
    )


def crisis_for_export(plan: Plan) -> tuple[CrisisPlan | None, list[CrisisContact], list[Any]]:
    """The crisis plan (joined by plan_for_export), its contacts and agreements.

    Two queries when the person has a crisis plan, none when they have not.
    """
    try:
        crisis: CrisisPlan | None = plan.crisis_plan  # type: ignore[attr-defined]
    except CrisisPlan.DoesNotExist:
        return None, [], []
    if crisis is None:
        return None, [], []
    contacts = list(CrisisContact.objects.current().filter(plan=plan))
    agreements = list(CrisisAgreement.objects.filter(crisis_plan=crisis))
    return crisis, contacts, agreements


def _derived_id(kind: str, pk: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{pk}"))


def _url(resource_id: str) -> str:
    return f"urn:uuid:{resource_id}"


def _instant(value: datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC).isoformat()


def _date(value: date) -> str:
    return value.isoformat()


def _coding(system: str, code: str, display: str | None = None) -> Json:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str) -> Json:
    return {"coding": [_coding(system, code, display)], "text": display}


def _human_name(user: User) -> Json:
    name: Json = {"text": user.name}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    return name


def _life_area_code(area: LifeArea) -> str:
    # Default areas share readable codes across plans; a name with no
    # slug-able characters falls back to the area's own UUID.
    return slugify(area.name) or str(area.code)


def _life_area_coding(area: LifeArea) -> Json:
    return _coding(LIFE_AREA_SYSTEM, _life_area_code(area), area.name)


def _life_area_extension(area: LifeArea | None) -> list[Json]:
    if area is None:
        return []
    return [{"url": LIFE_AREA_EXTENSION, "valueCoding": _life_area_coding(area)}]


def _achievement(outcome: ValuedOutcome) -> Json | None:
    """Goal.achievementStatus from the outcome's status and the person's own ratings.

    The person's view leads: the trend compares the person's first and latest
    ratings. The professional's ratings are exported too, as Observations,
    so a reader can see both views and the gap between them.
    """
    if outcome.status == ValuedOutcome.Status.ACHIEVED:
        code, text = "achieved", "Achieved"
    else:
        own = [r for r in outcome.ratings.all() if r.side == Side.PERSON and not r.is_withdrawn]
        if len(own) >= 2:
            first, latest = own[0].score, own[-1].score
            if latest > first:
                code = "improving"
            elif latest < first:
                code = "worsening"
            else:
                code = "no-change"
            name = outcome.plan.person.user.name
            text = f"{ACHIEVEMENT_DISPLAY[code]} ({name}'s own ratings: {first}, then {latest})"
        elif outcome.status == ValuedOutcome.Status.ACTIVE:
            code, text = "in-progress", "In Progress"
        else:
            # Let go with no trend to report: saying "not achieved" would be a
            # judgement the person did not make.
            return None
    return {
        "coding": [_coding(GOAL_ACHIEVEMENT_SYSTEM, code, ACHIEVEMENT_DISPLAY[code])],
        "text": text,
    }


def _side_label(side: str) -> str:
    """A side's name; a supporter (who rates from their own view) is not a Side."""
    return "Supporter" if side == SUPPORTER else Side(side).label


class _Bundler:
    """Builds one plan's bundle; keeps the map from users to their resources."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.person_user: User = plan.person.user
        self.patient_id = _derived_id("person", plan.person.pk)
        self.careplan_id = str(plan.code)
        self.careteam_id = _derived_id("care-team", plan.code)
        self.users: dict[int, User] = {}
        self.supporters: dict[int, Supporter] = {}
        self.provenance: list[Json] = []
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.load_history()

    # History ----------------------------------------------------------------

    def load_history(self) -> None:
        """The hash of each item's first and latest history entry (one query)."""
        self.first_entry: dict[uuid.UUID, str] = {}
        self.latest_entry: dict[uuid.UUID, str] = {}
        self.ratings_entries: dict[uuid.UUID, list[tuple[datetime, str]]] = {}
        entries = (
            PlanChange.objects.filter(plan=self.plan, item_code__isnull=False)
            .exclude(entry_hash="")
            .order_by("id")
            .values_list("item_code", "action", "at", "entry_hash")
        )
        for item_code, action, at, entry_hash in entries:
            assert item_code is not None  # filtered above
            if action == PlanChange.Action.RATE:
                # A rating's entry names its outcome: matched by time in entry_for_rating.
                self.ratings_entries.setdefault(item_code, []).append((at, entry_hash))
                continue
            self.first_entry.setdefault(item_code, entry_hash)
            self.latest_entry[item_code] = entry_hash

    def entry_for(self, item: Any, event: str) -> str | None:
        if isinstance(item, Rating):
            # The rating's entry is written just after the rating, in the same transaction.
            later = [
                entry_hash
                for at, entry_hash in self.ratings_entries.get(item.outcome.code, [])
                if at >= item.created_at
            ]
            return later[0] if later and event == "created" else None
        first = self.first_entry.get(item.code)
        if event == "created":
            return first
        latest = self.latest_entry.get(item.code)
        return latest if latest != first else None

    # People ---------------------------------------------------------------

    def load_users(self, ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in ids if pk is not None} - {self.person_user.pk}
        self.users = {
            user.pk: user
            for user in User.objects.filter(pk__in=wanted).select_related(
                "professional__team", "person"
            )
        }
        self.users[self.person_user.pk] = self.person_user

    def ref(self, user_id: int) -> Json:
        """A reference to the Patient, Practitioner or RelatedPerson for this user."""
        user = self.users[user_id]
        if user.pk == self.person_user.pk:
            return {"reference": _url(self.patient_id), "display": user.name}
        # Anyone else is on the person's side without being the person: a supporter.
        kind = "practitioner" if hasattr(user, "professional") else "related-person"
        return {"reference": _url(_derived_id(kind, user.pk)), "display": user.name}

    def patient(self) -> Json:
        user = self.person_user
        person = self.plan.person
        patient: Json = {
            "resourceType": "Patient",
            "id": self.patient_id,
            "active": user.is_active,
            "name": [_human_name(user)],
        }
        if user.email:
            patient["telecom"] = [{"system": "email", "value": user.email}]
        if person.date_of_birth:
            patient["birthDate"] = _date(person.date_of_birth)
        if person.pronouns:
            patient["extension"] = [
                {
                    "url": PRONOUNS_EXTENSION,
                    "extension": [
                        {"url": "value", "valueCodeableConcept": {"text": person.pronouns}}
                    ],
                }
            ]
        return patient

    def people(self) -> list[Json]:
        """Practitioner, PractitionerRole and Organization for every professional involved."""
        resources: list[Json] = []
        teams: dict[int, Json] = {}
        for user in sorted(self.users.values(), key=lambda u: u.pk):
            if user.pk == self.person_user.pk:
                continue
            if not hasattr(user, "professional"):
                related: Json = {
                    "resourceType": "RelatedPerson",
                    "id": _derived_id("related-person", user.pk),
                    "active": user.is_active,
                    "patient": {"reference": _url(self.patient_id)},
                    "name": [_human_name(user)],
                }
                supporter = self.supporters.get(user.pk)
                if supporter is not None:
                    # Their standing now: on the person's side, or no longer.
                    related["active"] = user.is_active and supporter.removed_at is None
                    related["relationship"] = [{"text": supporter.get_relationship_display()}]
                    period = {"start": _instant(supporter.added_at)}
                    if supporter.removed_at is not None:
                        period["end"] = _instant(supporter.removed_at)
                    related["period"] = period
                resources.append(related)
                continue
            professional = user.professional
            practitioner_id = _derived_id("practitioner", user.pk)
            resources.append(
                {
                    "resourceType": "Practitioner",
                    "id": practitioner_id,
                    "active": user.is_active,
                    "name": [_human_name(user)],
                }
            )
            discipline = professional.get_discipline_display()
            role: Json = {
                "resourceType": "PractitionerRole",
                "id": _derived_id("practitioner-role", professional.pk),
                "practitioner": {"reference": _url(practitioner_id), "display": user.name},
                "code": [
                    {
                        "coding": [_coding(DISCIPLINE_SYSTEM, professional.discipline, discipline)],
                        "text": professional.job_title or discipline,
                    }
                ],
            }
            if professional.team is not None:
                team = professional.team
                team_id = _derived_id("team", team.pk)
                role["organization"] = {"reference": _url(team_id), "display": team.name}
                teams.setdefault(
                    team.pk,
                    {"resourceType": "Organization", "id": team_id, "name": team.name},
                )
            resources.append(role)
        return resources + list(teams.values())

    # Provenance -------------------------------------------------------------

    def record(
        self,
        item: Any,
        target: Json,
        *,
        element_id: str | None = None,
        created_side: str | None = None,
    ) -> None:
        """Who wrote this item and from which side; a second entry for the latest edit.

        Provenance.recorded is one instant per activity, so creation and the
        latest edit are two Provenance resources (the full edit history is
        in the plan's history).
        """
        target = {"reference": target["reference"]}
        if element_id is not None:
            target["extension"] = [{"url": TARGET_ELEMENT_EXTENSION, "valueUri": element_id}]
        created_by = getattr(item, "created_by_id", None) or getattr(item, "rated_by_id", None)
        side = created_side or getattr(item, "created_side", None) or item.side
        events = [("created", "CREATE", "create", item.created_at, created_by, side)]
        if getattr(item, "updated_at", None) and item.updated_by_id:
            events.append(
                (
                    "edited",
                    "UPDATE",
                    "revise",
                    item.updated_at,
                    item.updated_by_id,
                    item.updated_side or side,
                )
            )
        for event, operation, display, at, user_id, by_side in events:
            if user_id is None:
                continue
            entry_hash = self.entry_for(item, event)
            history = [
                {
                    "url": HISTORY_ENTRY_EXTENSION,
                    "valueIdentifier": {"system": HISTORY_HASH_SYSTEM, "value": entry_hash},
                }
            ]
            self.provenance.append(
                {
                    "resourceType": "Provenance",
                    **({"extension": history} if entry_hash else {}),
                    "id": _derived_id(event, item.code),
                    "target": [target],
                    "recorded": _instant(at),
                    "activity": {"coding": [_coding(DATA_OPERATION_SYSTEM, operation, display)]},
                    "agent": [
                        {
                            "type": _concept(PROVENANCE_PARTICIPANT_SYSTEM, "author", "Author"),
                            "role": [_concept(SIDE_SYSTEM, by_side, _side_label(by_side))],
                            "who": self.ref(user_id),
                        }
                    ],
                }
            )

    # The plan -----------------------------------------------------------------

    def care_team(self, members: list[CareTeamMember], supporters: list[Supporter]) -> Json:
        plan = self.plan
        participants: list[Json] = [
            {
                # The person is part of their own care team, and leads it.
                "role": [{"text": "The person whose plan this is"}],
                "member": self.ref(self.person_user.pk),
                "period": {"start": _instant(plan.created_at)},
            }
        ]
        for member in members:
            professional = member.professional
            period = {"start": _instant(member.added_at)}
            if member.removed_at is not None:
                period["end"] = _instant(member.removed_at)
            participant: Json = {
                "role": [{"text": member.role or professional.get_discipline_display()}],
                "member": self.ref(professional.user_id),
                "period": period,
            }
            if professional.team is not None:
                participant["onBehalfOf"] = {
                    "reference": _url(_derived_id("team", professional.team.pk)),
                    "display": professional.team.name,
                }
            participants.append(participant)
        for supporter in supporters:
            period = {"start": _instant(supporter.added_at)}
            if supporter.removed_at is not None:
                period["end"] = _instant(supporter.removed_at)
            participants.append(
                {
                    "role": [
                        {"text": f"Supporter ({supporter.get_relationship_display().lower()})"}
                    ],
                    "member": self.ref(supporter.user_id),
                    "period": period,
                }
            )
        return {
            "resourceType": "CareTeam",
            "id": self.careteam_id,
            "status": "inactive" if plan.status == Plan.Status.CLOSED else "active",
            "name": f"{self.person_user.name}'s care team",
            "subject": self.ref(self.person_user.pk),
            "participant": participants,
        }

    def acceptance(self, status: str) -> Json:
        """The person's answer to a goal a professional suggested (agree or pending)."""
        return {
            "url": GOAL_ACCEPTANCE_EXTENSION,
            "extension": [
                {"url": "individual", "valueReference": self.ref(self.person_user.pk)},
                {"url": "status", "valueCode": status},
            ],
        }

    def goal(self, outcome: ValuedOutcome) -> Json:
        lifecycle = GOAL_LIFECYCLE[ValuedOutcome.Status(outcome.status)]
        if outcome.awaiting_agreement:
            lifecycle = "proposed"  # a professional wrote it; the person has not agreed yet
        elif outcome.accepted_at and outcome.status == ValuedOutcome.Status.ACTIVE:
            lifecycle = "accepted"  # a professional suggested it; the person accepted it
        goal: Json = {
            "resourceType": "Goal",
            "id": str(outcome.code),
            "lifecycleStatus": lifecycle,
            "category": [
                {"coding": [_life_area_coding(outcome.life_area)], "text": outcome.life_area.name}
            ],
            "description": {"text": outcome.text},
            "subject": self.ref(self.person_user.pk),
            "startDate": _date(timezone.localdate(outcome.created_at)),
            "expressedBy": self.ref(outcome.created_by_id),
        }
        if outcome.created_side == Side.PROFESSIONAL or outcome.awaiting_agreement:
            status = "pending" if outcome.awaiting_agreement else "agree"
            goal["extension"] = [self.acceptance(status)]
        achievement = _achievement(outcome)
        if achievement is not None:
            goal["achievementStatus"] = achievement
        if outcome.target_date:
            goal["target"] = [{"dueDate": _date(outcome.target_date)}]
        if outcome.status_changed_at:
            goal["statusDate"] = _date(timezone.localdate(outcome.status_changed_at))
        if outcome.why_it_matters:
            goal["note"] = [{"text": f"Why it matters: {outcome.why_it_matters}"}]
        if replies := self.reply_notes("outcome", outcome.code):
            goal["note"] = goal.get("note", []) + replies
        self.record(outcome, {"reference": _url(goal["id"])})
        return goal

    def observation(self, rating: Rating, goal_id: str) -> Json:
        observation: Json = {
            "resourceType": "Observation",
            "id": str(rating.code),
            # A withdrawn rating is kept, marked as not to be relied on.
            "status": "entered-in-error" if rating.is_withdrawn else "final",
            "category": [
                # Both sides' ratings are answers to one question, like a survey.
                _concept(OBSERVATION_CATEGORY_SYSTEM, "survey", "Survey")
            ],
            "code": {
                "coding": [_coding(OBSERVATION_SYSTEM, "outcome-closeness", RATING_QUESTION)],
                "text": RATING_QUESTION,
            },
            "subject": self.ref(self.person_user.pk),
            "focus": [{"reference": _url(goal_id)}],
            "effectiveDateTime": _date(rating.rated_on),
            "issued": _instant(rating.created_at),
            "performer": [self.ref(rating.rated_by_id)],
            "valueInteger": rating.score,
        }
        if rating.note:
            observation["note"] = [{"text": rating.note}]
        if replies := self.reply_notes("rating", rating.code):
            observation["note"] = observation.get("note", []) + replies
        self.record(rating, {"reference": _url(observation["id"])}, created_side=rating.side)
        return observation

    def commitment_activity(self, commitment: Commitment) -> Json:
        element_id = str(commitment.code)
        detail: Json = {
            "kind": "Task",
            "code": _concept(ACTIVITY_TYPE_SYSTEM, "commitment", "Commitment"),
            "status": COMMITMENT_STATUS[Commitment.Status(commitment.status)],
            # Someone with no sign-in (an outside service, a group) is named, not referenced.
            "performer": [
                self.ref(commitment.who_id)
                if commitment.who_id is not None
                else {"display": commitment.who_name}
            ],
            "description": commitment.what,
        }
        if commitment.due_date:
            # "By when": the due date ends the period in which it should happen.
            detail["scheduledPeriod"] = {"end": _date(commitment.due_date)}
        self.record(commitment, {"reference": _url(self.careplan_id)}, element_id=element_id)
        activity: Json = {
            "id": element_id,
            "extension": _life_area_extension(commitment.life_area),
            "detail": detail,
        }
        if replies := self.reply_notes("commitment", commitment.code):
            activity["progress"] = replies
        return activity

    def resource_activity(self, resource: Resource, goal_ids: set[str]) -> Json:
        # A resource is an activity, not a note, because it is structured and
        # linked: it serves named outcomes (detail.goal), which a note could
        # only mention in text. Its status is "unknown": Coproduce does not
        # record whether a resource is in use yet, and FHIR asks for
        # "unknown" rather than a guess.
        element_id = str(resource.code)
        description = resource.name
        if resource.how_to_access:
            description += f"\nHow to get it: {resource.how_to_access}"
        detail: Json = {
            "code": _concept(ACTIVITY_TYPE_SYSTEM, "resource", "Resource"),
            "status": "unknown",
            "description": description,
        }
        goals = [str(o.code) for o in resource.outcomes.all() if str(o.code) in goal_ids]
        if goals:
            detail["goal"] = [{"reference": _url(goal)} for goal in goals]
        if resource.provider:
            # The provider is free text (a service, a friend): a display-only reference.
            detail["performer"] = [{"display": resource.provider}]
        control = ResourceControl(resource.control)
        self.record(resource, {"reference": _url(self.careplan_id)}, element_id=element_id)
        activity: Json = {
            "id": element_id,
            "extension": [
                *_life_area_extension(resource.life_area),
                {
                    "url": RESOURCE_CONTROL_EXTENSION,
                    "valueCoding": _coding(RESOURCE_CONTROL_SYSTEM, control.value, control.label),
                },
            ],
            "detail": detail,
        }
        if replies := self.reply_notes("resource", resource.code):
            activity["progress"] = replies
        return activity

    # Replies -------------------------------------------------------------------

    def reply_notes(self, target_type: str, target_code: Any) -> list[Json]:
        """The replies to one thing, oldest first, as Annotations with their author."""
        return [
            {
                "authorReference": self.ref(reply.author_id),
                "time": _instant(reply.created_at),
                "text": f"Reply from the {reply.author_side} side: {reply.text}",
            }
            for reply in self.replies.get((target_type, str(target_code)), [])
        ]

    def plan_reply_notes(self) -> list[Json]:
        """Replies to what has no element of its own (about me, a life area, expertise,
        a declined suggestion): CarePlan.note, saying what each answers."""
        notes: list[Json] = []
        for target_type, target_code in self.replies:
            if target_type in ("outcome", "rating", "commitment", "resource", "crisis"):
                continue
            label = Reply.Target(target_type).label
            for note in self.reply_notes(target_type, target_code):
                notes.append(note | {"text": f"About the {label} {target_code}. {note['text']}"})
        return notes

    def expertise_note(self, entry: Expertise) -> Json:
        # Expertise is narrative knowledge from one side (lived experience or
        # professional knowledge), not a measured finding: an Observation
        # would need a status and a code asserting a clinical fact. An
        # Annotation keeps exactly what we hold: author, time, text; the
        # kind goes in the text (for people) and in an extension (for machines).
        kind = ExpertiseKind(entry.kind)
        family = "Citizen expertise" if entry.is_citizen else "Professional expertise"
        element_id = str(entry.code)
        self.record(entry, {"reference": _url(self.careplan_id)}, element_id=element_id)
        return {
            "id": element_id,
            "extension": [
                {
                    "url": EXPERTISE_KIND_EXTENSION,
                    "valueCoding": _coding(EXPERTISE_KIND_SYSTEM, kind.value, kind.label),
                },
                *_life_area_extension(entry.life_area),
            ],
            "authorReference": self.ref(entry.created_by_id),
            "time": _instant(entry.created_at),
            "text": f"{family} — {kind.label}: {entry.text}",
        }

    def agreement(self, agreement: PlanAgreement) -> tuple[Json, Json]:
        """One agreement, for machines (an extension) and for people (a note)."""
        who = self.ref(agreement.agreed_by_id)
        as_whom = "the person" if agreement.side == Side.PERSON else "the care coordinator"
        extension = {
            "url": AGREEMENT_EXTENSION,
            "extension": [
                {"url": "agreedBy", "valueReference": who},
                {"url": "side", "valueCoding": _coding(SIDE_SYSTEM, agreement.side)},
                {"url": "date", "valueDateTime": _instant(agreement.agreed_at)},
            ],
        }
        note = {
            "authorReference": who,
            "time": _instant(agreement.agreed_at),
            "text": f"Agreed by {who['display']} ({as_whom}).",
        }
        return extension, note

    def crisis_contact(self, contact: CrisisContact) -> Json:
        """Someone to call in a crisis: a RelatedPerson, with when to call them."""
        self.record(contact, {"reference": _url(str(contact.code))})
        related: Json = {
            "resourceType": "RelatedPerson",
            "id": str(contact.code),
            "active": True,
            "patient": {"reference": _url(self.patient_id)},
            "name": [{"text": contact.name}],
            "telecom": [{"system": "phone", "value": contact.number}],
        }
        if contact.relationship:
            related["relationship"] = [{"text": contact.relationship}]
        times = [
            {
                "url": CRISIS_CONTACT_TIME_EXTENSION,
                "valueCoding": _coding(CRISIS_CONTACT_TIME_SYSTEM, code, display),
            }
            for field_name, code, display in CRISIS_CONTACT_TIMES
            if getattr(contact, field_name)
        ]
        if times:
            related["extension"] = times
        return related

    def crisis_care_plan(
        self, crisis: CrisisPlan, contacts: list[CrisisContact], agreements: list[Any]
    ) -> Json:
        """The person's crisis and contingency plan: a CarePlan of its own, part of the plan."""
        crisis_id = str(crisis.code)
        self.record(crisis, {"reference": _url(crisis_id)})
        sections = [
            (cast("models.Field[Any, Any]", CrisisPlan._meta.get_field(name)).verbose_name, text)
            for name in CrisisPlan.TEXT_FIELDS
            if (text := getattr(crisis, name))
        ]
        notes = []
        if crisis.reviewed_at and crisis.reviewed_by_id:
            notes.append(
                {
                    "authorReference": self.ref(crisis.reviewed_by_id),
                    "time": _instant(crisis.reviewed_at),
                    "text": "Reviewed by the person.",
                }
            )
        for agreement in agreements:
            who = self.ref(agreement.agreed_by_id)
            notes.append(
                {
                    "authorReference": who,
                    "time": _instant(agreement.agreed_at),
                    "text": f"Agreed by {who['display']} (care team).",
                }
            )
        notes += self.reply_notes(Reply.Target.CRISIS, crisis.code)
        care_plan: Json = {
            "resourceType": "CarePlan",
            "id": crisis_id,
            "identifier": [{"system": f"{BASE}/crisis-plan", "value": crisis_id}],
            "status": self.status(),
            "intent": "plan",
            "category": [
                {
                    "coding": [
                        _coding(
                            CARE_PLAN_CATEGORY_SYSTEM,
                            "crisis-plan",
                            "Crisis and contingency plan",
                        )
                    ],
                    "text": "Crisis and contingency plan",
                }
            ],
            "title": f"{self.person_user.name}'s crisis and contingency plan",
            "subject": self.ref(self.person_user.pk),
            "partOf": [{"reference": _url(self.careplan_id)}],
            "created": _instant(crisis.created_at),
            # The crisis plan is the person's own, whoever suggested its words.
            "author": self.ref(self.person_user.pk),
            "supportingInfo": [
                {"reference": _url(str(c.code)), "display": c.name} for c in contacts
            ],
            "note": notes,
        }
        description = "\n\n".join(f"{label}: {text}" for label, text in sections)
        if description:
            care_plan["description"] = description
        return {key: value for key, value in care_plan.items() if value != []}

    def status(self) -> str:
        plan = self.plan
        if plan.status == Plan.Status.CLOSED and plan.closed_reason:
            return CLOSED_STATUS[Plan.CloseReason(plan.closed_reason)]
        return PLAN_STATUS[Plan.Status(plan.status)]

    def care_plan(
        self,
        areas: list[LifeArea],
        goal_ids: list[str],
        activities: list[Json],
        notes: list[Json],
        contributors: set[int],
    ) -> Json:
        plan = self.plan
        categories = [self.life_area_category(area) for area in areas]
        about = [
            (cast("models.Field[Any, Any]", Plan._meta.get_field(name)).verbose_name, text)
            for name in ("about_admire", "about_matters", "about_support")
            if (text := getattr(plan, name))
        ]
        period = {"start": _instant(plan.created_at)}
        if plan.closed_at:
            period["end"] = _instant(plan.closed_at)
        care_plan: Json = {
            "resourceType": "CarePlan",
            "id": self.careplan_id,
            "identifier": [{"system": f"{BASE}/plan", "value": str(plan.code)}],
            "status": self.status(),
            "intent": "plan",
            "category": categories,
            "title": f"{self.person_user.name}'s plan",
            "subject": self.ref(self.person_user.pk),
            "period": period,
            "created": _instant(plan.created_at),
            # The person owns the plan; everyone who wrote on it contributed.
            "author": self.ref(self.person_user.pk),
            "contributor": [self.ref(pk) for pk in sorted(contributors)],
            "careTeam": [{"reference": _url(self.careteam_id)}],
            "goal": [{"reference": _url(goal_id)} for goal_id in goal_ids],
            "activity": activities,
            "note": notes,
        }
        description = "\n\n".join(f"{label}: {text}" for label, text in about)
        if description:
            care_plan["description"] = description
        self.add_review_and_agreements(care_plan)
        return {key: value for key, value in care_plan.items() if value != []}

    def life_area_category(self, area: LifeArea) -> Json:
        """A life area as a category of the CarePlan, with who leads it; its provenance."""
        leadership = LEADERSHIP_CODES[area.leadership]
        if area.created_by_id is not None:
            self.record(area, {"reference": _url(self.careplan_id)}, element_id=str(area.code))
        return {
            "id": str(area.code),
            "extension": [
                {
                    "url": LEADERSHIP_EXTENSION,
                    "valueCoding": _coding(
                        LEADERSHIP_SYSTEM, leadership, area.get_leadership_display()
                    ),
                }
            ],
            "coding": [_life_area_coding(area)],
            "text": area.name,
        }

    def add_review_and_agreements(self, care_plan: Json) -> None:
        """The next review date, and each agreement as an extension with its note."""
        plan = self.plan
        extensions = []
        if plan.next_review_date:
            extensions.append(
                {"url": NEXT_REVIEW_EXTENSION, "valueDate": _date(plan.next_review_date)}
            )
        agreements: list[PlanAgreement] = plan.export_agreements  # type: ignore[attr-defined]
        for agreement in agreements:
            extension, note = self.agreement(agreement)
            extensions.append(extension)
            care_plan["note"] = [*care_plan["note"], note]
        if extensions:
            care_plan["extension"] = extensions


def plan_bundle(plan: Plan) -> Json:
    """The whole plan as a self-contained FHIR R4B collection Bundle (plain JSON data).

    Runs a fixed number of queries whatever the size of the plan: pass a plan
    from ``plan_for_export`` (or any plan: the prefetches run here if missing).
    """
    prefetch_related_objects([plan], *export_prefetches())
    members: list[CareTeamMember] = plan.export_care_team  # type: ignore[attr-defined]
    areas: list[LifeArea] = plan.export_life_areas  # type: ignore[attr-defined]
    outcomes: list[ValuedOutcome] = plan.export_outcomes  # type: ignore[attr-defined]
    commitments: list[Commitment] = plan.export_commitments  # type: ignore[attr-defined]
    resources: list[Resource] = plan.export_resources  # type: ignore[attr-defined]
    expertise: list[Expertise] = plan.export_expertise  # type: ignore[attr-defined]
    replies: list[Reply] = plan.export_replies  # type: ignore[attr-defined]

    supporters: list[Supporter] = plan.person.export_supporters  # type: ignore[attr-defined]
    contributors = _contributors(areas, outcomes, [*outcomes, *commitments, *resources, *expertise])
    crisis, crisis_contacts, crisis_agreements = crisis_for_export(plan)
    involved = contributors | _also_involved(
        plan, commitments, supporters, members, replies, crisis, crisis_contacts, crisis_agreements
    )

    bundler = _Bundler(plan)
    bundler.load_users(involved)
    bundler.supporters = {supporter.user_id: supporter for supporter in supporters}
    for reply in replies:
        bundler.replies.setdefault((reply.target_type, str(reply.target_code)), []).append(reply)

    goals = [bundler.goal(outcome) for outcome in outcomes]
    goal_ids = [goal["id"] for goal in goals]
    observations = [
        bundler.observation(rating, str(outcome.code))
        for outcome in outcomes
        for rating in outcome.ratings.all()
    ]
    activities = [bundler.commitment_activity(c) for c in commitments]
    activities += [bundler.resource_activity(r, set(goal_ids)) for r in resources]
    notes = [bundler.expertise_note(entry) for entry in expertise]
    notes += bundler.plan_reply_notes()
    care_plan = bundler.care_plan(areas, goal_ids, activities, notes, contributors)
    crisis_resources: list[Json] = []
    if crisis is not None:
        crisis_resources = [
            bundler.crisis_care_plan(crisis, crisis_contacts, crisis_agreements),
            *(bundler.crisis_contact(contact) for contact in crisis_contacts),
        ]

    resources_out = [
        bundler.patient(),
        care_plan,
        *crisis_resources,
        bundler.care_team(members, supporters),
        *goals,
        *observations,
        *bundler.people(),
        *bundler.provenance,
    ]
    bundle_id = str(uuid.uuid4())
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _url(bundle_id)},
        "type": "collection",
        "timestamp": _instant(timezone.now()),
        "entry": [{"fullUrl": _url(r["id"]), "resource": r} for r in resources_out],
    }


def _contributors(
    areas: list[LifeArea], outcomes: list[ValuedOutcome], authored: list[Any]
) -> set[int]:
    """The users who wrote on the plan: its items and areas, and every rating."""
    ratings = [rating for outcome in outcomes for rating in outcome.ratings.all()]
    contributors = {item.created_by_id for item in authored}
    contributors |= {item.updated_by_id for item in authored if item.updated_by_id}
    contributors |= {area.created_by_id for area in areas if area.created_by_id}
    contributors |= {rating.rated_by_id for rating in ratings}
    return contributors


def _also_involved(
    plan: Plan,
    commitments: list[Commitment],
    supporters: list[Supporter],
    members: list[CareTeamMember],
    replies: list[Reply],
    crisis: CrisisPlan | None,
    crisis_contacts: list[CrisisContact],
    crisis_agreements: list[Any],
) -> set[int | None]:
    """The other users the bundle names: in commitments, on the care team or the
    person's side, replying, agreeing, and on the crisis plan."""
    involved = {c.who_id for c in commitments}
    involved |= {supporter.user_id for supporter in supporters}
    involved |= {member.professional.user_id for member in members}
    involved |= {reply.author_id for reply in replies}
    agreements: list[PlanAgreement] = plan.export_agreements  # type: ignore[attr-defined]
    involved |= {agreement.agreed_by_id for agreement in agreements}
    crisis_items: list[Any] = [crisis, *crisis_contacts] if crisis is not None else []
    involved |= {item.created_by_id for item in crisis_items}
    involved |= {item.updated_by_id for item in crisis_items if item.updated_by_id}
    involved |= {agreement.agreed_by_id for agreement in crisis_agreements}
    if crisis is not None and crisis.reviewed_by_id:
        involved.add(crisis.reviewed_by_id)
    return involved
