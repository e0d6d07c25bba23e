"""Plain indexes dropped around a large bulk load on PostgreSQL, and made again after it.

Keeping a B-tree up to date row by row costs more as it grows, and the
synthetic caseload writes millions of rows into a dozen tables with some forty
plain (non-unique) indexes between them; building each index once at the end
from the finished table, sorted, costs a fraction of that. Only the plain
indexes Django itself makes for the models (foreign keys, `db_index`,
`Meta.indexes`) are dropped: primary keys, unique constraints and unique
indexes keep holding their rules throughout, and foreign keys stay checked.

What "every index there" means is read from the models, not remembered: so a
load that never reached its `finally` (killed, or the machine lost) leaves
nothing to remember, and `restore()` at the start of the next load, or
`manage.py seed_demo` run again, makes whatever is missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

# A bulk load builds every plain index at the end in one sort; this much memory
# per sort (in its own session only) keeps the sort of the largest in memory.
REBUILD_MEMORY = "256MB"


def plain_indexes(models: Sequence[Any]) -> dict[str, str]:
    """The name and CREATE INDEX statement of each plain index Django makes for `models`."""
    # The schema editor's own list, so the names and definitions are exactly
    # those the migrations made. It is private API, kept on purpose: the public
    # `Index.create_sql` covers only `Meta.indexes` (19 of the 63 indexes here);
    # the rest are the foreign keys' and `db_index` fields' own indexes, which
    # no public API lists, and whose names (a hash of table and column) no
    # `Index` would repeat: an index under another name would be made beside
    # the migrations' one, not instead of it. tests/test_seed_demo.py checks
    # that the list matches the database.
    editor: Any = connection.schema_editor()
    statements = [statement for model in models for statement in editor._model_indexes_sql(model)]
    return {str(statement.parts["name"]).strip('"'): str(statement) for statement in statements}


def missing(models: Sequence[Any]) -> list[str]:
    """The plain indexes of `models` that are not in the database (sorted names)."""
    expected = plain_indexes(models)
    present = _present(models)
    return sorted(name for name in expected if name not in present)


def restore(models: Sequence[Any]) -> list[str]:
    """Make every plain index of `models` that is missing; the names made."""
    expected = plain_indexes(models)
    present = _present(models)
    absent = sorted(name for name in expected if name not in present)
    if absent:
        if connection.in_atomic_block:
            # Inside one transaction (as in the tests) the rows' deferred foreign
            # key checks are still pending, and PostgreSQL builds no index on a
            # table with pending checks: run them now.
            connection.check_constraints()
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem TO '{REBUILD_MEMORY}'")
            try:
                for name in absent:
                    cursor.execute(expected[name])
            finally:
                cursor.execute("RESET maintenance_work_mem")
    return absent


@contextmanager
def dropped(models: Sequence[Any], *, keep: frozenset[str] = frozenset()) -> Iterator[None]:
    """Without the plain indexes of `models` (but those named in `keep`) inside the block,
    with every one of them again after it, however it ends. PostgreSQL only."""
    assert connection.vendor == "postgresql"
    restore(models)  # an earlier load that was cut short
    present = _present(models)
    names = [name for name in plain_indexes(models) if name in present and name not in keep]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        restore(models)


def _present(models: Sequence[Any]) -> set[str]:
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s)",
            [tables],
        )
        return {name for (name,) in cursor.fetchall()}
