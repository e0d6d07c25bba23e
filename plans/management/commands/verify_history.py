"""`manage.py verify_history [--plan CODE ...]`: is every plan's history as it was written?"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.history_chain import chain_rows, check_chain
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Check the hash chain of every plan's history (or of --plan CODE) and name the first "
        "broken link of each plan. Exits non-zero if any chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--plan",
            action="append",
            default=[],
            metavar="CODE",
            help="Only this plan (its code, a UUID). Repeat for several.",
        )

    def handle(self, *args: Any, plan: list[str], **options: Any) -> None:
        codes = []
        for code in plan:
            try:
                codes.append(str(uuid.UUID(code)))
            except ValueError:
                raise CommandError(f"Not a plan code: {code!r}") from None
        missing = set(codes) - {
            str(c) for c in Plan.objects.filter(code__in=codes).values_list("code", flat=True)
        }
        if missing:
            raise CommandError(f"No plan with code {', '.join(sorted(missing))}")

        entries = 0
        plans: set[int] = set()

        def counted(rows: Any) -> Any:
            nonlocal entries
            for row in rows:
                entries += 1
                plans.add(row["plan_id"])
                yield row

        broken = list(check_chain(counted(chain_rows(codes or None))))
        for link in broken:
            self.stderr.write(f"Broken: {link}")
        summary = f"{len(plans)} plans, {entries} history entries checked"
        if broken:
            plans_have = "1 plan has" if len(broken) == 1 else f"{len(broken)} plans have"
            raise CommandError(f"{summary}: {plans_have} a broken history.")
        self.stdout.write(f"{summary}: every chain is intact.")
