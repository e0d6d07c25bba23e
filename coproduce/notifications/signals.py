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
    transaction.on_commit(lambda: notify_about_plan.enqueue(plan_id))


@receiver(post_save, sender=PlanChange)
def plan_changed(sender: Any, instance: PlanChange, created: bool, **kwargs: Any) -> None:
    if created:
        _queue(instance.plan_id)


@receiver(post_save, sender=AccessRequest)
def join_requested(sender: Any, instance: AccessRequest, created: bool, **kwargs: Any) -> None:
    if created:
        _queue(instance.plan_id)
