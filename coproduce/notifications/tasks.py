"""The background worker's share of notifications (`manage.py db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task

from coproduce.notifications.models import Notification
from coproduce.notifications.sending import record, send
from coproduce.notifications.waiting import Now


@task()
def notify_about_plan(plan_id: int) -> None:
    """Something changed on a plan: record what now waits, send what is wanted straight away.

    Summaries are left to `manage.py send_digests`. Safe to run twice, or at
    the same time as the command: see coproduce.notifications.sending.

    Only the people with something unsent on this plan are looked at: a change
    costs the same however many others have notifications waiting for their
    summary (at 10,000 people, looking at everyone took some 0.7 s a change).
    Anything of theirs held back (quiet hours, a mail server that refused) goes
    with the next change to a plan of theirs, or with `send_digests`.
    """
    now = Now.current()
    record(now, plan_ids=[plan_id])
    send(now, digests=False, recipients=recipients_on(plan_id))


def recipients_on(plan_id: int) -> list[int]:
    """Who has something unsent about this plan."""
    unsent = Notification.objects.filter(plan_id=plan_id, sent_at__isnull=True)
    return list(unsent.values_list("recipient_id", flat=True).distinct())
