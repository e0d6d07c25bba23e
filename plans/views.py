from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coproduce.models import Side, Team
from plans.access import get_led_team, get_own_plan, get_plan_for_user, get_professional
from plans.models import CareTeamMember, Plan, Proposal
from plans.queries import load_plan_page


class LoginView(auth_views.LoginView):
    """Django's sign-in, with a hint listing the demo logins when DEBUG is on."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        context["demo_hint"] = settings.DEBUG
        return context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they came for."""
    user = request.user
    if hasattr(user, "person"):
        plan = get_own_plan(user)
        if plan is not None:
            return redirect("plan_detail", code=plan.code)
        return render(request, "plans/no_plan.html", {})
    professional = getattr(user, "professional", None)
    if professional is not None:
        if Team.objects.filter(lead=professional).exists():
            return redirect("team_overview")
        return redirect("caseload")
    return render(request, "plans/no_role.html", {})


@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    access = get_plan_for_user(request.user, code)
    page = load_plan_page(access.plan)
    context = {"access": access, "plan": access.plan, "page": page, "Side": Side}
    return render(request, "plans/plan_detail.html", context)


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The plans this professional is on, with what needs them first."""
    professional = get_professional(request.user)
    waiting_for_professionals = Proposal.objects.filter(
        plan=OuterRef("plan"), status=Proposal.Status.PENDING, proposed_side=Side.PERSON
    )
    memberships = (
        CareTeamMember.objects.current()
        .filter(professional=professional)
        .select_related("plan__person__user")
        .annotate(
            proposals_waiting=Count(
                "plan__proposals",
                filter=Q(
                    plan__proposals__status=Proposal.Status.PENDING,
                    plan__proposals__proposed_side=Side.PERSON,
                ),
            ),
            has_waiting=Exists(waiting_for_professionals),
            changed=Q(plan__version__gt=F("last_seen_version")),
        )
        .order_by("plan__next_review_date", "plan__person__user__display_name")
    )
    today = timezone.localdate()
    rows = list(memberships)
    context = {
        "professional": professional,
        "rows": rows,
        "today": today,
        "overdue_count": sum(1 for m in rows if m.plan.review_overdue),
        "waiting_count": sum(m.proposals_waiting for m in rows),
    }
    return render(request, "plans/caseload.html", context)


@require_GET
def team_overview(request: HttpRequest) -> HttpResponse:
    """The lead's view of the team: who is in it and how big each caseload is."""
    team = get_led_team(request.user)
    caseload = Plan.objects.for_team(team.pk)
    today = timezone.localdate()
    figures = caseload.aggregate(
        people=Count("person", distinct=True),
        active=Count("id", filter=Q(status=Plan.Status.ACTIVE)),
        overdue=Count("id", filter=Q(next_review_date__lt=today) & ~Q(status=Plan.Status.CLOSED)),
    )
    members = (
        team.members.select_related("user")
        .annotate(
            plans=Count("memberships", filter=Q(memberships__removed_at__isnull=True)),
        )
        .order_by("user__display_name")
    )
    context = {"team": team, "figures": figures, "members": members}
    return render(request, "plans/team_overview.html", context)
