"""A compact set of integer ids: about 8 bytes an id instead of a ``set``'s ~70.

``Estimator.iter_job_versions`` must never yield a version twice, so it keeps
every id it has yielded; for a job with 100,000 versions a plain ``set`` of
them outweighs the one page the iterator otherwise holds. Ids live in a sorted
``array('q')`` (binary search) plus a small ``set`` of recent additions, merged
in when that set reaches a quarter of the array, so merging stays linear
overall. Versions arrive newest first, with falling ids, which makes the usual
merge a plain concatenation.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from typing import Set

__all__ = ["IdSet"]

_MIN_RECENT = 1024
_MAX_PACKED = 2**63 - 1  # what array("q") holds; larger ids (30 digits are legal) stay in a set


class IdSet:
    """Add-only set of ints (version ids); compact for those that fit in 63 bits."""

    __slots__ = ("_sorted", "_recent", "_huge")

    def __init__(self) -> None:
        self._sorted = array("q")
        self._recent: Set[int] = set()
        self._huge: Set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent) + len(self._huge)

    def __contains__(self, key: object) -> bool:
        if key in self._recent or key in self._huge:
            return True
        if not isinstance(key, int) or not 0 <= key <= _MAX_PACKED:
            return False
        ids = self._sorted
        index = bisect_left(ids, key)
        return index < len(ids) and ids[index] == key

    def add(self, key: int) -> bool:
        """Add ``key``; ``False`` if it was already there."""
        recent = self._recent
        if key in recent:
            return False
        ids = self._sorted
        # Newest-first listings bring ids below everything merged so far: no search.
        if ids and ids[0] <= key <= ids[-1]:
            index = bisect_left(ids, key)
            if ids[index] == key:
                return False
        if key > _MAX_PACKED or key < 0:
            if key in self._huge:
                return False
            self._huge.add(key)
            return True
        recent.add(key)
        if len(recent) >= _MIN_RECENT and len(recent) >= len(ids) >> 2:
            self._merge()
        return True

    def _merge(self) -> None:
        recent = array("q", sorted(self._recent))
        ids = self._sorted
        if not ids or recent[-1] < ids[0]:
            self._sorted = recent + ids
        elif recent[0] > ids[-1]:
            self._sorted = ids + recent
        else:
            self._sorted = array("q", heapq.merge(ids, recent))
        self._recent = set()
