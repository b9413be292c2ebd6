"""What loading a list-versions page costs, as ratios to ``json.loads`` of the same bytes.

Run from the repository root::

    python benchmarks/parse_cost.py [--versions 1000] [--repeat 7]

The page repeats the documented example record (tests/data/examples/
list_versions.hwcn.response.json) with distinct ids. Each figure is the median of
``--repeat`` runs, measured in this process, so the ratios travel between machines:

* ``json.loads``                      the floor: bytes -> dicts
* ``+ page + TrainingJob objects``    what ``get_job_version_object_list(is_show=False)`` adds
* ``+ table``                         ... and what ``is_show=True`` adds on top
* ``+ eager full schema``             loading every record through marshmallow at once
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import timeit
from pathlib import Path
from typing import Any, Callable, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modelarts.display import render_versions_table  # noqa: E402
from modelarts.schemas import load_versions_page  # noqa: E402
from modelarts.training_job import TrainingJob  # noqa: E402

EXAMPLE = ROOT / "tests" / "data" / "examples" / "list_versions.hwcn.response.json"


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


def objects(body: bytes) -> List[TrainingJob]:
    page = load_versions_page(json.loads(body), operation="GET versions")
    return TrainingJob.from_versions_page(None, page, job_id=page.job_id or "10")


def with_table(body: bytes) -> str:
    return render_versions_table(objects(body))


def eager(body: bytes) -> Any:
    page = load_versions_page(json.loads(body), operation="GET versions")
    return [record.data() for record in page.versions]


def median_seconds(func: Callable[[], Any], repeat: int) -> float:
    number = 3
    return statistics.median(t / number for t in timeit.repeat(func, number=number, repeat=repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    body = build_page(args.versions)
    cases = [
        ("json.loads", lambda: json.loads(body)),
        ("+ page + TrainingJob objects", lambda: objects(body)),
        ("+ table (is_show=True)", lambda: with_table(body)),
        ("+ eager full schema", lambda: eager(body)),
    ]
    print(f"{args.versions} versions, {len(body) / 1e6:.2f} MB, median of {args.repeat} runs")
    floor = None
    for name, func in cases:
        seconds = median_seconds(func, args.repeat)
        floor = floor or seconds
        print(f"  {name:<30} {seconds * 1e3:8.2f} ms  {seconds / floor:5.2f}x")


if __name__ == "__main__":
    main()
