"""The live transport refuses a certificate it cannot verify, unless told otherwise.

The fake is served over HTTPS with a certificate from a throwaway ``trustme``
CA: a default Session refuses it with a typed ``TLSError`` naming the URL (and
no request reaches the fake); trusting the CA file, or turning verification
off, makes the same calls work, faults and retries included.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, List

import pytest
import trustme

from modelarts.errors import TLSError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import Disconnect, FakeClock, FakeModelArts, LoopbackServer, gateway_error
from modelarts.training_job import TrainingJob
from modelarts.transport import Urllib3Transport

if TYPE_CHECKING:
    from conftest import Figures


def _context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


class Secure:
    """The fake behind HTTPS, and sessions that reach it with a chosen transport."""

    def __init__(self, fake: FakeModelArts, server: LoopbackServer, clock: FakeClock) -> None:
        self.fake, self.server, self.clock = fake, server, clock
        self.job_id = str(fake.add_job("tls", versions=4, status=8))
        self.version_id = str(fake.job(self.job_id).version_ids[0])
        self.expected = [str(v) for v in fake.job(self.job_id).version_ids]
        self.sessions: List[Session] = []

    def session(self, **kwargs: Any) -> Session:
        session = Session(clock=self.clock, **self.fake.session_kwargs(self.server.url), **kwargs)
        self.sessions.append(session)
        return session

    def listing(self, session: Session) -> List[str]:
        jobs = Estimator(session, job_id=self.job_id).get_job_version_object_list(is_show=False)
        return [job.version_id for job in jobs]


def _secure(
    tracked_fake: Callable[..., FakeModelArts], context: ssl.SSLContext
) -> Iterator[Secure]:
    clock = FakeClock()
    fake = tracked_fake(clock=clock)
    with fake.serve(ssl_context=context) as server:
        secure = Secure(fake, server, clock)
        yield secure
        for session in secure.sessions:
            session.close()


@pytest.fixture
def https(tracked_fake: Callable[..., FakeModelArts], ca: trustme.CA) -> Iterator[Secure]:
    yield from _secure(tracked_fake, _context(ca, "127.0.0.1", "localhost"))


def test_a_default_session_refuses_an_unknown_ca(https: Secure) -> None:
    assert https.server.url.startswith("https://127.0.0.1:")
    session = https.session()  # the default transport: system trust store

    with pytest.raises(TLSError) as listed:
        https.listing(session)
    with pytest.raises(TLSError) as stopped:
        TrainingJob(session, https.job_id, https.version_id).stop_job_version()

    for caught, method in ((listed, "GET"), (stopped, "POST")):
        error = caught.value
        assert error.method == method and error.url.startswith(https.server.url + "/v1/")
        assert error.url in str(error) and "certificate" in str(error).lower()
    assert https.fake.calls == []  # no request got past the handshake
    assert https.fake.version(https.job_id, https.version_id).status == 8


def test_trusting_the_ca_file_works(https: Secure, ca_file: str, figures: Figures) -> None:
    session = https.session(transport=Urllib3Transport(verify=ca_file))
    assert figures.check_listing(https.listing(session), https.expected)
    assert TrainingJob(session, https.job_id, https.version_id).stop_job_version()["is_success"]
    assert https.fake.version(https.job_id, https.version_id).status == 12


def test_turning_verification_off_works(https: Secure, figures: Figures) -> None:
    session = https.session(transport=Urllib3Transport(verify=False))
    assert figures.check_listing(https.listing(session), https.expected)


def test_faults_over_tls_are_retried_like_over_plain_http(
    https: Secure, ca_file: str, figures: Figures
) -> None:
    session = https.session(transport=Urllib3Transport(verify=ca_file))
    versions = "GET /v1/{project_id}/training-jobs/{job_id}/versions"
    https.fake.inject(versions, [gateway_error(503), Disconnect(processed=True)], times=2)

    outcome = figures.run(https.fake, lambda: https.listing(session))

    assert outcome.error is None and outcome.faults == 2
    assert figures.check_listing(outcome.value or [], https.expected)


@pytest.fixture
def wrong_name(tracked_fake: Callable[..., FakeModelArts], ca: trustme.CA) -> Iterator[Secure]:
    yield from _secure(tracked_fake, _context(ca, "modelarts.other.example"))


def test_a_trusted_ca_does_not_excuse_the_wrong_host_name(wrong_name: Secure, ca_file: str) -> None:
    session = wrong_name.session(transport=Urllib3Transport(verify=ca_file))
    with pytest.raises(TLSError) as caught:
        wrong_name.listing(session)
    assert caught.value.url.startswith(wrong_name.server.url)
    assert wrong_name.fake.calls == []


def test_the_ca_path_may_be_a_path_object(https: Secure, ca_file: str, figures: Figures) -> None:
    session = https.session(transport=Urllib3Transport(verify=Path(ca_file)))
    assert figures.check_listing(https.listing(session), https.expected)
