"""What is waiting for me, how I am emailed about it, and stopping the emails."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.models import Team
from coproduce.notifications.forms import NotificationSettingsForm
from coproduce.notifications.models import Frequency, Kind, NotificationSettings
from coproduce.notifications.sending import settings_for, user_of_token
from coproduce.notifications.waiting import link_for, waiting_for
from plans.models import Plan

PERSON_KINDS = [
    Kind.SUGGESTION,
    Kind.NOT_AGREED,
    Kind.REPLY,
    Kind.COMMITMENT,
    Kind.REVIEW,
    Kind.JOIN_REQUEST,
]
PROFESSIONAL_KINDS = [Kind.SUGGESTION, Kind.REPLY, Kind.COMMITMENT, Kind.REVIEW]


def kinds_for(user: Any) -> list[str]:
    if hasattr(user, "person"):
        return list(PERSON_KINDS)
    professional = getattr(user, "professional", None)
    if professional is None:
        return []
    if Team.objects.filter(lead=professional).exists():
        return [*PROFESSIONAL_KINDS, Kind.LEADERSHIP]
    return list(PROFESSIONAL_KINDS)


@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    """Everything waiting for me, by kind, each a link to where to act on it."""
    items = sorted(waiting_for(request.user), key=lambda item: str(item.when))  # type: ignore[arg-type]
    plans = {
        plan.pk: plan
        for plan in Plan.objects.filter(pk__in={item.plan_id for item in items}).select_related(
            "person__user"
        )
    }
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        plan = plans[item.plan_id]
        groups[item.kind].append({"item": item, "plan": plan, "url": link_for(item, plan.code)})
    sections = [(Kind(kind).label, kind, groups[kind]) for kind in Kind.values if groups[kind]]
    context = {"sections": sections, "total": len(items)}
    return render(request, "notifications/for_you.html", context)


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    kinds = kinds_for(request.user)
    choices = settings_for(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, kinds=kinds)
        if form.is_valid():
            form.save(choices)
            messages.success(request, "Your email choices are saved.")
            return redirect("notification_settings")
        status = 422
    else:
        form = NotificationSettingsForm(
            initial=NotificationSettingsForm.initial_of(choices, kinds), kinds=kinds
        )
        status = 200
    context = {
        "form": form,
        "kind_fields": [form[f"kind_{kind}"] for kind in kinds],
        "default": Frequency(choices.default).label,
    }
    return render(request, "notifications/settings.html", context, status=status)


# The link in every email works in one click without signing in (its signature
# is the proof), and mail programs may POST to it (RFC 8058 one-click): no CSRF.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = user_of_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        choices = settings_for(user)
        choices.choices = dict.fromkeys(Kind.values, Frequency.OFF)
        choices.default = Frequency.OFF
        choices.save(update_fields=["choices", "default"])
        return render(request, "notifications/unsubscribed.html", {})
    return render(request, "notifications/unsubscribe.html", {"token": token})


__all__ = ["NotificationSettings", "for_you", "notification_settings", "unsubscribe"]
