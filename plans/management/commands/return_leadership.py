"""Give back every balance of leadership whose agreed date has passed (for cron).

Plan pages do the same lazily when they are opened; this makes sure it
happens (and is in the history) even for a plan nobody opens. Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans.leadership import plans_with_leadership_due, return_due_leadership


class Command(BaseCommand):
    help = "Return leadership agreed until a date that has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        due = plans_with_leadership_due(today)
        returned = sum(return_due_leadership(plan, today) for plan in due)
        self.stdout.write(f"Leadership returned in {returned} part(s) of plans.")
