"""Issue 13, items 9-11: odd input gives a typed error, never a bare Python one.

Item 9: a far-future ``Date`` on a signature-expired 401 raised ``OverflowError``
(and broke the Session for good); lone surrogates, ``json=set()``, ``query=5``
and ``http://[::1`` escaped as ``UnicodeEncodeError``/``TypeError``/``ValueError``;
a damaged fixture as ``RecursionError``/``UnicodeEncodeError``; the CLI with
stdout closed as ``AttributeError``. Item 10: a CR/LF in the access key put the
whole ``Authorization`` header into the error message. Item 11: NaN and
Infinity in an answer reached ``-o json`` as bare ``NaN``, which is not JSON.

The fuzz tests drive arguments and fixtures from hypothesis: whatever they
generate must end as a value or a ``ModelArtsError`` (exit status 0, 1 or 2 in
the CLI, never "internal error").
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelarts.cli import main
from modelarts.errors import (
    AuthenticationError,
    ConfigurationError,
    FixtureFormatError,
    InvalidArgumentError,
    ModelArtsError,
)
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import FakeModelArts, LoopbackServer
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    Request,
    RequestsTransport,
    Response,
    Transport,
    Urllib3Transport,
)
from modelarts.transport.fixture_format import load_fixture

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VERSIONS_FIXTURE = FIXTURES / "job_182626_versions.json"
ECHO = "/v1/{project_id}/echo"

#: Any code point, lone surrogates included (what ``os.fsdecode`` makes of bad bytes).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=12)
ODD_TEXT = st.one_of(
    ANY_TEXT,
    st.sampled_from(["\udcff", "a\r\nb", "\x00", "http://[::1", "%zz", "{project_id}", " x "]),
)
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def answers(sent: Optional[List[Request]] = None) -> MockTransport:
    """Answers every request with ``{"is_success": true}``, keeping each in ``sent``."""

    def answer(request: Request) -> Response:
        if sent is not None:
            sent.append(request)
        return Response(200, {"Content-Type": "application/json"}, b'{"is_success": true}')

    return MockTransport(answer)


# -- item 9: the clock, arguments, endpoints ---------------------------------------------------


class SkewedGateway(Transport):
    """Refuses the first signature as expired, with a ``Date`` no clock can be set to.

    A class rather than a ``MockTransport`` handler: the test reads ``calls`` back.
    """

    def __init__(self, date: str) -> None:
        self.date = date
        self.calls = 0

    def send(self, request: Request) -> Response:
        self.calls += 1
        if self.calls == 1:
            body = json.dumps(
                {
                    "error_code": "APIGW.0301",
                    "error_msg": "Incorrect IAM authentication information: signature expired",
                }
            ).encode()
            return Response(401, {"Date": self.date}, body, request)
        return Response(200, {"Content-Type": "application/json"}, b'{"is_success": true}', request)


@pytest.mark.parametrize(
    "date", ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 1900 00:00:00 GMT"]
)
def test_an_absurd_server_date_leaves_the_401_and_the_session_intact(date: str) -> None:
    fake = FakeModelArts()
    gateway = SkewedGateway(date)
    with Session(transport=gateway, **fake.session_kwargs()) as session:
        with pytest.raises(AuthenticationError, match="signature expired"):
            session.request("GET", ECHO)
        assert session.request("GET", ECHO) == {"is_success": True}  # still usable
    assert gateway.calls == 2


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        ({"json": {1, 2}}, "cannot be sent as JSON"),
        ({"json": {"a": float("nan")}}, "cannot be sent as JSON"),
        ({"json": {"name": "bad\udc80"}}, "cannot be sent as JSON"),
        ({"query": 5}, "query must be a mapping"),
        ({"query": "page=1"}, "query must be a mapping"),
        ({"query": [1, 2]}, "pairs"),
        ({"query": {"q": "\udcff"}}, "lone surrogate"),
        ({"query": {"\ud800": "1"}}, "lone surrogate"),
    ],
)
def test_bad_request_arguments_are_invalid_argument_errors(
    kwargs: Dict[str, Any], complaint: str
) -> None:
    fake = FakeModelArts()
    sent: List[Request] = []
    with Session(transport=answers(sent), **fake.session_kwargs()) as session, pytest.raises(
        InvalidArgumentError, match=complaint
    ):
        session.request("POST", ECHO, **kwargs)
    assert sent == []


@pytest.mark.parametrize("name", ["modelarts_endpoint", "iam_endpoint"])
@pytest.mark.parametrize("endpoint", ["http://[::1", "https://[fe80::1/x", "http://\udcff"])
def test_a_malformed_endpoint_is_a_configuration_error(name: str, endpoint: str) -> None:
    kwargs = {**FakeModelArts().session_kwargs(), name: endpoint}
    with pytest.raises(ConfigurationError):
        Session(transport=answers(), **kwargs)
    with pytest.raises(ConfigurationError):
        Session.set_endpoint(**{name: endpoint})


def test_a_transport_refuses_a_url_it_cannot_parse() -> None:
    with Urllib3Transport() as transport, pytest.raises(InvalidArgumentError):
        transport.send(Request("GET", "http://[::1/v1/x"))


# -- item 10: control characters in keys --------------------------------------------------------

SECRET_KEY = "skCRLFmodelartssecret000000000000000000009"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("access_key", "AKFAKE\r\nX-Injected: 1"),
        ("access_key", "AKFAKE\nMODELARTS"),
        ("secret_key", "sk\rFAKEMODELARTSSECRET"),
        ("security_token", "gQpz\x00token"),
        ("security_token", "gQpz\x7ftoken"),
        ("access_key", "AKFAKE\udcffMODELARTS"),
        ("project_id", "0b5f8c0ea1f9\r\n4bd8"),
        ("project_id", "0b5f8c0ea1f9\u20ac"),
    ],
)
def test_a_key_with_control_characters_is_refused_without_showing_it(
    field: str, value: str
) -> None:
    fake = FakeModelArts()
    sent: List[Request] = []
    kwargs = {**fake.session_kwargs(), "secret_key": SECRET_KEY, field: value}
    with pytest.raises(ConfigurationError, match=field) as info:
        Session(transport=answers(sent), **kwargs)
    message = str(info.value)
    pieces = [piece for piece in value.split() if len(piece) >= 4]
    for piece in (value, *pieces, SECRET_KEY, "Authorization", "Signature"):
        assert piece not in message
    assert "position" in message
    assert sent == []


@pytest.mark.parametrize("transport", [Urllib3Transport, RequestsTransport])
@pytest.mark.parametrize("value", ["A\r\nB {}", "A\nB {}", "A\u20ac {}"])
def test_a_header_the_http_library_refuses_is_not_quoted_in_the_error(
    transport: "type[Transport]", value: str
) -> None:
    signature = "Signature=0123456789abcdef0123456789abcdef"
    headers = {"Authorization": value.format(signature)}
    with transport() as sender, pytest.raises(InvalidArgumentError) as info:
        sender.send(Request("GET", "http://127.0.0.1:9/v1/x", headers))
    assert signature not in str(info.value) and "Authorization" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is not None


# -- item 11: NaN and Infinity in -o json -------------------------------------------------------


def _versions_with_non_finite_numbers(request: Request) -> Response:
    body = (
        b'{"is_success": true, "job_id": 182626, "version_count": 1, "versions": ['
        b'{"version_id": 278813, "version_name": "V0001", "status": 10, "job_id": 182626,'
        b' "create_time": 1795759200000, "score": NaN, "loss": -Infinity,'
        b' "metrics": [Infinity, 1.5]}]}'
    )
    return Response(200, {"Content-Type": "application/json"}, body)


@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_non_finite_numbers_come_out_as_json_null(
    output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeModelArts()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    out, err = io.StringIO(), io.StringIO()
    with LoopbackServer(_versions_with_non_finite_numbers) as server:
        argv = ["jobs", "versions", "182626", "-o", output, "--endpoint", server.url]
        status = main(
            argv + ["--project-id", fake.project_id], stdin=io.StringIO(), stdout=out, stderr=err
        )
    assert status == 0, err.getvalue()
    text = out.getvalue()
    assert "NaN" not in text and "Infinity" not in text

    def strict(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    lines = [text] if output == "json" else text.splitlines()
    records = [json.loads(line, parse_constant=strict) for line in lines]
    version = records[0][0] if output == "json" else records[0]
    assert version["score"] is None and version["loss"] is None
    assert version["metrics"] == [None, 1.5]


# -- item 9: the CLI ---------------------------------------------------------------------------


def test_the_cli_with_stdout_closed_is_a_usage_error() -> None:
    argv = [sys.executable, "-m", "modelarts", "jobs", "versions", "182626"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        argv + ["--replay", str(VERSIONS_FIXTURE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: __import__("os").close(1),  # noqa: PLW1509 - closes stdout only
    )
    assert result.returncode == 2, result.stderr
    assert "standard output is closed" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_non_utf8_command_line_arguments_are_usage_errors() -> None:
    # Bytes that are not UTF-8 reach argv as lone surrogates ("\udcff").
    argv = [sys.executable.encode(), b"-m", b"modelarts", b"jobs", b"describe", b"182626"]
    argv += [b"-d", b"caf\xe9", b"--replay", bytes(VERSIONS_FIXTURE)]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        argv, capture_output=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert b"surrogate" in result.stderr
    assert b"internal error" not in result.stderr


@pytest.fixture(scope="module")
def served() -> Iterator["tuple[FakeModelArts, str]"]:
    fake = FakeModelArts()
    fake.add_job("mnist", versions=2, status=10)
    with fake.serve() as server:
        yield fake, server.url


_COMMANDS = st.sampled_from(
    [
        ["jobs", "list", "--status", "{0}"],
        ["jobs", "versions", "{0}"],
        ["jobs", "show", "{0}", "{1}"],
        ["jobs", "describe", "{0}", "-d", "{1}"],
        ["jobs", "logs", "{0}", "{1}", "--file", "{2}"],
        ["jobs", "list", "--region", "{0}"],
        ["jobs", "list", "--project-id", "{0}"],
        # Endpoints stay on 127.0.0.1: the text lands in the port and the path.
        ["jobs", "list", "--endpoint", "http://127.0.0.1:1{0}"],
        ["jobs", "list", "--endpoint", "http://[{0}"],
        ["jobs", "list", "--iam-endpoint", "http://127.0.0.1:1{0}", "--region", "{1}"],
        ["jobs", "describe", "1", "-d", "{0}"],
    ]
)


@FUZZ
@given(command=_COMMANDS, values=st.lists(ODD_TEXT, min_size=3, max_size=3))
def test_fuzzed_command_lines_end_with_0_1_or_2(
    served: "tuple[FakeModelArts, str]", command: List[str], values: List[str]
) -> None:
    fake, url = served
    argv = [part.format(*values) for part in command]
    global_options = ["--endpoint", url, "--project-id", fake.project_id]
    out, err = io.StringIO(), io.StringIO()
    with _credentials(fake):
        status = main(global_options + argv, stdin=io.StringIO(), stdout=out, stderr=err)
    assert status in (0, 1, 2), err.getvalue()
    assert "internal error" not in err.getvalue()


class _credentials:
    """The fake's keys in the environment for one block (hypothesis runs the body many times)."""

    NAMES = ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")

    def __init__(self, fake: FakeModelArts) -> None:
        self.values = (fake.access_key, fake.secret_key)

    def __enter__(self) -> None:
        import os

        self.saved = {name: os.environ.get(name) for name in self.NAMES}
        os.environ.update(zip(self.NAMES, self.values))

    def __exit__(self, *exc_info: object) -> None:
        import os

        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- fuzz: arguments of the library -----------------------------------------------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), ODD_TEXT, st.binary(max_size=4)
)
_PAYLOADS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(ODD_TEXT, inner, max_size=3),
        st.frozensets(st.integers(), max_size=2),
    ),
    max_leaves=8,
)
_QUERIES = st.one_of(
    st.none(),
    _SCALARS,
    st.dictionaries(ODD_TEXT, st.one_of(_SCALARS, st.lists(_SCALARS, max_size=2)), max_size=3),
    st.lists(st.tuples(ODD_TEXT, _SCALARS), max_size=3),
    st.lists(_SCALARS, max_size=3),
)


@FUZZ
@given(
    method=st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE"]), ODD_TEXT),
    path=st.one_of(st.just(ECHO), ODD_TEXT.map(lambda text: ECHO + "/" + text)),
    query=_QUERIES,
    payload=_PAYLOADS,
)
def test_fuzzed_requests_end_with_a_value_or_a_modelarts_error(
    method: str, path: str, query: Any, payload: Any
) -> None:
    fake = FakeModelArts()
    with Session(transport=answers(), **fake.session_kwargs()) as session:
        try:
            session.request(method, path, query=query, json=payload)
        except ModelArtsError:
            pass


@FUZZ
@given(
    field=st.sampled_from(
        [
            "access_key",
            "secret_key",
            "security_token",
            "project_id",
            "region_name",
            "modelarts_endpoint",
            "iam_endpoint",
            "username",
            "password",
        ]
    ),
    value=ODD_TEXT,
    job_id=st.one_of(ODD_TEXT, st.integers(), st.floats()),
)
def test_fuzzed_settings_and_ids_end_with_a_value_or_a_modelarts_error(
    field: str, value: str, job_id: Any
) -> None:
    kwargs = FakeModelArts().session_kwargs()
    if field in ("username", "password"):
        kwargs.pop("access_key")
        kwargs.pop("secret_key")
        kwargs.update(username="user", password="pa55word-long-enough")
    kwargs[field] = value
    try:
        with Session(transport=answers(), **kwargs) as session:
            Estimator(session, job_id=job_id).get_job_info()
    except ModelArtsError:
        pass


# -- fuzz: damaged fixtures --------------------------------------------------------------------

_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ODD_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(ODD_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)
_DAMAGE = st.one_of(
    _JSON,
    st.integers(1, 3000).map(lambda depth: {"deep": json.loads("[" * depth + "]" * depth)}
                             if depth < 900 else "\ud800"),
    st.just("[" * 5000),
)


def _leaves(document: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _leaves(value, (*path, index))


_ORIGINAL = json.loads(VERSIONS_FIXTURE.read_text(encoding="utf-8"))
_PLACES = [path for path in _leaves(_ORIGINAL) if path]


@FUZZ
@given(place=st.sampled_from(_PLACES), damage=_DAMAGE, raw=st.booleans())
def test_fuzzed_fixtures_end_with_a_value_or_a_fixture_error(
    tmp_path_factory: pytest.TempPathFactory, place: tuple, damage: Any, raw: bool
) -> None:
    document = copy.deepcopy(_ORIGINAL)
    target = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = damage
    text = json.dumps(document, ensure_ascii=True)
    if raw and isinstance(damage, str) and damage.startswith("["):
        text = text.replace(json.dumps(damage), damage)  # not JSON at all: nesting left open
    path = tmp_path_factory.mktemp("fixture") / "damaged.json"
    path.write_text(text, encoding="utf-8")
    try:
        with Session(transport=FixtureTransport(path)) as session:
            Estimator(session, job_id=182626).get_job_version_object_list(is_show=False)
    except ModelArtsError:
        pass
    out, err = io.StringIO(), io.StringIO()
    argv = ["jobs", "versions", "182626", "-o", "json", "--replay", str(path)]
    status = main(argv, stdin=io.StringIO(), stdout=out, stderr=err)
    assert status in (0, 1), err.getvalue()
    assert "internal error" not in err.getvalue()


def test_a_fixture_nested_too_deeply_is_a_fixture_format_error(tmp_path: Path) -> None:
    text = VERSIONS_FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "deep.json"
    path.write_text(text.replace('"TF MNIST handwritten digits"', "[" * 5000 + "]" * 5000))
    with pytest.raises(FixtureFormatError, match="nested too deeply"):
        load_fixture(path)
    # A replay-only transport parses each answer when it replays it, and says the same then.
    replay = Session(transport=FixtureTransport(path))
    with pytest.raises(FixtureFormatError, match="interaction 0, .*nested too deeply"), replay:
        Estimator(replay, job_id=182626).get_job_version_object_list(is_show=False)


def test_a_text_body_with_a_lone_surrogate_is_a_fixture_format_error(tmp_path: Path) -> None:
    document = copy.deepcopy(_ORIGINAL)
    response = document["interactions"][0]["response"]
    del response["json"]
    response["text"] = '{"is_success": true, "x": "\ud800"}'
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FixtureFormatError, match="lone surrogate"):
        FixtureTransport(path)
