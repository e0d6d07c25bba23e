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
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
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
    def about_by_writer(self, name: str) -> models.QuerySet[Any]:
        """Plans with an "about me" answer in field `name`, with `writer`: the side that
        last wrote it ("about me" is the person's unless someone else's words were taken)."""
        return self.exclude(**{name: ""}).annotate(
            writer=Coalesce(
                KT(f"about_writers__{name}"),
                Value(Side.PERSON.value),
                output_field=models.CharField(),
            )
        )

    def for_team(self, team_id: int, members: Iterable[int] | None = None) -> PlanQuerySet:
        """The team's caseload: plans with a current care team member from the team.

        `members`: the ids of the team's professionals, when the caller has read
        them already. The same plans; but named one by one, the database can
        tell a small team's few memberships from a large team's thousands (by
        the team alone it guesses an average team, and reads every membership
        even for a team of four).
        """
        in_team = (
            Q(professional__team_id=team_id)
            if members is None
            else Q(professional_id__in=list(members))
        )
        return self.filter(
            models.Exists(
                CareTeamMember.objects.filter(
                    in_team, plan=models.OuterRef("pk"), removed_at__isnull=True
                )
            )
        )

    # An active plan with nobody coordinating it now needs the lead to act. One
    # rule, in two forms: the plans themselves, and their count as one join
    # over many plans (`with_coordinator` and `Plan.needing_coordinator_count`).
    def needing_coordinator(self) -> PlanQuerySet:
        """Active plans with no current care coordinator."""
        coordinated = CareTeamMember.objects.coordinating().filter(plan=models.OuterRef("pk"))
        return self.filter(status=Plan.Status.ACTIVE).exclude(models.Exists(coordinated))

    def with_coordinator(self) -> PlanQuerySet:
        """Each plan joined to its current coordinator (`coordinator`), if it has one:
        one at most (a constraint), so the join adds no rows."""
        condition = Q(**{f"care_team__{lookup}": value for lookup, value in _COORDINATING.items()})
        return self.annotate(coordinator=models.FilteredRelation("care_team", condition=condition))


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
    # Who wrote each "about me" answer as it reads now: field name -> side
    # (see PlanItem.writers).
    about_writers = models.JSONField(default=dict, blank=True)
    ABOUT_WORDS = ("about_admire", "about_matters", "about_support")
    # Bumped by every change to anything on the plan: open pages compare it
    # to decide, in one small query, whether they need to refresh.
    version = models.PositiveBigIntegerField(default=1)
    # The version the person last opened (professionals' is on their
    # CareTeamMember): "new since you last looked" and "replies for you".
    person_last_seen_version = models.PositiveBigIntegerField(default=0)
    # The earliest day a balance agreed "until a date" ends in any of its areas
    # (plans.leadership keeps it): loading the plan already reads this row, so
    # noticing that leadership is due back costs no query at all.
    leadership_returns_on = models.DateField(null=True, blank=True)
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
        indexes = [
            models.Index(fields=["status", "next_review_date"], name="plan_review_due"),
            # The team overview lists plans by when they started, a page at a time.
            models.Index(fields=["created_at", "id"], name="plan_by_created"),
        ]

    def __str__(self) -> str:
        return f"Plan for {self.person}"

    @property
    def is_closed(self) -> bool:
        """A closed plan (an episode that ended) is kept, and nothing on it changes."""
        return self.status == self.Status.CLOSED

    def leadership_due_back(self, today: datetime.date) -> bool:
        """Is a balance agreed "until a date" due to return (the row says when)?"""
        return (
            self.leadership_returns_on is not None
            and self.leadership_returns_on <= today
            and not self.is_closed
        )

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
    def needing_coordinator_count() -> models.Expression:
        """How many plans of a `with_coordinator()` query `needing_coordinator` would
        list: the active ones less those joined to a coordinator."""
        active = Q(status=Plan.Status.ACTIVE)
        return models.Count("id", filter=active) - models.Count("coordinator", filter=active)

    @staticmethod
    def review_overdue_q(today: datetime.date, via: str = "") -> Q:
        """Plans not closed whose next review date has passed.

        `via` reaches the plan from another model, for example "plan__" from
        a care team membership.
        """
        return Q(**{f"{via}next_review_date__lt": today}) & ~Q(
            **{f"{via}status": Plan.Status.CLOSED}
        )


# A care team member coordinating the plan's care now.
_COORDINATING = {"is_coordinator": True, "removed_at__isnull": True}
COORDINATING = Q(**_COORDINATING)


class CareTeamMemberQuerySet(models.QuerySet["CareTeamMember"]):
    def current(self) -> CareTeamMemberQuerySet:
        return self.filter(removed_at__isnull=True)

    def by_name(self) -> CareTeamMemberQuerySet:
        """By the professionals' names, as `Professional.objects.by_name()`."""
        return self.order_by("professional__user__display_name", "pk")

    def coordinating(self) -> CareTeamMemberQuerySet:
        """Members coordinating their plan's care now (one per plan at most)."""
        return self.filter(COORDINATING)


class Membership(models.Model):
    """Who added someone to a plan's people (its care team, the person's side), and
    who took them off: removal ends what they may do, and the row stays as a record.

    Abstract, so the care team and the supporters keep their own tables.
    """

    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class CareTeamMember(Membership):
    """A professional on a person's care team. Removal ends access at once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="care_team")
    professional = models.ForeignKey(
        "coproduce.Professional", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("Role on this plan", max_length=120, blank=True)
    # The care coordinator: one per plan at most (a database constraint).
    is_coordinator = models.BooleanField(default=False)
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


class SupporterQuerySet(models.QuerySet["Supporter"]):
    def current(self) -> SupporterQuerySet:
        return self.filter(removed_at__isnull=True)


class Supporter(Membership):
    """Someone the person invites onto their side: family, a friend, a carer, an advocate.

    The person decides what each may do, and removes them at any time (their
    very next request is refused, like a professional removed from the care
    team). A supporter belongs to the person, not to one plan: a new plan
    (episode) keeps the people on the person's side.
    """

    class Relationship(models.TextChoices):
        FAMILY = "family", "Family"
        FRIEND = "friend", "Friend"
        CARER = "carer", "Carer"
        ADVOCATE = "advocate", "Advocate"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "coproduce.Person", on_delete=models.CASCADE, related_name="supporters"
    )
    # The supporter's own sign-in (made by the invitation if they had none).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supporting"
    )
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    may_see = models.BooleanField("See my plan", default=True)
    may_suggest = models.BooleanField("Suggest changes to me", default=False)
    may_be_named = models.BooleanField("Be named in commitments", default=True)
    # Their own view of how close she is to each outcome: a third view beside hers
    # and the professionals', never counted in either side's figures.
    may_rate = models.BooleanField("Rate progress from their own view", default=False)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=Q(removed_at__isnull=True),
                name="one_current_supporter",
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=["family", "friend", "carer", "advocate"]),
                name="supporter_relationship_valid",
            ),
            # Suggesting needs seeing the plan.
            models.CheckConstraint(
                condition=Q(may_see=True) | Q(may_suggest=False),
                name="supporter_acts_only_if_sees",
            ),
            # So does rating progress.
            models.CheckConstraint(
                condition=Q(may_see=True) | Q(may_rate=False),
                name="supporter_rates_only_if_sees",
            ),
        ]
        indexes = [models.Index(fields=["user", "removed_at"], name="supporter_by_user")]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.get_relationship_display().lower()})"


class PendingEdit(models.Model):
    """What a proposal and a supporter's suggestion both hold: one edit of one
    item (or a new one), kept as submitted until someone answers it.

    Abstract, so each keeps its own table, choices, constraints and rules.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item_type = models.CharField(max_length=20)
    item_code = models.UUIDField(null=True, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    # {"data": the submitted form fields, "before": ..., "after": ...}
    payload = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    # Each kind declares its own status choices; "pending" is one of them in both.
    status: str

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class SupporterSuggestion(PendingEdit):
    """A supporter's suggestion, for the person alone to answer.

    It is not on the plan (nor in its history, nor seen by the care team)
    until the person takes it up: then it becomes the person's own edit,
    decided by plans.rules like any edit of hers (applied, or a suggestion to
    the care team where they lead). The form data is kept as submitted and
    checked again when the person says yes.
    """

    class Action(models.TextChoices):
        ADD = "add", "Add"
        CHANGE = "change", "Change"
        REMOVE = "remove", "Remove"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Taken up"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="supporter_suggestions")
    supporter = models.ForeignKey(Supporter, on_delete=models.CASCADE, related_name="suggestions")
    life_area = models.ForeignKey(
        "LifeArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    summary = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["add", "change", "remove"]),
                name="supporter_suggestion_action_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                name="supporter_suggestion_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"], name="supporter_suggestion_by_plan")]

    def __str__(self) -> str:
        return self.summary


class PlanView(models.Model):
    """Who looked at a plan, and when: the person can always see this."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    page = models.CharField(max_length=60)
    # What was seen within the page, e.g. the life area an update was about.
    detail = models.CharField(max_length=80, blank=True, default="")
    # Repeats of the same look in the same few minutes fold into one row
    # (plans.care_team.log_view): `slot` numbers those minutes, `times` counts
    # the looks and `last_seen_at` is the latest. Older rows have no slot.
    slot = models.BigIntegerField(null=True, blank=True)
    times = models.PositiveIntegerField(default=1)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["plan", "-viewed_at"], name="planview_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "viewer", "page", "detail", "slot"], name="planview_one_per_slot"
            )
        ]

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
    # A balance toward professionals agreed for a time (plans.leadership):
    # the balance it returns to, and when.
    previous_leadership = models.PositiveSmallIntegerField(
        choices=Leadership.choices, null=True, blank=True
    )
    leadership_until = models.DateField(null=True, blank=True)
    leadership_until_review = models.BooleanField(default=False)
    # The last time leadership came back, for the note shown in the area.
    leadership_returned_on = models.DateField(null=True, blank=True)
    leadership_returned_why = models.CharField(max_length=120, blank=True)

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

    def words_by_writer(self, name: str) -> PlanItemQuerySet:
        """Current items with words in field `name`, with `writer`: the side that last
        wrote them (an item from before writers were kept counts for the side that began it).
        Group with .values("writer")."""
        return (
            self.current()
            .exclude(**{name: ""})
            .annotate(
                writer=Coalesce(
                    KT(f"writers__{name}"), F("created_side"), output_field=models.CharField()
                )
            )
        )

    def not_yet_agreed(self) -> PlanItemQuerySet:
        return self.current().filter(awaiting_agreement=True)


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
    # Who wrote the item's words as they read now: for each of its written
    # fields (services.ItemKind.words), the side of whoever last changed it.
    # created_side says who began the item; this says whose words it holds.
    writers = models.JSONField(default=dict, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Where professionals lead with the person's agreement, their edits apply
    # at once and wait here until the person agrees (plans.rules).
    awaiting_agreement = models.BooleanField(default=False)
    # An item the other side suggested joins the plan when it is accepted: who, when.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    # The fields that hold words somebody wrote (each kind names its own).
    WORDS: tuple[str, ...] = ()

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

    WORDS = ("text",)

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


class ResourceDescription(models.Model):
    """What a resource is, who provides it, how to get it and who controls it:
    the same on a plan and in a team's library, which fills in a plan's."""

    DESCRIPTION_FIELDS = ("name", "provider", "how_to_access", "control")

    name = models.CharField(max_length=120)
    provider = models.CharField(max_length=120, blank=True)
    how_to_access = models.TextField(blank=True, max_length=1000)
    control = models.CharField(max_length=12, choices=ResourceControl.choices)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ResourceLibraryItem(ResourceDescription):
    """A resource a team offers again and again, reused across plans."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("coproduce.Team", on_delete=models.CASCADE, related_name="library")
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


class Resource(PlanItem, ResourceDescription):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="resources")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="resources")
    library_item = models.ForeignKey(
        ResourceLibraryItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    outcomes = models.ManyToManyField(
        "outcomes.ValuedOutcome", blank=True, related_name="resources"
    )

    WORDS = ("name", "provider", "how_to_access")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(control__in=ResourceControl.values), name="resource_control_valid"
            ),
            side_check("created_side", "resource_side_valid"),
        ]
        indexes = [models.Index(fields=["plan", "removed_at"], name="resource_by_plan")]


class Commitment(PlanItem):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    class WhoKind(models.TextChoices):
        """Who does it: someone who signs in, or anyone else, by name."""

        ACCOUNT = "account", "Someone on the plan"  # the person, a professional, a supporter
        SERVICE = "service", "An outside service"
        COMMUNITY = "community", "A community group or someone else"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments")
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="commitments")
    # Someone who signs in (who), or anyone else named in who_name: an outside
    # service, a community group, a neighbour. Exactly one of the two is set.
    who_kind = models.CharField(max_length=10, choices=WhoKind.choices, default=WhoKind.ACCOUNT)
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
    )
    who_name = models.CharField("Who (by name)", max_length=120, blank=True)
    # The side the one doing it stands on: supporters, community and anyone the
    # person names are on the person's side; an outside service on the professionals'.
    who_side = models.CharField(max_length=12, choices=Side.choices)
    what = models.TextField(max_length=1000)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    WORDS = ("what",)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "dropped"]),
                name="commitment_status_valid",
            ),
            side_check("created_side", "commitment_side_valid"),
            side_check("who_side", "commitment_who_side_valid"),
            models.CheckConstraint(
                condition=Q(who_kind="account", who__isnull=False)
                | (Q(who_kind__in=["service", "community"], who__isnull=True) & ~Q(who_name="")),
                name="commitment_who_named",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "removed_at"], name="commitment_by_plan"),
            # A professional's open commitments, for what waits for them ("For you").
            models.Index(
                fields=["who", "due_date"],
                condition=Q(status="open", removed_at__isnull=True),
                name="commitment_open_by_who",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def who_label(self) -> str:
        """The name to show: the account's, or the name given."""
        return self.who.name if self.who is not None else self.who_name


class CrisisPlan(PlanItem):
    """The person's crisis and contingency plan: theirs, whatever the balance anywhere.

    One per plan, started the first time anyone writes in it. Its sections are
    edited (or, by professionals, suggested) through the same edit flow as
    every other item; plans.rules makes every section the person's own words.
    The person marks it reviewed; professionals on the care team may agree it
    (CrisisAgreement).
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="crisis_plan")
    warning_signs = models.TextField("My early warning signs", blank=True, max_length=2000)
    helps = models.TextField("What helps me", blank=True, max_length=2000)
    does_not_help = models.TextField("What does not help me", blank=True, max_length=2000)
    tell = models.TextField("Who to tell", blank=True, max_length=1000)
    do_not_tell = models.TextField("Who not to tell", blank=True, max_length=1000)
    treatment_preferences = models.TextField(
        "My treatment preferences", blank=True, max_length=2000
    )
    do_not_want = models.TextField("What I do not want", blank=True, max_length=2000)
    children = models.TextField("Children", blank=True, max_length=1000)
    pets = models.TextField("Pets", blank=True, max_length=1000)
    bills = models.TextField("Bills", blank=True, max_length=1000)
    keys = models.TextField("Keys", blank=True, max_length=1000)
    # Each section is edited on its own, so each keeps its own version: saving
    # one section never conflicts with someone saving another.
    signs_version = models.PositiveIntegerField(default=1)
    helps_version = models.PositiveIntegerField(default=1)
    tell_version = models.PositiveIntegerField(default=1)
    treatment_version = models.PositiveIntegerField(default=1)
    practical_version = models.PositiveIntegerField(default=1)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [side_check("created_side", "crisisplan_side_valid")]
        indexes = [models.Index(fields=["reviewed_at"], name="crisisplan_reviewed")]

    def __str__(self) -> str:
        return f"Crisis plan for {self.plan}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.TEXT_FIELDS)

    TEXT_FIELDS = (
        "warning_signs",
        "helps",
        "does_not_help",
        "tell",
        "do_not_tell",
        "treatment_preferences",
        "do_not_want",
        "children",
        "pets",
        "bills",
        "keys",
    )


class CrisisContact(PlanItem):
    """Someone to contact in a crisis, and when: a plain named contact, not a user."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="crisis_contacts")
    name = models.CharField("Name", max_length=120)
    relationship = models.CharField(
        "Who they are to me", max_length=120, blank=True, help_text="For example: sister, GP"
    )
    number = models.CharField("Phone number", max_length=40)
    by_day = models.BooleanField("In the day", default=False)
    by_night = models.BooleanField("At night", default=False)
    at_weekends = models.BooleanField("At weekends", default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [side_check("created_side", "crisiscontact_side_valid")]
        indexes = [models.Index(fields=["plan", "removed_at"], name="crisiscontact_by_plan")]

    def __str__(self) -> str:
        return self.name

    @property
    def when_words(self) -> str:
        times = [
            words
            for flag, words in (
                (self.by_day, "day"),
                (self.by_night, "night"),
                (self.at_weekends, "weekends"),
            )
            if flag
        ]
        return ", ".join(times) if times else "any time"


class CrisisAgreement(models.Model):
    """A professional on the care team agreeing the crisis plan as it stood."""

    crisis_plan = models.ForeignKey(CrisisPlan, on_delete=models.CASCADE, related_name="agreements")
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreed_at", "id"]

    def __str__(self) -> str:
        return f"{self.agreed_by} agreed the crisis plan on {self.agreed_at:%Y-%m-%d}"


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(status=Proposal.Status.PENDING)

    def waiting_for(self, side: str) -> ProposalQuerySet:
        """Suggestions the other side made that wait for an answer from `side`."""
        other = Side.PERSON if side == Side.PROFESSIONAL else Side.PROFESSIONAL
        return self.pending().filter(proposed_side=other)

    def leadership_requests_overdue(self, now: datetime.datetime) -> ProposalQuerySet:
        """A person's requests for more leadership nobody has answered in time.

        "More leadership" is a balance nearer "person leads" than the area's
        now; "in time" is settings.LEADERSHIP_ESCALATION_DAYS.
        """
        waited = datetime.timedelta(days=settings.LEADERSHIP_ESCALATION_DAYS)
        return self.pending().filter(
            action=Proposal.Action.LEADERSHIP,
            proposed_side=Side.PERSON,
            proposed_leadership__lt=models.F("life_area__leadership"),
            created_at__lte=now - waited,
        )


class Proposal(PendingEdit):
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

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="proposals")
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    # For a new balance: the balance suggested, and for how long it is agreed
    # (until a date, until the next review, or with neither: until changed).
    proposed_leadership = models.PositiveSmallIntegerField(
        choices=Leadership.choices, null=True, blank=True
    )
    leadership_until = models.DateField(null=True, blank=True)
    leadership_until_review = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_made"
    )
    proposed_side = models.CharField(max_length=12, choices=Side.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals_answered",
        null=True,
        blank=True,
    )
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
            # The suggestions still waiting on each plan (caseloads, "For you"):
            # the answered ones, which only accumulate, are not in it.
            models.Index(
                fields=["plan", "proposed_side"],
                condition=Q(status="pending"),
                name="proposal_pending_by_plan",
            ),
            # Requests for leadership still waiting (few): a lead's "For you" and
            # the team's overdue requests (leadership_requests_overdue) start here,
            # not from every plan of the team.
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending", action="leadership"),
                name="proposal_leadership_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.item_type} by {self.proposed_by}"


class PlanChangeQuerySet(models.QuerySet["PlanChange"]):
    def content_changes(self) -> PlanChangeQuerySet:
        """Every addition, change and removal of what the plan says: valued outcomes,
        resources, commitments, expertise and "about me" (an accepted suggestion's
        change is recorded as the suggester's)."""
        return self.filter(content_change())


# What the plan says, and what doing to it changes it (PlanChangeQuerySet.content_changes).
CONTENT_ITEM_TYPES = ("outcome", "resource", "commitment", "expertise", "about")
CONTENT_ACTIONS = ("create", "edit", "remove")


def content_change() -> Q:
    """History entries that add, change or remove what the plan says."""
    return Q(action__in=CONTENT_ACTIONS, item_type__in=CONTENT_ITEM_TYPES)


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
        REPLY = "reply", "Replied"
        AGREE = "agree", "Agreed"
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
    # A hash chain per plan (plans.history_chain): a changed entry shows.
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = PlanChangeQuerySet.as_manager()

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
                        "reply",
                        "agree",
                        "close",
                    ]
                ),
                name="planchange_action_valid",
            ),
            # One successor per entry: concurrent writers can never fork a chain.
            models.UniqueConstraint(
                fields=["plan", "prev_hash"],
                condition=~Q(entry_hash=""),
                name="planchange_chain_no_fork",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "-at"], name="planchange_recent"),
            models.Index(fields=["plan", "plan_version"], name="planchange_by_version"),
            # Replies since someone's last look, for "For you" (not every change since).
            models.Index(
                fields=["plan", "plan_version"],
                condition=Q(action="reply"),
                name="planchange_reply_by_version",
            ),
            models.Index(fields=["plan", "-id"], name="planchange_chain_head"),
            # The team dashboard counts the changes to what plans say in a period.
            models.Index(
                fields=["at", "plan", "actor_side"],
                condition=content_change(),
                name="planchange_content_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"


class ReplyTargetType(models.TextChoices):
    """What a reply can be about: any item, "about me", a life area, a rating, a suggestion."""

    OUTCOME = "outcome", "valued outcome"
    RESOURCE = "resource", "resource"
    COMMITMENT = "commitment", "commitment"
    EXPERTISE = "expertise", "expertise"
    ABOUT = "about", "about me"
    LIFE_AREA = "life_area", "part of life"
    RATING = "rating", "rating"
    PROPOSAL = "proposal", "suggestion"
    CRISIS = "crisis", "crisis plan"


class ReplyQuerySet(models.QuerySet["Reply"]):
    def about(self, target_type: str, target_code: Any) -> ReplyQuerySet:
        return self.filter(target_type=target_type, target_code=target_code)


class Reply(models.Model):
    """A right of reply: either side answers an item, a rating or a declined suggestion.

    Never edited or deleted: a correction is a new reply. The target is named
    the way history and suggestions name items (a type and a code), so a reply
    can be about a rating or a suggestion as well as an item.
    """

    Target = ReplyTargetType

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="replies")
    # The life area the target sits in (none for "about me" and plan-wide
    # expertise): open pages refresh only that area when a reply arrives.
    life_area = models.ForeignKey(
        LifeArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_type = models.CharField(max_length=20, choices=ReplyTargetType.choices)
    target_code = models.UUIDField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_side = models.CharField(max_length=12, choices=Side.choices)
    # The side that wrote what is replied to (for a declined suggestion: the side
    # that declined it). A reply from the other side is a disagreement, or an addition.
    target_side = models.CharField(max_length=12, choices=Side.choices)
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type__in=ReplyTargetType.values), name="reply_target_type_valid"
            ),
            side_check("author_side", "reply_side_valid"),
            side_check("target_side", "reply_target_side_valid"),
        ]
        indexes = [
            models.Index(fields=["plan", "created_at"], name="reply_by_plan"),
            models.Index(fields=["target_type", "target_code"], name="reply_by_target"),
        ]

    def __str__(self) -> str:
        return f"Reply by {self.author} on {self.target_type}"
