"""Moving care coordination to another professional: by the coordinator, or by the lead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from coproduce.htmx import render_form
from coproduce.models import Side
from plans import rules
from plans.access import get_plan_for_lead, get_plan_for_user
from plans.care_team import NotOnTeam, hand_over_coordination
from plans.models import CareTeamMember, Plan

CHOOSE = "Choose who will be the care coordinator"
GONE = "That professional is no longer on the care team. Choose someone who is."


class HandOverForm(forms.Form):
    to = forms.TypedChoiceField(
        label="Who will be the care coordinator?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE, "invalid_choice": GONE},
    )

    def __init__(self, members: list[CareTeamMember], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [  # type: ignore[attr-defined]
            (m.pk, f"{m.professional.user.name} ({m.professional.get_discipline_display()})")
            for m in members
        ]


def _team(plan: Plan) -> tuple[CareTeamMember | None, list[CareTeamMember]]:
    """The coordinator, and the others on the care team who could take over."""
    members = list(
        CareTeamMember.objects.current()
        .filter(plan=plan)
        .select_related("professional__user")
        .by_name()
    )
    coordinator = next((m for m in members if m.is_coordinator), None)
    return coordinator, [m for m in members if not m.is_coordinator]


def _stage(plan: Plan) -> str:
    # Agreement does not matter for coordination: only whether the plan is closed.
    return rules.Stage.CLOSED if plan.is_closed else rules.Stage.ACTIVE


def _hand_over(
    request: HttpRequest, plan: Plan, role: str, back: str, template_context: dict[str, Any]
) -> HttpResponse:
    if not rules.may_do(_stage(plan), role, rules.LifeAct.HAND_OVER):
        raise PermissionDenied("Only the care coordinator or the team lead can do that.")
    coordinator, others = _team(plan)
    form = HandOverForm(others, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = hand_over_coordination(
                plan, form.cleaned_data["to"], by=request.user, side=Side.PROFESSIONAL
            )
        except NotOnTeam:
            form.add_error("to", GONE)
        else:
            name = chosen.professional.user.name
            messages.success(request, f"{name} is now the care coordinator for this plan.")
            return redirect(back)
    context = {
        "plan": plan,
        "coordinator": coordinator,
        "form": form,
        "back": back,
        **template_context,
    }
    return render_form(request, "plans/hand_over.html", context)


@require_http_methods(["GET", "POST"])
def plan_hand_over(request: HttpRequest, code: str) -> HttpResponse:
    """The care coordinator hands coordination to someone else on the care team."""
    access = get_plan_for_user(request.user, code)
    coordinator, _ = _team(access.plan)
    is_coordinator = coordinator is not None and coordinator.pk == access.membership_id
    role = rules.Role.COORDINATOR if is_coordinator else rules.Role.PROFESSIONAL
    if access.is_owner:
        role = rules.Role.PERSON
    back = f"/plans/{access.plan.code}/"
    return _hand_over(request, access.plan, role, back, {"access": access, "as_lead": False})


@require_http_methods(["GET", "POST"])
def team_hand_over(request: HttpRequest, code: str) -> HttpResponse:
    """The team lead moves coordination of a plan on the team's caseload."""
    plan = get_plan_for_lead(request.user, code)
    return _hand_over(request, plan, rules.Role.LEAD, "/team/", {"as_lead": True})
