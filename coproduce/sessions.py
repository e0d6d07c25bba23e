"""Sessions in the database, as Django's own, with their one read compiled once.

Every signed-in request reads its session first. Django builds that one
SELECT with the ORM each time, and sends a `SELECT 1` before it to check a
kept connection (`CONN_HEALTH_CHECKS`): together most of a millisecond of
every page. Here the SELECT is compiled once (`coproduce.compiled_query`;
prepared on PostgreSQL) and stands as the connection's health check itself.
Everything else (saving, expiry, cycling the key on sign-in) is Django's.

With Redis (REDIS_URL) sessions are Django's `cached_db` instead: their
reads come from the cache.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from coproduce.compiled_query import CompiledQuery, column_reader

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
