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
from django.db.models import DateTimeField, QuerySet
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
