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
already keeps its recent statements compiled. A statement whose best plan
depends on its values (a caseload of seven plans or of a thousand) is not
prepared (`prepare=False`): PostgreSQL plans it for the values at each run,
as it would any query (a prepared statement may settle on one generic plan).

`fetchall` gives every row, each value read as the ORM reads it (its
converters: a UUID from SQLite's text, a date, a boolean); with `paged` the
rows come a page at a time, LIMIT and OFFSET being values like any other
(the ORM writes them into the SQL, which would make each page a new query).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import InterfaceError, OperationalError, connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model, QuerySet

Inputs = TypeVar("Inputs")


@dataclass(frozen=True)
class Recorded:
    sql: str
    # For each parameter, the name of the value that goes there, or "" and the constant.
    slots: tuple[tuple[str, Any], ...]
    # On PostgreSQL, the statement to prepare and the names of its parameters.
    prepared: tuple[str, tuple[str, ...]] | None = None
    # How the ORM reads each column: {position: (converters, expression)}.
    converters: dict[int, tuple[list[Any], Any]] = field(default_factory=dict)


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
    # On PostgreSQL, run it as a statement prepared in the session (see above).
    prepare: bool = True
    # The rows a page at a time: the values `limit` and `offset` go in a LIMIT
    # and OFFSET after the query's own SQL.
    paged: bool = False
    _recorded: dict[Hashable, Recorded | None] = field(default_factory=dict, repr=False)

    def sql_with_params(self, inputs: Inputs) -> tuple[str, list[Any]]:
        """The SQL and parameters for these inputs: the recorded SQL if it is sound."""
        recorded = self.recorded()
        if recorded is None:
            return self._built(inputs)
        values = self.values(inputs)
        return recorded.sql, [values[slot] if slot else value for slot, value in recorded.slots]

    def fetchone(self, inputs: Inputs, *, checks_health: bool = False) -> tuple[Any, ...] | None:
        """The first row for these inputs: on PostgreSQL a prepared statement, once recorded.

        `checks_health`: this read-only statement may stand as the request's
        connection health check (`CONN_HEALTH_CHECKS`). Django otherwise sends
        a `SELECT 1` before the request's first statement, a round trip of its
        own on every request. Here the statement runs first, and only if it
        fails on a kept connection that turns out broken (the database
        restarted, say) is the connection opened afresh and the statement run
        once more, so that, as with Django's check, nobody sees the error.
        """
        return self._checked(inputs, lambda cursor: cursor.fetchone(), checks_health)  # type: ignore[no-any-return]

    def fetchall(self, inputs: Inputs, *, checks_health: bool = False) -> list[tuple[Any, ...]]:
        """Every row for these inputs (a page of them, if paged), run as `fetchone` runs
        it, each value read as the ORM reads it."""
        rows = self._checked(inputs, lambda cursor: cursor.fetchall(), checks_health)
        recorded = self.recorded()
        converters = recorded.converters if recorded else _converters(self.build(inputs))
        return [_read(row, converters) for row in rows]

    def _checked(self, inputs: Inputs, fetch: Callable[[Any], Any], checks_health: bool) -> Any:
        if not checks_health or not _health_check_pending():
            return self._run(inputs, fetch)
        connection.health_check_done = True  # type: ignore[attr-defined]
        try:
            return self._run(inputs, fetch)
        except (InterfaceError, OperationalError):
            if connection.is_usable():
                raise  # the statement's own error, not a broken connection
            connection.close()
        return self._run(inputs, fetch)

    def _run(self, inputs: Inputs, fetch: Callable[[Any], Any]) -> Any:
        recorded = self.recorded()
        prepared = recorded.prepared if recorded is not None else None
        if prepared is None:
            sql, params = self.sql_with_params(inputs)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return fetch(cursor)
        sql, names = prepared
        values = self.values(inputs)
        with _preparing_cursor() as cursor:
            cursor.execute(sql, [values[name] for name in names])
            return fetch(cursor)

    def recorded(self) -> Recorded | None:
        """The SQL recorded for this database, or None if it is not sound."""
        key = (connection.vendor, self.key())
        if key not in self._recorded:
            self._recorded[key] = self._record()
        return self._recorded[key]

    def _built(self, inputs: Inputs) -> tuple[str, list[Any]]:
        built = self.build(inputs)
        sql, params = built.query.sql_with_params() if isinstance(built, QuerySet) else built
        if self.paged:
            values = self.values(inputs)
            return f"{sql} LIMIT %s OFFSET %s", [*params, values["limit"], values["offset"]]
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
        if not sound:
            return None
        prepared = _for_preparing(sql, slots) if self.prepare else None
        return Recorded(sql, slots, prepared, _converters(self.build(first)))


def _converters(built: QuerySet[Any] | tuple[str, Sequence[Any]]) -> dict[int, Any]:
    """How the ORM reads each column of this query's rows (none for raw SQL)."""
    if not isinstance(built, QuerySet):
        return {}
    compiler = built.query.get_compiler(connection=connection)
    compiler.setup_query()
    return compiler.get_converters([column for column, _, _ in compiler.select])


def _read(row: Sequence[Any], converters: dict[int, tuple[list[Any], Any]]) -> tuple[Any, ...]:
    """One row, each value read through its column's converters."""
    if not converters:
        return tuple(row)
    values = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return tuple(values)


def side_by_side(selects: Iterable[tuple[str, Sequence[Any]]]) -> tuple[str, list[Any]]:
    """Single-row SELECTs (aggregates with no GROUP BY: one row even over no rows) as
    one statement of one row, their columns side by side in their order: one round
    trip instead of one each."""
    parts: list[str] = []
    params: list[Any] = []
    for index, (sql, part_params) in enumerate(selects):
        parts.append(f"({sql}) part_{index}")
        params.extend(part_params)
    # Only the callers' own SQL is interpolated; the values stay parameters.
    return "SELECT * FROM " + " CROSS JOIN ".join(parts), params  # noqa: S608


def models_from(
    models: Iterable[tuple[type[Model], Sequence[str]]], values: Sequence[Any]
) -> tuple[list[Any], tuple[Any, ...]]:
    """The model instances a row's columns make, as the ORM makes them (`models`: each
    model with its columns' attribute names, in the row's order); and the columns left
    after theirs (annotations)."""
    made: list[Any] = []
    start = 0
    for model, names in models:
        made.append(model.from_db(connection.alias, names, values[start : start + len(names)]))
        start += len(names)
    return made, tuple(values[start:])


def column_reader(field: Any) -> Callable[[Any], Any]:
    """How the ORM reads this model field's value from the current database (a
    UUID from SQLite's text, a date, JSON...), for rows fetched here."""
    col = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)

    def read(value: Any) -> Any:
        for converter in converters:
            value = converter(value, col, connection)
        return value

    return read


def _health_check_pending() -> bool:
    """Whether Django would check the kept connection before this request's next
    statement (outside a transaction, where running a statement again is safe)."""
    return (
        connection.connection is not None
        and connection.health_check_enabled  # type: ignore[attr-defined]
        and not connection.health_check_done  # type: ignore[attr-defined]
        and not connection.in_atomic_block
    )


def _preparing_cursor() -> CursorWrapper:
    """A cursor whose statements PostgreSQL keeps prepared for the session.

    Django turns psycopg's automatic preparation off (`prepare_threshold`, for
    connection poolers in transaction mode) and binds on the client by
    default; this one cursor binds on the server and asks for preparation.
    It is wrapped as any Django cursor is, so its queries are still logged and
    counted, and its errors are Django's; and, as Django's own, it checks a
    kept connection first (`CONN_HEALTH_CHECKS`) unless that is done.
    """
    connection.close_if_health_check_failed()
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
        _query_cls = _recorded_query_class()

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, **{**options, "prepare": True})

    return PreparingCursor


@cache
def _recorded_query_class() -> type:
    """psycopg's query, converted from `%s` to `$1` once per process whatever its length.

    psycopg parses each statement's placeholders at every execution unless the
    text is under 4 KB (longer ones are usually an ORM's one-off INSERTs). Our
    recorded statements are a handful of fixed texts, and the "For you"
    count, on every page, is 10 KB: parsing it cost more than half a
    millisecond a page. So these keep every conversion.
    """
    from psycopg import _queries

    converted = functools.lru_cache(maxsize=64)(_queries._query2pg_nocache)

    class RecordedQuery(_queries.PostgresQuery):
        def convert(self, query: Any, vars: Any) -> None:
            if vars is None or not isinstance(query, str | bytes):
                return super().convert(query, vars)  # type: ignore[no-any-return]
            query = self._ensure_bytes(query)
            self.query, self._want_formats, self._order, self._parts = converted(
                query, self._tx.encoding
            )
            self.dump(vars)
            return None

    RecordedQuery.converted = converted  # type: ignore[attr-defined]
    return RecordedQuery


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
