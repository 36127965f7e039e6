"""Report figures kept with the book version they were computed at (ADR 0022).

A figure is served from its snapshot while the book's version has not moved. After a change, a
snapshot younger than the stale limit is served at once, marked stale with the time it was
computed, while one worker recomputes it in the background (the others keep serving the stale
one: the claim is a row update, so only one of them wins it). With no snapshot, or one older
than the limit, the figure is computed in the request. Snapshots are written in their own
transactions, never in the reader's.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dunwell.kit import book_version
from dunwell.kit.db import session_factory, unit_of_work
from dunwell.orm.base import utcnow
from dunwell.orm.report import ReportSnapshot

T = TypeVar("T")
log = logging.getLogger(__name__)

#: A refresh claimed longer ago than this is taken to have died with its worker.
CLAIM_EXPIRES = timedelta(minutes=10)
_KEY_LIMIT = 400

_refreshes: list[threading.Thread] = []
_refreshes_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[T]):
    value: T
    computed_at: datetime
    compute_seconds: float
    #: Computed before the book's latest change; a fresh one is being computed.
    stale: bool


@dataclass(frozen=True, slots=True)
class Codec(Generic[T]):
    encode: Callable[[T], dict[str, Any]]
    decode: Callable[[dict[str, Any]], T]


def snapshot_key(*parts: object) -> str:
    """A key from its parts; a long one (a portfolio of many owners) keeps its head and a digest."""
    key = "|".join("" if part is None else str(part) for part in parts)
    if len(key) <= _KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: _KEY_LIMIT - 70]}…{digest}"


def cached(
    session: Session,
    key: str,
    compute: Callable[[Session], T],
    codec: Codec[T],
    *,
    stale_for: timedelta,
) -> Snapshot[T]:
    """The figure of ``key``: from its snapshot when current (or recent enough, while a fresh one is
    computed), else ``compute(session)`` now, kept for the next reader."""
    version = book_version.current(session)  # first: what is read next is at least this new
    if version is None:
        return _computed(session, compute)
    stored = session.execute(
        select(
            ReportSnapshot.payload,
            ReportSnapshot.computed_at,
            ReportSnapshot.compute_seconds,
            ReportSnapshot.book_version,
        ).where(ReportSnapshot.key == key)
    ).first()  # columns, not the mapped row: a row already in the session would not be read again
    engine = session.get_bind()
    assert isinstance(engine, Engine)  # noqa: S101 - a session bound to one engine is how the app works
    if stored is not None:
        snapshot = Snapshot(
            value=codec.decode(stored.payload),
            computed_at=stored.computed_at,
            compute_seconds=stored.compute_seconds,
            stale=stored.book_version != version,
        )
        if not snapshot.stale:
            return snapshot
        if _age(stored.computed_at) <= stale_for:
            if _claim(engine, key, version):
                _refresh_in_background(engine, key, version, compute, codec)
            return snapshot
    fresh = _computed(session, compute)
    _store(engine, key, version, fresh, codec)
    return fresh


def _computed(session: Session, compute: Callable[[Session], T]) -> Snapshot[T]:
    started = time.perf_counter()
    value = compute(session)
    return Snapshot(
        value=value, computed_at=utcnow(), compute_seconds=time.perf_counter() - started, stale=False
    )


def _age(computed_at: datetime) -> timedelta:
    if computed_at.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        return utcnow().replace(tzinfo=None) - computed_at
    return utcnow() - computed_at


def _store(engine: Engine, key: str, version: int, snapshot: Snapshot[T], codec: Codec[T]) -> None:
    values = {
        "book_version": version,
        "payload": codec.encode(snapshot.value),
        "computed_at": snapshot.computed_at,
        "compute_seconds": snapshot.compute_seconds,
        "refreshing_since": None,
    }
    try:
        with unit_of_work(session_factory(engine)) as session:
            updated = session.execute(
                update(ReportSnapshot)
                .where(ReportSnapshot.key == key, ReportSnapshot.book_version <= version)
                .values(**values)
            )
            found = session.scalar(select(ReportSnapshot.id).where(ReportSnapshot.key == key))
            if updated.rowcount == 0 and found is None:  # type: ignore[attr-defined]
                session.add(ReportSnapshot(key=key, **values))
    except IntegrityError:  # another worker stored the same key first: theirs is as good
        log.debug("snapshot %s stored by another worker", key)


def _claim(engine: Engine, key: str, version: int) -> bool:
    """Whether this worker takes the refresh of ``key`` to ``version`` (it is not there yet, no one
    else has the refresh, or theirs expired)."""
    now = utcnow()
    with unit_of_work(session_factory(engine)) as session:
        claimed = session.execute(
            update(ReportSnapshot)
            .where(
                ReportSnapshot.key == key,
                ReportSnapshot.book_version < version,
                or_(
                    ReportSnapshot.refreshing_since.is_(None),
                    ReportSnapshot.refreshing_since < now - CLAIM_EXPIRES,
                ),
            )
            .values(refreshing_since=now)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _refresh_in_background(
    engine: Engine, key: str, version: int, compute: Callable[[Session], T], codec: Codec[T]
) -> None:
    def run() -> None:
        try:
            with session_factory(engine)() as session:
                fresh = _computed(session, compute)
            _store(engine, key, version, fresh, codec)
        except Exception:  # a failed refresh leaves the stale figure; the next reader tries again
            log.exception("refreshing report snapshot %s failed", key)
            with unit_of_work(session_factory(engine)) as session:
                session.execute(
                    update(ReportSnapshot).where(ReportSnapshot.key == key).values(refreshing_since=None)
                )

    thread = threading.Thread(target=run, name=f"snapshot-refresh:{key[:40]}", daemon=True)
    with _refreshes_lock:
        _refreshes[:] = [t for t in _refreshes if t.is_alive()]
        _refreshes.append(thread)
    thread.start()


def wait_for_refreshes(timeout: float = 60.0) -> None:
    """Block until background refreshes started in this process end (tests, shutdown)."""
    with _refreshes_lock:
        running = list(_refreshes)
    for thread in running:
        thread.join(timeout)
