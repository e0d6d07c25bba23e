"""Adding, changing and removing items on the plan.

One URL and one view serve the full page (no JavaScript) and the fragment
(htmx). Every write goes through plans.services, which asks plans.rules
whether it applies at once or becomes a proposal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from coproduce.htmx import HtmxHttpRequest, page_or_fragment
from coproduce.plan_page.page import (
    SUGGESTED,
    after_write,
    area_of_plan,
    closed_plan_form,
    item_of_plan,
    try_change,
    try_remove,
)
from plans import rules, services
from plans.access import PlanAccess, get_plan_for_user, require_may_change
from plans.forms import ReasonForm
from plans.leadership import return_due_leadership
from plans.models import LifeArea
from plans.templatetags.plan_tags import first_name


def _kind(name: str) -> services.ItemKind:
    kind = services.KINDS.get(name)
    if kind is None:
        raise Http404
    return kind


def _open_to_write(
    request: HtmxHttpRequest, code: str, kind_name: str
) -> tuple[PlanAccess, services.ItemKind]:
    """The plan and the kind for an add, change or remove (the same opening for each).

    A supporter the person has not let suggest changes is refused (403); a
    balance whose agreed time is up returns first, so the form and the write
    are decided on the balance as it stands today.
    """
    access = get_plan_for_user(request.user, code, supporters=True)
    require_may_change(access)
    return_due_leadership(access.plan)
    return access, _kind(kind_name)


def _will_propose(
    access: PlanAccess, kind: services.ItemKind, act: str, area: LifeArea | None, item: Any
) -> bool:
    return services.decision_for(access, kind, act, area, item) in (
        rules.Decision.PROPOSE,
        rules.Decision.SUGGEST_TO_PERSON,
    )


def _add_title(access: PlanAccess, kind: services.ItemKind, area: LifeArea | None) -> str:
    """ "Add a resource", or "Suggest an outcome for Amara" when it will be a suggestion."""
    article = "an" if kind.label[0] in "aeiou" else "a"
    if access.is_supporter:
        return f"Suggest {article} {kind.label} to {first_name(access.plan.person)}"
    if not _will_propose(access, kind, rules.Act.ADD, area, None):
        return f"Add {article} {kind.label}"
    if access.is_owner:
        return f"Suggest {article} {kind.label}"
    return f"Suggest {article} {kind.label} for {first_name(access.plan.person)}"


def _after_write(
    request: HtmxHttpRequest, access: PlanAccess, result: services.Result, area: LifeArea | None
) -> HttpResponse:
    if result.applied:
        message = "Saved."
    elif result.supporter_suggestion is not None:
        name = first_name(access.plan.person)
        message = f"Sent to {name}. It goes into the plan only if {name} takes it up."
    else:
        message = SUGGESTED
    return after_write(request, access, message, area)


def _form_response(
    request: HtmxHttpRequest,
    access: PlanAccess,
    kind: services.ItemKind,
    form: Any,
    *,
    act: str,
    area: LifeArea | None,
    action_url: str,
    title: str,
    status: int,
    item: Any = None,
    **extra: Any,
) -> HttpResponse:
    """The add/change form: a whole page without JavaScript, the form alone for htmx."""
    context = {
        "access": access,
        "plan": access.plan,
        "kind": kind,
        "form": form,
        "item": item,
        "area": area,
        "action_url": action_url,
        "will_propose": _will_propose(access, kind, act, area, item),
        "title": title,
        **extra,
    }
    return page_or_fragment(request, "plans/item_form.html", "form", context, status=status)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def item_add(request: HtmxHttpRequest, code: str, kind_name: str) -> HttpResponse:
    access, kind = _open_to_write(request, code, kind_name)
    if kind.name == "about":
        raise Http404
    area = (
        area_of_plan(access, request.POST.get("area") or request.GET.get("area"))
        if kind.in_area
        else None
    )
    form: Any = services.build_form(access, kind)
    action_url = reverse("item_add", args=[access.plan.code, kind.name])
    closed = closed_plan_form(request, access, kind)
    status = 422
    if closed is not None:
        form, status = closed
    elif request.method == "POST":
        try:
            result = services.submit_add(
                access, kind, request.POST, area=area, reason=request.POST.get("reason", "")
            )
        except services.Invalid as invalid:
            form = invalid.form
        else:
            return _after_write(request, access, result, area)
    return _form_response(
        request,
        access,
        kind,
        form,
        act=rules.Act.ADD,
        area=area,
        action_url=action_url,
        title=_add_title(access, kind, area),
        status=status if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def item_edit(
    request: HtmxHttpRequest, code: str, kind_name: str, item_code: str | None = None
) -> HttpResponse:
    access, kind = _open_to_write(request, code, kind_name)
    item = access.plan if kind.name == "about" else item_of_plan(access, kind, item_code or "")
    area = services.area_of(kind, item)
    if kind.name == "about":
        action_url = reverse("about_edit", args=[access.plan.code])
    else:
        action_url = reverse("item_edit", args=[access.plan.code, kind.name, item.code])
    change = try_change(request, access, kind, item)
    if change.result is not None:
        return _after_write(request, access, change.result, area if kind.in_area else None)
    title = f"Change {kind.label}"
    if change.conflict:
        title = f"Someone else changed this {kind.label}"
        if getattr(change.item, "removed_at", None):
            messages.error(
                request, "Someone removed this while you were editing it. Your text is shown below."
            )
    return _form_response(
        request,
        access,
        kind,
        change.form,
        act=rules.Act.CHANGE,
        area=area,
        action_url=action_url,
        title=title,
        status=change.status,
        item=change.item,
        version=change.version,
        **change.conflict,
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def item_remove(
    request: HtmxHttpRequest, code: str, kind_name: str, item_code: str
) -> HttpResponse:
    access, kind = _open_to_write(request, code, kind_name)
    if not kind.removable:
        raise Http404
    item = item_of_plan(access, kind, item_code)
    area = services.area_of(kind, item)
    removal = try_remove(request, access, kind, item)
    if removal.result is not None:
        return _after_write(request, access, removal.result, area if kind.in_area else None)
    if removal.conflict is not None:
        if removal.conflict.current.removed_at is not None:
            messages.info(request, "Someone else has already removed this.")
            if request.htmx:
                return HttpResponseClientRedirect(reverse("plan_detail", args=[access.plan.code]))
            return redirect("plan_detail", code=access.plan.code)
        # Changed since they opened it: show the newer version, keep their reason,
        # and let them decide again.
        item = removal.conflict.current
        removal.reason_form = ReasonForm(request.POST)
    context = {
        "access": access,
        "plan": access.plan,
        "kind": kind,
        "item": item,
        "area": area,
        "picture": services.describe(kind, item),
        "will_propose": _will_propose(access, kind, rules.Act.REMOVE, area, item),
        "reason_form": removal.reason_form,
        "changed_meanwhile": removal.status == 409,
    }
    return page_or_fragment(
        request, "plans/item_remove.html", "confirm", context, status=removal.status
    )


@require_POST
def item_agree(request: HtmxHttpRequest, code: str, kind_name: str, item_code: str) -> HttpResponse:
    """The person's "I agree" with what a professional changed where they lead with agreement."""
    access = get_plan_for_user(request.user, code)
    access.require_owner()  # the person's decision: refused before anything is looked up
    kind = _kind(kind_name)
    if not kind.in_area:
        raise Http404
    item = item_of_plan(access, kind, item_code)
    services.agree_with_item(access, kind, item)
    return after_write(
        request, access, "Thank you: marked as agreed.", services.area_of(kind, item)
    )


@require_POST
def area_agree(request: HtmxHttpRequest, code: str, area_code: str) -> HttpResponse:
    """The person's "I agree with all": everything not yet agreed in one part of the plan."""
    access = get_plan_for_user(request.user, code)
    access.require_owner()
    area = area_of_plan(access, area_code)
    services.agree_with_area(access, area)
    return after_write(request, access, "Thank you: marked as agreed.", area)
