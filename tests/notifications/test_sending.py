"""Emails about what is waiting: choices, quiet hours, summaries, and never twice.

Delivered through a real SMTP server (aiosmtpd on loopback, `smtp_server`).
"""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from coproduce.notifications.models import Frequency, Notification, NotificationSettings
from coproduce.notifications.sending import record, send, settings_for
from coproduce.notifications.waiting import Now
from plans.models import Proposal
from tests import factories as f
from tests.conftest import Cast
from tests.notifications.helpers import SECRET_OUTCOME, ben_suggests
from tests.onboarding.conftest import Inbox, _free_port, _Handler

MORNING = datetime.time(10, 0)


def at(time: datetime.time = MORNING, days: int = 0) -> Now:
    day = timezone.localdate() + datetime.timedelta(days=days)
    moment = timezone.make_aware(datetime.datetime.combine(day, time))
    return Now(moment, day)


def with_emails(cast: Cast) -> None:
    for person in (cast.amara, cast.priya):
        person.user.email = f"{person.user.username}@example.org"
        person.user.save()
    for pro in (cast.ben, cast.chloe, cast.oscar):
        pro.user.email = f"{pro.user.username}@example.org"
        pro.user.save()


def run(now: Now | None = None, *, digests: bool = True) -> int:
    now = now or at()
    record(now)
    return send(now, digests=digests).emails


def test_daily_summary_says_what_kind_waits_and_holds_no_plan_content(
    cast: Cast, smtp_server: Inbox
) -> None:
    with_emails(cast)
    ben_suggests(cast)
    f.make_commitment(
        cast.plan,
        cast.ben.user,
        what="Phone the housing office about the damp",
        due_date=at().today,
    )
    assert run() == 2  # Amara's summary, and Ben's (his commitment is due today)
    message = smtp_server.last_to("amara@example.org")
    assert message.subject == "Your daily summary from Coproduce"
    assert "Suggestions to answer: 1" in message.text
    assert "Commitments due or overdue: 1" in message.text
    assert "http://localhost:8000/for-you/" in message.text
    assert "/emails/stop/" in message.text and "/emails/stop/" in message.html
    assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for part in (message.subject, message.text, message.html):
        assert SECRET_OUTCOME not in part
        assert "It helped others" not in part
        assert "housing office" not in part
        assert "Ben" not in part and "Amara" not in part and "Work and learning" not in part
    bens = smtp_server.last_to("ben@example.org")
    assert "Commitments due or overdue: 1" in bens.text
    assert "housing office" not in bens.text + bens.html


def test_running_twice_sends_nothing_twice(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    ben_suggests(cast)
    assert run() == 1
    assert run() == 0
    # The next day, nothing new: still nothing.
    assert run(at(days=1)) == 0
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(recipient=cast.amara.user).count() == 1


def test_next_days_summary_holds_only_what_is_new(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    ben_suggests(cast)
    assert run() == 1
    ben_suggests(cast, text="Another idea")
    assert run(at(datetime.time(12, 0))) == 0  # a daily summary was sent two hours ago
    assert run(at(days=1)) == 1
    assert "Suggestions to answer: 1" in smtp_server.last_to("amara@example.org").text


def test_straight_away_through_the_worker(
    cast: Cast, smtp_server: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    """Ben suggests; when it commits, the worker's task records and emails it at once."""
    with_emails(cast)
    choices = settings_for(cast.amara.user)
    choices.choices = {"suggestion": Frequency.IMMEDIATELY}
    choices.save()
    with django_capture_on_commit_callbacks(execute=True):
        ben_suggests(cast)
    message = smtp_server.last_to("amara@example.org")
    assert message.subject == "Something is waiting for you on Coproduce"
    assert "Suggestions to answer: 1" in message.text
    assert SECRET_OUTCOME not in message.text + message.html
    # Recorded once, sent once: the summary does not repeat it.
    assert run(at(days=1)) == 0
    assert len(smtp_server.to("amara@example.org")) == 1


def test_off_means_no_email_for_that_kind(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    choices = settings_for(cast.amara.user)
    choices.choices = {"suggestion": Frequency.OFF}
    choices.save()
    ben_suggests(cast)
    assert run() == 0
    note = Notification.objects.get(recipient=cast.amara.user)
    assert note.sent_how == Notification.How.NOT_EMAILED
    assert smtp_server.messages == []


def test_leads_get_a_weekly_summary_by_default(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    area = f.area(cast.plan)
    area.leadership = 3
    area.save()
    Proposal.objects.create(
        plan=cast.plan,
        life_area=area,
        action="leadership",
        item_type="life_area",
        proposed_leadership=1,
        proposed_by=cast.amara.user,
        proposed_side="person",
        created_at=timezone.now() - datetime.timedelta(days=15),
    )
    assert run() == 2  # Ben (the request waits for him) and Chloe
    assert settings_for(cast.chloe.user).default == Frequency.WEEKLY
    assert settings_for(cast.ben.user).default == Frequency.DAILY
    chloes = smtp_server.last_to("chloe@example.org")
    assert chloes.subject == "Your weekly summary from Coproduce"
    assert "Requests for more leadership waiting too long: 1" in chloes.text


def test_quiet_hours_hold_emails_until_they_end(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    choices = settings_for(cast.amara.user)
    choices.quiet_from = datetime.time(21, 0)
    choices.quiet_until = datetime.time(8, 0)
    choices.choices = {"suggestion": Frequency.IMMEDIATELY}
    choices.save()
    ben_suggests(cast)
    assert run(at(datetime.time(23, 30)), digests=False) == 0
    assert run(at(datetime.time(7, 59), days=1)) == 0
    assert smtp_server.messages == []
    assert run(at(datetime.time(8, 0), days=1)) == 1
    assert smtp_server.last_to("amara@example.org").subject == (
        "Something is waiting for you on Coproduce"
    )


@pytest.mark.parametrize(
    ("start", "end", "inside", "outside"),
    [
        (
            datetime.time(21, 0),
            datetime.time(8, 0),
            [datetime.time(23, 0), datetime.time(2, 0)],
            [datetime.time(8, 0), datetime.time(20, 59)],
        ),
        (
            datetime.time(13, 0),
            datetime.time(14, 0),
            [datetime.time(13, 30)],
            [datetime.time(14, 0), datetime.time(9, 0)],
        ),
    ],
)
def test_quiet_hours_table(
    start: datetime.time, end: datetime.time, inside: list[Any], outside: list[Any]
) -> None:
    choices = NotificationSettings(quiet_from=start, quiet_until=end)
    assert all(choices.is_quiet(t) for t in inside)
    assert not any(choices.is_quiet(t) for t in outside)
    assert not NotificationSettings().is_quiet(datetime.time(3, 0))


def test_what_is_no_longer_waiting_is_not_emailed(cast: Cast, smtp_server: Inbox) -> None:
    with_emails(cast)
    proposal = ben_suggests(cast)
    record(at())
    Proposal.objects.filter(pk=proposal.pk).update(status="withdrawn", answered_at=timezone.now())
    assert send(at(), digests=True).emails == 0
    assert smtp_server.messages == []


class RefusingAfter(_Handler):
    """A mail server that accepts `limit` messages, then refuses the rest."""

    def __init__(self, inbox: Inbox, limit: int) -> None:
        super().__init__(inbox)
        self.limit = limit

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if len(self.inbox.messages) >= self.limit:
            return "554 Transaction failed: refused"
        return await super().handle_DATA(server, session, envelope)


def people_waiting(cast: Cast, n: int) -> list[str]:
    """n people, each with a plan on Ben's care team and a suggestion of his waiting."""
    with_emails(cast)
    addresses = []
    for i in range(n):
        person = f.make_person(f"person{i}", f"Person {i}")
        person.user.email = f"person{i}@example.org"
        person.user.save()
        plan = f.make_plan(person)
        f.add_to_care_team(plan, cast.ben)
        Proposal.objects.create(
            plan=plan,
            action="add",
            item_type="outcome",
            payload={"after": {"text": SECRET_OUTCOME}},
            proposed_by=cast.ben.user,
            proposed_side="professional",
        )
        addresses.append(person.user.email)
    return addresses


def test_a_failure_part_way_then_a_rerun_sends_the_rest_once(
    cast: Cast, smtp_server: Inbox, settings: Any
) -> None:
    from aiosmtpd.controller import Controller

    addresses = people_waiting(cast, 4)
    working_port = settings.EMAIL_PORT
    refusing = Inbox()
    controller = Controller(
        RefusingAfter(refusing, limit=2), hostname="127.0.0.1", port=_free_port()
    )
    controller.start()
    try:
        settings.EMAIL_PORT = controller.port
        now = at()
        record(now)
        report = send(now, digests=True)
    finally:
        controller.stop()
    assert (report.emails, report.failed) == (2, 2)
    assert len(refusing.messages) == 2
    first = {m.to[0] for m in refusing.messages}

    # The server is back: run the command as cron would.
    settings.EMAIL_PORT = working_port
    call_command("send_digests", stdout=StringIO())
    second = [m.to[0] for m in smtp_server.messages]
    assert sorted(second) == sorted(set(addresses) - first)  # the rest, each once
    assert first | set(second) == set(addresses)  # nothing lost
    call_command("send_digests", stdout=StringIO())
    assert len(smtp_server.messages) == 2  # and nothing twice


def test_send_digests_fails_loudly_when_the_server_refuses(
    cast: Cast, smtp_server: Inbox, settings: Any
) -> None:
    people_waiting(cast, 1)
    settings.EMAIL_PORT = 1  # nothing listens there
    with pytest.raises(CommandError, match="run again"):
        call_command("send_digests", stdout=StringIO())
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1


SENDERS = 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_never_send_one_twice(cast: Cast, smtp_server: Inbox) -> None:
    """Two `send_digests` at the same moment, each on its own connection (PostgreSQL).

    Each locks a recipient's settings row with SKIP LOCKED, so the other passes
    over that person; whoever comes second to a person finds nothing unsent.
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE SKIP LOCKED): PostgreSQL only")
    addresses = people_waiting(cast, 12)
    now = at()
    record(now)
    barrier = threading.Barrier(SENDERS)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            barrier.wait(timeout=30)
            reports.append(send(now, digests=True))
        except BaseException as error:  # surfaced in the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    delivered = sorted(m.to[0] for m in smtp_server.messages)
    assert delivered == sorted(addresses)  # every one, once
    assert sum(r.emails for r in reports) == len(addresses)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_one_task_per_plan_per_transaction(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    """A write that makes several history entries queues the worker once for the plan."""
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        ben_suggests(cast)
        ben_suggests(cast, text="Another idea")
    assert len(callbacks) == 1


def test_the_workers_task_looks_only_at_the_changed_plans_recipients(
    cast: Cast, smtp_server: Inbox
) -> None:
    """A change to Amara's plan is no reason to work through Priya's waiting
    notifications: the task's cost does not grow with everyone else's."""
    from coproduce.notifications.tasks import notify_about_plan

    with_emails(cast)
    elsewhere = Notification.objects.create(
        recipient=cast.priya.user,
        kind="suggestion",
        key="gone-from-priyas-plan",  # no longer waiting: any look at it marks it
        plan=cast.priya_plan,
        created_at=timezone.now(),
    )
    choices = settings_for(cast.amara.user)
    choices.choices = {"suggestion": Frequency.IMMEDIATELY}
    choices.save()
    settings_for(cast.priya.user)
    ben_suggests(cast)
    notify_about_plan.call(cast.plan.pk)
    assert "Suggestions to answer: 1" in smtp_server.last_to("amara@example.org").text
    elsewhere.refresh_from_db()
    assert elsewhere.sent_at is None and elsewhere.sent_how == ""
    # The summaries' run looks at everyone: there it is found no longer waiting.
    send(at(), digests=True)
    elsewhere.refresh_from_db()
    assert elsewhere.sent_how == Notification.How.NOT_EMAILED


def test_an_hourly_run_passes_over_summaries_not_yet_due_without_asking_the_rules(
    cast: Cast, smtp_server: Inbox, django_assert_max_num_queries: Any
) -> None:
    """Whether something is still waiting costs some fifteen statements a person.

    `send_digests` runs hourly and most people had their daily summary within
    the day: those are passed over at the cost of the two locking reads (at
    10,000 people the run took six minutes when it asked everyone).
    """
    people = 6
    addresses = people_waiting(cast, people)
    now = at()
    record(now)
    NotificationSettings.objects.filter(user__email__in=addresses).update(
        last_daily_at=now.at - datetime.timedelta(hours=1)
    )
    # Per person: their settings and their notifications, each locked, in a savepoint.
    with django_assert_max_num_queries(2 + 4 * people):
        report = send(now, digests=True)
    assert report.emails == 0
    assert smtp_server.messages == []
    # The next day their summaries are due, and then each is asked and sent.
    later = at(days=1)
    assert send(later, digests=True).emails == people
    assert sorted(m.to[0] for m in smtp_server.messages) == sorted(addresses)
