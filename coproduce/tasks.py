"""Background work, through Django's tasks API (the django-tasks backport).

The only job today is delivering email: a request renders the message and
queues it when its transaction commits, and the worker (`manage.py db_worker`)
talks to the SMTP server. A slow or unreachable mail server never slows a page.
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(to: str, subject: str, text: str, html: str) -> None:
    """Send one message with a plain-text and an HTML part."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
