"""The plan page, and the pieces of it that htmx redraws after a write or a live change.

This package sits above both apps: the page shows the plan (plans) with its
valued outcomes and their ratings (outcomes).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from coproduce.htmx import HtmxHttpRequest
from coproduce.notifications.waiting import new_since
from coproduce.plan_page.loader import load_plan_page
from plans.access import PlanAccess, get_or_404, get_plan_for_user
from plans.care_team import log_view
from plans.leadership import return_due_leadership
from plans.lifecycle import life_of
from plans.models import CareTeamMember, LifeArea, Plan, PlanChange


def area_of_plan(access: PlanAccess, code: str | None) -> LifeArea:
    if not code:
        raise Http404
    return get_or_404(LifeArea.objects.filter(plan=access.plan), code=code)


def plan_url(access: PlanAccess, anchor: str = "") -> str:
    return reverse("plan_detail", args=[access.plan.code]) + anchor


@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    log_view(access, "plan")
    return_due_leadership(access.plan)
    page = load_plan_page(access.plan)
    seen = mark_seen(access)
    new_items, new_areas = new_since(access.plan, seen, access.side)
    life = life_of(access, care_team=page.care_team)
    context = {
        "access": access,
        "plan": access.plan,
        "page": page,
        "life": life,
        "new_items": new_items,
        "new_areas": new_areas,
    }
    return render(request, "plans/plan_detail.html", context)


def mark_seen(access: PlanAccess) -> int:
    """Note that this user has now seen the plan as it is; return the version seen before.

    The caseload's "changed since you last looked", the "new since you last
    looked" markers and the replies in "For you" all count from this.
    """
    plan = access.plan
    if access.membership_id is not None:
        member = CareTeamMember.objects.filter(pk=access.membership_id)
        seen = member.values_list("last_seen_version", flat=True).first() or 0
        if seen != plan.version:
            member.update(last_seen_version=plan.version)
        return seen
    seen = plan.person_last_seen_version
    if seen != plan.version:
        Plan.objects.filter(pk=plan.pk).update(person_last_seen_version=plan.version)
    return seen


def area_response(request: HttpRequest, access: PlanAccess, area: LifeArea | None) -> HttpResponse:
    """After a successful htmx write: the refreshed region, and the authorship line.

    The region (one life area, or the whole plan when the change was not in
    an area) and the lines that summarise the plan come back out of band.
    """
    page = load_plan_page(access.plan)
    context = {"access": access, "plan": access.plan, "page": page}
    if area is not None:
        context["section"] = next(s for s in page.areas if s.area.pk == area.pk)
        response = render(request, "plans/plan_detail.html#area-oob", context)
    else:
        response = render(request, "plans/plan_detail.html#everything-oob", context)
    return retarget(reswap(response, "none"), "body")


def after_write(
    request: HtmxHttpRequest,
    access: PlanAccess,
    message: str,
    area: LifeArea | None,
    *,
    anchor: str | None = None,
) -> HttpResponse:
    """htmx: the redrawn region and a "saved" event; without JavaScript: back to the plan."""
    if request.htmx:
        response = area_response(request, access, area)
        return trigger_client_event(response, "coproduce:saved", {"message": message})
    messages.success(request, message)
    if anchor is None:
        anchor = f"#area-{area.code}" if area is not None else ""
    return redirect(plan_url(access, anchor))


@require_GET
@vary_on_headers("HX-Request")
def area_fragment(request: HtmxHttpRequest, code: str, area_code: str) -> HttpResponse:
    """One life area on its own: what "Cancel" puts back when an edit is abandoned.

    It carries the area's content, so a professional's look is in "who has
    looked" (folded with their other looks at it in the same few minutes).
    """
    access = get_plan_for_user(request.user, code)
    area = area_of_plan(access, area_code)
    if not request.htmx:
        return redirect(plan_url(access, f"#area-{area.code}"))
    log_view(access, "area", area.name)
    page = load_plan_page(access.plan)
    context = {
        "access": access,
        "plan": access.plan,
        "page": page,
        "section": next(s for s in page.areas if s.area.pk == area.pk),
    }
    return render(request, "plans/plan_detail.html#area", context)


@require_GET
def live(request: HttpRequest, code: str) -> HttpResponse:
    """Has the plan changed since version v? One small query when it has not.

    Open plan pages ask every few seconds. Nothing changed: 204, htmx does
    nothing. Something changed: the regions that changed, swapped out of band.
    """
    # Access ended while the page was open: the 404 gets HX-Redirect to the
    # "access ended" page from coproduce.middleware.AccessEndedMiddleware.
    access = get_plan_for_user(request.user, code)
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        return HttpResponseBadRequest("v must be a plan version number")
    plan = access.plan
    # Free unless leadership is due back; then the change goes out like any other.
    return_due_leadership(plan)
    if seen >= plan.version:
        return HttpResponse(status=204)
    changed = set(
        PlanChange.objects.filter(plan=plan, plan_version__gt=seen).values_list(
            "life_area_id", flat=True
        )
    )
    page = load_plan_page(plan)
    changed_sections = [s for s in page.areas if s.area.pk in changed]
    # Only an answer that carries content is a look; the 204 above writes nothing.
    one_area = changed_sections[0].area.name if len(changed_sections) == 1 else ""
    log_view(access, "update", "" if None in changed else one_area)
    # What a live update shows has been seen: it is marked "changed just now" instead.
    mark_seen(access)
    context = {
        "access": access,
        "plan": plan,
        "page": page,
        "changed_sections": changed_sections,
        "whole_plan_changed": None in changed or not changed,
    }
    return render(request, "plans/plan_detail.html#live-update", context)
