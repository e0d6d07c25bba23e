"""Loading a whole plan page in a fixed, small number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from coproduce.models import Side
from outcomes.models import ValuedOutcome
from plans.models import (
    CareTeamMember,
    Commitment,
    Expertise,
    ExpertiseKind,
    LifeArea,
    Plan,
    Proposal,
    Reply,
    Resource,
)

AUTHORS = ("created_by", "updated_by")


@dataclass
class AreaSection:
    area: LifeArea
    outcomes: list[ValuedOutcome] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    expertise: list[Expertise] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing written here yet: the page folds the area to one line."""
        return not (self.outcomes or self.resources or self.commitments or self.proposals)

    @property
    def not_yet_agreed(self) -> list[tuple[str, Any]]:
        """Professionals' edits here that wait for the person's agreement, with their kind."""
        items: list[tuple[str, Any]] = [
            *(("outcome", item) for item in self.outcomes),
            *(("resource", item) for item in self.resources),
            *(("commitment", item) for item in self.commitments),
        ]
        return [(kind, item) for kind, item in items if item.awaiting_agreement]


@dataclass
class PlanPage:
    plan: Plan
    areas: list[AreaSection]
    citizen_expertise: list[Expertise]
    professional_expertise: list[Expertise]
    care_team: list[CareTeamMember]
    plan_proposals: list[Proposal]
    authorship: dict[str, int]
    # Every reply on the plan by (target type, target code), oldest first.
    replies: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)

    @property
    def pending_proposals(self) -> list[Proposal]:
        pending = [p for p in self.plan_proposals if p.is_pending]
        for section in self.areas:
            pending.extend(p for p in section.proposals if p.is_pending)
        return pending

    @property
    def not_yet_agreed(self) -> list[tuple[AreaSection, str, Any]]:
        return [
            (section, kind, item) for section in self.areas for kind, item in section.not_yet_agreed
        ]

    @property
    def person_share(self) -> int | None:
        total = self.authorship["person"] + self.authorship["professional"]
        if not total:
            return None
        return round(100 * self.authorship["person"] / total)

    @property
    def professional_share(self) -> int | None:
        share = self.person_share
        return None if share is None else 100 - share


def load_plan_page(plan: Plan) -> PlanPage:
    """Everything the plan page shows. The number of queries does not grow with the plan."""
    areas = list(LifeArea.objects.filter(plan=plan).order_by("position", "id"))
    by_area: dict[int, AreaSection] = {a.pk: AreaSection(area=a) for a in areas}

    outcomes = (
        ValuedOutcome.objects.filter(plan=plan, removed_at__isnull=True)
        .select_related(*AUTHORS)
        .with_latest_ratings()
        # Every rating of these outcomes in one query, for the progress charts.
        .prefetch_related(Prefetch("ratings", to_attr="rating_history"))
        .order_by("status", "created_at", "id")
    )
    for outcome in outcomes:
        by_area[outcome.life_area_id].outcomes.append(outcome)

    resources = (
        Resource.objects.current()
        .filter(plan=plan)
        .select_related(*AUTHORS)
        .prefetch_related(Prefetch("outcomes", queryset=ValuedOutcome.objects.only("code", "text")))
    )
    for resource in resources:
        by_area[resource.life_area_id].resources.append(resource)

    for commitment in (
        Commitment.objects.current().filter(plan=plan).select_related(*AUTHORS, "who")
    ):
        by_area[commitment.life_area_id].commitments.append(commitment)

    citizen: list[Expertise] = []
    professional: list[Expertise] = []
    for entry in (
        Expertise.objects.current().filter(plan=plan).select_related(*AUTHORS, "life_area")
    ):
        (citizen if entry.kind in Expertise.CITIZEN_KINDS else professional).append(entry)
        if entry.life_area_id in by_area:
            by_area[entry.life_area_id].expertise.append(entry)

    plan_proposals: list[Proposal] = []
    for proposal in (
        Proposal.objects.pending()
        .filter(plan=plan)
        .select_related("proposed_by", "answered_by")
        .order_by("created_at", "id")
    ):
        if proposal.life_area_id in by_area:
            by_area[proposal.life_area_id].proposals.append(proposal)
        else:
            plan_proposals.append(proposal)

    care_team = list(
        CareTeamMember.objects.current()
        .filter(plan=plan)
        .select_related("professional__user", "professional__team")
        .order_by("added_at")
    )

    return PlanPage(
        plan=plan,
        areas=[by_area[a.pk] for a in areas],
        citizen_expertise=citizen,
        professional_expertise=professional,
        care_team=care_team,
        plan_proposals=plan_proposals,
        authorship=authorship(plan),
        replies=replies_by_target(plan),
    )


def replies_by_target(plan: Plan) -> dict[tuple[str, str], list[Reply]]:
    """Every reply on the plan, grouped by what it answers: one query."""
    grouped: dict[tuple[str, str], list[Reply]] = {}
    for reply in Reply.objects.filter(plan=plan).select_related("author"):
        grouped.setdefault((reply.target_type, str(reply.target_code)), []).append(reply)
    return grouped


def authorship(plan: Plan) -> dict[str, int]:
    """How many current items on the plan each side wrote: one query."""
    counts = {Side.PERSON.value: 0, Side.PROFESSIONAL.value: 0}
    models: list[Any] = [ValuedOutcome, Resource, Commitment, Expertise]
    union = None
    for model in models:
        qs = (
            model.objects.current().filter(plan=plan).values("created_side").annotate(n=Count("id"))
        )
        qs = qs.order_by()
        union = qs if union is None else union.union(qs, all=True)
    assert union is not None
    for row in union:
        counts[row["created_side"]] += row["n"]
    return counts


EXPERTISE_GROUPS = {
    Side.PERSON: [k for k in ExpertiseKind if k.value in Expertise.CITIZEN_KINDS],
    Side.PROFESSIONAL: [k for k in ExpertiseKind if k.value not in Expertise.CITIZEN_KINDS],
}
