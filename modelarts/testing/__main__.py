"""``python -m modelarts.testing``: a seeded fake ModelArts on 127.0.0.1.

::

    $ python -m modelarts.testing --port 8443 > fake.env &
    $ . ./fake.env            # export HUAWEICLOUD_SDK_AK=... (six lines)
    $ python -c 'from modelarts.session import Session; from modelarts.estimator import Estimator;
    ...          Estimator(Session(), job_id="182626").get_job_version_object_list()'

Standard output carries only the ``export NAME=value`` lines that point a
``Session()`` at the fake (printed once the server listens, then flushed);
notes for humans go to standard error. It serves until SIGINT or SIGTERM and
then exits 0. Job 182626 (the README's) always exists, with ``--versions``
versions; ``--jobs`` counts it. Versions created through the API run for five
minutes of real time and complete (``--version-seconds S``: all their steps in
S seconds); one seeded job is still running when the
server starts. Three job configurations (``mnist-tf-config``,
``pytorch-gpu-config``, ``resnet-ascend-config``) and two visualization jobs
(``mnist-tensorboard`` serving, ``resnet-tensorboard`` stopped) are seeded
too, so ``Estimator.get_job_configs_list`` and ``VisualizationJob`` calls have
something to show.
"""

from __future__ import annotations

import argparse
import random
import shlex
import signal
import sys
import threading
from typing import Any, List, Optional, Sequence

from .fake import FakeModelArts
from .jobs import COMPLETED, FAILED, KILLED, RUNNING, WAITING

__all__ = ["main", "quick_timeline", "seed", "seed_resources"]

README_JOB_ID = 182626
_NAMES = ("mnist-tensorflow", "resnet50-imagenet", "bert-finetune", "yolo-detect", "lstm-sentiment")
_ENGINES = (4, 1, 122, 501)
_SPECS = (27, 2, 5, 1)


def seed(fake: FakeModelArts, jobs: int, versions: int, rng: random.Random) -> List[int]:
    """Fill ``fake`` with ``jobs`` jobs (182626 first) of about ``versions`` versions."""
    ids = [
        fake.add_job(
            "mnist-tensorflow",
            job_id=README_JOB_ID,
            versions=versions,
            desc="TF MNIST handwritten digits",
        )
    ]
    for index in range(1, jobs):
        name = f"{_NAMES[index % len(_NAMES)]}-{index:02d}"
        count = max(1, versions + rng.randint(-1, 2))
        fields: Any = {"engine_id": rng.choice(_ENGINES), "spec_id": rng.choice(_SPECS)}
        if index == 1:
            # One job to poll: its latest version waits, runs for ten minutes, completes.
            timeline = [(0, WAITING), (20, RUNNING), (620, COMPLETED)]
            ids.append(fake.add_job(name, versions=count, timeline=timeline, **fields))
            continue
        status = rng.choice((COMPLETED, COMPLETED, COMPLETED, FAILED, KILLED, RUNNING))
        ids.append(fake.add_job(name, versions=count, status=status, desc=f"job {index}", **fields))
    seed_resources(fake)
    return ids


def seed_resources(fake: FakeModelArts) -> None:
    """Job configurations and visualization jobs to list, show and change."""
    fake.add_job_config("mnist-tf-config", desc="TF 1.8 MNIST on 8 vCPUs", engine_id=4)
    fake.add_job_config(
        "pytorch-gpu-config",
        desc="PyTorch 1.4 on one V100",
        engine_id=124,
        spec_id=5,
        parameter=[{"label": "epochs", "value": "10"}, {"label": "lr", "value": "0.001"}],
    )
    fake.add_job_config(
        "resnet-ascend-config", desc="Built-in ResNet-50 on Ascend 910", model_id=8, spec_id=40
    )
    output = "/modelarts-demo/mnist-tensorflow/output/"
    fake.add_visualization_job("mnist-tensorboard", train_url=output, timeline=[(0, RUNNING)])
    fake.add_visualization_job(
        "resnet-tensorboard",
        train_url="/modelarts-demo/resnet50-imagenet/output/",
        desc="stopped: restart it to look again",
        timeline=[(0, KILLED)],
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m modelarts.testing",
        description="Serve a fake ModelArts (v1 training jobs + IAM) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: any free one)")
    parser.add_argument("--jobs", type=int, default=5, help="jobs to seed (default 5, >= 1)")
    parser.add_argument("--versions", type=int, default=3, help="versions per job (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the generated jobs")
    parser.add_argument(
        "--version-seconds",
        type=float,
        default=None,
        metavar="S",
        help="API-created versions go INIT -> ... -> RUNNING -> COMPLETED in S seconds "
        "(default: run 5 minutes)",
    )
    parser.add_argument(
        "--error-status",
        choices=("http", "200"),
        default="http",
        help="HTTP status of v1 errors: the documented 4xx (default) or 200",
    )
    return parser


def quick_timeline(seconds: float) -> "List[tuple[float, int]]":
    """Every step of an API-created version (modelarts_03_0074's codes) within ``seconds``."""
    steps = ((0.0, 1), (0.1, 2), (0.2, 4), (0.3, WAITING), (0.4, RUNNING), (1.0, COMPLETED))
    return [(fraction * seconds, status) for fraction, status in steps]


def main(argv: Optional[Sequence[str]] = None) -> int:
    options = _parser().parse_args(argv)
    if options.jobs < 1 or options.versions < 1:
        _parser().error("--jobs and --versions must be at least 1")
    fake = FakeModelArts(error_status=options.error_status)
    seed(fake, options.jobs, options.versions, random.Random(options.seed))
    if options.version_seconds is not None:
        if not options.version_seconds > 0:
            _parser().error("--version-seconds must be positive")
        fake.new_version_timeline = quick_timeline(options.version_seconds)
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with fake.serve(port=options.port) as server:
        for name, value in fake.environment(server.url).items():
            print(f"export {name}={shlex.quote(value)}")
        sys.stdout.flush()
        print(
            f"fake ModelArts on {server.url}: {options.jobs} jobs (job {README_JOB_ID} has "
            f"{options.versions} versions), {len(fake.job_configs)} job configurations, "
            "2 visualization jobs; Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
        # Event.wait with a timeout keeps the main thread responsive to signals everywhere.
        while not stop.wait(0.5):
            pass
    print("fake ModelArts stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
