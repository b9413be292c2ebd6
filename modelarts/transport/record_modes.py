"""Record modes: when a ``RecordingTransport`` replays and when it goes to the network.

::

    from modelarts.transport import RecordMode

    RecordMode.parse("new-episodes")   # RecordMode.NEW_EPISODES
    RecordMode.parse("onse")           # InvalidArgumentError: ... did you mean 'once'?
"""

from __future__ import annotations

import difflib
import enum
from typing import Union

from ..errors import InvalidArgumentError

__all__ = ["RecordMode"]


class RecordMode(str, enum.Enum):
    """The four record modes a fixture file is used in (the names vcrpy gives them).

    - ``NONE``: replay only; the fixture file must exist.
    - ``ONCE``: record when the file does not exist, otherwise replay only.
    - ``NEW_EPISODES``: replay what matches, record (append) the rest.
    - ``ALL``: ignore the old file and record everything again.
    """

    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"

    def __str__(self) -> str:
        # str-mixin enums format differently across Python versions; show what users type.
        return str(self.value)

    @classmethod
    def parse(cls, value: Union["RecordMode", str]) -> "RecordMode":
        """The mode named by ``value``: an enum member or its value.

        Case and the choice of ``-`` or ``_`` do not matter (``"New-Episodes"``
        works, as typed on a command line). Anything else raises
        ``InvalidArgumentError`` listing the valid values.
        """
        if isinstance(value, cls):
            return value
        valid = [member.value for member in cls]
        if not isinstance(value, str):
            raise InvalidArgumentError(
                f"record mode must be a string, got {type(value).__name__}; "
                f"valid modes: {', '.join(valid)}"
            )
        normalised = value.strip().lower().replace("-", "_")
        for member in cls:
            if member.value == normalised:
                return member
        message = f"unknown record mode {value!r}; valid modes: {', '.join(valid)}"
        close = difflib.get_close_matches(normalised, valid, n=1, cutoff=0.5)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        raise InvalidArgumentError(message)
