"""Email goes through the task queue, after commit, over real SMTP, text and HTML."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from coproduce.email import queue_email
from tests.onboarding.conftest import Inbox


def test_a_queued_email_is_delivered_over_smtp_with_text_and_html(
    smtp_server: Inbox, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            "amara@example.org", "new_plan", {"url": "https://coproduce.test/accounts/login/"}
        )

    [delivered] = smtp_server.messages
    assert delivered.to == ["amara@example.org"]
    assert delivered.subject == "Something is waiting for you on Coproduce"
    assert "https://coproduce.test/accounts/login/" in delivered.text
    assert 'href="https://coproduce.test/accounts/login/"' in delivered.html
    assert delivered.message.get_content_type() == "multipart/alternative"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    immediate_tasks: None, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue_email("amara@example.org", "new_plan", {"url": "https://x.test/"})
        transaction.set_rollback(True)
    assert mail.outbox == []


def test_with_the_database_backend_a_request_only_queues(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Production's backend: the request writes a task row; the worker sends it later."""
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("amara@example.org", "new_plan", {"url": "https://x.test/"})
    assert mail.outbox == []
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "coproduce.tasks.deliver_email"
    assert task.args_kwargs["args"][0] == "amara@example.org"


@pytest.mark.parametrize(
    "name",
    [
        "professional_invitation",
        "person_invitation",
        "new_plan",
        "setup_link",
        "password_reset",
        "email_change",
        "email_in_use",
        "email_changed",
    ],
)
def test_every_message_has_both_parts_and_its_link(name: str) -> None:
    from coproduce.email import render_email

    subject, text, html = render_email(name, {"url": "https://x.test/LINK", "days": 7})
    assert subject and "\n" not in subject
    assert "https://x.test/LINK" in text
    assert "https://x.test/LINK" in html
    assert html.lstrip().startswith("<!DOCTYPE html>")
