"""The people on the person's side: supporters, what each may do, and their suggestions.

The person invites a family member, friend, carer or advocate (the email and
the new account are coproduce.onboarding's), sets what each may do, and
removes them at any time. Every change of who may see the plan is in the
plan's history, like a change to the care team.

A supporter's suggestion goes to the person alone (plans.rules,
SUGGEST_TO_PERSON). When she takes it up it becomes her own edit: the same
services, with her as the author, decided again by plans.rules with her side.
So where she leads it applies at once, and where her care team leads it is
her suggestion to them; the supporter's words never reach the plan without
her, and never as the care team's to answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from plans import rules, services
from plans.access import PlanAccess
from plans.history import record
from plans.models import PlanChange, Supporter, SupporterSuggestion


class AlreadySupporting(Exception):
    """This account already supports the person."""


class NotCurrent(Exception):
    """The supporter had already been removed."""


class NotPending(Exception):
    """The suggestion was answered (or withdrawn) before this answer arrived."""


class NoLongerFits(Exception):
    """The plan changed since the supporter suggested this, so it cannot be taken up as it is."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


PERMISSIONS = ("may_see", "may_suggest", "may_rate", "may_be_named")
# For the history: what each permission lets them do, in words.
PERMISSION_WORDS = {
    "may_see": "see the plan",
    "may_suggest": "suggest changes",
    "may_rate": "rate progress from their own view",
    "may_be_named": "be named in commitments",
}


def who_supports(supporter: Supporter) -> str:
    return f"{supporter.user.name} ({supporter.get_relationship_display().lower()})"


def describe_supporter(supporter: Supporter) -> dict[str, Any]:
    return {
        "supporter": supporter.user.name,
        "relationship": supporter.get_relationship_display(),
        "may": [PERMISSION_WORDS[p] for p in PERMISSIONS if getattr(supporter, p)],
    }


def _normalised(permissions: dict[str, bool]) -> dict[str, bool]:
    chosen = {name: bool(permissions.get(name)) for name in PERMISSIONS}
    if not chosen["may_see"]:
        chosen["may_suggest"] = False  # suggesting needs seeing the plan
        chosen["may_rate"] = False  # so does rating progress
    return chosen


def add_supporter(
    access: PlanAccess, user: Any, relationship: str, permissions: dict[str, bool]
) -> Supporter:
    """The person adds someone to her side. Their access starts with the invitation."""
    access.require_owner()
    if user.pk == access.plan.person.user_id:
        raise AlreadySupporting
    with transaction.atomic():
        try:
            with transaction.atomic():
                supporter = Supporter.objects.create(
                    person=access.plan.person,
                    user=user,
                    relationship=relationship,
                    added_by=access.user,
                    **_normalised(permissions),
                )
        except IntegrityError:
            raise AlreadySupporting from None
        record(
            access,
            access.plan,
            PlanChange.Action.ACCESS,
            f"Invited {who_supports(supporter)} as a supporter",
            after=describe_supporter(supporter),
        )
    return supporter


def change_permissions(
    access: PlanAccess, supporter: Supporter, permissions: dict[str, bool]
) -> bool:
    """The person changes what a supporter may do; effective on their next request."""
    access.require_owner()
    chosen = _normalised(permissions)
    with transaction.atomic():
        before = describe_supporter(supporter)
        updated = Supporter.objects.filter(pk=supporter.pk, removed_at__isnull=True).update(
            **chosen
        )
        if not updated:
            raise NotCurrent
        for name, value in chosen.items():
            setattr(supporter, name, value)
        after = describe_supporter(supporter)
        if before == after:
            return False
        record(
            access,
            access.plan,
            PlanChange.Action.ACCESS,
            f"Changed what {who_supports(supporter)} may do",
            before=before,
            after=after,
        )
    return True


def remove_supporter(access: PlanAccess, supporter: Supporter) -> None:
    """The person removes a supporter: their very next request is refused."""
    access.require_owner()
    with transaction.atomic():
        ended = Supporter.objects.filter(pk=supporter.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=access.user
        )
        if not ended:
            raise NotCurrent
        record(
            access,
            access.plan,
            PlanChange.Action.ACCESS,
            f"Removed {who_supports(supporter)} as a supporter",
            before=describe_supporter(supporter),
        )


# --- suggestions from supporters ------------------------------------------------------


def _as_form_data(suggestion: SupporterSuggestion) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in (suggestion.payload.get("data") or {}).items():
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is True:
            data[name] = "on"
        else:
            data[name] = str(value)
    if suggestion.base_version is not None:
        data["version"] = str(suggestion.base_version)
    return data


def _answer(suggestion: SupporterSuggestion, status: str) -> None:
    """Pending → `status`, in one UPDATE: NotPending if it was answered meanwhile
    (in another tab, or by the supporter withdrawing it)."""
    answered = SupporterSuggestion.objects.filter(
        pk=suggestion.pk, status=SupporterSuggestion.Status.PENDING
    ).update(status=status, answered_at=timezone.now())
    if not answered:
        raise NotPending


def take_up(access: PlanAccess, suggestion: SupporterSuggestion) -> services.Result:
    """The person says yes: the supporter's suggestion becomes her own edit (see above)."""
    if not rules.may_answer_supporter_suggestion(
        access.side, pending=suggestion.is_pending, plan_closed=access.plan.is_closed
    ):
        if not suggestion.is_pending:
            raise NotPending
        raise PermissionDenied("Only the person answers a supporter's suggestion.")
    kind = services.KINDS.get(suggestion.item_type)
    if kind is None:
        raise NoLongerFits("This kind of suggestion can no longer be taken up.")
    data = _as_form_data(suggestion)
    with transaction.atomic():
        _answer(suggestion, SupporterSuggestion.Status.ACCEPTED)
        try:
            if suggestion.action == SupporterSuggestion.Action.ADD:
                area = suggestion.life_area if kind.in_area else None
                if kind.in_area and area is None:
                    raise NoLongerFits("The part of the plan it was for is no longer there.")
                return services.submit_add(access, kind, data, area=area)
            item = (
                access.plan
                if kind.name == "about"
                else services.find_item(kind, access.plan, str(suggestion.item_code))
            )
            if item is None or getattr(item, "removed_at", None) is not None:
                raise NoLongerFits("What it was about has been removed since.")
            if suggestion.action == SupporterSuggestion.Action.CHANGE:
                return services.submit_change(access, kind, item, data)
            return services.submit_remove(access, kind, item, data)
        except services.Conflict:
            raise NoLongerFits(
                "This was changed after the suggestion was made. Decline it, or make the"
                " change yourself."
            ) from None
        except services.Invalid:
            raise NoLongerFits(
                "The plan has changed since, so this no longer fits as it is. Decline it, or"
                " make the change yourself."
            ) from None


def decline(access: PlanAccess, suggestion: SupporterSuggestion) -> None:
    if not rules.may_answer_supporter_suggestion(
        access.side, pending=True, plan_closed=access.plan.is_closed
    ):
        raise PermissionDenied("Only the person answers a supporter's suggestion.")
    _answer(suggestion, SupporterSuggestion.Status.DECLINED)


def withdraw(access: PlanAccess, suggestion: SupporterSuggestion) -> None:
    if not rules.may_withdraw_supporter_suggestion(
        access.side, own=suggestion.supporter_id == access.supporter_id, pending=True
    ):
        raise PermissionDenied("Only the supporter who made a suggestion can withdraw it.")
    _answer(suggestion, SupporterSuggestion.Status.WITHDRAWN)
