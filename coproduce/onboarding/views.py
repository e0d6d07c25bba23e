"""Bringing people in: teams, invitations, starting a plan, sign-in recovery.

Every view fetches what it shows through the access helpers: staff pages
are for staff, a lead's pages for their own team, a plan through
plans.access (anyone not on its care team gets a 404).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from coproduce import two_step_rules
from coproduce.email import queue_email
from coproduce.htmx import render_form
from coproduce.middleware import needs_two_factor
from coproduce.models import Professional, Team, User
from coproduce.onboarding import forms, services, throttle
from coproduce.onboarding.models import AccountLink
from coproduce.security import log_event
from plans.access import get_led_team, get_plan_for_user, get_professional, require_care_team
from plans.models import CareTeamMember
from plans.supporters import AlreadySupporting


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, which must be refused), else None."""
    return request.POST if request.method == "POST" else None


# --- who may ----------------------------------------------------------------------------


def require_staff(user: Any) -> None:
    if not user.is_staff:
        raise PermissionDenied("This page is for staff.")


def _team_member(team: Team, professional_id: int) -> Professional:
    return get_object_or_404(
        Professional.objects.select_related("user", "team"), pk=professional_id, team=team
    )


# --- staff: teams and their leads -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def staff_teams(request: HttpRequest) -> HttpResponse:
    """Staff start a team and invite its lead; and see every team."""
    require_staff(request.user)
    form = forms.TeamForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.create_team(
                request,
                data["name"],
                data["lead_name"],
                data["lead_email"],
                data["lead_discipline"],
            )
        except services.TeamNameTaken:
            form.add_error("name", "A team already has this name. Choose another.")
        except services.EmailInUse:
            form.add_error("lead_email", forms.PROFESSIONAL_EMAIL_IN_USE)
        else:
            messages.success(
                request, f"{team.name} is set up. We have emailed an invitation to its lead."
            )
            return redirect("staff_teams")
    teams = Team.objects.select_related("lead__user").prefetch_related("members__user")
    context = {"form": form, "teams": teams.order_by("name")}
    return render_form(request, "onboarding/staff_teams.html", context)


@require_http_methods(["GET", "POST"])
def professional_setup_link(request: HttpRequest, professional_id: int) -> HttpResponse:
    """Staff, or the professional's own team lead, send a new set-up link."""
    user: Any = request.user
    if user.is_staff:
        professional = get_object_or_404(
            Professional.objects.select_related("user"), pk=professional_id
        )
        back = reverse("staff_teams")
    else:
        professional = _team_member(get_led_team(user), professional_id)
        back = reverse("team_professionals")
    if not professional.user.is_active:
        raise Http404("No longer active")
    if request.method == "POST":
        services.send_setup_link(request, professional)
        log_event("setup_link_sent", request, for_user_id=professional.user_id)
        messages.success(request, f"We have emailed a set-up link to {professional.user.name}.")
        return redirect(back)
    context = {"professional": professional, "back": back}
    return render(request, "onboarding/setup_link.html", context)


# --- a lead's team ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def team_professionals(request: HttpRequest) -> HttpResponse:
    """A lead's professionals: invite a new one, deactivate one who left."""
    team = get_led_team(request.user)
    form = forms.InviteProfessionalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            professional = services.invite_professional(request, team, **form.cleaned_data)
        except services.EmailInUse:
            form.add_error("email", forms.PROFESSIONAL_EMAIL_IN_USE)
        else:
            messages.success(request, f"We have emailed an invitation to {professional.user.name}.")
            return redirect("team_professionals")
    members = team.members.select_related("user").by_name("-user__is_active")
    context = {"team": team, "form": form, "members": members}
    return render_form(request, "onboarding/team_professionals.html", context)


@require_http_methods(["GET", "POST"])
def professional_deactivate(request: HttpRequest, professional_id: int) -> HttpResponse:
    team = get_led_team(request.user)
    professional = _team_member(team, professional_id)
    lead = get_professional(request.user)
    if professional.pk == lead.pk:
        raise PermissionDenied("A lead cannot deactivate themselves.")
    if request.method == "POST":
        if professional.user.is_active:
            plans = services.deactivate(lead, professional)
            messages.success(
                request,
                f"{professional.user.name} can no longer sign in, and has left {plans} "
                f"care team{'' if plans == 1 else 's'}. Each person can see this in their plan.",
            )
        return redirect("team_professionals")
    plans = CareTeamMember.objects.current().filter(professional=professional).count()
    context = {"professional": professional, "plans": plans}
    return render(request, "onboarding/deactivate.html", context)


# --- starting a plan for someone new ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_start(request: HttpRequest) -> HttpResponse:
    professional = get_professional(request.user)
    form = forms.StartPlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            started = services.start_plan(request, professional, **form.cleaned_data)
        except services.EmailInUse:
            form.add_error("email", forms.EMAIL_IN_USE)
        else:
            if started.letter_code:
                return _letter(request, started.plan, started.letter_code)
            messages.success(request, "The plan is started, and we have emailed the invitation.")
            return redirect("plan_invitation", code=started.plan.code)
    return render_form(request, "onboarding/plan_start.html", {"form": form})


def _letter(request: HttpRequest, plan: Any, code: str) -> HttpResponse:
    context = {
        "plan": plan,
        "code": services.display_letter_code(code),
        "start_url": request.build_absolute_uri(reverse("letter_start")),
        "days": settings.LETTER_INVITATION_DAYS,
    }
    return render(request, "onboarding/letter.html", context)


@require_http_methods(["GET", "POST"])
def plan_invitation(request: HttpRequest, code: str) -> HttpResponse:
    """The care team's view of the person's invitation: send it again, or print a letter."""
    access = get_plan_for_user(request.user, code)
    require_care_team(access)
    person_user = access.plan.person.user
    joined = person_user.has_usable_password()
    form = forms.InviteAgainForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        delivery = form.cleaned_data["invite_by"]
        if delivery == AccountLink.Delivery.EMAIL and not person_user.email:
            form.add_error("invite_by", "They have no email address: print a letter instead.")
        elif joined and delivery == AccountLink.Delivery.LETTER:
            form.add_error("invite_by", "They already have an account: they can sign in.")
        else:
            letter_code = services.invite_person(request, access.plan, delivery)
            if letter_code:
                return _letter(request, access.plan, letter_code)
            messages.success(request, "We have emailed them.")
            return redirect("plan_invitation", code=access.plan.code)
    link = AccountLink.objects.filter(user=person_user).order_by("-created_at").first()
    context = {"plan": access.plan, "form": form, "joined": joined, "link": link}
    return render_form(request, "onboarding/plan_invitation.html", context)


@require_http_methods(["GET", "POST"])
def plan_coordinator(request: HttpRequest, code: str) -> HttpResponse:
    """A professional on the care team takes on coordination, when nobody has it."""
    access = get_plan_for_user(request.user, code)
    require_care_team(access)
    current = (
        CareTeamMember.objects.coordinating()
        .filter(plan=access.plan)
        .select_related("professional__user")
        .first()
    )
    if request.method == "POST":
        try:
            services.become_coordinator(access)
        except services.HasCoordinator as taken:
            taken_by: dict[str, Any] = {"plan": access.plan, "coordinator": taken.coordinator}
            return render(request, "onboarding/second_coordinator.html", taken_by, status=409)
        messages.success(request, "You are now the care coordinator for this plan.")
        return redirect("plan_detail", code=access.plan.code)
    context: dict[str, Any] = {"plan": access.plan, "coordinator": current}
    return render(request, "onboarding/coordinator.html", context)


@require_http_methods(["GET", "POST"])
def supporter_invite(request: HttpRequest, code: str) -> HttpResponse:
    """The person invites a family member, friend, carer or advocate onto her side, by email."""
    access = get_plan_for_user(request.user, code)
    access.require_owner()
    form = forms.InviteSupporterForm(
        _posted(request), initial={"may_see": True, "may_be_named": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supporter = services.invite_supporter(
                request,
                access,
                data["full_name"],
                data["email"],
                data["relationship"],
                {
                    name: data[name]
                    for name in ("may_see", "may_suggest", "may_rate", "may_be_named")
                },
            )
        except services.EmailInUse:
            form.add_error("email", "This is your own email address. Enter theirs.")
        except AlreadySupporting:
            form.add_error("email", "This person is already one of your supporters.")
        else:
            messages.success(
                request, f"We have emailed {supporter.user.name} an invitation to support you."
            )
            return redirect("care_team", code=access.plan.code)
    context = {"access": access, "plan": access.plan, "form": form}
    return render_form(request, "onboarding/supporter_invite.html", context)


# --- accepting an invitation or a set-up link -------------------------------------------


LINK_STATUS = {"unknown": 404, "used": 410, "expired": 410}


def _link_problem(request: HttpRequest, reason: str) -> HttpResponse:
    log_event("link_refused", request, reason=reason)
    return render(
        request, "onboarding/link_problem.html", {"reason": reason}, status=LINK_STATUS[reason]
    )


def _suggested_username(user: User) -> str:
    if not user.username.startswith("invited-"):
        return user.username
    suggestion = "".join(c for c in user.name.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return suggestion[:30]


def _choose_sign_in(request: HttpRequest, link: AccountLink, letter_code: str = "") -> HttpResponse:
    user = link.user
    bound = request.method == "POST" and "new_password1" in request.POST
    form = forms.ChooseSignInForm(
        user,
        request.POST if bound else None,
        initial={"username": _suggested_username(user)},
    )
    if bound and form.is_valid():
        try:
            user = services.redeem(
                request, link, form.cleaned_data["username"], form.cleaned_data["new_password1"]
            )
        except services.LinkProblem as problem:
            return _link_problem(request, problem.reason)
        login(request, user, backend=settings.SIGN_IN_BACKEND)
        log_event("link_redeemed", request, purpose=link.purpose)
        if needs_two_factor(user):
            two_step_rules.allow_enrolment(request, user)
            return redirect("two_factor_setup")
        messages.success(request, "Your password is set. Welcome to Coproduce.")
        return redirect("home")
    context = {
        "form": form,
        "link": link,
        "letter_code": letter_code,
        "is_professional": needs_two_factor(user),
        "is_person": hasattr(user, "person"),
        "action": request.path,
    }
    return render_form(request, "onboarding/welcome.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.find_link(token, AccountLink.Delivery.EMAIL)
    except services.LinkProblem as problem:
        return _link_problem(request, problem.reason)
    return _choose_sign_in(request, link)


WRONG_LETTER_CODE = (
    "That code did not work. Check it against your letter. If your letter is more than "
    "a month old, ask your care coordinator for a new one."
)
TOO_MANY_LETTER_CODES = (
    "Too many codes tried from here. For your safety, wait an hour and try again."
)


@login_not_required
@require_http_methods(["GET", "POST"])
def letter_start(request: HttpRequest) -> HttpResponse:
    """Someone with a letter types its short code, then chooses a username and password."""
    form = forms.LetterCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if throttle.seen(f"letter:{throttle.address(request)}") >= throttle.LETTER_CODE_ATTEMPTS:
            form.add_error("code", TOO_MANY_LETTER_CODES)
            log_event("letter_code_throttled", request)
            return render(request, "onboarding/letter_start.html", {"form": form}, status=429)
        code = services.normalise_letter_code(form.cleaned_data["code"])
        link = None
        if services.is_well_formed_letter_code(code):
            try:
                link = services.find_link(code, AccountLink.Delivery.LETTER)
            except services.LinkProblem:
                link = None
        if link is None:
            throttle.count(f"letter:{throttle.address(request)}")
            log_event("letter_code_wrong", request)
            form.add_error("code", WRONG_LETTER_CODE)
        else:
            return _choose_sign_in(request, link, letter_code=code)
    return render_form(request, "onboarding/letter_start.html", {"form": form})


# --- sign-in recovery -------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's own; throttled, queued, and the same answer whether or not an account exists."""

    form_class = forms.QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> Any:
        email = services.normalise_email(form.cleaned_data["email"])
        email_key = hashlib.sha256(email.encode()).hexdigest()[:32]
        by_address = throttle.count(f"reset-ip:{throttle.address(self.request)}")
        by_email = throttle.count(f"reset-email:{email_key}")
        if by_address > throttle.RESETS_PER_ADDRESS or by_email > throttle.RESETS_PER_EMAIL:
            log_event("password_reset_throttled", self.request)
            return redirect(self.success_url)  # the same page as when it is sent
        log_event("password_reset_requested", self.request)
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> Any:
        response = super().form_invalid(form)
        response.status_code = 422
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_invalid(self, form: Any) -> Any:
        response = super().form_invalid(form)
        response.status_code = 422
        return response


EMAIL_CHANGE_SALT = "onboarding.email_change"
EMAIL_CHANGE_MAX_AGE = 2 * 24 * 60 * 60


def _email_fingerprint(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """A new email address takes effect only from a link sent to it."""
    user: Any = request.user
    form = forms.EmailChangeForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        new_email = services.normalise_email(form.cleaned_data["email"])
        if throttle.count(f"email-change:{user.pk}") > throttle.EMAIL_CHANGES_PER_USER:
            log_event("email_change_throttled", request)
        elif services.account_with_email(new_email, exclude=user) is not None:
            # Told at the new address only, so this page cannot reveal that it exists.
            queue_email(new_email, "email_in_use", {"url": request.build_absolute_uri("/")})
        else:
            token = signing.dumps(
                {"u": user.pk, "e": new_email, "o": _email_fingerprint(user.email)},
                salt=EMAIL_CHANGE_SALT,
            )
            url = request.build_absolute_uri(reverse("email_change_confirm", args=[token]))
            queue_email(new_email, "email_change", {"url": url, "days": 2})
        return render(request, "onboarding/email_change_sent.html", {"email": new_email})
    return render_form(request, "onboarding/email_change.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
        new_email = str(data["e"])
    except signing.SignatureExpired:
        return _link_problem(request, "expired")
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return _link_problem(request, "unknown")
    if data.get("o") != _email_fingerprint(user.email):
        return _link_problem(request, "used")  # the address has changed since
    if request.method == "POST":
        with transaction.atomic():
            if services.account_with_email(new_email, exclude=user) is not None:
                return render(request, "onboarding/email_taken.html", {}, status=409)
            old_email = user.email
            User.objects.filter(pk=user.pk).update(email=new_email)
            if old_email:
                queue_email(old_email, "email_changed", {"url": request.build_absolute_uri("/")})
        log_event("email_changed", request, for_user_id=user.pk)
        return render(request, "onboarding/email_change_done.html", {})
    return render(request, "onboarding/email_change_confirm.html", {"email": new_email})
