"""The people on the person's side: what each may do, removing them, and their suggestions.

Inviting a supporter is coproduce.onboarding's (it makes an account and
sends an email). Deciding about supporters is the person's alone: anyone
else on the plan gets 403, anyone who may not see it 404 (plans.access).
A supporter reaches only their own suggestions here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import supporters as services
from plans.access import PlanAccess, get_or_404, get_plan_for_user
from plans.forms import SupporterPermissionsForm
from plans.models import Supporter, SupporterSuggestion
from plans.templatetags.plan_tags import first_name
from plans.views.care_team import confirm_removal, owner_access


def _current_supporter(access: PlanAccess, supporter_code: str) -> Supporter:
    return get_or_404(
        Supporter.objects.current().filter(person=access.plan.person).select_related("user"),
        code=supporter_code,
    )


@require_http_methods(["GET", "POST"])
def supporter_detail(request: HttpRequest, code: str, supporter_code: str) -> HttpResponse:
    """What one supporter may do: the person ticks and unticks, and saves."""
    access = owner_access(request, code)
    supporter = _current_supporter(access, supporter_code)
    if request.method == "POST":
        form = SupporterPermissionsForm(request.POST)
        if form.is_valid():
            try:
                changed = services.change_permissions(access, supporter, form.cleaned_data)
            except services.NotCurrent:
                messages.info(
                    request, f"{supporter.user.name} is no longer one of your supporters."
                )
            else:
                if changed:
                    messages.success(request, f"Saved what {supporter.user.name} can do.")
            return redirect("care_team", code=access.plan.code)
        status = 422
    else:
        form = SupporterPermissionsForm(
            initial={name: getattr(supporter, name) for name in services.PERMISSIONS}
        )
        status = 200
    context = {"access": access, "plan": access.plan, "supporter": supporter, "form": form}
    return render(request, "plans/supporters/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def supporter_remove(request: HttpRequest, code: str, supporter_code: str) -> HttpResponse:
    """Remove a supporter, after a plain confirmation: effective on their next request."""
    access = owner_access(request, code)
    supporter = _current_supporter(access, supporter_code)
    return confirm_removal(
        request,
        access,
        supporter.user.name,
        lambda: services.remove_supporter(access, supporter),
        services.NotCurrent,
        "plans/supporters/remove.html",
        {"supporter": supporter},
    )


def _suggestions_for(access: PlanAccess) -> list[SupporterSuggestion]:
    rows = SupporterSuggestion.objects.filter(plan=access.plan).select_related(
        "supporter__user", "life_area"
    )
    if access.supporter_id is not None:
        rows = rows.filter(supporter_id=access.supporter_id)
    return list(rows.order_by("-created_at", "-pk")[:100])


@require_GET
def supporter_suggestions(request: HttpRequest, code: str) -> HttpResponse:
    """The person: what people on her side suggest. A supporter: what they suggested."""
    access = get_plan_for_user(request.user, code, supporters=True)
    if access.is_professional:
        raise PermissionDenied("Suggestions from the person's supporters are for the person.")
    suggestions = _suggestions_for(access)
    context = {
        "access": access,
        "plan": access.plan,
        "waiting": [s for s in suggestions if s.is_pending],
        "answered": [s for s in suggestions if not s.is_pending],
    }
    return render(request, "plans/supporters/suggestions.html", context)


@require_POST
def supporter_suggestion_answer(
    request: HttpRequest, code: str, suggestion_code: str, answer: str
) -> HttpResponse:
    access = get_plan_for_user(request.user, code, supporters=True)
    if access.is_professional:
        raise PermissionDenied("Suggestions from the person's supporters are for the person.")
    rows = SupporterSuggestion.objects.filter(plan=access.plan).select_related("supporter__user")
    if access.supporter_id is not None:
        rows = rows.filter(supporter_id=access.supporter_id)
    suggestion = get_or_404(rows, code=suggestion_code)
    name = first_name(suggestion.supporter.user)
    try:
        if answer == "take-up":
            result = services.take_up(access, suggestion)
            if result.applied:
                messages.success(request, f"Done: {name}'s suggestion is now in your plan.")
            else:
                messages.success(
                    request,
                    f"Your care team leads there, so {name}'s idea has gone to them as your"
                    " suggestion.",
                )
        elif answer == "decline":
            services.decline(access, suggestion)
            messages.success(request, f"You said no to {name}'s suggestion.")
        else:
            services.withdraw(access, suggestion)
            messages.success(request, "You withdrew your suggestion.")
    except services.NotPending:
        messages.info(request, "This suggestion has already been answered.")
    except services.NoLongerFits as problem:
        messages.error(request, problem.why)
    return redirect("supporter_suggestions", code=access.plan.code)
