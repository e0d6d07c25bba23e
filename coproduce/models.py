"""People and teams: who uses Coproduce and how professionals are organised."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Side(models.TextChoices):
    """The two sides of a co-produced plan."""

    PERSON = "person", "Person"
    PROFESSIONAL = "professional", "Professional"


# Who a supporter is on a plan (plans.access): not a Side of anything written on
# it. Supporters stand on the person's side; their words reach the plan only as
# the person's own, when she takes them up.
SUPPORTER = "supporter"


class User(AbstractUser):
    """A sign-in. Whether it is a person or a professional lives on the profile."""

    display_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def side(self) -> Side | None:
        if hasattr(self, "person"):
            return Side.PERSON
        if hasattr(self, "professional"):
            return Side.PROFESSIONAL
        return None


class Person(models.Model):
    """A citizen who owns a plan."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="person")
    date_of_birth = models.DateField(null=True, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.user.name


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # A team may briefly have no lead (someone left); never delete a team
    # because its lead's record went.
    lead = models.ForeignKey(
        "Professional",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Discipline(models.TextChoices):
    NURSE = "nurse", "Community mental health nurse"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
    PEER_WORKER = "peer_worker", "Peer support worker"
    EMPLOYMENT_SPECIALIST = "employment_specialist", "Employment specialist"
    TEAM_MANAGER = "team_manager", "Team manager"
    OTHER = "other", "Other"


class ProfessionalQuerySet(models.QuerySet["Professional"]):
    def by_name(self, *first: str) -> ProfessionalQuerySet:
        """In the order of the names people see (after any orderings given `first`);
        two of the same name by record."""
        return self.order_by(*first, "user__display_name", "pk")


class Professional(models.Model):
    """A worker in a team. Sees only plans whose care team they are on."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="professional")
    # Leaving a team keeps the professional (their past work stays attributed).
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    discipline = models.CharField(max_length=40, choices=Discipline.choices)
    job_title = models.CharField(max_length=120, blank=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discipline__in=Discipline.values),
                name="professional_discipline_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.get_discipline_display()})"

    @property
    def is_lead(self) -> bool:
        return self.teams_led.exists()
