"""The plan's history: one writer for every PlanChange row.

Every service calls record() inside its own transaction, so the history can
never disagree with the plan. Recording also bumps the plan's version, which
is how open plan pages learn that something changed.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import F
from django.utils import timezone

from plans.access import PlanAccess
from plans.models import LifeArea, Plan, PlanChange, Proposal


class Kind(Protocol):
    """Any kind of item (plans.services.ItemKind): history keeps only its name."""

    @property
    def name(self) -> str: ...


def bump_version(plan: Plan) -> int:
    Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=timezone.now())
    plan.version = Plan.objects.values_list("version", flat=True).get(pk=plan.pk)
    return plan.version


def record(
    access: PlanAccess | None,
    plan: Plan,
    action: str,
    summary: str,
    *,
    kind: Kind | None = None,
    item: Any = None,
    life_area: LifeArea | None = None,
    before: Any = None,
    after: Any = None,
    proposal: Proposal | None = None,
    actor: Any = None,
    side: str = "",
) -> PlanChange:
    """Write one history entry and mark the plan changed, in the caller's transaction."""
    version = bump_version(plan)
    return PlanChange.objects.create(
        plan=plan,
        life_area=life_area,
        actor=actor if actor is not None else (access.user if access else None),
        actor_side=side or (access.side if access else ""),
        action=action,
        item_type=kind.name if kind else "",
        item_code=getattr(item, "code", None),
        summary=summary[:300],
        before=before,
        after=after,
        proposal=proposal,
        plan_version=version,
    )
