"""Loading a whole plan page in a fixed, small number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Count, Prefetch, Value

from coproduce.models import Side
from outcomes.definitions import CHANGES_COUNTED, WORDS_COUNTED
from outcomes.models import Rating, ValuedOutcome
from plans.models import (
    CareTeamMember,
    Commitment,
    Expertise,
    ExpertiseKind,
    LifeArea,
    Plan,
    PlanChange,
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
    authorship: Authorship
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


def load_plan_page(plan: Plan) -> PlanPage:
    """Everything the plan page shows. The number of queries does not grow with the plan."""
    areas = list(LifeArea.objects.filter(plan=plan).order_by("position", "id"))
    by_area: dict[int, AreaSection] = {a.pk: AreaSection(area=a) for a in areas}
    _add_outcomes(plan, by_area)
    _add_resources_and_commitments(plan, by_area)
    citizen, professional = _add_expertise(plan, by_area)
    plan_proposals = _add_proposals(plan, by_area)
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


def _add_outcomes(plan: Plan, by_area: dict[int, AreaSection]) -> None:
    """Each area's outcomes with their latest ratings and every rating (two queries)."""
    outcomes = (
        ValuedOutcome.objects.filter(plan=plan, removed_at__isnull=True)
        .select_related(*AUTHORS)
        .with_latest_ratings()
        # Every rating of these outcomes in one query, for the progress charts.
        # With who gave each (a join, not a query): a supporter's view is theirs by name.
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=Rating.objects.select_related("rated_by"),
                to_attr="rating_history",
            )
        )
        .order_by("status", "created_at", "id")
    )
    for outcome in outcomes:
        by_area[outcome.life_area_id].outcomes.append(outcome)


def _add_resources_and_commitments(plan: Plan, by_area: dict[int, AreaSection]) -> None:
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


def _add_expertise(
    plan: Plan, by_area: dict[int, AreaSection]
) -> tuple[list[Expertise], list[Expertise]]:
    """Each area's expertise; and every entry, the citizen's and the professionals'."""
    citizen: list[Expertise] = []
    professional: list[Expertise] = []
    for entry in (
        Expertise.objects.current().filter(plan=plan).select_related(*AUTHORS, "life_area")
    ):
        (citizen if entry.kind in Expertise.CITIZEN_KINDS else professional).append(entry)
        if entry.life_area_id in by_area:
            by_area[entry.life_area_id].expertise.append(entry)
    return citizen, professional


def _add_proposals(plan: Plan, by_area: dict[int, AreaSection]) -> list[Proposal]:
    """Each area's pending proposals; those about the plan as a whole are returned."""
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
    return plan_proposals


def replies_by_target(plan: Plan) -> dict[tuple[str, str], list[Reply]]:
    """Every reply on the plan, grouped by what it answers: one query."""
    grouped: dict[tuple[str, str], list[Reply]] = {}
    for reply in Reply.objects.filter(plan=plan).select_related("author"):
        grouped.setdefault((reply.target_type, str(reply.target_code)), []).append(reply)
    return grouped


@dataclass(frozen=True)
class Authorship:
    """Who wrote the plan's words as they read now, and who made its changes, by side.

    Words: every piece of writing on the plan now (an outcome's wording, and why it
    matters; a resource's name, who provides it and how to get it; a commitment; an
    expertise entry; each "about me" answer), counted for the side that last wrote
    it. Changes: every addition, change and removal of those items, counted for the
    side that made it (an accepted suggestion is the suggester's change)."""

    words: dict[str, int]
    changes: dict[str, int]
    # The same words as the dashboard's (one definition of each figure).
    words_meaning: ClassVar[str] = WORDS_COUNTED
    changes_meaning: ClassVar[str] = CHANGES_COUNTED

    @property
    def person_share(self) -> int | None:
        total = sum(self.words.values())
        return round(100 * self.words[Side.PERSON] / total) if total else None

    @property
    def professional_share(self) -> int | None:
        share = self.person_share
        return None if share is None else 100 - share


def authorship(plan: Plan) -> Authorship:
    """Who wrote the words, and who made the changes: one query."""
    parts: list[Any] = [
        model.objects.filter(plan=plan)
        .words_by_writer(name)
        .order_by()
        .values("writer")
        .annotate(what=Value("words"), n=Count("id"))
        .values_list("what", "writer", "n")
        for model in (ValuedOutcome, Resource, Commitment, Expertise)
        for name in model.WORDS
    ]
    parts += [
        Plan.objects.filter(pk=plan.pk)
        .about_by_writer(name)
        .order_by()
        .values("writer")
        .annotate(what=Value("words"), n=Count("id"))
        .values_list("what", "writer", "n")
        for name in Plan.ABOUT_WORDS
    ]
    parts.append(
        PlanChange.objects.filter(plan=plan)
        .content_changes()
        .exclude(actor_side="")
        .order_by()
        .values("actor_side")
        .annotate(what=Value("changes"), n=Count("id"))
        .values_list("what", "actor_side", "n")
    )
    counts: dict[str, dict[str, int]] = {
        what: {Side.PERSON.value: 0, Side.PROFESSIONAL.value: 0} for what in ("words", "changes")
    }
    for what, side, n in parts[0].union(*parts[1:], all=True):
        counts[what][side] += n
    return Authorship(words=counts["words"], changes=counts["changes"])


EXPERTISE_GROUPS = {
    Side.PERSON: [k for k in ExpertiseKind if k.value in Expertise.CITIZEN_KINDS],
    Side.PROFESSIONAL: [k for k in ExpertiseKind if k.value not in Expertise.CITIZEN_KINDS],
}
