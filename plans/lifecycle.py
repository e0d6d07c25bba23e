"""The plan's life: agreeing, closing, and starting the next plan (an episode).

Who may do what at each stage is decided in plans.rules (`may_do`, tested as
a table). Each write runs in one transaction with its history entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from coproduce.models import Side
from plans import rules
from plans.access import PlanAccess
from plans.history import record
from plans.models import CareTeamMember, Expertise, LifeArea, Plan, PlanAgreement, PlanChange

# What the person may carry into a new plan. Life areas always come (their
# names and balance of leadership): they hold everything else.
CARRY_CHOICES = [
    ("outcomes", "The outcomes I am still working on"),
    ("about", "About me"),
    ("expertise", "Expertise: what I know, and what my care team knows"),
    ("care_team", "The people who help me (my care team and my care coordinator)"),
]
CARRY_NAMES = frozenset(name for name, _ in CARRY_CHOICES)


class NotAllowed(Exception):
    """Not at this stage, or not by this person (the view's 403)."""

    def __init__(self, stage: rules.Stage) -> None:
        super().__init__(stage)
        self.stage = stage


class PlanChanged(Exception):
    """The plan changed since the page that asked was read: show what changed."""

    def __init__(self, plan: Plan, read_version: int) -> None:
        super().__init__(read_version)
        self.plan = plan
        self.read_version = read_version


class HasOpenPlan(Exception):
    """The person already has a plan that is not closed: one plan at a time."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self.plan = plan


@dataclass(frozen=True)
class Life:
    """A plan's stage and agreements, as its pages show them."""

    stage: rules.Stage
    role: rules.Role
    person_agreement: PlanAgreement | None
    coordinator_agreement: PlanAgreement | None
    coordinator: CareTeamMember | None

    @property
    def changed_since_agreed(self) -> bool:
        agreement = self.coordinator_agreement
        return (
            self.stage == rules.Stage.ACTIVE
            and agreement is not None
            and agreement.plan.version > agreement.plan_version
        )

    def may(self, act: str) -> bool:
        return rules.may_do(self.stage, self.role, act)

    @property
    def may_agree(self) -> bool:
        return self.may(rules.LifeAct.AGREE)

    @property
    def may_close(self) -> bool:
        return self.may(rules.LifeAct.CLOSE)

    @property
    def may_start_new(self) -> bool:
        return self.may(rules.LifeAct.NEW_EPISODE)

    @property
    def may_hand_over(self) -> bool:
        return self.may(rules.LifeAct.HAND_OVER)


def _latest_agreements(plan: Plan) -> dict[str, PlanAgreement]:
    """Each side's latest agreement, in one query (a plan has a handful at most)."""
    latest: dict[str, PlanAgreement] = {}
    for agreement in (
        PlanAgreement.objects.filter(plan=plan)
        .select_related("agreed_by")
        .order_by("agreed_at", "id")
    ):
        agreement.plan = plan  # the same object: its version is the one just read
        latest[agreement.side] = agreement
    return latest


def role_of(access: PlanAccess, coordinator: CareTeamMember | None) -> rules.Role:
    if access.is_owner:
        return rules.Role.PERSON
    if access.is_supporter:
        return rules.Role.SUPPORTER
    if coordinator is not None and coordinator.pk == access.membership_id:
        return rules.Role.COORDINATOR
    return rules.Role.PROFESSIONAL


def coordinator_of(plan: Plan) -> CareTeamMember | None:
    return (
        CareTeamMember.objects.coordinating()
        .filter(plan=plan)
        .select_related("professional__user")
        .first()
    )


def life_of(
    access: PlanAccess, plan: Plan | None = None, care_team: list[CareTeamMember] | None = None
) -> Life:
    """Where the plan is in its life, and what this user may do about it.

    Two queries, or one when the caller already holds the current care team.
    """
    plan = plan or access.plan
    latest = _latest_agreements(plan)
    person = latest.get(Side.PERSON)
    coordinator_agreement = latest.get(Side.PROFESSIONAL)
    if care_team is None:
        coordinator = coordinator_of(plan)
    else:
        coordinator = next((m for m in care_team if m.is_coordinator), None)
    stage = rules.plan_stage(
        plan.status,
        version=plan.version,
        person_agreed_version=person.plan_version if person else None,
    )
    return Life(stage, role_of(access, coordinator), person, coordinator_agreement, coordinator)


def _locked(access: PlanAccess) -> Plan:
    return Plan.objects.select_for_update().select_related("person__user").get(pk=access.plan.pk)


def agree(access: PlanAccess, read_version: int) -> PlanAgreement:
    """The person, then the care coordinator, agree to the plan they read (at read_version).

    The coordinator's agreement makes the plan active.
    """
    with transaction.atomic():
        plan = _locked(access)
        if plan.version != read_version:
            raise PlanChanged(plan, read_version)
        life = life_of(access, plan)
        if not life.may_agree:
            raise NotAllowed(life.stage)
        name = access.user.name
        if life.role == rules.Role.COORDINATOR:
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ACTIVE)
            plan.status = Plan.Status.ACTIVE
            summary = f"{name} agreed to the plan, as care coordinator: the plan is now active"
        else:
            summary = f"{name} agreed to the plan"
        record(access, plan, PlanChange.Action.AGREE, summary, after={"status": plan.status})
        agreement = PlanAgreement.objects.create(
            plan=plan, side=access.side, agreed_by=access.user, plan_version=plan.version
        )
    access.plan.version = plan.version
    access.plan.status = plan.status
    return agreement


def close(access: PlanAccess, reason: str) -> None:
    """The person or the care coordinator closes the plan; it is kept, read-only."""
    if reason not in Plan.CloseReason.values:
        raise ValueError(reason)
    with transaction.atomic():
        plan = _locked(access)
        life = life_of(access, plan)
        if not life.may_close:
            raise NotAllowed(life.stage)
        label = Plan.CloseReason(reason).label
        Plan.objects.filter(pk=plan.pk).update(
            status=Plan.Status.CLOSED,
            closed_at=timezone.now(),
            closed_reason=reason,
            closed_by=access.user,
        )
        record(
            access,
            plan,
            PlanChange.Action.CLOSE,
            f"{access.user.name} closed the plan. Reason: {label}",
            before={"status": plan.status},
            after={"status": Plan.Status.CLOSED, "reason": label},
        )


def open_plan_of(plan: Plan) -> Plan | None:
    return plan.person.plans.exclude(status=Plan.Status.CLOSED).order_by("-created_at").first()


def start_episode(access: PlanAccess, carry: set[str]) -> tuple[Plan, dict[int, LifeArea]]:
    """The person starts a new plan after a closed one, carrying over what they chose.

    Returns the new plan and its life areas by the old areas' ids, so the
    caller (which also knows about outcomes) can carry those over in the same
    transaction. Call inside the caller's transaction.atomic.
    """
    carry = carry & CARRY_NAMES
    old = access.plan
    life = life_of(access, old)
    if not life.may_start_new:
        raise NotAllowed(life.stage)
    # One plan at a time: lock the person's plans while we check.
    list(Plan.objects.select_for_update().filter(person=old.person).values_list("pk"))
    existing = open_plan_of(old)
    if existing is not None:
        raise HasOpenPlan(existing)
    new = Plan.objects.create(person=old.person, status=Plan.Status.DRAFT, previous_plan=old)
    if "about" in carry:
        Plan.objects.filter(pk=new.pk).update(
            about_admire=old.about_admire,
            about_matters=old.about_matters,
            about_support=old.about_support,
        )
    areas = _copy_life_areas(old, new, access.user)
    if "expertise" in carry:
        _copy_expertise(old, new, areas)
    if "care_team" in carry:
        _copy_care_team(old, new, access.user)
    labels = [label for name, label in CARRY_CHOICES if name in carry]
    summary = f"{access.user.name} started a new plan"
    if labels:
        summary += ", carrying over: " + "; ".join(label.lower() for label in labels)
    record(
        access,
        new,
        PlanChange.Action.CREATE,
        summary,
        after={"previous_plan": str(old.code), "carried_over": sorted(carry)},
    )
    return new, areas


def _copy_life_areas(old: Plan, new: Plan, user: Any) -> dict[int, LifeArea]:
    """Every life area of the old plan, with its balance, on the new one (by the old ids)."""
    areas: dict[int, LifeArea] = {}
    for area in LifeArea.objects.filter(plan=old).order_by("position", "id"):
        areas[area.pk] = LifeArea.objects.create(
            plan=new,
            name=area.name,
            position=area.position,
            leadership=area.leadership,
            is_default=area.is_default,
            created_by=user,
            created_side=Side.PERSON,
        )
    return areas


def _copy_expertise(old: Plan, new: Plan, areas: dict[int, LifeArea]) -> None:
    Expertise.objects.bulk_create(
        Expertise(
            plan=new,
            life_area=areas.get(entry.life_area_id) if entry.life_area_id else None,
            kind=entry.kind,
            text=entry.text,
            # Knowledge stays its writer's, whichever plan it is on.
            created_by_id=entry.created_by_id,
            created_side=entry.created_side,
        )
        for entry in Expertise.objects.current().filter(plan=old).order_by("created_at", "id")
    )


def _copy_care_team(old: Plan, new: Plan, user: Any) -> None:
    CareTeamMember.objects.bulk_create(
        CareTeamMember(
            plan=new,
            professional_id=member.professional_id,
            role=member.role,
            is_coordinator=member.is_coordinator,
            added_by=user,
        )
        for member in CareTeamMember.objects.current().filter(plan=old)
    )


def earlier_plans(person: Any) -> Any:
    """A person's closed plans, newest first (read-only, printable, exportable)."""
    return person.plans.filter(status=Plan.Status.CLOSED).order_by("-closed_at", "-created_at")
