"""A query the ORM builds once per process, then runs with new values.

For the busiest statements (the live check, the "For you" count) building the
SQL with the ORM costs more than running it. Here the ORM builds it once with
stand-in values, and each parameter is recorded as either one of the named
values (recognised by the stand-in it holds) or a constant. Each run then
passes the same SQL with the values of the moment in their places.

It is used only if it is sound: a second build with other stand-ins must give
the same SQL and exactly the parameters the recording predicts, and hold
every value it must. Otherwise (a value that cannot be told apart from a
constant, SQL that changes with the values) every run builds the query afresh.

On PostgreSQL `fetchone` also keeps the statement prepared in the database
session (psycopg's server-side binding, `prepare=True`), so that PostgreSQL
plans it once per connection rather than at every run: for a statement of
twenty subqueries planning cost far more than executing. SQLite's driver
already keeps its recent statements compiled.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet

Inputs = TypeVar("Inputs")


@dataclass(frozen=True)
class Recorded:
    sql: str
    # For each parameter, the name of the value that goes there, or "" and the constant.
    slots: tuple[tuple[str, Any], ...]
    # On PostgreSQL, the statement to prepare and the names of its parameters.
    prepared: tuple[str, tuple[str, ...]] | None = None


@dataclass
class CompiledQuery(Generic[Inputs]):
    # The query for these inputs, as the ORM builds it.
    # (Or, for a statement the ORM cannot say alone, its SQL and parameters
    # assembled from querysets' own.)
    build: Callable[[Inputs], QuerySet[Any] | tuple[str, Sequence[Any]]]
    # The named values for these inputs, as the database takes them (each
    # field's `get_db_prep_value`: a date is text on SQLite, and so on).
    values: Callable[[Inputs], dict[str, Any]]
    # Two sets of inputs that differ in every value: the SQL is recorded with
    # the first and checked with the second.
    stand_ins: tuple[Inputs, Inputs]
    # Values the SQL must hold (a query that lost one would be sound, and wrong).
    required: Collection[str] = ()
    # What else, besides the database, changes the SQL (a setting, say).
    key: Callable[[], Hashable] = lambda: None
    _recorded: dict[Hashable, Recorded | None] = field(default_factory=dict, repr=False)

    def sql_with_params(self, inputs: Inputs) -> tuple[str, list[Any]]:
        """The SQL and parameters for these inputs: the recorded SQL if it is sound."""
        recorded = self.recorded()
        if recorded is None:
            return self._built(inputs)
        values = self.values(inputs)
        return recorded.sql, [values[slot] if slot else value for slot, value in recorded.slots]

    def fetchone(self, inputs: Inputs) -> tuple[Any, ...] | None:
        """The first row for these inputs: on PostgreSQL a prepared statement, once recorded."""
        recorded = self.recorded()
        prepared = recorded.prepared if recorded is not None else None
        if prepared is None:
            sql, params = self.sql_with_params(inputs)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        sql, names = prepared
        values = self.values(inputs)
        with _preparing_cursor() as cursor:
            cursor.execute(sql, [values[name] for name in names])
            return cursor.fetchone()

    def recorded(self) -> Recorded | None:
        """The SQL recorded for this database, or None if it is not sound."""
        key = (connection.vendor, self.key())
        if key not in self._recorded:
            self._recorded[key] = self._record()
        return self._recorded[key]

    def _built(self, inputs: Inputs) -> tuple[str, list[Any]]:
        built = self.build(inputs)
        sql, params = built.query.sql_with_params() if isinstance(built, QuerySet) else built
        return sql, list(params)

    def _record(self) -> Recorded | None:
        first, second = self.stand_ins
        sql, params = self._built(first)
        slot_of = {repr(value): slot for slot, value in self.values(first).items()}
        slots = tuple((slot_of.get(repr(value), ""), value) for value in params)
        check_sql, check_params = self._built(second)
        values = self.values(second)
        predicted = [values[slot] if slot else value for slot, value in slots]
        found = {slot for slot, _ in slots}
        sound = (
            check_sql == sql
            and predicted == check_params
            and set(self.required) <= found
            and len(slot_of) == len(self.values(first))  # no two stand-ins alike
        )
        return Recorded(sql, slots, _for_preparing(sql, slots)) if sound else None


def _preparing_cursor() -> CursorWrapper:
    """A cursor whose statements PostgreSQL keeps prepared for the session.

    Django turns psycopg's automatic preparation off (`prepare_threshold`, for
    connection poolers in transaction mode) and binds on the client by
    default; this one cursor binds on the server and asks for preparation.
    It is wrapped as any Django cursor is, so its queries are still logged and
    counted, and its errors are Django's.
    """
    connection.ensure_connection()
    session = connection.connection
    if session.prepare_threshold is None:
        # While it is None psycopg prepares nothing, even when asked. Django's
        # own cursors bind on the client and never prepare, so this changes
        # nothing for them; the threshold itself is never reached.
        session.prepare_threshold = sys.maxsize
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = _preparing_cursor_class()(session)
    if connection.queries_logged:
        return _PreparedDebugCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _PreparedDebugCursor(CursorDebugWrapper):
    """Logs each statement as written, with its parameters: psycopg keeps no text
    of a statement it ran prepared, which Django's own wrapper would log (as None)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, **{**options, "prepare": True})

    return PreparingCursor


_PLACEHOLDER = re.compile(r"%%|%s")


def _for_preparing(
    sql: str, slots: tuple[tuple[str, Any], ...]
) -> tuple[str, tuple[str, ...]] | None:
    """The SQL to prepare on PostgreSQL, and the names of its parameters in order.

    Its constants are written in as literals (quoted by psycopg, as Django's
    client-side binding sends every value), so the plan PostgreSQL keeps for
    the statement knows them (`status = 'pending'` can use a partial index);
    only the named values are parameters. None elsewhere, or if the
    placeholders cannot be matched with the parameters one for one.
    """
    if connection.vendor != "postgresql":
        return None
    from psycopg.sql import Literal

    connection.ensure_connection()
    remaining = iter(slots)
    names: list[str] = []

    def inline(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%%"
        slot, value = next(remaining, ("", None))
        if slot:
            names.append(slot)
            return "%s"
        return Literal(value).as_string(connection.connection).replace("%", "%%")

    prepared = _PLACEHOLDER.sub(inline, sql)
    whole = next(remaining, None) is None and prepared.count("%s") == len(names)
    return (prepared, tuple(names)) if whole else None


def prepared_cursor_for(sql: str, params: Sequence[Any]) -> tuple[CursorWrapper, str, list[Any]]:
    """A cursor, the SQL and parameters to run a statement that is run again and
    again with the same values: on PostgreSQL with every value written in as a
    literal and the statement kept prepared for the session, so it is planned
    once per connection (a statement with no parameters is planned with its
    values, once); elsewhere an ordinary cursor and the statement as it is."""
    whole = _for_preparing(sql, tuple(("", value) for value in params))
    if whole is None:
        return connection.cursor(), sql, list(params)
    return _preparing_cursor(), whole[0], []
