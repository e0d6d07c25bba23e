"""Record what waits and send the daily and weekly summaries (for cron, hourly).

Also sends anything wanted straight away that quiet hours held back. Safe to
run twice, and beside a second copy of itself: see coproduce.notifications.sending.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from coproduce.notifications.sending import record, send
from coproduce.notifications.waiting import Now


class Command(BaseCommand):
    help = "Send the email summaries of what is waiting for each person."

    def handle(self, *args: Any, **options: Any) -> None:
        now = Now.current()
        waiting = record(now)
        report = send(now, digests=True)
        self.stdout.write(f"{waiting} thing(s) waiting; sent {report.emails} email(s).")
        if report.failed:
            raise CommandError(
                f"Could not email {report.failed} person(s); run again to send what is left."
            )
