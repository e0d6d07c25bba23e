"""The person's crisis and contingency plan: starting it, marking it reviewed, agreeing it.

Its words are written through the ordinary edit flow (plans.services, one
kind per section); plans.rules makes every section the person's own, so a
professional's edit is always a suggestion. What is here spans the crisis
plan as a whole, each write in one transaction with its history entry.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from coproduce.models import Side
from plans import rules
from plans.access import PlanAccess
from plans.history import record
from plans.models import CrisisAgreement, CrisisPlan, Plan, PlanChange


def crisis_plan_of(plan: Plan) -> CrisisPlan | None:
    return CrisisPlan.objects.filter(plan=plan).select_related("reviewed_by").first()


def blank_crisis_plan(plan: Plan) -> CrisisPlan:
    """What an edit form starts from before anything is written (not saved)."""
    return CrisisPlan(plan=plan, created_side=Side.PERSON)


def start_crisis_plan(access: PlanAccess) -> CrisisPlan:
    """The crisis plan row, made empty the first time anyone writes in it.

    Call inside the caller's transaction: an edit that fails rolls the start
    back too. It is the person's from the start, whoever writes first.
    """
    Plan.objects.select_for_update().filter(pk=access.plan.pk).exists()
    crisis, _ = CrisisPlan.objects.get_or_create(
        plan=access.plan,
        defaults={"created_by": access.plan.person.user, "created_side": Side.PERSON},
    )
    return crisis


def mark_reviewed(access: PlanAccess) -> CrisisPlan:
    """The person says she has looked at her crisis plan again and it still stands."""
    if not rules.may_mark_crisis_plan_reviewed(access.side, plan_closed=access.plan.is_closed):
        raise PermissionDenied("Only the person marks their crisis plan reviewed.")
    with transaction.atomic():
        crisis = start_crisis_plan(access)
        now = timezone.now()
        CrisisPlan.objects.filter(pk=crisis.pk).update(reviewed_at=now, reviewed_by=access.user)
        crisis.refresh_from_db()
        record(
            access,
            access.plan,
            PlanChange.Action.REVIEW,
            "Reviewed the crisis plan",
            item=crisis,
            after={"reviewed": f"{now:%-d %B %Y}"},
        )
    return crisis


def agree(access: PlanAccess) -> CrisisAgreement:
    """A professional on the care team puts their name to the crisis plan as it stands."""
    if not rules.may_agree_crisis_plan(access.side, plan_closed=access.plan.is_closed):
        raise PermissionDenied("Professionals on the care team agree the crisis plan.")
    with transaction.atomic():
        crisis = start_crisis_plan(access)
        agreement = CrisisAgreement.objects.create(crisis_plan=crisis, agreed_by=access.user)
        record(
            access,
            access.plan,
            PlanChange.Action.AGREE,
            "Agreed the crisis plan",
            item=crisis,
        )
    return agreement


def current_agreements(crisis: CrisisPlan | None) -> list[CrisisAgreement]:
    """Who agreed it since the person last reviewed it (all agreements if never)."""
    if crisis is None or crisis.pk is None:
        return []
    rows = crisis.agreements.select_related("agreed_by")
    if crisis.reviewed_at is not None:
        rows = rows.filter(agreed_at__gte=crisis.reviewed_at)
    return list(rows)


def review_period() -> datetime.timedelta:
    """How recently a crisis plan must have been reviewed to count as reviewed (a setting)."""
    return datetime.timedelta(days=settings.CRISIS_PLAN_REVIEW_DAYS)
