"""A name shown on plans changed: those plans' pages must not show the old one.

Names are read from the user at render time, but the plan page keeps its
rendered body per plan version (coproduce/plan_page/body_cache.py). A user's
name (changed in the admin: people have no form for it) appears on every
plan they belong to, support, have looked at or have written to, so saving a
new name bumps the version of each of those plans, in the same transaction.
Open pages then see the change at their next live check, as with any write.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from coproduce.models import User
from plans.models import CareTeamMember, Plan, PlanChange, PlanView, Supporter

NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def plans_naming(user_id: int) -> Any:
    """Every plan whose pages can show this user's name."""
    return Plan.objects.filter(
        Q(person__user_id=user_id)
        | Q(pk__in=CareTeamMember.objects.filter(professional__user_id=user_id).values("plan"))
        | Q(person__in=Supporter.objects.filter(user_id=user_id).values("person"))
        | Q(pk__in=PlanChange.objects.filter(actor_id=user_id).values("plan"))
        | Q(pk__in=PlanView.objects.filter(viewer_id=user_id).values("plan"))
    )


def name_changed(user: User) -> int:
    """Bump the version of every plan showing this user's name; returns how many."""
    return plans_naming(user.pk).update(version=F("version") + 1, updated_at=timezone.now())


def before_user_saved(
    sender: Any, instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save of User: compare the names with the stored ones (saves that name
    their fields, such as the last sign-in, skip the read)."""
    instance._names_changed = False  # type: ignore[attr-defined]
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not set(update_fields) & set(NAME_FIELDS):
        return
    stored = User.objects.filter(pk=instance.pk).values_list(*NAME_FIELDS).first()
    names = tuple(getattr(instance, f) for f in NAME_FIELDS)
    instance._names_changed = stored is not None and stored != names  # type: ignore[attr-defined]


def after_user_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    """post_save of User: bump after the new name is written, so a page rendered
    in between can only show the new name under the old version, never the
    old name under the new one."""
    if getattr(instance, "_names_changed", False):
        name_changed(instance)
