"""A query compiled once and run with new values (`coproduce.compiled_query`).

The recorded SQL is used only when a second build with other stand-ins
agrees with it; otherwise every run builds the query afresh. Either way the
rows are the ORM's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import DateTimeField, QuerySet, Value
from django.test.utils import CaptureQueriesContext

from coproduce.compiled_query import CompiledQuery
from coproduce.models import User
from tests import factories as f

Inputs = tuple[int, datetime.datetime]

STAND_INS: tuple[Inputs, Inputs] = (
    (987_654_321, datetime.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)),
    (987_654_329, datetime.datetime(2003, 5, 7, 8, 9, 10, 11, tzinfo=datetime.UTC)),
)


def joined_by(inputs: Inputs) -> QuerySet[Any]:
    user_id, at = inputs
    return User.objects.filter(pk=user_id, date_joined__lte=at).values_list("username")


def values(inputs: Inputs) -> dict[str, Any]:
    user_id, at = inputs
    return {"user": user_id, "at": DateTimeField().get_db_prep_value(at, connection)}


def compiled(build: Callable[[Inputs], QuerySet[Any]], **options: Any) -> CompiledQuery[Inputs]:
    return CompiledQuery(build, options.pop("values", values), STAND_INS, **options)


def users() -> tuple[User, User]:
    return f.make_user("ada"), f.make_user("bo")


def cases(ada: User, bo: User) -> list[Inputs]:
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    before = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return [(ada.pk, later), (bo.pk, later), (ada.pk, before), (-1, later)]


def orms(build: Callable[[Inputs], QuerySet[Any]], inputs: Inputs) -> tuple[Any, ...] | None:
    rows = list(build(inputs))
    return tuple(rows[0]) if rows else None


@pytest.mark.django_db
def test_a_sound_query_is_recorded_once_and_runs_as_one_query() -> None:
    ada, bo = users()
    query = compiled(joined_by, required={"user", "at"})
    recorded = query.recorded()
    assert recorded is not None
    assert {slot for slot, _ in recorded.slots} == {"user", "at"}
    for inputs in cases(ada, bo):
        with CaptureQueriesContext(connection) as ran:
            row = query.fetchone(inputs)
        assert row == orms(joined_by, inputs), inputs
        assert len(ran.captured_queries) == 1
        # Logged as written, prepared or not (tests and debug pages read the text).
        assert '"coproduce_user"."date_joined"' in ran.captured_queries[0]["sql"]
    assert query.fetchone((ada.pk, cases(ada, bo)[0][1])) == ("ada",)
    if connection.vendor == "postgresql":
        # Prepared in the session, the constants written in: only the values are parameters.
        assert recorded.prepared is not None
        assert sorted(recorded.prepared[1]) == ["at", "user"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        ours = [s for s in statements if '"coproduce_user"."date_joined" <= $' in s]
        assert ours, statements
        assert all("$2" in s and "$3" not in s for s in ours), ours


def test_sql_that_changes_with_the_values_is_built_afresh(db: None) -> None:
    def build(inputs: Inputs) -> QuerySet[Any]:
        rows = joined_by(inputs)
        return rows.filter(is_active=True) if inputs[0] % 10 == 1 else rows

    ada, bo = users()
    query = compiled(build)
    assert query.recorded() is None
    for inputs in cases(ada, bo):
        assert query.fetchone(inputs) == orms(build, inputs), inputs


def test_a_value_that_cannot_be_told_from_a_constant_is_built_afresh(db: None) -> None:
    def build(inputs: Inputs) -> QuerySet[Any]:
        # The first stand-in's user also appears as a constant.
        return joined_by(inputs).exclude(pk=STAND_INS[0][0])

    ada, bo = users()
    query = compiled(build)
    assert query.recorded() is None
    for inputs in cases(ada, bo):
        assert query.fetchone(inputs) == orms(build, inputs), inputs


def test_a_query_that_lost_a_value_it_must_hold_is_not_recorded(db: None) -> None:
    def build(inputs: Inputs) -> QuerySet[Any]:
        return User.objects.filter(date_joined__lte=inputs[1]).values_list("username")

    assert compiled(build, required={"user"}).recorded() is None
    assert compiled(build).recorded() is not None


def test_two_values_alike_in_the_stand_ins_are_not_recorded(db: None) -> None:
    def alike(inputs: Inputs) -> dict[str, Any]:
        return {**values(inputs), "again": inputs[0]}

    ada, bo = users()
    query = compiled(joined_by, values=alike)
    assert query.recorded() is None
    for inputs in cases(ada, bo):
        assert query.fetchone(inputs) == orms(joined_by, inputs), inputs


def test_the_live_check_and_the_for_you_count_are_recorded(db: None) -> None:
    """Both fall back to building their query at every run if unsound: slower, not
    wrong. This says they are not falling back."""
    from coproduce.notifications.waiting import COUNT
    from plans.access import _LIVE_CHECK, _LIVE_CHECK_WITH_SESSION

    assert _LIVE_CHECK.recorded() is not None
    assert _LIVE_CHECK_WITH_SESSION.recorded() is not None
    assert COUNT.recorded() is not None


def begin_request_on_kept_connection() -> None:
    """As at the start of a request on a connection kept from an earlier one
    (CONN_MAX_AGE): Django would check it before the first statement."""
    connection.ensure_connection()
    connection.health_check_done = False  # type: ignore[attr-defined]
    assert connection.health_check_enabled  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_a_statement_standing_as_the_health_check_sends_nothing_before_it(
    health_checks: list[bool],
) -> None:
    ada, bo = users()
    query = compiled(joined_by)
    inputs = cases(ada, bo)[0]

    begin_request_on_kept_connection()
    assert query.fetchall(inputs, checks_health=True) == [("ada",)]
    assert health_checks == []  # no SELECT 1 round trip: the statement itself was the check
    assert connection.health_check_done  # type: ignore[attr-defined]

    # Any other statement of a request still has Django's check before it.
    begin_request_on_kept_connection()
    assert query.fetchall(inputs) == [("ada",)]
    assert health_checks == [True]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server that drops a connection")
def test_a_kept_connection_the_database_dropped_is_opened_afresh() -> None:
    ada, bo = users()
    query = compiled(joined_by)
    inputs = cases(ada, bo)[0]
    assert query.fetchall(inputs, checks_health=True) == [("ada",)]  # prepared on this one
    begin_request_on_kept_connection()
    dropped = connection.connection.info.backend_pid  # type: ignore[union-attr]
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        other.close()

    # Nobody sees the error: a new connection, the same rows.
    assert query.fetchall(inputs, checks_health=True) == [("ada",)]
    assert connection.connection.info.backend_pid != dropped  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's conversion of a statement")
def test_a_long_statement_is_converted_once_and_gives_the_orms_rows() -> None:
    """psycopg parses the placeholders of statements over 4 KB at every run; ours keep theirs."""
    from coproduce.compiled_query import _preparing_cursor_class

    ada, bo = users()

    def padded(inputs: Inputs) -> QuerySet[Any]:  # over 4 KB of SQL
        many = {f"n{i}": Value(i) for i in range(300)}
        return joined_by(inputs).annotate(**many).values_list("username", *many)

    query = compiled(padded)
    converted = _preparing_cursor_class()._query_cls.converted  # type: ignore[attr-defined]
    assert len(query.sql_with_params(cases(ada, bo)[0])[0]) > 4096
    before = converted.cache_info()
    for inputs in cases(ada, bo):
        assert query.fetchone(inputs) == orms(padded, inputs), inputs
    after = converted.cache_info()
    assert after.misses - before.misses <= 1  # parsed once at most (once per process)
    assert after.hits - before.hits >= len(cases(ada, bo)) - 1


def joined_rows(inputs: Inputs) -> QuerySet[Any]:
    """Rows whose values the ORM converts on SQLite (a datetime, a boolean), by name."""
    user_id, at = inputs
    return (
        User.objects.filter(date_joined__lte=at)
        .exclude(pk=user_id)
        .order_by("username")
        .values_list("username", "date_joined", "is_active")
    )


def paged_values(inputs: tuple[int, datetime.datetime, int, int]) -> dict[str, Any]:
    user_id, at, limit, offset = inputs
    return {**values((user_id, at)), "limit": limit, "offset": offset}


def test_fetchall_reads_every_row_as_the_orm_does(db: None) -> None:
    ada, bo = users()
    f.make_user("cy")
    query = compiled(joined_rows, required={"user", "at"}, prepare=False)
    recorded = query.recorded()
    assert recorded is not None
    assert recorded.prepared is None  # not prepared, even on PostgreSQL
    for inputs in cases(ada, bo):
        with CaptureQueriesContext(connection) as ran:
            rows = query.fetchall(inputs)
        assert rows == list(joined_rows(inputs)), inputs
        assert len(ran.captured_queries) == 1
    assert all(isinstance(joined, datetime.datetime) for _, joined, _ in rows)
    assert all(active is True for _, _, active in rows)


def test_a_paged_query_reads_the_slice_the_orm_would(db: None) -> None:
    ada, bo = users()
    for name in ("cy", "di", "ed"):
        f.make_user(name)
    stand_ins = tuple((*inputs, 987_601 + n, 987_611 + n) for n, inputs in enumerate(STAND_INS))
    query = CompiledQuery(
        lambda inputs: joined_rows(inputs[:2]),
        paged_values,
        stand_ins,  # type: ignore[arg-type]
        required={"user", "at", "limit", "offset"},
        paged=True,
    )
    assert query.recorded() is not None
    for inputs in cases(ada, bo):
        for limit, offset in ((2, 0), (2, 2), (5, 1), (1, 9)):
            rows = query.fetchall((*inputs, limit, offset))
            assert rows == list(joined_rows(inputs)[offset : offset + limit]), (inputs, offset)


def test_an_unsound_paged_query_still_reads_its_slice(db: None) -> None:
    def build(inputs: tuple[int, datetime.datetime, int, int]) -> QuerySet[Any]:
        rows = joined_rows(inputs[:2])
        return rows.filter(is_active=True) if inputs[0] % 10 == 1 else rows

    ada, bo = users()
    f.make_user("cy")
    stand_ins = tuple((*inputs, 987_601 + n, 987_611 + n) for n, inputs in enumerate(STAND_INS))
    query = CompiledQuery(build, paged_values, stand_ins, paged=True)  # type: ignore[arg-type]
    assert query.recorded() is None
    for inputs in cases(ada, bo):
        rows = query.fetchall((*inputs, 1, 1))
        assert rows == list(build((*inputs, 1, 1))[1:2]), inputs


def test_a_statement_prepared_with_its_values_written_in_gives_the_orm_s_rows(db: None) -> None:
    # The dashboard's statements (outcomes.metrics.dashboard_statements): a name
    # with a percent sign and a quote, a time and a number, written in as literals.
    from coproduce.compiled_query import prepared_cursor_for

    f.make_user("o'neil_100%", "Ann O'Neil")
    at = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    queryset = User.objects.filter(
        username="o'neil_100%", date_joined__lte=at, pk__gte=1
    ).values_list("username")
    sql, params = queryset.query.sql_with_params()
    for _ in range(2):  # prepared at the first run on PostgreSQL, reused at the second
        with CaptureQueriesContext(connection) as captured:
            cursor, prepared_sql, prepared_params = prepared_cursor_for(sql, params)
            with cursor:
                cursor.execute(prepared_sql, prepared_params)
                rows = cursor.fetchall()
        assert len(captured) == 1  # logged and counted as any query
        assert rows == [("o'neil_100%",)] == list(queryset)
        if connection.vendor == "postgresql":
            assert prepared_params == []
