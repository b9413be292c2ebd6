"""Rows 3 and 3b: what loading a list-versions page, and printing its table, cost per version.

Run alone from the repository root (it was ``parse_cost.py``)::

    python benchmarks/bench_parse.py [--versions 1000] [--rounds 7]

The page repeats the documented example record (tests/data/examples/
list_versions.hwcn.response.json) with distinct ids. Every design option is
timed on the same bytes, interleaved round by round, median of the rounds:

* ``json.loads``            the floor: bytes -> dicts
* ``envelope only``         + the v1 envelope (``load_envelope``), records left as dicts
* ``generated loader``      + every documented field of every record checked, ``TrainingJob``
                              objects: what ``get_job_version_object_list(is_show=False)`` does
* ``loader + table``        ... and the table ``is_show=True`` prints
* ``marshmallow schema``    every record through the marshmallow schema derived from the same
                              declaration (``schema_of(Version)``), for comparison
* ``table only``            row 3b: rendering the ``is_show=True`` table of freshly loaded
                              versions (their first reads included), the load itself untimed
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from typing import Any, Callable, Dict, List

from _common import ROOT, Row, interleaved, median

from modelarts.display import render_versions_table
from modelarts.schemas import Version, load_envelope, load_versions_page, schema_of
from modelarts.training_job import TrainingJob

EXAMPLE = ROOT / "tests" / "data" / "examples" / "list_versions.hwcn.response.json"
#: Each sample parses the page this many times, so one sample lasts tens of ms.
REPEAT = 3


def build_page(count: int) -> bytes:
    page = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    template = page["versions"][0]
    versions = []
    for index in range(count):
        record = copy.deepcopy(template)
        record["version_id"] = 100000 + index
        record["version_name"] = f"V{index + 1:04d}"
        record["pre_version_id"] = 100000 + index - 1 if index else None
        record["status"] = (index % 22) or 10
        versions.append(record)
    page["versions"] = versions
    page["version_count"] = count
    return json.dumps(page).encode()


def envelope_only(body: bytes) -> Any:
    data = json.loads(body)
    load_envelope(data, operation="GET versions")
    return data["versions"]


def generated(body: bytes) -> List[TrainingJob]:
    page = load_versions_page(json.loads(body), operation="GET versions", item_type=TrainingJob)
    return TrainingJob.from_versions_page(None, page, job_id=page.job_id or "10")


def generated_with_table(body: bytes) -> str:
    return render_versions_table(generated(body))


def marshmallow_schema(body: bytes) -> Any:
    schema = schema_of(Version)
    return [schema.load(record) for record in json.loads(body)["versions"]]


DESIGNS: Dict[str, Callable[[bytes], Any]] = {
    "json.loads": json.loads,
    "envelope only": envelope_only,
    "generated loader": generated,
    "loader + table": generated_with_table,
    "marshmallow schema": marshmallow_schema,
}


def measure(versions: int, rounds: int) -> Dict[str, float]:
    """Median seconds per version for each design."""
    body = build_page(versions)

    def case(func: Callable[[bytes], Any]) -> Callable[[], float]:
        def sample() -> float:
            started = time.perf_counter()
            for _ in range(REPEAT):
                func(body)
            return (time.perf_counter() - started) / REPEAT / versions

        return sample

    def table_only() -> float:
        elapsed = 0.0
        for _ in range(REPEAT):
            jobs = generated(body)
            started = time.perf_counter()
            render_versions_table(jobs)
            elapsed += time.perf_counter() - started
        return elapsed / REPEAT / versions

    cases = {name: case(func) for name, func in DESIGNS.items()}
    cases["table only"] = table_only
    samples = interleaved(cases, rounds)
    return {name: median(values) for name, values in samples.items()}


def run(quick: bool) -> List[Row]:
    versions = 100 if quick else 1000
    per_version = measure(versions, 3 if quick else 7)
    floor = per_version["json.loads"]
    row = Row(
        f"3. parse a {versions:,}-version page, per version",
        "none given",
        sdk=per_version["generated loader"],
        baseline=floor,
        unit="us",
    )
    row.notes.append(
        "design options, per version (x json.loads): "
        + ", ".join(
            f"{name} {value * 1e6:.1f} us ({value / floor:.2f}x)"
            for name, value in per_version.items()
        )
    )
    table = Row(
        f"3b. is_show table of {versions:,} versions vs json.loads of the page",
        "<= 0.50x",
        sdk=per_version["table only"],
        baseline=floor,
        unit="us",
    )
    table.met = table.ratio is not None and table.ratio <= 0.5
    table.notes.append("per version; rendering only, first reads of the times included")
    return [row, table]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    per_version = measure(args.versions, args.rounds)
    floor = per_version["json.loads"]
    print(f"{args.versions} versions, median of {args.rounds} interleaved rounds")
    for name, value in per_version.items():
        print(f"  {name:<20} {value * 1e6:8.2f} us/version  {value / floor:5.2f}x")


if __name__ == "__main__":
    main()
