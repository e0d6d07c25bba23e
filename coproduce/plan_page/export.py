"""Taking the plan away: one printable page, and the FHIR file other health systems read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coproduce.plan_page.fhir import plan_bundle, plan_for_export
from coproduce.plan_page.loader import load_plan_page
from outcomes.models import Rating
from plans.access import get_plan_for_user
from plans.care_team import log_view
from plans.models import CareTeamMember, PlanChange

RECENT_HISTORY = 50


@require_GET
def plan_print(request: HttpRequest, code: str) -> HttpResponse:
    """The whole plan on one readable page, made for printing or saving as a PDF."""
    access = get_plan_for_user(request.user, code)
    log_view(access, "print")
    plan = access.plan
    page = load_plan_page(plan)
    # Every rating ever given, oldest first, under its outcome: one query.
    history: dict[int, list[Rating]] = {}
    for rating in (
        Rating.objects.filter(plan=plan).select_related("rated_by").order_by("rated_on", "pk")
    ):
        history.setdefault(rating.outcome_id, []).append(rating)
    for section in page.areas:
        for outcome in section.outcomes:
            outcome.rating_history = history.get(outcome.pk, [])  # type: ignore[attr-defined]
    care_team = (
        CareTeamMember.objects.filter(plan=plan)
        .select_related("professional__user", "professional__team")
        .order_by("added_at", "pk")
    )
    changes = PlanChange.objects.filter(plan=plan).select_related("actor", "life_area")[
        :RECENT_HISTORY
    ]
    context = {
        "access": access,
        "plan": plan,
        "page": page,
        "care_team": care_team,
        "changes": changes,
        "recent_history": RECENT_HISTORY,
        "printed_at": timezone.now(),
    }
    return render(request, "plans/print.html", context)


@require_GET
def plan_export_fhir(request: HttpRequest, code: str) -> HttpResponse:
    """The whole plan as a FHIR R4B Bundle, the format other health systems read."""
    access = get_plan_for_user(request.user, code)
    log_view(access, "export")
    response = JsonResponse(
        plan_bundle(plan_for_export(access.plan.code)),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )
    filename = f"coproduce-plan-{access.plan.code}.fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
