"""Closing an account: the person leaves; their plans are closed and kept, not deleted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from coproduce.models import Person, Side
from plans.care_team import describe_member, who
from plans.history import record
from plans.models import AccessRequest, CareTeamMember, Plan, PlanChange


@dataclass
class Closed:
    plans: int
    memberships: int


def close_account(person: Person) -> Closed:
    """The person leaves: plans closed and kept, every professional's access ended.

    Nothing is deleted: a plan is a health record and is kept for the legal
    retention period. The sign-in is switched off, which also ends every other
    session the person has open.
    """
    user = person.user
    now = timezone.now()
    closed = Closed(plans=0, memberships=0)
    with transaction.atomic():
        plans = list(Plan.objects.select_for_update().filter(person=person).order_by("pk"))
        for plan in plans:
            members = list(
                CareTeamMember.objects.current()
                .filter(plan=plan)
                .select_related("professional__user", "professional__team")
            )
            for member in members:
                CareTeamMember.objects.filter(pk=member.pk).update(removed_at=now, removed_by=user)
                record(
                    None,
                    plan,
                    PlanChange.Action.ACCESS,
                    f"Access ended for {who(member.professional)}: the account was closed",
                    before=describe_member(member),
                    actor=user,
                    side=Side.PERSON,
                )
            closed.memberships += len(members)
            AccessRequest.objects.filter(plan=plan, status=AccessRequest.Status.PENDING).update(
                status=AccessRequest.Status.DECLINED, answered_at=now
            )
            if plan.status != Plan.Status.CLOSED:
                before = plan.get_status_display()
                Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED, closed_at=now)
                record(
                    None,
                    plan,
                    PlanChange.Action.EDIT,
                    "Closed the plan: the account was closed",
                    before={"status": before},
                    after={"status": Plan.Status.CLOSED.label},
                    actor=user,
                    side=Side.PERSON,
                )
                closed.plans += 1
        user.is_active = False
        user.save(update_fields=["is_active"])
    return closed
