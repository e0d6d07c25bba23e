"""The care team: who is on it, share codes and join requests, and who has looked.

Every change of access runs in one transaction with its history entry
(PlanChange, action "access"), like every other write.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Q
from django.utils import timezone

from coproduce.models import Professional, Side
from plans.access import PlanAccess
from plans.history import record
from plans.models import (
    SHARE_ALPHABET,
    SHARE_CODE_LENGTH,
    AccessRequest,
    CareTeamMember,
    Plan,
    PlanChange,
    PlanView,
)

# --- who has looked ------------------------------------------------------------------


# Looks at the same thing by the same professional within one slot of this
# many seconds are one row, so the log stays readable.
FOLD_SECONDS = 10 * 60
DETAIL_LENGTH = 80  # PlanView.detail


def log_view(access: PlanAccess, page: str, detail: str = "") -> None:
    """Remember that a professional or a supporter looked at this plan: one statement.

    The same professional seeing the same thing (`page`, and `detail` such as
    a life area's name) again within the same ten-minute slot adds to that
    row's count instead of adding a row: one INSERT … ON CONFLICT DO UPDATE,
    the same SQL on SQLite and PostgreSQL. The person's own views are not
    logged: the log is there so the person can see who else has looked.
    """
    if not (access.is_professional or access.is_supporter):
        return
    now = timezone.now()
    meta = PlanView._meta
    row = {
        "plan": access.plan.pk,
        "viewer": access.user.pk,
        "viewed_at": now,
        "page": page,
        "detail": detail[:DETAIL_LENGTH],
        "slot": int(now.timestamp()) // FOLD_SECONDS,
        "times": 1,
        "last_seen_at": now,
    }
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in row]
    columns = [connection.ops.quote_name(str(field.column)) for field in fields]
    values = [
        field.get_db_prep_value(value, connection)
        for field, value in zip(fields, row.values(), strict=True)
    ]
    table = connection.ops.quote_name(meta.db_table)
    key = ", ".join(columns[:1] + columns[1:2] + columns[3:6])
    times, last_seen = columns[6], columns[7]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - our own names only
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {times} = {table}.{times} + 1, "
        f"{last_seen} = excluded.{last_seen}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


# --- share codes ---------------------------------------------------------------------
#
# A professional asks to join a plan by typing a short code the person shows
# them. The code is random (Plan.share_code, unique and indexed): it reveals
# nothing about the plan, and finding the plan is one indexed lookup.

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def share_code(plan: Plan) -> str:
    return plan.share_code


def display_share_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_share_code(text: str) -> str:
    """What the professional typed, as a code: case, spaces and dashes do not matter."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    return cleaned


def is_well_formed_share_code(code: str) -> bool:
    return len(code) == SHARE_CODE_LENGTH and all(c in SHARE_ALPHABET for c in code)


def find_plan_by_share_code(code: str) -> Plan | None:
    """The open plan with this share code, if any. Closed plans cannot be joined."""
    if not is_well_formed_share_code(code):
        return None
    return Plan.objects.exclude(status=Plan.Status.CLOSED).filter(share_code=code).first()


# Guessing codes is slowed down: a few tries per professional per quarter hour,
# counted in the shared cache so every app server counts together.
JOIN_ATTEMPTS = 10
JOIN_WINDOW_SECONDS = 15 * 60


def too_many_join_attempts(professional: Professional) -> bool:
    """Count this attempt; True once a professional has tried too many codes."""
    key = f"join-attempts:{professional.pk}"
    cache.add(key, 0, timeout=JOIN_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=JOIN_WINDOW_SECONDS)
        attempts = 1
    return attempts > JOIN_ATTEMPTS


# --- the care team -------------------------------------------------------------------


class AlreadyOnTeam(Exception):
    """The professional is already on this care team."""


class NotOnTeam(Exception):
    """The membership had already ended when the removal arrived."""


class NotPending(Exception):
    """The access request was answered before this answer arrived."""


def who(professional: Professional) -> str:
    return f"{professional.user.name} ({professional.get_discipline_display().lower()})"


def invited_summary(professional: Professional) -> str:
    """How the history words an invitation onto the care team (the synthetic caseload
    words its own invitations with this too)."""
    return f"Invited {who(professional)} onto the care team"


def describe_member(member: CareTeamMember) -> dict[str, Any]:
    professional = member.professional
    return {
        "professional": professional.user.name,
        "discipline": professional.get_discipline_display(),
        "team": str(professional.team) if professional.team else "",
    }


def professional_directory(name: str = "", team_id: int | None = None) -> Any:
    """Professionals the person can invite, found by name and team."""
    professionals = Professional.objects.filter(user__is_active=True).select_related("user", "team")
    for word in name.split()[:5]:
        professionals = professionals.filter(
            Q(user__display_name__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(job_title__icontains=word)
        )
    if team_id is not None:
        professionals = professionals.filter(team_id=team_id)
    return professionals.by_name()


def _add_member(access: PlanAccess, professional: Professional) -> CareTeamMember:
    """A new membership row; a removed professional invited again gets a fresh one."""
    try:
        with transaction.atomic():
            return CareTeamMember.objects.create(
                plan=access.plan, professional=professional, added_by=access.user
            )
    except IntegrityError:
        raise AlreadyOnTeam from None


def invite(access: PlanAccess, professional: Professional) -> CareTeamMember:
    """The person adds a professional to their care team. Access starts at once."""
    access.require_owner()
    with transaction.atomic():
        if (
            CareTeamMember.objects.current()
            .filter(plan=access.plan, professional=professional)
            .exists()
        ):
            raise AlreadyOnTeam
        member = _add_member(access, professional)
        # Inviting someone who was waiting to join answers their request too.
        AccessRequest.objects.filter(
            plan=access.plan, professional=professional, status=AccessRequest.Status.PENDING
        ).update(status=AccessRequest.Status.ACCEPTED, answered_at=timezone.now())
        record(
            access,
            access.plan,
            PlanChange.Action.ACCESS,
            invited_summary(professional),
            after=describe_member(member),
        )
    return member


def end_membership(plan: Plan, member: CareTeamMember, *, by: Any, side: str, summary: str) -> bool:
    """Take one professional off one care team, with its history entry.

    The one way anyone leaves a care team (the person removing them, a lead
    deactivating them). False if the membership had already ended.
    """
    ended = CareTeamMember.objects.filter(pk=member.pk, plan=plan, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=by
    )
    if ended:
        record(
            None,
            plan,
            PlanChange.Action.ACCESS,
            summary,
            before=describe_member(member),
            actor=by,
            side=side,
        )
    return bool(ended)


def remove(access: PlanAccess, member: CareTeamMember) -> None:
    """The person takes a professional off the care team: their next request is refused."""
    access.require_owner()
    with transaction.atomic():
        summary = f"Removed {who(member.professional)} from the care team"
        if not end_membership(
            access.plan, member, by=access.user, side=access.side, summary=summary
        ):
            raise NotOnTeam


def request_access(professional: Professional, code: str, message: str = "") -> None:
    """A professional asks to join the plan with this share code.

    Says nothing back, whatever happens: a wrong code, a plan they are already
    on and a request already waiting all look the same to the professional,
    so the form cannot be used to learn whether a plan exists.
    """
    with transaction.atomic():
        plan = find_plan_by_share_code(code)
        if plan is None:
            return
        on_team = CareTeamMember.objects.current().filter(plan=plan, professional=professional)
        if on_team.exists():
            return
        try:
            with transaction.atomic():
                request = AccessRequest.objects.create(
                    plan=plan, professional=professional, message=message
                )
        except IntegrityError:
            return  # already waiting for an answer
        record(
            None,
            plan,
            PlanChange.Action.ACCESS,
            f"{who(professional)} asked to join the care team",
            after={"professional": professional.user.name, "message": request.message},
            actor=professional.user,
            side=Side.PROFESSIONAL,
        )


def answer_request(access: PlanAccess, request: AccessRequest, accept: bool) -> None:
    """The person lets a professional join, or not."""
    access.require_owner()
    status = AccessRequest.Status.ACCEPTED if accept else AccessRequest.Status.DECLINED
    with transaction.atomic():
        answered = AccessRequest.objects.filter(
            pk=request.pk, plan=access.plan, status=AccessRequest.Status.PENDING
        ).update(status=status, answered_at=timezone.now())
        if not answered:
            raise NotPending
        professional = request.professional
        if accept:
            try:
                member = _add_member(access, professional)
            except AlreadyOnTeam:
                member = None  # invited meanwhile: the request is simply settled
            summary = f"Let {who(professional)} join the care team"
            after = describe_member(member) if member else None
        else:
            summary = f"Said no to {who(professional)} joining the care team"
            after = None
        record(access, access.plan, PlanChange.Action.ACCESS, summary, after=after)


# --- care coordination -----------------------------------------------------------------


def hand_over_coordination(plan: Plan, to_member_id: int, *, by: Any, side: str) -> CareTeamMember:
    """Care coordination moves to another professional on the care team.

    By the coordinator, or by the lead of their team; the history entry is
    how the person is told (it shows on their plan). Raises NotOnTeam if the
    chosen professional is no longer on the care team.
    """
    with transaction.atomic():
        members = list(
            CareTeamMember.objects.current()
            .select_for_update()
            .filter(plan=plan)
            .select_related("professional__user")
            .order_by("pk")
        )
        chosen = next((m for m in members if m.pk == to_member_id), None)
        if chosen is None:
            raise NotOnTeam
        current = next((m for m in members if m.is_coordinator), None)
        if current is not None and current.pk == chosen.pk:
            return chosen
        if current is not None:
            CareTeamMember.objects.filter(pk=current.pk).update(
                is_coordinator=False,
                role="" if current.role == "Care coordinator" else current.role,
            )
            summary = (
                f"Care coordination moved from {who(current.professional)} "
                f"to {who(chosen.professional)}"
            )
        else:
            summary = f"{who(chosen.professional)} is now the care coordinator"
        CareTeamMember.objects.filter(pk=chosen.pk).update(
            is_coordinator=True, role="Care coordinator"
        )
        record(
            None,
            plan,
            PlanChange.Action.ACCESS,
            summary,
            before={"coordinator": current.professional.user.name} if current else None,
            after={"coordinator": chosen.professional.user.name},
            actor=by,
            side=side,
        )
    return chosen
