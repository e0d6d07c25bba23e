"""Every change to a plan passes through its history (plans.history.record), and a
request to join is a row of its own: after either commits, the worker is asked to
look at that plan (a task that finds nothing new does nothing)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from coproduce.notifications.tasks import notify_about_plan
from plans.models import AccessRequest, PlanChange


def _queue(plan_id: int) -> None:
    connection = transaction.get_connection()
    # One task per plan per transaction, however many entries it writes. Django
    # drops a rolled-back block's callbacks from this list, so nothing is missed.
    if any(
        getattr(callback, "notify_plan_id", None) == plan_id
        for _, callback, _ in connection.run_on_commit
    ):
        return

    def enqueue() -> None:
        notify_about_plan.enqueue(plan_id)

    enqueue.notify_plan_id = plan_id  # type: ignore[attr-defined]
    transaction.on_commit(enqueue)


@receiver(post_save, sender=PlanChange)
def plan_changed(sender: Any, instance: PlanChange, created: bool, **kwargs: Any) -> None:
    if created:
        _queue(instance.plan_id)


@receiver(post_save, sender=AccessRequest)
def join_requested(sender: Any, instance: AccessRequest, created: bool, **kwargs: Any) -> None:
    if created:
        _queue(instance.plan_id)
