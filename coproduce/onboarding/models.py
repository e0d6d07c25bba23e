"""Ways into an account: invitations and set-up links, each single-use and expiring.

Only a keyed hash of each token is stored, so a copy of the database gives
nobody a working link.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

# Crockford's base32, as for share codes: no I, L, O or U to misread on paper.
LETTER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LETTER_CODE_LENGTH = 10  # 50 bits, and guessing is throttled


def token_hash(token: str) -> str:
    return salted_hmac("onboarding.AccountLink", token, algorithm="sha256").hexdigest()


def new_url_token() -> str:
    return secrets.token_urlsafe(32)


def new_letter_code() -> str:
    return "".join(secrets.choice(LETTER_ALPHABET) for _ in range(LETTER_CODE_LENGTH))


class AccountLinkQuerySet(models.QuerySet["AccountLink"]):
    def usable(self) -> AccountLinkQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class AccountLink(models.Model):
    """An invitation (a new account) or a set-up link (staff or a lead, for an existing one).

    Redeeming it sets the password and, for professionals, allows setting up
    the first authenticator: a password alone never can.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        SETUP = "setup", "Set-up link"

    class Delivery(models.TextChoices):
        EMAIL = "email", "Email"
        LETTER = "letter", "Printed letter"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)
    # The plan a person is invited to (shown after they accept).
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = AccountLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["invitation", "setup"]), name="accountlink_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["email", "letter"]), name="accountlink_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for user {self.user_id}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
