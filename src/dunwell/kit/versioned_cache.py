"""Values computed from the book, kept in this process while the book's version stands.

For what a page needs from the whole book on every request (each customer's balance to sort the
customer list by, every name of a portfolio to find duplicates): computed once per change of the
book instead of once per request. Keyed by the database too, as one process may serve several.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from dunwell.kit import book_version

T = TypeVar("T")


class VersionedCache(Generic[T]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[str, Hashable], tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key`` for the book as it stands; ``compute()`` when the book moved since."""
        version = book_version.current(session)  # before computing: the value is at least this new
        book = (str(session.get_bind().engine.url), key)
        with self._lock:
            kept = self._kept.get(book)
            if kept is not None and version is not None and kept[0] == version:
                self._kept.move_to_end(book)
                return kept[1]
        value = compute()
        if version is not None:  # a database without the counter: nothing is kept
            with self._lock:
                self._kept[book] = (version, value)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return value
