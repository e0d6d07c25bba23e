"""Database sessions read through one compiled statement (`coproduce.sessions`):
the same sessions as Django's own store, and that read is the health check."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connection
from django.test import Client
from django.utils import timezone

from coproduce import sessions
from tests import factories as f


@pytest.fixture
def saved() -> db.SessionStore:
    store = db.SessionStore()
    store["colour"] = "green"
    store["count"] = 3
    store.save()
    return store


def test_it_is_the_session_engine_without_redis() -> None:
    engine = settings.SESSION_ENGINE
    assert engine == (
        "django.contrib.sessions.backends.cached_db" if settings.REDIS_URL else sessions.ENGINE
    )


@pytest.mark.django_db
def test_a_session_reads_as_djangos_store_reads_it(saved: db.SessionStore) -> None:
    ours = sessions.SessionStore(saved.session_key)
    assert (
        ours.load() == db.SessionStore(saved.session_key).load() == {"colour": "green", "count": 3}
    )
    assert ours.session_key == saved.session_key
    row = ours._get_session_from_db()
    assert row is not None
    stored = db.SessionStore.get_model_class().objects.get(session_key=saved.session_key)
    assert row.session_data == stored.session_data
    assert row.expire_date == stored.expire_date
    assert timezone.is_aware(row.expire_date)


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_empty_and_forgotten(saved: db.SessionStore) -> None:
    model = db.SessionStore.get_model_class()
    model.objects.filter(session_key=saved.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    for key in (saved.session_key, "no-such-session-key-anywhere-here"):
        ours = sessions.SessionStore(key)
        assert ours.load() == {} == db.SessionStore(key).load()
        assert ours.session_key is None


@pytest.mark.django_db
def test_signing_in_and_out_works_through_it(client: Client) -> None:
    user = f.make_user("ada")
    client.force_login(user)
    assert client.get("/").wsgi_request.user == user
    client.logout()
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.django_db(transaction=True)
def test_the_read_is_the_connections_health_check(
    saved: db.SessionStore, health_checks: list[bool]
) -> None:
    connection.ensure_connection()
    connection.health_check_done = False  # type: ignore[attr-defined]  # a new request
    assert sessions.SessionStore(saved.session_key).load()["colour"] == "green"
    assert health_checks == []  # no SELECT 1 before it
