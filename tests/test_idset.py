"""IdSet behaves as a set of ints, whatever the order ids arrive in."""

from __future__ import annotations

from typing import List

from hypothesis import given
from hypothesis import strategies as st

from modelarts._idset import IdSet

ids = st.one_of(
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=0, max_value=2**63 - 1),
    st.integers(min_value=2**63, max_value=10**30),
)


@given(st.lists(ids, max_size=3000))
def test_matches_a_set(keys: List[int]) -> None:
    compact, plain = IdSet(), set()
    for key in keys:
        assert compact.add(key) is (key not in plain)
        plain.add(key)
        assert len(compact) == len(plain)
    assert all(key in compact for key in plain)
    assert all((key in compact) == (key in plain) for key in range(50))
    assert "1" not in compact and -1 not in compact


def test_falling_ids_merge_by_concatenation_and_stay_sorted() -> None:
    compact = IdSet()
    for key in range(300_000, 0, -1):
        assert compact.add(key)
    assert len(compact) == 300_000
    assert not compact.add(150_000) and not compact.add(1) and not compact.add(300_000)
    for key in range(300_001, 300_101):  # then rising ones: the general merge
        assert compact.add(key)
    assert 300_050 in compact and 300_101 not in compact
