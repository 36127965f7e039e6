"""Bulk writes that keep imports of millions of rows fast on both databases.

The ORM's unit of work and even Core ``executemany`` with ``RETURNING`` cost tens of microseconds
per row (on SQLite, ordered RETURNING falls back to one statement per row). Here rows go through
each column type's own bind processor, so they are stored exactly as the ORM would store them, and
then travel in one ``executemany`` (SQLite) or one ``COPY`` (PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Dialect,
    Select,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from dunwell.core.errors import present


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, values as the ORM types them) in one round trip.

    Python-side column defaults missing from the rows (timestamps) are evaluated once for the
    whole batch.
    """
    if not rows:
        return
    dialect = session.connection().dialect
    names = list(rows[0])
    processors = [
        (index, processor)
        for index, name in enumerate(names)
        if (processor := _processor(table.c[name], dialect)) is not None
    ]
    data: list[tuple[Any, ...]] = []
    for row in rows:
        values = [row[name] for name in names]
        for index, processor in processors:
            values[index] = processor(values[index])
        data.append(tuple(values))
    insert_tuples(session, table, names, data)


def insert_tuples(
    session: Session, table: Table, names: Sequence[str], data: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``data`` (tuples of values for the columns ``names``) in one round trip.

    The values must already be in the form both databases store: int, str, bool, None, and dates
    as ISO text (``2024-01-31``, which is how SQLite stores a ``Date``). This is the bulk path of
    imports that prepare rows elsewhere (a reader process). Python-side defaults of the columns not
    named (timestamps) are evaluated once for the whole batch.
    """
    if not data:
        return
    connection = session.connection()
    dialect = connection.dialect
    defaults = _batch_defaults(table, names)
    if defaults:
        fixed = tuple(_bind_once(table.c[name], value, dialect) for name, value in defaults.items())
        data = [row + fixed for row in data]
    column_list = ", ".join([*names, *defaults])
    if dialect.name == "postgresql":
        driver = present(connection.connection.driver_connection, "the psycopg connection")
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({column_list}) FROM STDIN") as copy:
            for record in data:
                copy.write_row(record)
        return
    placeholders = ", ".join("?" for _ in range(len(names) + len(defaults)))
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({column_list}) VALUES ({placeholders})", data)


def insert_rows_with_ids(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """``insert_rows``, returning the new primary keys in the order of ``rows``."""
    if not rows:
        return []
    ids = _reserve_ids(session, table, len(rows))
    if ids is not None:
        for row, id_ in zip(rows, ids, strict=True):
            row["id"] = id_
        insert_rows(session, table, rows)
        return ids
    insert_rows(session, table, rows)
    return _ids_just_inserted(session, table, len(rows))


def insert_tuples_with_ids(
    session: Session, table: Table, names: Sequence[str], data: Sequence[tuple[Any, ...]]
) -> list[int]:
    """``insert_tuples``, returning the new primary keys in the order of ``data``.

    PostgreSQL: keys are drawn from the table's sequence first and written with the rows. SQLite
    gives each new row ``max(rowid) + 1``, and the transaction holds the write lock from the insert
    on: the batch got the consecutive ids ending at ``max(id)`` read right after it.
    """
    if not data:
        return []
    ids = _reserve_ids(session, table, len(data))
    if ids is not None:
        insert_tuples(
            session, table, ["id", *names], [(id_, *row) for id_, row in zip(ids, data, strict=True)]
        )
        return ids
    insert_tuples(session, table, names, data)
    return _ids_just_inserted(session, table, len(data))


def _ids_just_inserted(session: Session, table: Table, count: int) -> list[int]:
    last = present(session.scalar(select(func.max(table.c.id))), f"the rows just inserted into {table.name}")
    return list(range(last - count + 1, last + 1))


def _reserve_ids(session: Session, table: Table, count: int) -> list[int] | None:
    """``count`` fresh primary keys from the table's sequence (PostgreSQL), or None (SQLite).

    SQLite has no sequence to draw from: ``insert_rows_with_ids`` reads its ids back after the insert.
    """
    if count == 0 or session.get_bind().dialect.name != "postgresql":
        return None
    statement = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
    return list(session.scalars(statement, {"table": table.name, "n": count}))


def refresh_statistics(session: Session, tables: Sequence[Table]) -> None:
    """Let the query planner see tables that a bulk load has grown (PostgreSQL's ``ANALYZE``).

    Until autovacuum catches up, PostgreSQL plans against the statistics of the empty tables and
    picks, say, a scan of all of an entity's customers over the unique index, which turns a
    million-row import quadratic. ``ANALYZE`` samples a bounded number of rows, so it is cheap.
    SQLite's planner does not need it for these lookups.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {', '.join(table.name for table in tables)}"))


def one_of(
    session: Session, column: ColumnElement[Any] | QueryableAttribute[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """``column IN values`` with one bound parameter instead of thousands (values: str or int)."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(column.expression.type)))
    # SQLite: one JSON parameter unpacked by json_each, instead of thousands of bound parameters.
    members: Select[tuple[Any]] = select(literal_column("value")).select_from(
        func.json_each(json.dumps(wanted))
    )
    return column.in_(members)


def _bind_once(column: Column[Any], value: Any, dialect: Dialect) -> Any:
    """A batch-wide value converted once, not once per row."""
    processor = _processor(column, dialect)
    return processor(value) if processor is not None else value


def _processor(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    # The dialect's own implementation (SQLite's DATE and DATETIME format strings in Python), so
    # bulk rows are stored byte for byte as the ORM stores them.
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _batch_defaults(table: Table, present: Sequence[str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in present or column.primary_key or column.default is None:
            continue
        default = column.default
        if isinstance(default, CallableColumnDefault):
            # SQLAlchemy wraps zero-argument callables to take an execution context it won't use.
            defaults[column.name] = cast(Any, default.arg)(None)
        elif isinstance(default, ScalarElementColumnDefault):
            defaults[column.name] = default.arg
    return defaults
