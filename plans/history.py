"""The plan's history: one writer for every PlanChange row.

Every service calls record() inside its own transaction, so the history can
never disagree with the plan. Recording also bumps the plan's version, which
is how open plan pages learn that something changed.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import connections, router
from django.utils import timezone

from plans import history_chain
from plans.access import PlanAccess
from plans.models import LifeArea, Plan, PlanChange, Proposal


class Kind(Protocol):
    """Any kind of item (plans.services.ItemKind): history keeps only its name."""

    @property
    def name(self) -> str: ...


def bump_version(plan: Plan) -> int:
    """Add one to the plan's version and return it: one statement (UPDATE …
    RETURNING, on SQLite 3.35+ and PostgreSQL), which holds the plan row's lock
    until the transaction ends."""
    connection = connections[router.db_for_write(Plan)]
    quote = connection.ops.quote_name
    updated_at = Plan._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    version = quote("version")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Plan._meta.db_table)} SET {version} = {version} + 1, "  # noqa: S608
            f"{quote('updated_at')} = %s WHERE {quote('id')} = %s RETURNING {version}",
            [updated_at, plan.pk],
        )
        (plan.version,) = cursor.fetchone()
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
    version = bump_version(plan)  # holds the plan row's lock: the chain cannot fork
    change = PlanChange(
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
    history_chain.seal([change])
    change.save(force_insert=True)
    return change
