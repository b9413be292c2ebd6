"""The v1 envelope every ModelArts v1 body carries (modelarts_03_0046 and the other v1 pages).

``is_success`` is ``false`` (with an error code and message) when a call
failed, whatever the HTTP status; bodies of calls that answer with nothing
else (stop, delete, update) are just this.
"""

from __future__ import annotations

from typing import Any, Optional

from .._decode import reports_failure
from ._convert import TEXT, Kind, to_bool
from ._record import Record, field

__all__ = ["SUCCESS", "Envelope", "V1Body", "load_envelope"]


def _success(value: Any) -> bool:
    to_bool(value)  # a boolean, or the text or number of one; anything else does not fit
    return value is True  # the one rule (modelarts._decode.success_flag): only true succeeds


#: ``is_success``: checked as a boolean, read by the one rule.
SUCCESS: Kind[bool] = Kind("success flag", _success, "v is True", store="True")


class V1Body(Record):
    """A v1 body: the envelope fields, and whatever the call's own body declares."""

    __slots__ = ()

    is_success = field(SUCCESS, "True when the call succeeded (only JSON ``true`` counts).")
    error_code = field(TEXT, "Error code, e.g. ``ModelArts.0105``, when the call failed.")
    error_message = field(TEXT, "Error message when the call failed.")
    error_msg = field(TEXT, "The older spelling of ``error_message`` some answers use.")

    @property
    def message(self) -> Optional[str]:
        """The error message: ``error_message``, else ``error_msg``."""
        return self.error_message if self.error_message is not None else self.error_msg

    @property
    def failed(self) -> bool:
        """True when ``is_success`` is there but not ``true`` (``_decode.success_flag``)."""
        return reports_failure(self._raw)


class Envelope(V1Body):
    """The body of a call that answers with the envelope alone (stop, delete, update)."""

    __slots__ = ()


load_envelope = Envelope.load
