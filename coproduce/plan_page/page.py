"""The plan page, and the pieces of it that htmx redraws after a write or a live change.

This package sits above both apps: the page shows the plan (plans) with its
valued outcomes and their ratings (outcomes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from coproduce import sessions
from coproduce.htmx import HtmxHttpRequest
from coproduce.middleware import (
    checks_sign_in_itself,
    refuse_unless_signed_in,
    sign_in_from_viewers,
)
from coproduce.notifications.waiting import new_since
from coproduce.plan_page.body_cache import cached_body
from coproduce.plan_page.glance import glance_for
from coproduce.plan_page.loader import PlanPage, load_plan_page
from plans import services
from plans.access import (
    PlanAccess,
    get_or_404,
    get_plan_for_user,
    live_check_access,
    live_check_viewers,
)
from plans.care_team import log_view
from plans.leadership import return_due_leadership
from plans.lifecycle import life_of
from plans.models import CareTeamMember, LifeArea, Plan, PlanChange


def area_of_plan(access: PlanAccess, code: str | None) -> LifeArea:
    if not code:
        raise Http404
    return get_or_404(LifeArea.objects.filter(plan=access.plan), code=code)


def item_of_plan(access: PlanAccess, kind: services.ItemKind, code: str) -> Any:
    """One current item of this kind on the plan, by its code; anything else is a 404."""
    try:
        item = services.find_item(kind, access.plan, code)
    except (ValueError, ValidationError):
        item = None
    if item is None:
        raise Http404
    return item


SUGGESTED = "Sent as a suggestion. It will apply when the other side accepts it."


def plan_url(access: PlanAccess, anchor: str = "") -> str:
    return reverse("plan_detail", args=[access.plan.code]) + anchor


# Indentation and blank lines left by template tags: a tenth of the plan
# page. Any run of white space holding a line break becomes one line break,
# which HTML reads exactly as it read the run (the plan page has no <pre>, and
# its text areas start empty).
BLANK_RUN = re.compile(r"[ \t]*\n\s*")
CLOSED_WHILE_EDITING = (
    "This plan has been closed, so it cannot be changed any more. "
    "What you typed is still below if you want to copy it."
)


def without_blank_runs(html: str) -> str:
    return BLANK_RUN.sub("\n", html)


def page_context(access: PlanAccess, page: PlanPage, **more: object) -> dict[str, object]:
    """What every rendering of the plan page, or a piece of it, is given."""
    return {
        "access": access,
        "plan": access.plan,
        "page": page,
        "glance": glance_for(access, page),
        **more,
    }


@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code, supporters=True)
    log_view(access, "plan")
    return_due_leadership(access.plan)
    seen = mark_seen(access)

    def body_context() -> dict[str, object]:
        page = load_plan_page(access.plan)
        new_items, new_areas = new_since(access.plan, seen, access.side)
        life = life_of(access, care_team=page.care_team)
        return page_context(access, page, life=life, new_items=new_items, new_areas=new_areas)

    # The body comes from the cache when this viewer has had this version before
    # (coproduce.plan_page.body_cache says what the key holds, and why).
    body = cached_body(request, access, seen, body_context, tidy=without_blank_runs)
    return render(
        request, "plans/plan_detail.html", {"access": access, "plan": access.plan, "body": body}
    )


def mark_seen(access: PlanAccess) -> int:
    """Note that this user has now seen the plan as it is; return the version seen before.

    The caseload's "changed since you last looked", the "new since you last
    looked" markers and the replies in "For you" all count from this.
    """
    plan = access.plan
    if not access.is_owner and access.membership_id is None:
        return plan.version  # a supporter: nothing is marked new for them
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
    context = page_context(access, page)
    if area is not None:
        context["section"] = next(s for s in page.areas if s.area.pk == area.pk)
        response = render(request, "plans/plan_detail.html#area-oob", context)
    else:
        response = render(request, "plans/plan_detail.html#everything-oob", context)
    return retarget(reswap(response, "none"), "body")


@dataclass
class ChangeForm:
    """What a change form shows: the form as it stands, or the result once saved."""

    item: Any
    form: Any
    version: int
    status: int = 200
    result: services.Result | None = None
    conflict: dict[str, Any] = field(default_factory=dict)


def closed_plan_form(
    request: HttpRequest, access: PlanAccess, kind: services.ItemKind, item: Any = None
) -> tuple[Any, int] | None:
    """On a closed plan nothing changes: no form to fill in (403, saying why); and a
    form sent after the plan was closed while it was open comes back, with what was
    typed and why it was not saved, and its status: 403 (refused), or 409 to htmx,
    which swaps a 409 in as it does a conflict (it leaves a 403 unshown), so
    nothing is lost either way. None on an open plan."""
    if not access.plan.is_closed:
        return None
    if request.method != "POST":
        raise PermissionDenied(services.PLAN_CLOSED)
    form = services.build_form(access, kind, request.POST, item=item)
    form.add_error(None, CLOSED_WHILE_EDITING)
    return form, 409 if getattr(request, "htmx", False) else 403


def try_change(
    request: HttpRequest,
    access: PlanAccess,
    kind: services.ItemKind,
    item: Any,
    save: Callable[[], services.Result] | None = None,
) -> ChangeForm:
    """The form to change an item, and on POST the attempt to save it (by
    default services.submit_change, with the reason given).

    Invalid input keeps what was typed and its version (422). If someone saved
    first, the form shows their version beside what this user typed (409), so
    nothing is lost and resaving merges onto the newer version. A closed plan:
    `closed_plan_form` (refused, with what was typed when it was sent).
    """
    change = ChangeForm(
        item=item,
        form=services.build_form(access, kind, item=item),
        version=getattr(item, kind.version_field),
    )
    closed = closed_plan_form(request, access, kind, item)
    if closed is not None:
        change.form, change.status = closed
        return change
    if request.method != "POST":
        return change
    reason = request.POST.get("reason", "")
    try:
        if save is None:
            change.result = services.submit_change(access, kind, item, request.POST, reason=reason)
        else:
            change.result = save()
    except services.Invalid as invalid:
        change.form, change.status = invalid.form, 422
        change.version = services.parse_version(request.POST) or change.version
    except services.Conflict as conflict:
        change.item = conflict.current
        change.form = conflict.submitted or services.build_form(
            access, kind, request.POST, item=change.item
        )
        change.version, change.status = getattr(change.item, kind.version_field), 409
        change.conflict = {
            "conflict": True,
            "current_picture": services.describe(kind, change.item),
        }
    return change


@dataclass
class RemoveForm:
    """What a "remove this?" page shows: the reason form as posted, or the outcome."""

    reason_form: Any = None
    status: int = 200
    result: services.Result | None = None
    conflict: services.Conflict | None = None


def try_remove(
    request: HttpRequest, access: PlanAccess, kind: services.ItemKind, item: Any
) -> RemoveForm:
    """On POST, the attempt to remove an item: invalid input is re-shown (422);
    a conflict (changed or removed meanwhile) is for the caller to explain (409)."""
    removal = RemoveForm()
    if request.method != "POST":
        return removal
    try:
        removal.result = services.submit_remove(access, kind, item, request.POST)
    except services.Invalid as invalid:
        removal.reason_form, removal.status = invalid.form, 422
    except services.Conflict as conflict:
        removal.conflict, removal.status = conflict, 409
    return removal


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
    """One life area on its own: a page of its own, and what "Cancel" puts back
    when an edit is abandoned (for htmx, only the area).

    It carries the area's content, so a professional's look is in "who has
    looked" (folded with their other looks at it in the same few minutes).
    """
    access = get_plan_for_user(request.user, code, supporters=True)
    area = area_of_plan(access, area_code)
    log_view(access, "area", area.name)
    page = load_plan_page(access.plan)
    section = next(s for s in page.areas if s.area.pk == area.pk)
    context = page_context(access, page, section=section, area=area)
    if request.htmx:
        return render(request, "plans/plan_detail.html#area", context)
    return render(request, "plans/area.html", context)


@checks_sign_in_itself
def live(request: HttpRequest, code: str) -> HttpResponse:
    """Has the plan changed since version v? One query when it has not.

    Open plan pages ask every few seconds, so this is the busiest URL there
    is. The one query (`live_check_viewers`) brings who may see the plan now,
    its version and, with database sessions, the session itself; access is
    still decided afresh on every request, so someone taken off the care team
    is refused at their very next poll. Nothing changed: 204, htmx does
    nothing. Something changed: the regions that changed, swapped out of band.
    """
    session_key = request.session.session_key
    in_database = settings.SESSION_ENGINE == sessions.ENGINE
    viewers = live_check_viewers(code, session_key if in_database and session_key else None)
    viewer = sign_in_from_viewers(request, viewers)
    refused = refuse_unless_signed_in(request)
    if refused is not None:
        return refused
    if request.method != "GET":  # after sign-in, as for every other page
        return HttpResponseNotAllowed(["GET"])
    # Access ended while the page was open: the 404 gets HX-Redirect to the
    # "access ended" page from coproduce.middleware.AccessEndedMiddleware.
    access = (
        live_check_access(viewer)
        if viewer is not None
        else get_plan_for_user(request.user, code, supporters=True)
    )
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        return HttpResponseBadRequest("v must be a plan version number")
    if seen >= access.plan.version and not access.plan.leadership_due_back(timezone.localdate()):
        return HttpResponse(status=204)
    # Something to send: the whole plan, as any other page loads it.
    access = get_plan_for_user(request.user, code, supporters=True)
    plan = access.plan
    # Leadership due back goes out like any other change.
    return_due_leadership(plan)
    if seen >= plan.version:
        return HttpResponse(status=204)
    changes = list(
        PlanChange.objects.filter(plan=plan, plan_version__gt=seen).values_list(
            "life_area_id", "actor_id"
        )
    )
    changed = {area_id for area_id, _ in changes}
    page = load_plan_page(plan)
    changed_sections = [s for s in page.areas if s.area.pk in changed]
    # Only an answer that carries content is a look; the 204 above writes nothing.
    one_area = changed_sections[0].area.name if len(changed_sections) == 1 else ""
    log_view(access, "update", "" if None in changed else one_area)
    # What a live update shows has been seen: it is marked "changed just now" instead.
    mark_seen(access)
    context = page_context(
        access,
        page,
        changed_sections=changed_sections,
        whole_plan_changed=None in changed or not changed,
        # The reader's own change (the poll crossed their save) is not news:
        # the regions catch up, but "Saved." stays as it was said.
        others_changed=any(actor_id != access.user.pk for _, actor_id in changes) or not changes,
    )
    return render(request, "plans/plan_detail.html#live-update", context)
