"""The audit log is a hash chain (ADR 0028): appends link up, even at once from two transactions,
and `verify_chain` names every edited, deleted, re-linked or renumbered entry, on both databases."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dunwell.kit.audit import record
from dunwell.kit.audit_chain import Problem, verify_chain
from dunwell.kit.migrate import downgrade, upgrade
from dunwell.orm.audit import GENESIS_HASH, AuditEntry, canonical_time, entry_hash

#: Details that each database gives back differently spelt (JSONB: 1e16 as an integer, keys
#: sorted; SQLite: as Python wrote them), and keys that JSON turns into strings.
AWKWARD_DETAILS: dict[Any, Any] = {
    "whole": 1.0,
    "huge": 1e16,
    "tenth": 0.1,
    "tiny": 1.5e-10,
    "negative_zero": -0.0,
    "big": 2**70,
    "text": 'Zoë \u00e9\u0301 \U0001f600 "quoted" \\ back',
    "nested": {"b": [1, 2.5, None, True], "a": {"z": 1, "y": [{}]}},
    7: "an int key",
}


def _append(sessions: sessionmaker[Session], count: int, *, actor: str = "user:ann") -> None:
    with sessions.begin() as session:
        for n in range(count):
            record(session, actor=actor, action="touch.logged", subject_type="customer", subject_id=n,
                   details={"n": n})  # fmt: skip


def _ids(session: Session) -> list[int]:
    return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)))


@contextmanager
def _guards_lifted(engine: Engine) -> Iterator[None]:
    """Tampering as someone with the database's owner rights would: without the append-only
    triggers, which come back afterwards (the PostgreSQL database is shared by later tests)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        if sqlite:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            if sqlite:
                for verb in ("UPDATE", "DELETE"):
                    connection.execute(text(
                        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                    ))  # fmt: skip
            else:
                connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def _tamper(engine: Engine, statement: str, **params: Any) -> None:
    with _guards_lifted(engine), engine.begin() as connection:
        connection.execute(text(statement), params)


def test_appends_link_up_into_an_intact_chain(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 3)
    _append(sessions, 1)
    with sessions.begin() as session:  # two flushes in one transaction
        record(session, actor="user:bob", action="invoice.noted", subject_type="invoice", subject_id=7)
        session.flush()
        record(session, actor="user:bob", action="invoice.noted", subject_type="invoice", subject_id=8)

    with sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        report = verify_chain(session, batch_size=2)  # several batches, the keyset carries over

    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert (report.entries, report.intact, report.problems) == (6, True, [])
    assert (report.head_seq, report.head_hash) == (6, entries[-1].entry_hash)


def test_an_empty_log_is_intact(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        report = verify_chain(session)

    assert report.to_dict() == {
        "entries": 0,
        "intact": True,
        "problems": [],
        "head": {"seq": 0, "entry_hash": GENESIS_HASH},
    }


def test_details_hash_alike_however_the_database_spells_them(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        record(session, actor="user:ann", action="terms.set", subject_type="terms", subject_id="NA32",
               details=AWKWARD_DETAILS)  # fmt: skip

    with sessions() as session:
        assert verify_chain(session).intact


def test_the_hash_is_sha256_of_the_documented_canonical_form() -> None:
    """ADR 0028 spells the form out; an outside auditor can recompute it from this example."""
    moment = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    digest = entry_hash(seq=1, occurred_at=moment, actor="user:ann", action="terms.set", subject_type="terms",
                        subject_id="NA32", details_json='{"b": 1.0, "a": "é"}',
                        prev_hash=GENESIS_HASH)  # fmt: skip

    canonical = (
        '{"action":"terms.set","actor":"user:ann","details":{"a":"\\u00e9","b":1},'
        '"occurred_at":"2026-12-07T09:30:00.000000Z","prev_hash":"' + GENESIS_HASH + '","seq":1,'
        '"subject_id":"NA32","subject_type":"terms"}'
    )
    assert digest == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert canonical_time(datetime(2026, 12, 7, 9, 30)) == "2026-12-07T09:30:00.000000Z"  # naive is UTC


def test_rolled_back_entries_leave_no_gap(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 1)
    with sessions() as session:
        record(session, actor="user:ann", action="touch.logged", subject_type="customer", subject_id=1)
        session.flush()
        session.rollback()
    with sessions.begin() as session:
        savepoint = session.begin_nested()
        record(session, actor="user:ann", action="touch.logged", subject_type="customer", subject_id=2)
        session.flush()
        savepoint.rollback()
        record(session, actor="user:ann", action="touch.logged", subject_type="customer", subject_id=3)
    _append(sessions, 1)

    with sessions() as session:
        seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
        report = verify_chain(session)

    assert seqs == [1, 2, 3]
    assert report.intact, report.problems


def test_an_edited_entry_is_named(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions() as session:
        ids = _ids(session)

    _tamper(engine, "UPDATE audit_log SET details = :d WHERE id = :id", d='{"n": 99}', id=ids[2])

    with sessions() as session:
        report = verify_chain(session, batch_size=2)
    assert not report.intact
    assert [(p.id, p.seq, p.problem) for p in report.problems] == [(ids[2], 3, Problem.EDITED)]


def test_a_deleted_entry_is_reported_where_it_was(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions() as session:
        ids = _ids(session)

    _tamper(engine, "DELETE FROM audit_log WHERE id = :id", id=ids[1])

    with sessions() as session:
        report = verify_chain(session)
    assert [(p.id, p.problem) for p in report.problems] == [(ids[2], Problem.DELETED_BEFORE)]
    assert f"(seq 2) after entry id {ids[0]} (seq 1) are missing" in report.problems[0].detail
    assert report.entries == 4


def test_deleting_the_first_entries_is_found_too(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _append(sessions, 4)
    with sessions() as session:
        ids = _ids(session)

    _tamper(engine, "DELETE FROM audit_log WHERE id IN (:a, :b)", a=ids[0], b=ids[1])

    with sessions() as session:
        (problem,) = verify_chain(session).problems
    assert (problem.id, problem.problem) == (ids[2], Problem.DELETED_BEFORE)
    assert "2 entries (seq 1..2) after the start of the log" in problem.detail


def test_a_rewritten_hash_shows_as_an_edit_and_a_broken_link(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    _append(sessions, 3)
    with sessions() as session:
        ids = _ids(session)

    _tamper(engine, "UPDATE audit_log SET entry_hash = :h WHERE id = :id", h="f" * 64, id=ids[1])

    with sessions() as session:
        report = verify_chain(session)
    assert [(p.id, p.problem) for p in report.problems] == [
        (ids[1], Problem.EDITED),
        (ids[2], Problem.BROKEN_LINK),
    ]


def test_a_forged_entry_that_hashes_well_but_links_wrong_is_found(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """Someone who writes a whole valid-looking entry still cannot name the hash it follows."""
    _append(sessions, 2)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    forged_prev = "a" * 64
    forged = entry_hash(seq=3, occurred_at=moment, actor="mallory", action="invoice.voided",
                        subject_type="invoice", subject_id="1", details_json="{}",
                        prev_hash=forged_prev)  # fmt: skip
    with engine.begin() as connection:  # an INSERT: the triggers allow it
        connection.execute(
            text(
                "INSERT INTO audit_log (occurred_at, actor, action, subject_type, subject_id, details, "
                "seq, prev_hash, entry_hash) VALUES (:at, 'mallory', 'invoice.voided', 'invoice', '1', "
                "'{}', 3, :prev, :hash)"
            ),
            {"at": moment, "prev": forged_prev, "hash": forged},
        )

    with sessions() as session:
        (problem,) = verify_chain(session).problems
    assert (problem.seq, problem.problem) == (3, Problem.BROKEN_LINK)


def test_renumbered_rows_are_out_of_order(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _append(sessions, 3)
    with sessions() as session:
        ids = _ids(session)

    _tamper(engine, "UPDATE audit_log SET id = :new WHERE id = :id", new=ids[2] + 1000, id=ids[0])

    with sessions() as session:
        (problem,) = verify_chain(session).problems
    assert (problem.id, problem.seq, problem.problem) == (ids[1], 2, Problem.OUT_OF_ORDER)


def test_the_database_refuses_a_second_entry_at_the_same_place(engine: Engine, sessions) -> None:
    _append(sessions, 1)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (occurred_at, actor, action, subject_type, subject_id, details, "
                "seq, prev_hash, entry_hash) VALUES (:at, 'm', 'a', 's', '1', '{}', 1, :h, :h)"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC), "h": GENESIS_HASH},
        )


def test_an_append_waits_for_the_transaction_holding_the_chain(sessions: sessionmaker[Session]) -> None:
    """The second writer reads the head only once the first has committed, so it follows it."""
    first = sessions()
    record(first, actor="user:ann", action="touch.logged", subject_type="customer", subject_id=1)
    first.flush()  # holds the chain (PostgreSQL: the advisory lock; SQLite: the write lock)
    done = threading.Event()

    def second() -> None:
        _append(sessions, 1, actor="user:bob")
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        assert not done.wait(0.5), "the second append did not wait for the first transaction"
        first.commit()
    finally:
        first.close()
        thread.join(timeout=30)
    assert done.is_set()

    with sessions() as session:
        actors = list(session.scalars(select(AuditEntry.actor).order_by(AuditEntry.seq)))
        assert verify_chain(session).intact
    assert actors == ["user:ann", "user:bob"]


def test_concurrent_appends_never_fork_the_chain(sessions: sessionmaker[Session]) -> None:
    writers, transactions, per_transaction = 4, 10, 3
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for _ in range(transactions):
                with sessions.begin() as session:
                    for n in range(per_transaction):
                        record(session, actor=f"user:{writer}", action="touch.logged",
                               subject_type="customer", subject_id=n)  # fmt: skip
                    session.flush()
                    time.sleep(0.002)  # hold the chain a moment: the others pile up behind it
        except BaseException as exc:  # reported below, with the thread's own traceback
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    with sessions() as session:
        report = verify_chain(session, batch_size=7)
        count = session.scalar(select(func.count()).select_from(AuditEntry))
    assert count == report.entries == writers * transactions * per_transaction
    assert report.intact, report.problems[:5]


def test_the_migration_chains_existing_entries_and_keeps_them_append_only(engine: Engine) -> None:
    """From 0016 (no chain) to 0017: the entries there are chained in id order and verify; the
    triggers refuse changes again; back down, the columns go and the triggers still refuse."""
    downgrade(engine, "0016")
    try:
        with engine.begin() as connection:
            for n, details in enumerate(['{"n": 1}', AWKWARD_DETAILS_AS_JSON, "{}", json.dumps({"n": 4})]):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (occurred_at, actor, action, subject_type, subject_id, "
                        "details) VALUES (:at, 'user:ann', 'terms.set', 'terms', :sid, :details)"
                    ),
                    {"at": datetime(2026, 1, 1, 12, n, 30, 123456, tzinfo=UTC), "sid": str(n),
                     "details": details},
                )  # fmt: skip

        upgrade(engine, "0017")

        with Session(engine) as session:
            report = verify_chain(session, batch_size=3)
            seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.id)))
        assert (report.entries, report.intact) == (4, True), report.problems
        assert seqs == [1, 2, 3, 4]
        _assert_append_only(engine)

        downgrade(engine, "0016")
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM audit_log")).keys()
        assert {"seq", "prev_hash", "entry_hash"}.isdisjoint(columns)
        _assert_append_only(engine)
    finally:
        upgrade(engine)


#: AWKWARD_DETAILS as the JSON text an older Dunwell stored (the raw INSERT binds text).
AWKWARD_DETAILS_AS_JSON = (
    '{"whole": 1.0, "huge": 1e16, "tenth": 0.1, "neg": -0.0, "big": 1180591620717411303424, '
    '"text": "Zo\\u00eb \\ud83d\\ude00", "nested": {"b": [1, 2.5, null, true]}, "7": "int key"}'
)


def _assert_append_only(engine: Engine) -> None:
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
