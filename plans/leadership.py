"""Leadership that comes back (DOMAIN.md, "Leadership has consequences").

A balance toward professionals can be agreed until a date or until the next
review. When that comes the area returns to the balance it had before, with
a history entry and a note in the area that both sides see. The person can
also take leadership back at any review.

Nothing here keeps process state: a due return is applied by whichever comes
first, the plan being loaded (`return_due_leadership`, free unless something
is due: it reads `Plan.leadership_returns_on`, which the plan's own query
already fetched) or `manage.py return_leadership` from cron. Both are
idempotent: a returned area no longer has an end date.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from plans.access import PlanAccess
from plans.history import record
from plans.models import Leadership, LifeArea, Plan, PlanChange, Proposal

TOWARD_PROFESSIONALS = (Leadership.PROFESSIONAL_LEADS_WITH_AGREEMENT, Leadership.PROFESSIONAL_LEADS)


def term_words(area: LifeArea) -> str:
    """How long the current balance was agreed for, in words ("" when open-ended)."""
    if area.leadership_until is not None:
        return f"{area.leadership_until:%-d %B %Y}"
    if area.leadership_until_review:
        return "the next review"
    return ""


def agree_term(area: LifeArea, before: int, proposal: Proposal) -> None:
    """Keep how long an accepted balance lasts, and the balance it returns to.

    Called in the transaction that applies the balance. Only a balance toward
    professionals comes back by itself; any other new balance ends a term.
    """
    timed = area.leadership in TOWARD_PROFESSIONALS and (
        proposal.leadership_until is not None or proposal.leadership_until_review
    )
    area.previous_leadership = before if timed else None
    area.leadership_until = proposal.leadership_until if timed else None
    area.leadership_until_review = proposal.leadership_until_review if timed else False
    area.save(update_fields=["previous_leadership", "leadership_until", "leadership_until_review"])
    _remember_next_return(area.plan_id)


def _remember_next_return(plan_id: int) -> None:
    """Plan.leadership_returns_on: the day after the earliest agreed end date."""
    until = LifeArea.objects.filter(plan_id=plan_id).aggregate(d=Min("leadership_until"))["d"]
    returns_on = until + datetime.timedelta(days=1) if until else None
    Plan.objects.filter(pk=plan_id).update(leadership_returns_on=returns_on)


def _give_back(
    access: PlanAccess | None, plan: Plan, area: LifeArea, to: int, why: str, summary: str
) -> None:
    before = area.get_leadership_display()
    today = timezone.localdate()
    LifeArea.objects.filter(pk=area.pk).update(
        leadership=to,
        previous_leadership=None,
        leadership_until=None,
        leadership_until_review=False,
        leadership_returned_on=today,
        leadership_returned_why=why[:120],
        version=F("version") + 1,
    )
    area.refresh_from_db()
    record(
        access,
        plan,
        PlanChange.Action.LEADERSHIP,
        f"{summary} {area.name}: {area.get_leadership_display()} ({why})",
        item=area,
        life_area=area,
        before={"leadership": before},
        after={"leadership": area.get_leadership_display()},
    )


def _return_areas(access: PlanAccess | None, plan: Plan, areas: list[LifeArea]) -> int:
    for area in areas:
        why = f"agreed until {term_words(area)}"
        to = area.previous_leadership or Leadership.PERSON_LEADS
        _give_back(access, plan, area, to, why, "Leadership came back in")
    if areas:
        _remember_next_return(plan.pk)
    return len(areas)


def return_due_leadership(plan: Plan, today: datetime.date | None = None) -> int:
    """Return every balance on this plan whose agreed date has passed; how many returned.

    Costs nothing unless something is due (the plan row says when).
    """
    today = today or timezone.localdate()
    if not plan.leadership_due_back(today):
        return 0  # nothing due, or a closed plan, on which nothing changes
    with transaction.atomic():
        areas = list(
            LifeArea.objects.select_for_update()
            .filter(plan=plan, leadership_until__lt=today)
            .order_by("position", "id")
        )
        returned = _return_areas(None, plan, areas)
        if not returned:
            # Someone else returned them first; keep the plan's date honest.
            _remember_next_return(plan.pk)
    plan.refresh_from_db(fields=["leadership_returns_on", "version"])
    return returned


def plans_with_leadership_due(today: datetime.date) -> list[Plan]:
    rows = Plan.objects.filter(leadership_returns_on__lte=today).exclude(status=Plan.Status.CLOSED)
    return list(rows.order_by("pk"))


@transaction.atomic
def return_at_review(access: PlanAccess) -> int:
    """A completed review ends every balance agreed "until the next review"."""
    areas = list(
        LifeArea.objects.select_for_update()
        .filter(plan=access.plan, leadership_until_review=True)
        .order_by("position", "id")
    )
    return _return_areas(access, access.plan, areas)


def may_take_back(area: LifeArea) -> bool:
    """An agreement to professional leadership the person can withdraw at a review."""
    return area.leadership in TOWARD_PROFESSIONALS


def balance_before(area: LifeArea) -> int:
    """The balance an area had before professionals were agreed to lead it.

    Kept on the area for a timed agreement; otherwise read from the history
    (the last new balance's "before"), and "person leads" when there is none.
    """
    if area.previous_leadership:
        return area.previous_leadership
    labels = {label: value for value, label in Leadership.choices}
    last = (
        PlanChange.objects.filter(life_area=area, action=PlanChange.Action.LEADERSHIP)
        .order_by("-at", "-id")
        .values_list("before", flat=True)
        .first()
    )
    value = labels.get((last or {}).get("leadership", ""))
    if value is None or value in TOWARD_PROFESSIONALS:
        return Leadership.PERSON_LEADS
    return value


@transaction.atomic
def take_back(access: PlanAccess, area: LifeArea, held_on: datetime.date) -> None:
    """The person withdraws their agreement to professional leadership, at a review."""
    access.require_owner()
    area = LifeArea.objects.select_for_update().get(pk=area.pk)
    if not may_take_back(area):
        return
    why = f"taken back at the review of {held_on:%-d %B %Y}"
    _give_back(access, access.plan, area, balance_before(area), why, "Leadership taken back in")
    _remember_next_return(access.plan.pk)
