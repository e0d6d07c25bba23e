"""Valued outcomes, two-sided ratings of progress, and reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.models import SUPPORTER, Side
from plans.models import (
    Commitment,
    Expertise,
    LifeArea,
    Plan,
    PlanItem,
    PlanItemQuerySet,
    Resource,
    side_check,
)

# Who rates: the two sides, and the person's supporters (a third view, their own,
# shown beside the two and never counted in either side's figures).
RATING_SIDES = [*Side.choices, (SUPPORTER, "Supporter")]


class ValuedOutcomeQuerySet(PlanItemQuerySet):
    def with_latest_ratings(self) -> ValuedOutcomeQuerySet:
        """Annotate each side's latest score and its date (and the supporters'):
        subqueries of the one query, no extra queries."""
        annotations = {}
        for side in [*Side.values, SUPPORTER]:
            latest = (
                Rating.objects.standing()
                .filter(outcome=models.OuterRef("pk"), side=side)
                .order_by("-rated_on", "-created_at", "-id")
            )
            annotations[f"latest_{side}_score"] = models.Subquery(latest.values("score")[:1])
            annotations[f"latest_{side}_on"] = models.Subquery(latest.values("rated_on")[:1])
        return self.annotate(**annotations)


class ValuedOutcome(PlanItem):
    """An outcome the person values, in their own words."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Working on it"
        ACHIEVED = "achieved", "Achieved"
        LET_GO = "let_go", "Let go"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="outcomes")
    text = models.TextField("What I want", max_length=1000)
    why_it_matters = models.TextField("Why it matters to me", blank=True, max_length=2000)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    WORDS = ("text", "why_it_matters")

    objects = ValuedOutcomeQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "achieved", "let_go"]),
                name="outcome_status_valid",
            ),
            side_check("created_side", "outcome_side_valid"),
        ]
        indexes = [
            models.Index(fields=["plan", "removed_at"], name="outcome_by_plan"),
            models.Index(fields=["status", "status_changed_at"], name="outcome_status_changed"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def rating_gap(self) -> int | None:
        """How far apart the two sides' latest views are (needs with_latest_ratings)."""
        person = getattr(self, "latest_person_score", None)
        professional = getattr(self, "latest_professional_score", None)
        if person is None or professional is None:
            return None
        return abs(person - professional)


class Review(models.Model):
    """A dated event on the plan where both sides rate and the next review is set."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(default=timezone.localdate)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_side = models.CharField(max_length=12, choices=Side.choices)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviews_joined"
    )
    next_review_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The outcomes as they were when the review was completed (outcomes.snapshot):
    # a list of plain dicts, so later edits never change what the review shows.
    # None: no snapshot (an open review, or one from before snapshots whose
    # history could not rebuild it).
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [side_check("started_side", "review_side_valid")]
        indexes = [models.Index(fields=["plan", "-held_on"], name="review_by_plan")]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.held_on}"


class RatingQuerySet(models.QuerySet["Rating"]):
    def standing(self) -> RatingQuerySet:
        """Ratings that count: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class PowerCheck(models.Model):
    """One person's answers to the power check at a review (DOMAIN.md, "Outcomes").

    The person answers whether they led as much as they wanted and whether
    their words were kept; each professional answers whether leadership was
    shared as agreed. One row per review and person answering; a later
    answer replaces theirs while the review is open.
    """

    class Led(models.TextChoices):
        LESS = "less", "Less than I wanted"
        AS_MUCH = "as_much", "As much as I wanted"
        MORE = "more", "More than I wanted"

    class Kept(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="power_checks")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=12, choices=Side.choices)
    # The person's questions (blank for a professional).
    led = models.CharField(max_length=10, choices=Led.choices, blank=True)
    words_kept = models.CharField(max_length=10, choices=Kept.choices, blank=True)
    # The professional's question (blank for the person).
    shared_as_agreed = models.CharField(max_length=10, choices=Kept.choices, blank=True)
    note = models.TextField(blank=True, max_length=1000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["side", "answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "answered_by"], name="one_power_check_each"),
            side_check("side", "powercheck_side_valid"),
            models.CheckConstraint(
                condition=(
                    Q(side="person", led__in=["less", "as_much", "more"], shared_as_agreed="")
                    & Q(words_kept__in=["yes", "partly", "no"])
                )
                | Q(
                    side="professional",
                    led="",
                    words_kept="",
                    shared_as_agreed__in=["yes", "partly", "no"],
                ),
                name="powercheck_answers_fit_side",
            ),
        ]

    def __str__(self) -> str:
        return f"Power check by {self.answered_by} at {self.review}"


class Rating(models.Model):
    """'How close am I to this outcome?' from one side, 1 to 10. Never edited in place."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outcome = models.ForeignKey(ValuedOutcome, on_delete=models.CASCADE, related_name="ratings")
    # Denormalised from the outcome so dashboards can aggregate by plan cheaply.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ratings")
    side = models.CharField(max_length=12, choices=RATING_SIDES)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, max_length=1000)
    rated_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="ratings"
    )
    # Withdrawn by the one who gave it, with a reason: kept (and in the history),
    # but left out of every figure, chart and "latest rating".
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, max_length=500)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["rated_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=10), name="rating_score_1_to_10"
            ),
            models.CheckConstraint(
                condition=Q(side__in=[*Side.values, SUPPORTER]), name="rating_side_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["outcome", "side", "rated_on", "created_at"], name="rating_seq"),
            models.Index(fields=["plan", "rated_on"], name="rating_by_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 from the {self.side} side on {self.rated_on}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RatingSummary(models.Model):
    """What one outcome's standing ratings (person and professional side) say,
    kept so the team dashboard need not group every rating on every request.

    Written only by `outcomes.summaries`, in the same transaction as each rating
    and withdrawal. It holds nothing but what the ratings say: the outcome's
    plan, life area, status and removal are read from the outcome itself, so
    edits, moves and removals need no summary update. `<side>_first` and
    `<side>_latest` are rating keys (`outcomes.metrics.RATING_KEY`: the day,
    the order recorded and the score in one number), so the date of the latest
    rating can be told from them too. Null when the side has not rated.
    """

    outcome = models.OneToOneField(
        ValuedOutcome, on_delete=models.CASCADE, primary_key=True, related_name="rating_summary"
    )
    person_ratings = models.PositiveIntegerField(default=0)
    person_first = models.BigIntegerField(null=True, blank=True)
    person_latest = models.BigIntegerField(null=True, blank=True)
    professional_ratings = models.PositiveIntegerField(default=0)
    professional_first = models.BigIntegerField(null=True, blank=True)
    professional_latest = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Rating summary of outcome {self.outcome_id}"


# The words the team dashboard counts by who wrote them (outcomes.metrics.content_share):
# each kind's written fields, as `ContentSummary` columns "<kind>_<field>_<side>".
CONTENT_WORDS: dict[str, tuple[str, ...]] = {
    "outcomes": ValuedOutcome.WORDS,
    "expertise": Expertise.WORDS,
    "resources": Resource.WORDS,
    "commitments": Commitment.WORDS,
    "about": Plan.ABOUT_WORDS,
}


def content_column(kind: str, name: str, side: str) -> str:
    """The `ContentSummary` column counting one written field of a kind from one side."""
    return f"{kind}_{name.removeprefix('about_')}_{side}"


class ContentSummary(models.Model):
    """Who wrote the words on one plan as they read now, in one life area (or,
    with no life area, the plan's "about me" and the expertise in no area):
    for each written field of each kind (`CONTENT_WORDS`), how many current
    items have words there last written by each side.

    Kept so the team dashboard need not read every item's `writers` on every
    request. Written only by `outcomes.summaries`, recomputed from the items
    themselves whenever the plan's history records a change (in that same
    transaction), and rebuilt in bulk after bulk loads. A plan with no words
    has no rows.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcomes_text_person = models.PositiveIntegerField(default=0)
    outcomes_text_professional = models.PositiveIntegerField(default=0)
    outcomes_why_it_matters_person = models.PositiveIntegerField(default=0)
    outcomes_why_it_matters_professional = models.PositiveIntegerField(default=0)
    expertise_text_person = models.PositiveIntegerField(default=0)
    expertise_text_professional = models.PositiveIntegerField(default=0)
    resources_name_person = models.PositiveIntegerField(default=0)
    resources_name_professional = models.PositiveIntegerField(default=0)
    resources_provider_person = models.PositiveIntegerField(default=0)
    resources_provider_professional = models.PositiveIntegerField(default=0)
    resources_how_to_access_person = models.PositiveIntegerField(default=0)
    resources_how_to_access_professional = models.PositiveIntegerField(default=0)
    commitments_what_person = models.PositiveIntegerField(default=0)
    commitments_what_professional = models.PositiveIntegerField(default=0)
    about_admire_person = models.PositiveIntegerField(default=0)
    about_admire_professional = models.PositiveIntegerField(default=0)
    about_matters_person = models.PositiveIntegerField(default=0)
    about_matters_professional = models.PositiveIntegerField(default=0)
    about_support_person = models.PositiveIntegerField(default=0)
    about_support_professional = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["plan", "life_area"], name="content_summary_by_plan")]

    def __str__(self) -> str:
        return f"Content summary of plan {self.plan_id}, area {self.life_area_id}"
