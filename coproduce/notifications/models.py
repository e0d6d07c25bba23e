"""What each person is told, and how they want to be told.

A `Notification` is one thing waiting for one person (a suggestion to answer,
a commitment due...), recorded once: its `key` names the thing and the stage
of it ("commitment-soon:<code>:<date>"), and (recipient, key) is unique, so
recording it again is a no-op. It is emailed once: `sent_at` is set in the
same transaction that sent it, while the recipient's settings row is locked.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    """The kinds of thing that can wait for someone; each person chooses per kind."""

    SUGGESTION = "suggestion", "Suggestions to answer"
    NOT_AGREED = "not_agreed", "Changes not yet agreed"
    REPLY = "reply", "Replies"
    COMMITMENT = "commitment", "Commitments due or overdue"
    REVIEW = "review", "Reviews due"
    JOIN_REQUEST = "join_request", "Requests to join a care team"
    LEADERSHIP = "leadership", "Requests for more leadership waiting too long"


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Straight away"
    DAILY = "daily", "In a daily summary"
    WEEKLY = "weekly", "In a weekly summary"
    OFF = "off", "Do not email me"


DIGEST_PERIODS = {
    Frequency.DAILY: datetime.timedelta(hours=23),
    Frequency.WEEKLY: datetime.timedelta(days=6, hours=23),
}


class NotificationSettings(models.Model):
    """One person's choices: how each kind is emailed, and hours with no email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # {kind: frequency}; a kind not named takes the default for the user's role.
    choices = models.JSONField(default=dict, blank=True)
    default = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.DAILY)
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    last_daily_at = models.DateTimeField(null=True, blank=True)
    last_weekly_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(default__in=["immediately", "daily", "weekly", "off"]),
                name="notification_default_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Email settings of {self.user}"

    def frequency(self, kind: str) -> str:
        chosen = self.choices.get(kind)
        return chosen if chosen in Frequency.values else self.default

    def is_quiet(self, at: datetime.time) -> bool:
        """Inside the quiet hours (which may run over midnight, 22:00 to 07:00)."""
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= at < end
        return at >= start or at < end

    def last_digest(self, frequency: str) -> datetime.datetime | None:
        return self.last_daily_at if frequency == Frequency.DAILY else self.last_weekly_at


class Notification(models.Model):
    class How(models.TextChoices):
        IMMEDIATELY = "immediately", "Emailed straight away"
        DIGEST = "digest", "Emailed in a summary"
        NOT_EMAILED = "not_emailed", "Not emailed (turned off, or no longer waiting)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120)
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", null=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_how = models.CharField(max_length=12, choices=How.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(sent_at__isnull=True),
                name="notification_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.key}"
