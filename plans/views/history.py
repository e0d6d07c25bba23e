"""The plan's history: every change, newest first, by life area."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plans.access import get_plan_for_user
from plans.care_team import log_view
from plans.models import LifeArea, PlanChange

HISTORY_PAGE_SIZE = 25


@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    log_view(access, "history")
    changes = PlanChange.objects.filter(plan=access.plan).select_related(
        "actor", "life_area", "proposal__proposed_by"
    )
    areas = list(LifeArea.objects.filter(plan=access.plan).order_by("position", "id"))
    area_code = request.GET.get("area", "")
    selected = next((a for a in areas if str(a.code) == area_code), None)
    if area_code and selected is None:
        raise Http404
    if selected is not None:
        changes = changes.filter(life_area=selected)
    # ?since=N: what changed after version N (the plan's agreement, say).
    since = request.GET.get("since", "")
    since_version = int(since) if since.isdigit() and len(since) < 19 else None
    if since_version is not None:
        changes = changes.filter(plan_version__gt=since_version)
    paginator = Paginator(changes.order_by("-at", "-id"), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "access": access,
        "plan": access.plan,
        "page_obj": page,
        "areas": areas,
        "selected": selected,
        "since_version": since_version,
    }
    return render(request, "plans/history.html", context)
