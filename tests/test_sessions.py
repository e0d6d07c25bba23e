"""Database sessions read through one compiled statement (`coproduce.sessions`):
the same sessions as Django's own store, and that read is the health check."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.db import connection
from django.test import Client
from django.utils import timezone

from coproduce import sessions
from coproduce.models import User
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


@pytest.mark.django_db
def test_the_signed_in_user_reads_as_djangos_backend_reads_it() -> None:
    user = f.make_user("ada")
    ours = sessions.UserBackend().get_user(user.pk)
    theirs = ModelBackend().get_user(user.pk)
    assert ours is not None and theirs is not None
    assert type(ours) is type(theirs)
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert not ours._state.adding and ours._state.db == "default"


@pytest.mark.django_db
def test_no_user_for_an_unknown_or_inactive_id() -> None:
    user = f.make_user("ada")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert sessions.UserBackend().get_user(user.pk) is None
    assert sessions.UserBackend().get_user(user.pk + 1000) is None


@pytest.mark.django_db
def test_requests_are_signed_in_through_it(client: Client) -> None:
    user = f.make_user("ada")
    client.force_login(user)
    assert client.session[BACKEND_SESSION_KEY] == settings.SIGN_IN_BACKEND
    assert client.get("/").wsgi_request.user == user
    # A session signed in by a backend no longer in use is signed out, as Django does.
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert not client.get("/").wsgi_request.user.is_authenticated
