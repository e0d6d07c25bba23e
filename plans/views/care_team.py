"""The care team: who can see the plan, who asks to join, and who has looked.

Decisions about who is on the care team and who has looked belong to the
person alone: a professional on the care team gets 403 on them, anyone who
may not see the plan gets 404 (plans.access).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.models import Professional, Team
from plans import care_team as services
from plans.access import PlanAccess, get_or_404, get_plan_for_user, get_professional
from plans.models import AccessRequest, CareTeamMember, PlanView, Supporter

# --- forms -------------------------------------------------------------------------


class DirectorySearchForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=100)
    team = forms.ModelChoiceField(
        label="Team", required=False, queryset=Team.objects.order_by("name"), empty_label="Any team"
    )


class InviteForm(forms.Form):
    professional = forms.ModelChoiceField(
        queryset=Professional.objects.filter(user__is_active=True)
    )


class JoinRequestForm(forms.Form):
    code = forms.CharField(
        label="Plan code",
        max_length=20,
        help_text="The 8-character code the person showed you, for example 7KQ2-M9XD.",
    )
    message = forms.CharField(
        label="Message to the person",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say who you are and why you would like to join.",
    )

    def clean_code(self) -> str:
        code = services.normalise_share_code(self.cleaned_data["code"])
        if not services.is_well_formed_share_code(code):
            raise ValidationError("Enter the 8 letters and numbers of the code, like 7KQ2-M9XD.")
        return code


# --- the care team -----------------------------------------------------------------


def owner_access(request: HttpRequest, code: str) -> PlanAccess:
    """The plan, for its person alone: 403 for her care team, 404 for anyone else."""
    access = get_plan_for_user(request.user, code)
    access.require_owner()
    return access


def confirm_removal(
    request: HttpRequest,
    access: PlanAccess,
    name: str,
    remove: Callable[[], object],
    already_gone: type[Exception],
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    """Take someone off the people who help the person, after a plain confirmation
    (a professional on the care team, or a supporter): effective on their next request.
    """
    if request.method == "POST":
        # Removed a moment ago in another tab? The outcome is the same.
        with contextlib.suppress(already_gone):
            remove()
        messages.success(request, f"{name} can no longer see your plan.")
        return redirect("care_team", code=access.plan.code)
    return render(request, template, {"access": access, "plan": access.plan, **context})


@require_GET
def care_team(request: HttpRequest, code: str) -> HttpResponse:
    """ "People who help me": who can see the plan, who is asking to, and the share code."""
    access = owner_access(request, code)
    members = (
        CareTeamMember.objects.filter(plan=access.plan)
        .select_related("professional__user", "professional__team", "added_by", "removed_by")
        .order_by("-removed_at", "added_at", "pk")
    )
    current = [m for m in members if m.removed_at is None]
    past = sorted(
        (m for m in members if m.removed_at is not None),
        key=lambda m: m.removed_at,  # type: ignore[arg-type, return-value]
        reverse=True,
    )
    requests = (
        AccessRequest.objects.filter(plan=access.plan, status=AccessRequest.Status.PENDING)
        .select_related("professional__user", "professional__team")
        .order_by("created_at")
    )
    code_text = services.display_share_code(services.share_code(access.plan))
    supporters = list(
        Supporter.objects.filter(person=access.plan.person)
        .select_related("user")
        .order_by("-removed_at", "added_at", "pk")
    )
    context = {
        "access": access,
        "plan": access.plan,
        "current": current,
        "past": past,
        "supporters": [s for s in supporters if s.removed_at is None],
        "past_supporters": [s for s in supporters if s.removed_at is not None],
        "requests": requests,
        "share_code": code_text,
    }
    return render(request, "plans/care_team/care_team.html", context)


DIRECTORY_PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
def care_team_invite(request: HttpRequest, code: str) -> HttpResponse:
    """Find a professional by name and team, and invite them onto the care team."""
    access = owner_access(request, code)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That professional could not be found. Search again.")
            return redirect("care_team_invite", code=access.plan.code)
        professional = form.cleaned_data["professional"]
        try:
            services.invite(access, professional)
        except services.AlreadyOnTeam:
            messages.info(request, f"{professional.user.name} is already on your care team.")
        else:
            messages.success(request, f"{professional.user.name} can now see your plan.")
        return redirect("care_team", code=access.plan.code)

    search = DirectorySearchForm(request.GET or None)
    page_obj = None
    on_team: set[int] = set()
    if search.is_bound and search.is_valid():
        team = search.cleaned_data["team"]
        found = services.professional_directory(
            search.cleaned_data["name"], team.pk if team else None
        )
        page_obj = Paginator(found, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        on_team = set(
            CareTeamMember.objects.current()
            .filter(plan=access.plan)
            .values_list("professional_id", flat=True)
        )
    context = {
        "access": access,
        "plan": access.plan,
        "search": search,
        "page_obj": page_obj,
        "on_team": on_team,
    }
    return render(request, "plans/care_team/invite.html", context)


def _current_member(access: PlanAccess, member_id: int) -> CareTeamMember:
    members = CareTeamMember.objects.current().filter(plan=access.plan)
    return get_or_404(
        members.select_related("professional__user", "professional__team"), pk=member_id
    )


@require_http_methods(["GET", "POST"])
def care_team_remove(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    """Take a professional off the care team, after a plain confirmation."""
    access = owner_access(request, code)
    member = _current_member(access, member_id)
    return confirm_removal(
        request,
        access,
        member.professional.user.name,
        lambda: services.remove(access, member),
        services.NotOnTeam,
        "plans/care_team/remove.html",
        {"member": member},
    )


@require_POST
def access_request_answer(
    request: HttpRequest, code: str, request_code: str, decision: str
) -> HttpResponse:
    access = owner_access(request, code)
    access_request = get_or_404(
        AccessRequest.objects.select_related("professional__user", "professional__team").filter(
            plan=access.plan
        ),
        code=request_code,
    )
    name = access_request.professional.user.name
    try:
        services.answer_request(access, access_request, accept=decision == "accept")
    except services.NotPending:
        messages.info(request, f"You have already answered {name}.")
    else:
        if decision == "accept":
            messages.success(request, f"{name} can now see your plan.")
        else:
            messages.success(request, f"You said no. {name} cannot see your plan.")
    return redirect("care_team", code=access.plan.code)


JOIN_SENT = (
    "Your request has been sent if the code is right. The person decides; if they say yes, "
    "their plan will appear in your caseload."
)


@require_http_methods(["GET", "POST"])
def join_request(request: HttpRequest) -> HttpResponse:
    """A professional asks to join a plan with the code the person showed them.

    The answer is the same whether or not the code matched a plan: this page
    cannot be used to find out who has a plan.
    """
    professional = get_professional(request.user)
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if services.too_many_join_attempts(professional):
            form.full_clean()  # bound even when empty, so the refusal joins its errors
            form.add_error(
                None,
                "You have tried a lot of codes in a short time. For the person's safety,"
                " wait 15 minutes and try again.",
            )
            return render(request, "plans/care_team/join.html", {"form": form}, status=429)
        if form.is_valid():
            services.request_access(
                professional, form.cleaned_data["code"], form.cleaned_data["message"]
            )
            messages.success(request, JOIN_SENT)
            return redirect("join_request")
        return render(request, "plans/care_team/join.html", {"form": form}, status=422)
    return render(request, "plans/care_team/join.html", {"form": form})


@require_GET
def access_ended(request: HttpRequest) -> HttpResponse:
    """Where an open page goes when its viewer's access ends. Names no plan."""
    return render(request, "plans/care_team/access_ended.html", {})


# --- who has looked ----------------------------------------------------------------

VIEWS_PAGE_SIZE = 25


@require_GET
def who_has_looked(request: HttpRequest, code: str) -> HttpResponse:
    access = owner_access(request, code)
    views = (
        PlanView.objects.filter(plan=access.plan)
        .select_related("viewer__professional__team")
        .order_by("-viewed_at", "-pk")
    )
    page_obj = Paginator(views, VIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "plan": access.plan,
        "page_obj": page_obj,
        "this_year": str(timezone.localdate().year),
    }
    return render(request, "plans/care_team/who_has_looked.html", context)
