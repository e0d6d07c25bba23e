"""The plan and everything on it.

Every item on a plan records who wrote it and from which side, carries a
version number (so two people saving at once cannot silently overwrite each
other) and is removed softly: removed items stay in the database and in the
plan's history.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.models import Side


class Leadership(models.IntegerChoices):
    """The balance of leadership in one life area, from the person's end."""

    PERSON_LEADS = 1, "Person leads"
    PERSON_LEADS_WITH_SUPPORT = 2, "Person leads, with support"
    SHARED = 3, "Shared"
    PROFESSIONAL_LEADS_WITH_AGREEMENT = 4, "Professional leads, with agreement"
    PROFESSIONAL_LEADS = 5, "Professional leads"

    @classmethod
    def leading_sides(cls, value: int) -> frozenset[str]:
        if value < cls.SHARED:
            return frozenset({Side.PERSON})
        if value > cls.SHARED:
            return frozenset({Side.PROFESSIONAL})
        return frozenset({Side.PERSON, Side.PROFESSIONAL})


DEFAULT_LIFE_AREAS = [
    "Mental wellbeing",
    "Physical health",
    "Staying safe",
    "Money",
    "Home",
    "Work and learning",
    "Relationships and community",
]


def side_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": Side.values}), name=name)


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_team(self, team_id: int) -> PlanQuerySet:
        """The team's caseload: plans with a current care team member from the team."""
        return self.filter(
            models.Exists(
                CareTeamMember.objects.filter(
                    plan=models.OuterRef("pk"),
                    removed_at__isnull=True,
                    professional__team_id=team_id,
                )
            )
        )


# Crockford's base32: no I, L, O or U, so a code read aloud cannot be misheard.
SHARE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHARE_CODE_LENGTH = 8


def new_share_code() -> str:
    """A random code the person can show a professional who asks to join (40 bits)."""
    return "".join(secrets.choice(SHARE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class CloseReason(models.TextChoices):
        DISCHARGED = "discharged", "Discharged: the work together is done"
        MOVED = "moved", "Moved away or to another service"
        PERSON_CHOICE = "person_choice", "The person's choice"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Random and stored (unique, so indexed): finding a plan by the code a
    # professional types is one indexed lookup, whatever the number of plans.
    share_code = models.CharField(
        max_length=SHARE_CODE_LENGTH, unique=True, default=new_share_code, editable=False
    )
    person = models.ForeignKey("coproduce.Person", on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    next_review_date = models.DateField(null=True, blank=True)
    about_admire = models.TextField(
        "What people like and admire about me", blank=True, max_length=2000
    )
    about_matters = models.TextField("What matters to me", blank=True, max_length=2000)
    about_support = models.TextField("How best to support me", blank=True, max_length=2000)
    about_version = models.PositiveIntegerField(default=1)
    # Bumped by every change to anything on the plan: open pages compare it
    # to decide, in one small query, whether they need to refresh.
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The episode this plan follows, when the person started it after closing one.
    previous_plan = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_plans"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "closed"]), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_reason__in=["", "discharged", "moved", "person_choice"]),
                name="plan_closed_reason_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_date"], name="plan_review_due")]

    def __str__(self) -> str:
        return f"Plan for {self.person}"

    @property
    def is_closed(self) -> bool:
        """A closed plan (an episode that ended) is kept, and nothing on it changes."""
        return self.status == self.Status.CLOSED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def review_overdue(self) -> bool:
        """The rule of `review_overdue_q`, for one plan already in memory."""
        return (
            not self.is_closed
            and self.next_review_date is not None
            and self.next_review_date < timezone.localdate()
        )

    @staticmethod
    def review_overdue_q(today: datetime.date, via: str = "") -> Q:
        """Plans not closed whose next review date has passed.

        `via` reaches the plan from another model, for example "plan__" from
        a care team membership.
        """
        return Q(**{f"{via}next_review_date__lt": today}) & ~Q(
            **{f"{via}status": Plan.Status.CLOSED}
        )


class CareTeamMemberQuerySet(models.QuerySet["CareTeamMember"]):
    def current(self) -> CareTeamMemberQuerySet:
        return self.filter(removed_at__isnull=True)


class CareTeamMember(models.Model):
    """A professional on a person's care team. Removal ends access at once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="care_team")
    professional = models.ForeignKey(
        "coproduce.Professional", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("Role on this plan", max_length=120, blank=True)
    # The care coordinator: one per plan at most (a database constraint).
    is_coordinator = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    last_seen_version = models.PositiveBigIntegerField(default=0)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "professional"],
                condition=Q(removed_at__isnull=True),
                name="one_current_membership",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(is_coordinator=True, removed_at__isnull=True),
                name="one_coordinator_per_plan",
            ),
        ]
        indexes = [
            models.Index(fields=["professional", "removed_at"], name="careteam_by_professional")
        ]

    def __str__(self) -> str:
        return f"{self.professional} on {self.plan}"


class PlanAgreement(models.Model):
    """Someone agreeing to the plan as it stood: the person first, then the care coordinator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="agreements")
    side = models.CharField(max_length=12, choices=Side.choices)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    # The plan's version once this agreement was recorded: any later change
    # makes the plan "changed since it was agreed".
    plan_version = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["agreed_at", "id"]
        constraints = [side_check("side", "planagreement_side_valid")]
        indexes = [models.Index(fields=["plan", "side", "-agreed_at"], name="agreement_latest")]

    def __str__(self) -> str:
        return f"{self.agreed_by} agreed to {self.plan} on {self.agreed_at:%Y-%m-%d}"


class AccessRequest(models.Model):
    """A professional asking to join a person's care team; the person decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="access_requests")
    professional = models.ForeignKey(
        "coproduce.Professional", on_delete=models.PROTECT, related_name="access_requests"
    )
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]),
                name="access_request_status_valid",
            ),
            models.UniqueConstraint(
                fields=["plan", "professional"],
                condition=Q(status="pending"),
                name="one_pending_access_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} asks to join {self.plan}"


class PlanView(models.Model):
    """Who looked at a plan, and when: the person can always see this."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    page = models.CharField(max_length=60)

    class Meta:
        indexes = [models.Index(fields=["plan", "-viewed_at"], name="planview_recent")]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.page} at {self.viewed_at:%Y-%m-%d %H:%M}"


class LifeArea(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="life_areas")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    leadership = models.PositiveSmallIntegerField(
        choices=Leadership.choices, default=Leadership.PERSON_LEADS
    )
    is_default = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_side = models.CharField(max_length=12, choices=Side.choices, default=Side.PERSON)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leadership__gte=1, leadership__lte=5), name="lifearea_leadership_1_to_5"
            ),
            models.UniqueConstraint(fields=["plan", "name"], name="lifearea_unique_name"),
            side_check("created_side", "lifearea_side_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def leading_sides(self) -> frozenset[str]:
        return Leadership.leading_sides(self.leadership)


class PlanItemQuerySet(models.QuerySet[Any]):
    def current(self) -> PlanItemQuerySet:
        return self.filter(removed_at__isnull=True)


class PlanItem(models.Model):
    """What every item on a plan has: an address, an author, a version, a soft removal."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_side = models.CharField(max_length=12, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_side = models.CharField(max_length=12, choices=Side.choices, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def was_edited(self) -> bool:
        return self.updated_at is not None


class ExpertiseKind(models.TextChoices):
    # Citizen expertise
    MY_SITUATION = "my_situation", "My situation"
    WHOLE_LIFE = "whole_life", "How my problems affect my whole life"
    STRENGTHS = "strengths", "My gifts and strengths"
    MY_PEOPLE = "my_people", "My people and community"
    # Professional expertise
    SEEN_WITH_OTHERS = "seen_with_others", "What we have seen with others"
    CONTRIBUTING_FACTORS = "contributing_factors", "Contributing factors"
    RESOURCES_WE_CONTROL = "resources_we_control", "Resources I control"
    RESOURCES_ELSEWHERE = "resources_elsewhere", "Resources elsewhere in the system"


class Expertise(PlanItem):
    Kind = ExpertiseKind
    CITIZEN_KINDS = frozenset({"my_situation", "whole_life", "strengths", "my_people"})

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="expertise")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="expertise"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField(max_length=2000)

    class Meta:
        verbose_name_plural = "expertise"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ExpertiseKind.values), name="expertise_kind_valid"
            ),
            side_check("created_side", "expertise_side_valid"),
        ]
        indexes = [models.Index(fields=["plan", "removed_at"], name="expertise_by_plan")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_citizen(self) -> bool:
        return self.kind in self.CITIZEN_KINDS


class ResourceControl(models.TextChoices):
    OUR_SERVICE = "our_service", "Our service controls it"
    ELSEWHERE = "elsewhere", "Elsewhere in the system"
    PERSONAL = "personal", "Personal or community"


class ResourceLibraryItem(models.Model):
    """A resource a team offers again and again, reused across plans."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("coproduce.Team", on_delete=models.CASCADE, related_name="library")
    name = models.CharField(max_length=120)
    provider = models.CharField(max_length=120, blank=True)
    how_to_access = models.TextField(blank=True, max_length=1000)
    control = models.CharField(max_length=12, choices=ResourceControl.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="library_unique_name"),
            models.CheckConstraint(
                condition=Q(control__in=ResourceControl.values), name="library_control_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(PlanItem):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="resources")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(max_length=120)
    provider = models.CharField(max_length=120, blank=True)
    how_to_access = models.TextField(blank=True, max_length=1000)
    control = models.CharField(max_length=12, choices=ResourceControl.choices)
    library_item = models.ForeignKey(
        ResourceLibraryItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    outcomes = models.ManyToManyField(
        "outcomes.ValuedOutcome", blank=True, related_name="resources"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(control__in=ResourceControl.values), name="resource_control_valid"
            ),
            side_check("created_side", "resource_side_valid"),
        ]
        indexes = [models.Index(fields=["plan", "removed_at"], name="resource_by_plan")]

    def __str__(self) -> str:
        return self.name


class Commitment(PlanItem):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="commitments")
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    who_side = models.CharField(max_length=12, choices=Side.choices)
    what = models.TextField(max_length=1000)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "dropped"]),
                name="commitment_status_valid",
            ),
            side_check("created_side", "commitment_side_valid"),
            side_check("who_side", "commitment_who_side_valid"),
        ]
        indexes = [models.Index(fields=["plan", "removed_at"], name="commitment_by_plan")]

    def __str__(self) -> str:
        return self.what[:60]


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.PENDING)

    def waiting_for(self, side: str) -> ProposalQuerySet:
        """Suggestions the other side made that wait for an answer from `side`."""
        other = Side.PERSON if side == Side.PROFESSIONAL else Side.PROFESSIONAL
        return self.pending().filter(proposed_side=other)


class Proposal(models.Model):
    """An edit by the side that does not lead an area, or a new balance of leadership."""

    class Action(models.TextChoices):
        ADD = "add", "Add"
        CHANGE = "change", "Change"
        REMOVE = "remove", "Remove"
        LEADERSHIP = "leadership", "Change leadership"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proposals")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    item_type = models.CharField(max_length=20)
    item_code = models.UUIDField(null=True, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, max_length=1000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_made"
    )
    proposed_side = models.CharField(max_length=12, choices=Side.choices)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals_answered",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True, max_length=1000)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["add", "change", "remove", "leadership"]),
                name="proposal_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", answered_at__isnull=True)
                | (~Q(status="pending") & Q(answered_at__isnull=False)),
                name="proposal_answered_when_closed",
            ),
            side_check("proposed_side", "proposal_side_valid"),
        ]
        indexes = [
            models.Index(fields=["plan", "status"], name="proposal_by_plan_status"),
            models.Index(fields=["created_at"], name="proposal_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.item_type} by {self.proposed_by}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class PlanChange(models.Model):
    """One entry in a plan's history: who, when, what before, what after."""

    class Action(models.TextChoices):
        CREATE = "create", "Added"
        EDIT = "edit", "Changed"
        REMOVE = "remove", "Removed"
        PROPOSE = "propose", "Suggested"
        ACCEPT = "accept", "Accepted a suggestion"
        DECLINE = "decline", "Declined a suggestion"
        WITHDRAW = "withdraw", "Withdrew a suggestion"
        LEADERSHIP = "leadership", "Changed leadership"
        ACCESS = "access", "Changed who can see the plan"
        RATE = "rate", "Rated progress"
        REVIEW = "review", "Reviewed the plan"
        AGREE = "agree", "Agreed the plan"
        CLOSE = "close", "Closed the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    actor_side = models.CharField(max_length=12, choices=Side.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=Action.choices)
    item_type = models.CharField(max_length=20, blank=True)
    item_code = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The plan's version after this change: open pages ask "what changed since
    # version N?" and refresh only those life areas.
    plan_version = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    action__in=[
                        "create",
                        "edit",
                        "remove",
                        "propose",
                        "accept",
                        "decline",
                        "withdraw",
                        "leadership",
                        "access",
                        "rate",
                        "review",
                        "agree",
                        "close",
                    ]
                ),
                name="planchange_action_valid",
            )
        ]
        indexes = [
            models.Index(fields=["plan", "-at"], name="planchange_recent"),
            models.Index(fields=["plan", "plan_version"], name="planchange_by_version"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"
