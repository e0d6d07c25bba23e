"""Sessions in the database, as Django's own, with their one read compiled once;
and the signed-in user they name, read the same way.

Every signed-in request reads its session first. Django builds that one
SELECT with the ORM each time, and sends a `SELECT 1` before it to check a
kept connection (`CONN_HEALTH_CHECKS`): together most of a millisecond of
every page. Here the SELECT is compiled once (`coproduce.compiled_query`;
prepared on PostgreSQL) and stands as the connection's health check itself.
Everything else (saving, expiry, cycling the key on sign-in) is Django's.

With Redis (REDIS_URL) sessions are Django's `cached_db` instead: their
reads come from the cache.

The user a session names is read on every signed-in request too (Django's
`ModelBackend.get_user`): `UserBackend` is that backend, with that one read
compiled (about a thousand Python calls of every page, and a statement planned
afresh each time, before). Signing in by password is still `ModelBackend`'s.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.compiled_query import CompiledQuery, column_reader, models_from
from coproduce.models import User

ENGINE = __name__


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        row = _SESSION.fetchone(_Asking(key, timezone.now()), checks_health=True)
        if row is None:
            self._session_key = None  # as Django's: no such session, or it expired
            return None
        data, expire_date = row
        return Session(session_key=key, session_data=data, expire_date=_read_expiry(expire_date))


@dataclass(frozen=True)
class _Asking:
    key: str
    now: datetime.datetime


def _query(asking: _Asking) -> QuerySet[Any]:
    return Session.objects.filter(session_key=asking.key, expire_date__gt=asking.now).values_list(
        "session_data", "expire_date"
    )


def _values(asking: _Asking) -> dict[str, Any]:
    expire = Session._meta.get_field("expire_date")
    return {"key": asking.key, "now": expire.get_db_prep_value(asking.now, connection)}


def _read_expiry(value: Any) -> datetime.datetime:
    return _expiry_reader(connection.vendor)(value)  # type: ignore[no-any-return]


@functools.cache
def _expiry_reader(vendor: str) -> Callable[[Any], Any]:
    """The ORM's reading of the expiry column on this database, made once (every
    request reads a session: its converters are not looked up again each time)."""
    return column_reader(Session._meta.get_field("expire_date"))


_SESSION = CompiledQuery(
    _query,
    _values,
    (
        _Asking(
            "session-key-stand-in-one", datetime.datetime(2001, 2, 3, 4, 5, 6, 7, datetime.UTC)
        ),
        _Asking(
            "session-key-stand-in-two", datetime.datetime(2003, 4, 5, 6, 7, 8, 9, datetime.UTC)
        ),
    ),
    required={"key", "now"},
)


class UserBackend(ModelBackend):
    """Django's ModelBackend (settings.SIGN_IN_BACKEND), its user read compiled once."""

    def get_user(self, user_id: Any) -> User | None:
        rows = _USER.fetchall(int(user_id))
        if not rows:
            return None
        (user,), _ = models_from([(User, _USER_COLUMNS)], rows[0])
        return user if self.user_can_authenticate(user) else None


_USER_COLUMNS = [field.attname for field in User._meta.concrete_fields]

_USER = CompiledQuery(
    lambda user_id: User._default_manager.filter(pk=user_id).values_list(*_USER_COLUMNS),
    lambda user_id: {"user": user_id},
    (987_654_301, 987_654_302),
    required={"user"},
)
