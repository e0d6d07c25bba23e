"""Recording what waits, once, and emailing it, once.

`record()` turns what waits (coproduce.notifications.waiting) into
`Notification` rows; the unique (recipient, key) makes a second run a no-op.
`send()` then works through the recipients with something unsent, one
transaction each:

- the recipient's settings row is locked with SKIP LOCKED, so a second sender
  running at the same moment (the worker and cron, or two crons) passes over
  that person instead of waiting and sending the same notifications again;
- their unsent notifications are read again under that lock, the email is
  sent, and they are marked sent in the same transaction. If sending fails
  (the mail server refuses), the transaction rolls back and they stay unsent
  for the next run; everyone already done stays done.

What is left: a crash between the mail server accepting a message and the
commit would send that one message again on the next run (at least once,
never silently lost). The window is one SMTP round trip.

No email carries plan content: only what kind of thing waits, how many, and a link.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coproduce.email import render_email
from coproduce.models import Team, User
from coproduce.notifications.models import (
    DIGEST_PERIODS,
    Frequency,
    Kind,
    Notification,
    NotificationSettings,
)
from coproduce.notifications.waiting import RULES, Now, all_waiting, rows_of

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "coproduce.notifications.unsubscribe"


def record(now: Now, plan_ids: list[int] | None = None) -> int:
    """Record everything waiting (on these plans, or everywhere); how many wait. Idempotent."""
    items = all_waiting(now, plan_ids)
    ensure_settings({item.recipient_id for item in items})
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=item.recipient_id,
                kind=item.kind,
                key=item.key[:120],
                plan_id=item.plan_id,
                created_at=now.at,
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    return len(items)


def ensure_settings(user_ids: Iterable[int]) -> None:
    """Everyone who may be emailed has a settings row (the row senders lock).

    Defaults: a daily summary for people and professionals, weekly for team leads.
    """
    wanted = set(user_ids)
    if not wanted:
        return
    have = set(
        NotificationSettings.objects.filter(user_id__in=wanted).values_list("user_id", flat=True)
    )
    missing = wanted - have
    if not missing:
        return
    leads = User.objects.filter(pk__in=missing).annotate(
        leads=Exists(Team.objects.filter(lead__user_id=OuterRef("pk")))
    )
    NotificationSettings.objects.bulk_create(
        [
            NotificationSettings(
                user_id=user.pk, default=Frequency.WEEKLY if user.leads else Frequency.DAILY
            )
            for user in leads
        ],
        ignore_conflicts=True,
    )


def settings_for(user: User) -> NotificationSettings:
    ensure_settings([user.pk])
    return NotificationSettings.objects.get(user=user)


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_of_token(token: str) -> User | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@dataclass
class Report:
    emails: int = 0
    failed: int = 0


def send(now: Now, *, digests: bool, recipients: Iterable[int] | None = None) -> Report:
    """Email every recipient with something unsent that is due now.

    `digests=False` (the worker, just after a change): only what each person
    wants straight away. `digests=True` (`manage.py send_digests`): that too
    (anything held back by quiet hours), and the daily and weekly summaries due.
    """
    pending = Notification.objects.filter(sent_at__isnull=True)
    if recipients is not None:
        pending = pending.filter(recipient_id__in=list(recipients))
    report = Report()
    for user_id in sorted(set(pending.values_list("recipient_id", flat=True))):
        try:
            report.emails += _send_to(user_id, now, digests=digests)
        except Exception:
            # This person's notifications stay unsent for the next run.
            logger.exception("Could not email notifications to user %s", user_id)
            report.failed += 1
    return report


def _send_to(user_id: int, now: Now, *, digests: bool) -> int:
    with transaction.atomic():
        choices = (
            NotificationSettings.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(user_id=user_id)
            .first()
        )
        if choices is None:
            return 0  # another sender has this person (or no row yet: the next run)
        notes = list(
            Notification.objects.select_for_update().filter(
                recipient_id=user_id, sent_at__isnull=True
            )
        )
        user = choices.user
        never = [n for n in notes if not _may_email(choices, user, n)]
        _mark(never, now, Notification.How.NOT_EMAILED)
        if choices.is_quiet(timezone.localtime(now.at).time()):
            return 0
        batches = _due(choices, [n for n in notes if n not in never], now, digests=digests)
        if not batches:
            return 0
        # Whether each is still waiting is asked only of what would go now (some
        # fifteen statements): an hourly run passes over everyone whose summary
        # is not due yet at the cost of the two locking reads above.
        due = [n for _, batch in batches for n in batch]
        still = {
            item.key
            for item in rows_of(
                RULES, now, user=user, plan_ids=sorted({n.plan_id for n in due if n.plan_id})
            )
        }
        _mark([n for n in due if n.key not in still], now, Notification.How.NOT_EMAILED)
        emails = 0
        for frequency, batch in batches:
            batch = [n for n in batch if n.key in still]
            if not batch:
                continue
            if frequency == Frequency.IMMEDIATELY:
                _email(user, "notifications_now", batch)
                _mark(batch, now, Notification.How.IMMEDIATELY)
            else:
                _email(user, f"notifications_{frequency}", batch)
                _mark(batch, now, Notification.How.DIGEST)
                if frequency == Frequency.DAILY:
                    choices.last_daily_at = now.at
                else:
                    choices.last_weekly_at = now.at
                choices.save(update_fields=["last_daily_at", "last_weekly_at"])
            emails += 1
        return emails


def _may_email(choices: NotificationSettings, user: User, note: Notification) -> bool:
    """Whether this could ever be emailed: an address, an open account, its kind not off."""
    return bool(user.email) and user.is_active and choices.frequency(note.kind) != Frequency.OFF


def _due(
    choices: NotificationSettings, notes: list[Notification], now: Now, *, digests: bool
) -> list[tuple[str, list[Notification]]]:
    """What would be emailed now, by frequency: what is wanted straight away, and
    (on the summaries' run) each summary whose period has passed."""
    wanted = [Frequency.IMMEDIATELY]
    if digests:
        for frequency in (Frequency.DAILY, Frequency.WEEKLY):
            last = choices.last_digest(frequency)
            if last is None or now.at - last >= DIGEST_PERIODS[frequency]:
                wanted.append(frequency)
    batches = [(f, [n for n in notes if choices.frequency(n.kind) == f]) for f in wanted]
    return [(frequency, batch) for frequency, batch in batches if batch]


def _mark(notes: list[Notification], now: Now, how: str) -> None:
    if notes:
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
            sent_at=now.at, sent_how=how
        )


def _email(user: User, name: str, notes: list[Notification]) -> None:
    """One message: how many of each kind wait, and links. Nothing from any plan."""
    counts = Counter(n.kind for n in notes)
    lines = [(Kind(kind).label, counts[kind]) for kind in Kind.values if counts[kind]]
    unsubscribe = settings.SITE_URL + reverse(
        "notifications_unsubscribe", args=[unsubscribe_token(user)]
    )
    context = {
        "lines": lines,
        "url": settings.SITE_URL + reverse("for_you"),
        "settings_url": settings.SITE_URL + reverse("notification_settings"),
        "unsubscribe_url": unsubscribe,
    }
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()
