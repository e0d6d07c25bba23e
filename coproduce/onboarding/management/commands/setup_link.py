"""Print a set-up link for an account: how the first member of staff gets in.

With two-step sign-in required, nobody can set up an authenticator without a
link. `createsuperuser` makes the first account; this prints its link:

    python manage.py setup_link admin --site https://coproduce.example.org
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from coproduce.models import User
from coproduce.onboarding import services
from coproduce.onboarding.models import AccountLink


class Command(BaseCommand):
    help = "Print a single-use set-up link (new password and two-step sign-in) for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--site", default="", help="e.g. https://coproduce.example.org")

    def handle(self, *args: Any, username: str, site: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        with transaction.atomic():
            token = services.issue_link(
                user, AccountLink.Purpose.SETUP, AccountLink.Delivery.EMAIL, by=None
            )
        self.stdout.write(site.rstrip("/") + reverse("welcome", args=[token]))
