"""The plan's life, page by page: agreeing, closing, a new plan, and earlier plans."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.htmx import render_form
from outcomes.services import carry_over_outcomes
from plans import lifecycle, rules
from plans.access import PlanAccess, get_person, get_plan_for_user
from plans.models import Plan, PlanChange

NOT_NOW: dict[str, str] = {
    rules.LifeAct.AGREE: "This plan is not waiting for your agreement.",
    rules.LifeAct.CLOSE: "Only the person or the care coordinator can close this plan.",
    rules.LifeAct.NEW_EPISODE: "Only the person can start a new plan, once this one is closed.",
}


class AgreeForm(forms.Form):
    # The plan's version on the page that was read: agreeing to anything newer
    # would be agreeing to something unseen.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the plan closing?",
        choices=Plan.CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the plan is closing",
            "invalid_choice": "Choose one of the reasons shown",
        },
    )


class NewPlanForm(forms.Form):
    carry = forms.MultipleChoiceField(
        label="What to bring into the new plan",
        choices=lifecycle.CARRY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the things shown"},
    )


def _refuse(act: str) -> PermissionDenied:
    return PermissionDenied(NOT_NOW[act])


def _changes_since(plan: Plan, version: int) -> Any:
    return (
        PlanChange.objects.filter(plan=plan, plan_version__gt=version)
        .select_related("actor", "life_area")
        .order_by("at", "id")
    )


def _agree_context(access: PlanAccess, form: AgreeForm, **extra: Any) -> dict[str, Any]:
    life = lifecycle.life_of(access)
    return {"access": access, "plan": access.plan, "life": life, "form": form, **extra}


@require_http_methods(["GET", "POST"])
def plan_agree(request: HttpRequest, code: str) -> HttpResponse:
    """The person agrees first, then the care coordinator; the plan is then active."""
    access = get_plan_for_user(request.user, code)
    if not lifecycle.life_of(access).may_agree:
        raise _refuse(rules.LifeAct.AGREE)
    if request.method == "GET":
        form = AgreeForm(initial={"version": access.plan.version})
        return render(request, "plans/agree.html", _agree_context(access, form))
    form = AgreeForm(request.POST)
    if not form.is_valid():
        # Only a tampered or stale form lands here: offer the plan as it is now.
        fresh = AgreeForm(initial={"version": access.plan.version})
        context = _agree_context(access, fresh, problem=True)
        return render(request, "plans/agree.html", context, status=422)
    try:
        lifecycle.agree(access, form.cleaned_data["version"])
    except lifecycle.PlanChanged as changed:
        read = changed.read_version
        fresh = AgreeForm(initial={"version": changed.plan.version})
        context = _agree_context(
            access, fresh, changes=_changes_since(changed.plan, read), conflict=True
        )
        return render(request, "plans/agree.html", context, status=409)
    except lifecycle.NotAllowed:
        raise _refuse(rules.LifeAct.AGREE) from None
    if access.plan.status == Plan.Status.ACTIVE:
        messages.success(request, "You agreed to the plan. It is now active.")
    else:
        messages.success(
            request, "You agreed to the plan. Your care coordinator will be asked to agree next."
        )
    return redirect("plan_detail", code=access.plan.code)


@require_http_methods(["GET", "POST"])
def plan_close(request: HttpRequest, code: str) -> HttpResponse:
    """The person or the care coordinator closes the plan, saying why."""
    access = get_plan_for_user(request.user, code)
    if not lifecycle.life_of(access).may_close:
        raise _refuse(rules.LifeAct.CLOSE)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.close(access, form.cleaned_data["reason"])
        except lifecycle.NotAllowed:
            raise _refuse(rules.LifeAct.CLOSE) from None
        messages.success(request, "The plan is closed. It stays here to read, print and download.")
        return redirect("plan_detail", code=access.plan.code)
    context = {"access": access, "plan": access.plan, "form": form}
    return render_form(request, "plans/close.html", context)


@require_http_methods(["GET", "POST"])
def plan_new_episode(request: HttpRequest, code: str) -> HttpResponse:
    """After a closed plan, the person starts the next one, bringing what they choose."""
    access = get_plan_for_user(request.user, code)
    if not lifecycle.life_of(access).may_start_new:
        raise _refuse(rules.LifeAct.NEW_EPISODE)
    existing = lifecycle.open_plan_of(access.plan)
    if existing is not None:
        taken = {"plan": access.plan, "existing": existing}
        return render(request, "plans/new_plan_exists.html", taken, status=409)
    initial = {"carry": [name for name, _ in lifecycle.CARRY_CHOICES]}
    form = NewPlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        carry = set(form.cleaned_data["carry"])
        try:
            with transaction.atomic():
                new, areas = lifecycle.start_episode(access, carry)
                if "outcomes" in carry:
                    carry_over_outcomes(access.plan, new, areas)
        except lifecycle.HasOpenPlan as taken:
            exists = {"plan": access.plan, "existing": taken.plan}
            return render(request, "plans/new_plan_exists.html", exists, status=409)
        except lifecycle.NotAllowed:
            raise _refuse(rules.LifeAct.NEW_EPISODE) from None
        messages.success(request, "Your new plan is ready. Your earlier plan is kept for you.")
        return redirect("plan_detail", code=new.code)
    context: dict[str, Any] = {"access": access, "plan": access.plan, "form": form}
    return render_form(request, "plans/new_plan.html", context)


@require_GET
def earlier_plans(request: HttpRequest) -> HttpResponse:
    """The person's closed plans: each readable, printable and downloadable."""
    person = get_person(request.user)
    plans = lifecycle.earlier_plans(person).select_related("closed_by")
    return render(request, "plans/earlier_plans.html", {"plans": plans})
