"""What the plugin's ``modelarts_fake_server`` fixture yields (no SDK import at load)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from ..session import Session
    from .fake import FakeModelArts
    from .server import LoopbackServer

__all__ = ["FakeCloudServer"]


class FakeCloudServer:
    """What ``modelarts_fake_server`` yields: ``fake`` served over HTTP at ``url``.

    ``session()`` builds a ``Session`` that reaches it through the live
    transport (closed at teardown); ``session_kwargs()`` and ``environment()``
    give the arguments or ``HUAWEICLOUD_SDK_*`` variables to build your own.
    """

    def __init__(self, fake: "FakeModelArts", server: "LoopbackServer") -> None:
        self.fake = fake
        self.server = server
        self._sessions: List["Session"] = []

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:49152``: the ModelArts and IAM endpoint."""
        return self.server.url

    def session_kwargs(self) -> Dict[str, str]:
        """``Session(...)`` arguments: the fake's credentials, project, region and URL."""
        return self.fake.session_kwargs(endpoint=self.url)

    def environment(self) -> Dict[str, str]:
        """``HUAWEICLOUD_SDK_*`` variables that point a plain ``Session()`` here."""
        return self.fake.environment(self.url)

    def session(self, **overrides: Any) -> "Session":
        """A ``Session`` over real HTTP to the fake, on the fake's clock; ``overrides`` win."""
        from ..session import Session

        arguments: Dict[str, Any] = {**self.session_kwargs(), "clock": self.fake.clock}
        arguments.update(overrides)
        session = Session(**arguments)
        self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close the sessions built here and stop the server."""
        try:
            for session in self._sessions:
                session.close()
        finally:
            self._sessions.clear()
            self.server.stop()

    def __repr__(self) -> str:
        return f"<FakeCloudServer {self.url}>"
