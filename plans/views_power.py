"""The person's power over their plan: care team, who has looked, taking the data away.

Decisions about who is on the care team and who has looked belong to the
person alone: a professional on the care team gets 403 on them, anyone who
may not see the plan gets 404 (plans.access).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.models import Professional, Team
from outcomes.models import Rating
from plans import services_power
from plans.access import PlanAccess, get_person, get_plan_for_user, get_professional
from plans.fhir import plan_bundle, plan_for_export
from plans.models import AccessRequest, CareTeamMember, PlanChange, PlanView
from plans.queries import load_plan_page

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
        code = services_power.normalise_share_code(self.cleaned_data["code"])
        if not services_power.is_well_formed_share_code(code):
            raise ValidationError("Enter the 8 letters and numbers of the code, like 7KQ2-M9XD.")
        return code


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password. Check it and try again.")
        return password


# --- the care team -----------------------------------------------------------------


def _owner_access(request: HttpRequest, code: str) -> PlanAccess:
    access = get_plan_for_user(request.user, code)
    access.require_owner()
    return access


@require_GET
def care_team(request: HttpRequest, code: str) -> HttpResponse:
    """ "People who help me": who can see the plan, who is asking to, and the share code."""
    access = _owner_access(request, code)
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
    code_text = services_power.display_share_code(services_power.share_code(access.plan))
    context = {
        "access": access,
        "plan": access.plan,
        "current": current,
        "past": past,
        "requests": requests,
        "share_code": code_text,
    }
    return render(request, "plans/power/care_team.html", context)


DIRECTORY_PAGE_SIZE = 20


@require_http_methods(["GET", "POST"])
def care_team_invite(request: HttpRequest, code: str) -> HttpResponse:
    """Find a professional by name and team, and invite them onto the care team."""
    access = _owner_access(request, code)
    if request.method == "POST":
        form = InviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That professional could not be found. Search again.")
            return redirect("care_team_invite", code=access.plan.code)
        professional = form.cleaned_data["professional"]
        try:
            services_power.invite(access, professional)
        except services_power.AlreadyOnTeam:
            messages.info(request, f"{professional.user.name} is already on your care team.")
        else:
            messages.success(request, f"{professional.user.name} can now see your plan.")
        return redirect("care_team", code=access.plan.code)

    search = DirectorySearchForm(request.GET or None)
    page_obj = None
    on_team: set[int] = set()
    if search.is_bound and search.is_valid():
        team = search.cleaned_data["team"]
        found = services_power.professional_directory(
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
    return render(request, "plans/power/invite.html", context)


def _current_member(access: PlanAccess, member_id: int) -> CareTeamMember:
    try:
        return CareTeamMember.objects.select_related(
            "professional__user", "professional__team"
        ).get(plan=access.plan, pk=member_id, removed_at__isnull=True)
    except CareTeamMember.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def care_team_remove(request: HttpRequest, code: str, member_id: int) -> HttpResponse:
    """Take a professional off the care team, after a plain confirmation."""
    access = _owner_access(request, code)
    member = _current_member(access, member_id)
    if request.method == "POST":
        # Removed a moment ago in another tab? The outcome is the same.
        with contextlib.suppress(services_power.NotOnTeam):
            services_power.remove(access, member)
        messages.success(request, f"{member.professional.user.name} can no longer see your plan.")
        return redirect("care_team", code=access.plan.code)
    context = {"access": access, "plan": access.plan, "member": member}
    return render(request, "plans/power/remove.html", context)


@require_POST
def access_request_answer(
    request: HttpRequest, code: str, request_code: str, decision: str
) -> HttpResponse:
    access = _owner_access(request, code)
    try:
        access_request = AccessRequest.objects.select_related(
            "professional__user", "professional__team"
        ).get(plan=access.plan, code=request_code)
    except (AccessRequest.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    name = access_request.professional.user.name
    try:
        services_power.answer_request(access, access_request, accept=decision == "accept")
    except services_power.NotPending:
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
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST":
        if services_power.too_many_join_attempts(professional):
            form.add_error(
                None,
                "You have tried a lot of codes in a short time. For the person's safety,"
                " wait 15 minutes and try again.",
            )
            return render(request, "plans/power/join.html", {"form": form}, status=429)
        if form.is_valid():
            services_power.request_access(
                professional, form.cleaned_data["code"], form.cleaned_data["message"]
            )
            messages.success(request, JOIN_SENT)
            return redirect("join_request")
        return render(request, "plans/power/join.html", {"form": form}, status=422)
    return render(request, "plans/power/join.html", {"form": form})


@require_GET
def access_ended(request: HttpRequest) -> HttpResponse:
    """Where an open page goes when its viewer's access ends. Names no plan."""
    return render(request, "plans/power/access_ended.html", {})


# --- who has looked ----------------------------------------------------------------

VIEWS_PAGE_SIZE = 25


@require_GET
def who_has_looked(request: HttpRequest, code: str) -> HttpResponse:
    access = _owner_access(request, code)
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
    return render(request, "plans/power/who_has_looked.html", context)


# --- take my data ------------------------------------------------------------------

RECENT_HISTORY = 50


@require_GET
def plan_print(request: HttpRequest, code: str) -> HttpResponse:
    """The whole plan on one readable page, made for printing or saving as a PDF."""
    access = get_plan_for_user(request.user, code)
    services_power.log_view(access, "print")
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
    services_power.log_view(access, "export")
    response = JsonResponse(
        plan_bundle(plan_for_export(access.plan.code)),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )
    filename = f"coproduce-plan-{access.plan.code}.fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- closing an account ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """The person leaves Coproduce. Their plan is closed and kept, not deleted."""
    person = get_person(request.user)
    form = CloseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            services_power.close_account(person)
            logout(request)
            return redirect("account_closed")
        return render(request, "plans/power/close_account.html", {"form": form}, status=422)
    return render(request, "plans/power/close_account.html", {"form": form})


@login_not_required
@require_GET
def account_closed(request: HttpRequest) -> HttpResponse:
    """Said once, after signing out: a page with nothing personal on it."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "plans/power/account_closed.html", {})
