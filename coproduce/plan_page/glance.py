"""The plan page's "at a glance": what the top of the plan page says to whoever is reading it.

Computed in one place from the page already loaded (no queries of its own),
so the header's "For you" list can later take what waits for this reader
from here, or point here to its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from coproduce.plan_page.loader import AreaSection, PlanPage
from outcomes.models import ValuedOutcome
from plans import rules
from plans.access import PlanAccess
from plans.models import Commitment, Proposal

# Open commitments due within this many days (or overdue) are "due".
DUE_WITHIN_DAYS = 28


@dataclass
class Glance:
    # Suggestions this reader's side may accept or decline.
    to_answer: list[Proposal]
    # This reader's own suggestions still waiting (they can only withdraw them).
    own_waiting: list[Proposal]
    # Professionals' edits that wait for the person's agreement: (area, kind, item).
    not_yet_agreed: list[tuple[AreaSection, str, Any]]
    outcomes: list[ValuedOutcome]
    commitments_due: list[Commitment]
    today: datetime.date
    sections: list[AreaSection]
    # Only the person agrees to professionals' edits; for anyone else they wait on her.
    for_person_to_agree: bool = False

    @property
    def waiting_count(self) -> int:
        """How many things wait for this reader to act on."""
        return len(self.to_answer) + (len(self.not_yet_agreed) if self.for_person_to_agree else 0)

    @property
    def areas(self) -> list[tuple[AreaSection, int]]:
        """Each life area with how many suggestions in it wait for this reader."""
        return [
            (section, sum(1 for p in self.to_answer if p.life_area_id == section.area.pk))
            for section in self.sections
        ]


def glance_for(access: PlanAccess, page: PlanPage) -> Glance:
    pending = page.pending_proposals
    today = timezone.localdate()
    due_by = today + datetime.timedelta(days=DUE_WITHIN_DAYS)
    commitments = [
        commitment
        for section in page.areas
        for commitment in section.commitments
        if commitment.status == Commitment.Status.OPEN
        and commitment.due_date is not None
        and commitment.due_date <= due_by
    ]
    return Glance(
        to_answer=[p for p in pending if rules.may_answer(p, access.side)],
        own_waiting=[p for p in pending if p.proposed_by_id == access.user.pk],
        not_yet_agreed=page.not_yet_agreed,
        outcomes=[
            outcome
            for section in page.areas
            for outcome in section.outcomes
            if outcome.status == ValuedOutcome.Status.ACTIVE
        ],
        commitments_due=sorted(commitments, key=lambda c: (c.due_date, c.pk)),
        today=today,
        sections=page.areas,
        for_person_to_agree=access.is_owner,
    )
