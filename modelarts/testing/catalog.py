"""Wire data for the fake ModelArts: record layouts, metrics and log text.

Everything here is plain JSON-able data shaped after the examples in the API
notes (``list_versions``/``version_detail`` from the Chinese docs, the use-case
capture and a third-party client's capture). The fake builds its answers from
these tables and never from the SDK's schemas: it is the independent
counterpart the SDK is tested against. The engines, flavors and algorithms
on offer are in ``offerings``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from .offerings import Engine, Spec, engine_record

__all__ = [
    "BUCKET",
    "DETAIL_EXTRAS",
    "LIST_KEYS",
    "aom_positions",
    "log_line",
    "log_total_lines",
    "model_metrics",
    "new_version_fields",
    "resource_id",
    "system_metrics",
]

#: The OBS bucket seeded records point into.
BUCKET = "modelarts-demo"


def resource_id(job_id: int) -> str:
    """A billing id like ``jobaedef089``, stable per job."""
    return f"job{(job_id * 2654435761) & 0xFFFFFFFF:08x}"


# -- version records -------------------------------------------------------------

#: The version fields of list-versions (modelarts_03_0049), in the documented order.
LIST_KEYS = (
    "version_id", "version_name", "pre_version_id", "engine_type", "engine_name",
    "engine_id", "engine_version", "status", "app_url", "boot_file_url", "create_time",
    "parameter", "duration", "spec_id", "core", "cpu", "gpu", "gpu_num", "gpu_type",
    "worker_server_num", "data_url", "train_url", "log_url", "dataset_version_id",
    "dataset_id", "data_source", "user_image_url", "user_command", "model_id",
    "model_metric_list", "system_metric_list", "resource_id", "dataset_name",
    "dataset_version_name", "start_time", "volumes", "pool_id", "pool_name",
    "nas_mount_path", "nas_share_addr", "nas_type",
)  # fmt: skip

#: Fields only the details endpoint shows: ``spec_code`` (documented there alone)
#: and the undocumented ones real answers carry (modelarts_03_0047).
DETAIL_EXTRAS = (
    "spec_code", "max_num", "storage", "no_resource", "npu_info", "pod_version",
    "model_outputs", "error_result", "user_frame_image", "task_summary", "is_zombie",
    "outputs", "inputs", "algorithm_id", "autosearch_config", "retrain_model_id",
)  # fmt: skip


def new_version_fields(
    job_name: str, number: int, job_id: int, engine: Engine, spec: Spec
) -> Dict[str, Any]:
    """The static fields of a fresh version (status, times and metrics are computed)."""
    code_dir = f"/{BUCKET}/{job_name}/code/"
    data_url = f"/{BUCKET}/datasets/mnist/"
    return {
        **engine_record(engine),
        "app_url": code_dir,
        "boot_file_url": code_dir + "train.py",
        "parameter": [
            {"label": "learning_rate", "value": "0.01"},
            {"label": "batch_size", "value": "32"},
        ],
        "spec_id": spec.spec_id,
        "core": spec.core,
        "cpu": spec.cpu,
        "gpu": spec.gpu_num > 0,
        "gpu_num": spec.gpu_num,
        "gpu_type": spec.gpu_type,
        "worker_server_num": 1,
        "data_url": data_url,
        "train_url": f"/{BUCKET}/{job_name}/output/V{number:04d}/",
        "log_url": f"/{BUCKET}/{job_name}/log/",
        "dataset_version_id": None,
        "dataset_id": None,
        "data_source": [{"type": "obs", "data_url": data_url}],
        "user_image_url": None,
        "user_command": None,
        "model_id": None,
        "resource_id": resource_id(job_id),
        "dataset_name": None,
        "dataset_version_name": None,
        "volumes": None,
        "pool_id": spec.pool_id,
        "pool_name": spec.pool_name,
        "nas_mount_path": None,
        "nas_share_addr": None,
        "nas_type": "efs",
        # Undocumented fields seen in real list and detail answers.
        "flavor_code": spec.flavor_code,
        "pool_type": "SYSTEM_DEFINED",
        "job_type": 1,
        "spec_code": spec.spec_code,
        "max_num": spec.max_num,
        "storage": "",
        "no_resource": False,
        "npu_info": None,
        "pod_version": engine.pod_version,
        "model_outputs": [],
        "error_result": None,
        "user_frame_image": None,
        "task_summary": {},
        "is_zombie": None,
        "outputs": None,
        "inputs": None,
        "algorithm_id": None,
        "autosearch_config": None,
        "retrain_model_id": None,
    }


_SERIES = {
    "cpuUsage": ["0", "3.10", "5.76", "18.92", "23.45", "0"],
    "memUsage": ["0", "0.77", "2.09", "3.58", "6.26", "0"],
    "gpuUtil": ["0", "0.25", "0.88", "9.50", "32.50", "0"],
    "gpuMemUsage": ["0", "0.65", "6.01", "56.10", "70.35", "0"],
    "diskReadRate": ["0", "91811.07", "38846.63", "42159.50", "9.00", "0"],
    "diskWriteRate": ["0", "2.23", "0.94", "1.00", "0.81", "0"],
    "recvBytesRate": ["0", "5770405.50", "2980077.75", "5667968.00", "9162228.00", "0"],
    "sendBytesRate": ["0", "12607.17", "10487410.00", "1930724.00", "10253752.00", "0"],
}


#: One resource-usage sample per this many milliseconds of running (``interval``
#: is in minutes on the wire; the fake compresses time so that series grow visibly).
SAMPLE_MS = 10_000
#: The longest series the fake reports.
MAX_SAMPLES = 60


def system_metrics(run_ms: Optional[int], finished: bool) -> Dict[str, Any]:
    """Resource-usage series that grow while a version runs.

    Before it ran every series is ``["0", "0"]`` (as in the captures); then
    one sample per ``SAMPLE_MS`` of running time (at most ``MAX_SAMPLES``)
    follows a leading ``"0"``, and a finished version's series end in ``"0"``.
    """
    if run_ms is None:
        metrics: Dict[str, Any] = {name: ["0", "0"] for name in _SERIES}
    else:
        count = max(1, min(MAX_SAMPLES, run_ms // SAMPLE_MS))
        metrics = {
            name: ["0"]
            + [series[1 + index % 4] for index in range(count)]
            + (["0"] if finished else [])
            for name, series in _SERIES.items()
        }
    metrics["interval"] = 1
    return metrics


_MODEL_METRICS = {
    "metric": [
        {
            "metric_values": {"recall": 0.005833, "precision": 0.000178, "accuracy": 0.000937},
            "reserved_data": {},
            "metric_meta": {"class_name": 0, "class_id": 0},
        }
    ],
    "total_metric": {
        "total_metric_meta": {},
        "total_reserved_data": {},
        "total_metric_values": {
            "recall": 0.005833,
            "id": 0,
            "precision": 0.000178,
            "accuracy": 0.000937,
        },
    },
}


def model_metrics(run_ms: Optional[int], completed: bool) -> str:
    """``model_metric_list`` as the JSON text both endpoints document.

    ``"{}"`` before the version ran; while it runs, the figures climb towards
    their final values (a fraction that grows with the running time); once
    COMPLETED, the final values of the captured sample.
    """
    if run_ms is None:
        return "{}"
    fraction = 1.0 if completed else run_ms / (run_ms + 120_000)
    metrics = json.loads(json.dumps(_MODEL_METRICS))
    for values in [entry["metric_values"] for entry in metrics["metric"]] + [
        metrics["total_metric"]["total_metric_values"]
    ]:
        for key in ("recall", "precision", "accuracy"):
            values[key] = round(values[key] * fraction, 6)
    return json.dumps(metrics, separators=(",", ":"))


# -- logs ----------------------------------------------------------------------------

_FINAL_LINE = {
    10: "[Modelarts Service Log]Training completed.",
    11: "[Modelarts Service Log]Training failed, exit code 1.",
    12: "[Modelarts Service Log]Training stopped by user.",
}


def log_total_lines(version_id: int) -> int:
    """How many lines a finished version's log file has (60 to 108)."""
    return 60 + (version_id % 5) * 12


def log_line(version_id: int, node: int, index: int, total: int, status: int) -> str:
    """Line ``index`` of node ``node``'s log: deterministic, training-shaped text."""
    if index == 0:
        return (
            f"[ModelArts Service Log]modelarts-pipe: will create log file /tmp/log/node{node}.log"
        )
    if index == 1:
        return "[ModelArts Service Log]user: uid=1101(work) gid=1101(work) groups=1101(work)"
    if index == total - 1 and status in _FINAL_LINE:
        return _FINAL_LINE[status]
    step = index - 1
    seed = (version_id * 31 + node * 7 + step) % 97
    loss = 2.3 / (1 + step / 8) + seed / 10000
    accuracy = min(0.9999, 0.1 + step / (step + 12) * 0.88 + seed / 100000)
    return (
        f"INFO:tensorflow:step {step * 100}: loss = {loss:.4f}, accuracy = {accuracy:.4f} "
        f"({0.8 + seed / 1000:.3f} sec)"
    )


def aom_positions(start_ms: int, node: int, count: int) -> List[int]:
    """AOM line positions: nanosecond-like numbers (19 digits), increasing per line."""
    return [(start_ms + index * 250) * 1_000_000 + node * 1000 + index for index in range(count)]
