"""Email: every message is rendered from templates and queued, never sent inline.

Each message is three templates under templates/email/: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. No message ever carries plan content: only
that something is waiting, or an invitation, and a link.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from coproduce.tasks import deliver_email


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"email/{name}_subject.txt", context).split())
    text = render_to_string(f"email/{name}.txt", context).strip() + "\n"
    html = render_to_string(f"email/{name}.html", context)
    return subject, text, html


def queue_email(to: str, name: str, context: dict[str, Any]) -> None:
    """Render now, deliver in the background once the current transaction commits.

    If the transaction rolls back (the invitation was not saved), nothing is sent.
    """
    subject, text, html = render_email(name, context)
    transaction.on_commit(lambda: deliver_email.enqueue(to, subject, text, html))
