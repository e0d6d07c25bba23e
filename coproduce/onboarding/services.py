"""Writes that bring people in and take them out: teams, invitations, plans, deactivation.

Each runs in one transaction; anything that touches a plan writes its history
entry (plans.history.record) in that same transaction, and every email is
queued to go only once the transaction has committed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from coproduce import two_step_rules
from coproduce.email import queue_email
from coproduce.models import Discipline, Person, Professional, Side, Team, User
from coproduce.onboarding.models import (
    LETTER_ALPHABET,
    LETTER_CODE_LENGTH,
    AccountLink,
    new_letter_code,
    new_url_token,
    token_hash,
)
from plans.access import PlanAccess
from plans.care_team import end_membership, who
from plans.history import record
from plans.models import DEFAULT_LIFE_AREAS, CareTeamMember, LifeArea, Plan, PlanChange, Supporter
from plans.supporters import add_supporter


class EmailInUse(Exception):
    """Another account already uses this email address (whose, we never say)."""


class HasCoordinator(Exception):
    """The plan already has a care coordinator."""

    def __init__(self, coordinator: CareTeamMember) -> None:
        self.coordinator = coordinator


class LinkProblem(Exception):
    """An invitation or set-up link that cannot be used: unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


# --- email addresses ------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def account_with_email(email: str, exclude: Any = None) -> User | None:
    if not email:
        return None
    users = User.objects.filter(email__iexact=normalise_email(email))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.first()


# --- links --------------------------------------------------------------------------------


def _placeholder_username() -> str:
    """Until the invited person chooses their own on accepting."""
    return f"invited-{secrets.token_hex(6)}"


def issue_link(
    user: User,
    purpose: str,
    delivery: str,
    by: Any,
    plan: Plan | None = None,
) -> str:
    """A new single-use link (or letter code) for this user; any earlier one stops working."""
    days = (
        settings.LETTER_INVITATION_DAYS
        if delivery == AccountLink.Delivery.LETTER
        else settings.INVITATION_DAYS
    )
    token = new_letter_code() if delivery == AccountLink.Delivery.LETTER else new_url_token()
    now = timezone.now()
    AccountLink.objects.usable().filter(user=user).update(expires_at=now)
    AccountLink.objects.create(
        user=user,
        purpose=purpose,
        delivery=delivery,
        plan=plan,
        token_hash=token_hash(token),
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token


def _email_new_link(
    request: HttpRequest, user: User, purpose: str, template: str, plan: Plan | None = None
) -> None:
    """Issue a link sent by email, and queue the email that carries it."""
    token = issue_link(user, purpose, AccountLink.Delivery.EMAIL, by=request.user, plan=plan)
    url = request.build_absolute_uri(reverse("welcome", args=[token]))
    days = settings.INVITATION_DAYS
    queue_email(user.email, template, {"url": url, "days": days})


def find_link(token: str, delivery: str) -> AccountLink:
    """The link for this token, or LinkProblem saying why it cannot be used.

    A letter's short code works only where its guessing is throttled (the
    letter page), never as a link.
    """
    link = (
        AccountLink.objects.select_related("user").filter(token_hash=token_hash(token)).first()
        if 0 < len(token) <= 200
        else None
    )
    if link is None or link.delivery != delivery:
        raise LinkProblem("unknown")
    if link.is_used:
        raise LinkProblem("used")
    if link.is_expired:
        raise LinkProblem("expired")
    return link


_READ_AS = str.maketrans("OIL", "011")


def normalise_letter_code(text: str) -> str:
    cleaned = "".join(text.split()).replace("-", "").upper()
    return cleaned.translate(_READ_AS)


def is_well_formed_letter_code(code: str) -> bool:
    return len(code) == LETTER_CODE_LENGTH and all(c in LETTER_ALPHABET for c in code)


def display_letter_code(code: str) -> str:
    half = LETTER_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def redeem(request: HttpRequest, link: AccountLink, username: str, password: str) -> User:
    """Use the link once: the account gets its username and password, and is signed in.

    A professional's session may then set up two-step sign-in (and only then).
    """
    with transaction.atomic():
        used = AccountLink.objects.usable().filter(pk=link.pk).update(used_at=timezone.now())
        if not used:
            raise LinkProblem("used")
        user = User.objects.select_for_update().get(pk=link.user_id)
        user.username = username
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["username", "password", "is_active"])
        if link.purpose == AccountLink.Purpose.SETUP:
            two_step_rules.forget_devices(user)
    return user


# --- teams and professionals ------------------------------------------------------------


def _split_name(full_name: str) -> tuple[str, str]:
    first, _, last = full_name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _new_user(full_name: str, email: str, display_name: str = "") -> User:
    first, last = _split_name(full_name)
    return User.objects.create(
        username=_placeholder_username(),
        first_name=first[:150],
        last_name=last[:150],
        display_name=(display_name or full_name).strip()[:150],
        email=normalise_email(email),
        password=make_password(None),  # unusable until the invitation is accepted
    )


def invite_professional(
    request: HttpRequest,
    team: Team,
    full_name: str,
    email: str,
    discipline: str,
    job_title: str = "",
) -> Professional:
    """A new professional in the team, invited by email to set their password and two-step."""
    with transaction.atomic():
        if account_with_email(email) is not None:
            raise EmailInUse
        professional = Professional.objects.create(
            user=_new_user(full_name, email),
            team=team,
            discipline=discipline,
            job_title=job_title,
        )
        _email_new_link(
            request, professional.user, AccountLink.Purpose.INVITATION, "professional_invitation"
        )
    return professional


class TeamNameTaken(Exception):
    """A team already has this name."""


def create_team(
    request: HttpRequest, name: str, lead_name: str, lead_email: str, lead_discipline: str
) -> Team:
    """Staff start a team and invite its lead."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                team = Team.objects.create(name=name)
        except IntegrityError:
            raise TeamNameTaken from None
        lead = invite_professional(request, team, lead_name, lead_email, lead_discipline)
        team.lead = lead
        team.save(update_fields=["lead"])
    return team


def send_setup_link(request: HttpRequest, professional: Professional) -> None:
    """A new authenticator (and password) for someone who lost theirs: staff or their lead."""
    with transaction.atomic():
        _email_new_link(request, professional.user, AccountLink.Purpose.SETUP, "setup_link")


def deactivate(lead: Professional, professional: Professional) -> int:
    """The professional can no longer sign in, and leaves every care team at once.

    Each plan's history says so, written by the same mechanism as a person
    removing them. Their next request is signed out (Django refuses inactive
    users on every request). Returns how many care teams they left.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=professional.user_id)
        user.is_active = False
        user.save(update_fields=["is_active"])
        AccountLink.objects.usable().filter(user=user).update(expires_at=timezone.now())
        members = list(
            CareTeamMember.objects.current()
            .filter(professional=professional)
            .select_related("plan", "professional__user", "professional__team")
            .order_by("plan_id")
        )
        team = professional.team.name if professional.team else "their team"
        summary = f"Access ended for {who(professional)}: they no longer work with {team}"
        for member in members:
            end_membership(
                member.plan, member, by=lead.user, side=Side.PROFESSIONAL, summary=summary
            )
    return len(members)


# --- people and their plans -------------------------------------------------------------


@dataclass
class Started:
    plan: Plan
    letter_code: str | None  # shown once, on the printable letter


def _create_draft_plan(person: Person, professional: Professional) -> Plan:
    plan = Plan.objects.create(person=person, status=Plan.Status.DRAFT)
    LifeArea.objects.bulk_create(
        LifeArea(
            plan=plan,
            name=name,
            position=i,
            is_default=True,
            created_by=professional.user,
            created_side=Side.PROFESSIONAL,
        )
        for i, name in enumerate(DEFAULT_LIFE_AREAS)
    )
    CareTeamMember.objects.create(
        plan=plan,
        professional=professional,
        added_by=professional.user,
        role="Care coordinator",
        is_coordinator=True,
    )
    record(
        None,
        plan,
        PlanChange.Action.CREATE,
        f"{who(professional)} started this plan, as care coordinator",
        after={"status": Plan.Status.DRAFT.label, "coordinator": professional.user.name},
        actor=professional.user,
        side=Side.PROFESSIONAL,
    )
    return plan


def _person_for(email: str, full_name: str, preferred_name: str) -> Person:
    """The person with this email, if they may have a new plan; else a new person."""
    existing = account_with_email(email)
    if existing is None:
        return Person.objects.create(user=_new_user(full_name, email, preferred_name))
    person = getattr(existing, "person", None)
    if person is None or person.plans.exclude(status=Plan.Status.CLOSED).exists():
        raise EmailInUse
    return person


def start_plan(
    request: HttpRequest,
    professional: Professional,
    full_name: str,
    preferred_name: str,
    email: str,
    invite_by: str,
) -> Started:
    """A draft plan for a person, with this professional as care coordinator, and an invitation.

    A person who already has an account (found by email) is invited to the new
    plan instead of getting a second account.
    """
    with transaction.atomic():
        person = _person_for(email, full_name, preferred_name) if email else None
        if person is None:
            person = Person.objects.create(user=_new_user(full_name, "", preferred_name))
        plan = _create_draft_plan(person, professional)
        letter_code = invite_person(request, plan, invite_by)
    return Started(plan, letter_code)


def invite_person(request: HttpRequest, plan: Plan, delivery: str) -> str | None:
    """Invite (again) the person to their plan. A letter's code is returned, to print once."""
    user = plan.person.user
    with transaction.atomic():
        if delivery == AccountLink.Delivery.EMAIL and user.has_usable_password():
            # Already has an account: sign in as usual, the new plan is waiting.
            url = request.build_absolute_uri(reverse("login"))
            queue_email(user.email, "new_plan", {"url": url})
            return None
        if delivery == AccountLink.Delivery.LETTER:
            return issue_link(
                user, AccountLink.Purpose.INVITATION, delivery, by=request.user, plan=plan
            )
        _email_new_link(request, user, AccountLink.Purpose.INVITATION, "person_invitation", plan)
    return None


def invite_supporter(
    request: HttpRequest,
    access: PlanAccess,
    full_name: str,
    email: str,
    relationship: str,
    permissions: dict[str, bool],
) -> Supporter:
    """The person invites someone onto her side, by email.

    Someone with an account already (found by email) is told to sign in;
    anyone else gets a new account and an invitation link, like a person
    invited to their plan. Raises EmailInUse for the person's own address,
    plans.supporters.AlreadySupporting for someone already on her side.
    """
    access.require_owner()
    with transaction.atomic():
        existing = account_with_email(email)
        if existing is not None and existing.pk == access.plan.person.user_id:
            raise EmailInUse
        user = existing if existing is not None else _new_user(full_name, email)
        supporter = add_supporter(access, user, relationship, permissions)
        if existing is not None and existing.has_usable_password():
            url = request.build_absolute_uri(reverse("login"))
            queue_email(existing.email, "supporter_added", {"url": url})
        else:
            _email_new_link(request, user, AccountLink.Purpose.INVITATION, "supporter_invitation")
    return supporter


def become_coordinator(access: PlanAccess) -> CareTeamMember:
    """A professional on the care team takes on coordination, if nobody has it."""
    with transaction.atomic():
        current = (
            CareTeamMember.objects.coordinating()
            .filter(plan=access.plan)
            .select_related("professional__user")
            .first()
        )
        if current is not None:
            raise HasCoordinator(current)
        assert access.membership_id is not None  # a professional on the care team
        member = CareTeamMember.objects.select_related("professional__user").get(
            pk=access.membership_id
        )
        try:
            with transaction.atomic():
                CareTeamMember.objects.filter(pk=member.pk).update(
                    is_coordinator=True, role="Care coordinator"
                )
        except IntegrityError:
            # Someone else took it between our check and our write: the constraint held.
            winner = CareTeamMember.objects.coordinating().get(plan=access.plan)
            raise HasCoordinator(winner) from None
        record(
            access,
            access.plan,
            PlanChange.Action.ACCESS,
            f"{who(member.professional)} is now the care coordinator",
            after={"coordinator": member.professional.user.name},
        )
    return member


def discipline_choices() -> list[tuple[str, str]]:
    return list(Discipline.choices)
