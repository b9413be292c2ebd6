"""Rows 1, 1b, 1c and 2: listing every version of a job over HTTP, from a server in another process.

The server (``_page_server.py``, its own process) serves list-versions pages
built once in advance (``per_page=1000``, ``page=1..N/1000``), so the wall
time is the client's work plus the transfer, not the fake building pages.
The clients, interleaved:

* **SDK**: ``Estimator(Session(...), job_id).get_job_version_object_list(is_show=False)``,
  a fresh ``Session`` (default ``Urllib3Transport``) per sample: signing per
  request, JSON decoding, every documented field of every version checked,
  ``TrainingJob`` objects.
* **floor**: a fresh ``urllib3.PoolManager`` sending the same GETs with headers
  signed once before timing (``sign_request`` with a current date), then
  ``json.loads`` of each body; the version dicts are kept, as the SDK keeps
  its objects.
* **Huawei core**: huaweicloudsdkcore's own ``Client`` (``ClientBuilder`` with
  ``BasicCredentials(ak, sk, project_id)``, the project id given so IAM is
  never asked, and the endpoint pointed at 127.0.0.1), calling
  ``do_http_request`` as its generated clients do; the response model is a
  minimal generated-style ``SdkResponse`` whose ``versions`` are
  ``list[object]`` (Huawei's ModelArts SDK has no v1 list-versions call).
* row 1c, **SDK, every attribute read**: the SDK listing, then every documented
  attribute of every version read once; against the **hand-typed floor**: the
  raw floor plus ``_common.hand_typed`` of each version (datetimes, timedelta,
  parsed metric texts), keeping both the dicts and the typed values.

Client construction is outside the timed part; opening the TCP connection is
inside, for all. The SDK's connections are counted by the server itself
around one listing.
"""

from __future__ import annotations

import json
import types
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Tuple

import urllib3
from _common import (
    JOB_ID,
    FakeServer,
    Row,
    Stopwatch,
    hand_typed,
    interleaved,
    median,
    missing_peer,
)

from modelarts.estimator import Estimator
from modelarts.schemas import Version
from modelarts.session import Session
from modelarts.signing import build_url, format_sdk_date, sign_request
from modelarts.transport.base import Request

PER_PAGE = 1000


def _versions_path(project_id: str) -> str:
    return f"/v1/{project_id}/training-jobs/{JOB_ID}/versions"


#: Every documented attribute of a version (the declaration's fields).
ATTRIBUTES = tuple(declared.name for declared in Version.FIELDS)


def sdk_case(
    kwargs: Dict[str, Any], expected: int, *, read_all: bool = False
) -> Callable[[], Tuple[float, float]]:
    def case() -> Tuple[float, float]:
        with Session(**kwargs) as session:
            estimator = Estimator(session, job_id=JOB_ID)
            watch = Stopwatch()
            jobs = estimator.get_job_version_object_list(is_show=False)
            if read_all:
                for job in jobs:
                    for name in ATTRIBUTES:
                        getattr(job, name)
            elapsed = watch.stop()
        assert len(jobs) == expected, len(jobs)
        return elapsed

    return case


def signed_pages(server: FakeServer, pages: int) -> List[Tuple[str, Dict[str, str]]]:
    """``(url, headers)`` per page, signed now, as the SDK would sign them."""
    kwargs = server.session_kwargs
    project = kwargs["project_id"]
    date = format_sdk_date(datetime.now(timezone.utc))
    signed = []
    for page in range(1, pages + 1):
        url = build_url(
            server.url, _versions_path(project), [("per_page", PER_PAGE), ("page", page)]
        )
        headers = {"Content-Type": "application/json", "X-Project-Id": project}
        request = sign_request(
            Request("GET", url, headers),
            access_key=kwargs["access_key"],
            secret_key=kwargs["secret_key"],
            date=date,
        )
        signed.append((url, dict(request.headers.items())))
    return signed


def floor_case(
    pages: List[Tuple[str, Dict[str, str]]], expected: int, *, typed: bool = False
) -> Callable[[], Tuple[float, float]]:
    def case() -> Tuple[float, float]:
        pool = urllib3.PoolManager(retries=False)
        watch = Stopwatch()
        versions: List[Any] = []
        for url, headers in pages:
            response = pool.request("GET", url, headers=headers)
            assert response.status == 200, response.data[:200]
            records = json.loads(response.data)["versions"]
            if typed:
                versions += [(record, hand_typed(record)) for record in records]
            else:
                versions += records
        elapsed = watch.stop()
        pool.clear()
        assert len(versions) == expected, len(versions)
        return elapsed

    return case


def huawei_case(server: FakeServer, pages: int, expected: int) -> Callable[[], Tuple[float, float]]:
    """Huawei's core client; HOME must already point at a scratch folder (run.py does it)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.client import Client, ClientBuilder
    from huaweicloudsdkcore.sdk_response import SdkResponse

    class ListVersionsResponse(SdkResponse):  # the shape a generated model has
        openapi_types = {
            "is_success": "bool",
            "job_id": "int",
            "job_name": "str",
            "job_desc": "str",
            "version_count": "int",
            "versions": "list[object]",
        }
        attribute_map = {name: name for name in openapi_types}

        def __init__(self, **fields: Any) -> None:
            super().__init__()
            for name in self.openapi_types:
                setattr(self, name, fields.get(name))

    models = types.SimpleNamespace(ListVersionsResponse=ListVersionsResponse)
    kwargs = server.session_kwargs

    def case() -> Tuple[float, float]:
        credentials = BasicCredentials(
            kwargs["access_key"], kwargs["secret_key"], kwargs["project_id"]
        )
        client = (
            ClientBuilder(Client).with_credentials(credentials).with_endpoint(server.url).build()
        )
        client.model_package = models
        watch = Stopwatch()
        versions: List[Any] = []
        for page in range(1, pages + 1):
            response = client.do_http_request(
                method="GET",
                resource_path="/v1/{project_id}/training-jobs/{job_id}/versions",
                path_params={"job_id": JOB_ID},
                query_params=[("per_page", PER_PAGE), ("page", page)],
                header_params={"Content-Type": "application/json"},
                response_type="ListVersionsResponse",
            )
            versions += response.versions
        elapsed = watch.stop()
        client.close()
        assert len(versions) == expected, len(versions)
        return elapsed

    return case


def connections_per_listing(server: FakeServer, kwargs: Dict[str, Any]) -> Tuple[int, int]:
    """TCP connections and requests the server saw during one SDK listing (fresh Session)."""
    before = server.stats()
    with Session(**kwargs) as session:
        Estimator(session, job_id=JOB_ID).get_job_version_object_list(is_show=False)
        after = server.stats()
    return after["connections"] - before["connections"], after["requests"] - before["requests"]


def _listing(
    versions: int, rounds: int, *, huawei: bool, read_all: bool
) -> Tuple[Dict[str, float], Dict[str, float], Tuple[int, int]]:
    """Median wall and client-CPU seconds per case, and (connections, requests) of one listing."""
    pages = -(-versions // PER_PAGE)
    with FakeServer(versions, prebuilt=True) as server:
        kwargs = server.session_kwargs
        signed = signed_pages(server, pages)
        cases = {"sdk": sdk_case(kwargs, versions), "floor": floor_case(signed, versions)}
        if huawei:
            cases["huawei"] = huawei_case(server, pages, versions)
        if read_all:
            cases["sdk read all"] = sdk_case(kwargs, versions, read_all=True)
            cases["floor typed"] = floor_case(signed, versions, typed=True)
        samples = interleaved(cases, rounds)
        connections = connections_per_listing(server, kwargs)
    wall = {name: median(values, 0) for name, values in samples.items()}
    cpu = {name: median(values, 1) for name, values in samples.items()}
    return wall, cpu, connections


def _cpu_note(cpu: Dict[str, float]) -> str:
    return (
        f"client CPU per listing: SDK {cpu['sdk'] * 1e3:.1f} ms, floor "
        f"{cpu['floor'] * 1e3:.1f} ms ({cpu['sdk'] / cpu['floor']:.2f}x); pages are pre-built, "
        "so the rest of the wall time is the transfer"
    )


def run(quick: bool) -> List[Row]:
    versions = 1000 if quick else 5000
    large = 2000 if quick else 50_000
    rounds = 3 if quick else 15
    label = f"{versions:,} versions"
    row1 = Row(f"1. list {label} over HTTP vs raw urllib3", "<= 1.50x, 1 TCP conn")
    row1b = Row(f"1b. list {large:,} versions over HTTP vs raw urllib3", "<= 1.50x, 1 TCP conn")
    row2 = Row(f"2. list {label} vs huaweicloudsdkcore", "< 1.00x")
    row1c = Row(f"1c. list {label}, read every attribute vs hand-typed", "<= 2.00x")
    row2.skipped = missing_peer("huaweicloudsdkcore")
    wall, cpu, (connections, requests) = _listing(
        versions, rounds, huawei=not row2.skipped, read_all=True
    )
    row1.sdk, row1.baseline = wall["sdk"], wall["floor"]
    row1.met = row1.ratio is not None and row1.ratio <= 1.5 and connections == 1
    row1.notes.append(
        f"TCP connections for one listing: {connections} ({requests} requests), "
        "counted by the server process; every documented field of every version checked"
    )
    row1.notes.append(_cpu_note(cpu))
    row1c.sdk, row1c.baseline = wall["sdk read all"], wall["floor typed"]
    row1c.met = row1c.ratio is not None and row1c.ratio <= 2.0
    row1c.notes.append(
        f"{len(ATTRIBUTES)} attributes a version; the floor types by hand only the times, the "
        f"duration and the metric texts (client CPU: SDK {cpu['sdk read all'] * 1e3:.1f} ms, "
        f"floor {cpu['floor typed'] * 1e3:.1f} ms)"
    )
    if not row2.skipped:
        row2.sdk, row2.baseline = wall["sdk"], wall["huawei"]
        row2.met = row2.ratio is not None and row2.ratio < 1.0
        row2.notes.append(
            f"client CPU per listing: Huawei's core {cpu['huawei'] * 1e3:.1f} ms "
            f"({cpu['sdk'] / cpu['huawei']:.2f}x for the SDK); its wall time is "
            f"{wall['huawei'] / wall['floor']:.2f}x the raw urllib3 floor"
        )
    wall, cpu, (connections, requests) = _listing(
        large, 3 if quick else 5, huawei=False, read_all=False
    )
    row1b.sdk, row1b.baseline = wall["sdk"], wall["floor"]
    row1b.met = row1b.ratio is not None and row1b.ratio <= 1.5 and connections == 1
    row1b.notes.append(f"TCP connections: {connections} ({requests} requests)")
    row1b.notes.append(_cpu_note(cpu))
    return [row1, row1b, row1c, row2]
