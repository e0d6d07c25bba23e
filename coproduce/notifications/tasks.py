"""The background worker's share of notifications (`manage.py db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task

from coproduce.notifications.sending import record, send
from coproduce.notifications.waiting import Now


@task()
def notify_about_plan(plan_id: int) -> None:
    """Something changed on a plan: record what now waits, send what is wanted straight away.

    Summaries are left to `manage.py send_digests`. Safe to run twice, or at
    the same time as the command: see coproduce.notifications.sending.
    """
    now = Now.current()
    record(now, plan_ids=[plan_id])
    send(now, digests=False)
