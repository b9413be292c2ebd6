"""Terminal sparklines: a series of numbers drawn as one line of block characters.

::

    >>> sparkline([0, 3.1, 5.76, 0, 0])
    '▁▅█▁▁'

Used by ``modelarts jobs metrics`` to show resource usage over time; people read
a curve faster than forty numbers.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence

__all__ = ["BARS", "resample", "sparkline"]

#: Eight levels, lowest first.
BARS = "▁▂▃▄▅▆▇█"


def resample(values: Sequence[float], width: int) -> List[float]:
    """At most ``width`` points: the mean of each of ``width`` equal slices."""
    if width < 1:
        raise ValueError("width must be at least 1")
    count = len(values)
    if count <= width:
        return list(values)
    out = []
    for index in range(width):
        start, end = index * count // width, (index + 1) * count // width
        chunk = values[start:end]
        out.append(sum(chunk) / len(chunk))
    return out


def sparkline(
    values: Sequence[float],
    *,
    width: Optional[int] = None,
    low: Optional[float] = None,
    high: Optional[float] = None,
) -> str:
    """One block character per point (``width`` caps the length by averaging).

    The scale runs from ``low`` to ``high`` (default: the series' own minimum
    and maximum); a flat series draws at the lowest level. Points that are not
    finite numbers are drawn as a space.
    """
    points = [float(v) for v in values]
    if width is not None:
        finite = [p for p in points if math.isfinite(p)]
        points = resample(finite, width) if len(finite) == len(points) else points[:width]
    finite = [p for p in points if math.isfinite(p)]
    if not finite:
        return " " * len(points)
    bottom = min(finite) if low is None else low
    top = max(finite) if high is None else high
    span = top - bottom
    last = len(BARS) - 1
    line = []
    for point in points:
        if not math.isfinite(point):
            line.append(" ")
        elif span <= 0:
            line.append(BARS[0])
        else:
            level = round((min(max(point, bottom), top) - bottom) / span * last)
            line.append(BARS[level])
    return "".join(line)
