"""The run settings of a training job: the one declaration that ``fit``, ``create_job_version``
and the saved parameter configurations send.

An ``Estimator``'s run keywords (the old SDK's names) become the ``config``
object of the create-job body (page modelarts_03_0045), of the create-version
body (modelarts_03_0050) and, flat, of a saved configuration
(modelarts_03_0058). ``RUN_FIELDS`` below is the only place that says which
keyword fills which wire field and how it is checked::

    settings = RunSettings.from_options({"train_instance_count": 1, "code_dir": "/b/code/", ...})
    plan = settings.plan(inputs=Inputs.of(inputs="/b/data/"))   # all checks, no request yet
    config = plan.config(spec_id=27, engine_id=4, model_id=None)

Everything is checked before a request is sent (``InvalidArgumentError``, a
``ValueError``). Where Huawei's old SDK went wrong this module does not follow
it: ``pool_id`` is sent as the documented ``pool_id`` (never ``poolId``), an
engine that matches nothing is an error (never silently left out), and the
undocumented ``autosearch_config`` is sent only when ``config_path`` or
``autosearch_path`` was given.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
)

from .errors import ConfigurationError, InvalidArgumentError

__all__ = [
    "JOB_NAME",
    "RUN_FIELDS",
    "RUN_OPTIONS",
    "Inputs",
    "RunField",
    "RunPlan",
    "RunSettings",
    "check_job_name",
    "default_name",
    "refuse_unsupported",
]

#: ``job_name`` (page modelarts_03_0045): 1-64 letters, digits, ``-`` and ``_``.
JOB_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_DESC = 256


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _count(name: str, value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise InvalidArgumentError(f"{name} must be a whole number of nodes >= 1, got {value!r}")
    return value


def _parameters(name: str, value: Any) -> List[Dict[str, str]]:
    """``[{"label": ..., "value": ...}]``; a mapping ``{label: value}`` is accepted too.

    Values are sent as strings, the documented type (numbers are converted).
    """
    items = list(value.items()) if isinstance(value, Mapping) else value
    if not isinstance(items, (list, tuple)):
        raise InvalidArgumentError(f"{name} must be a list of {{'label', 'value'}} dicts")
    out = []
    for index, item in enumerate(items):
        if isinstance(item, tuple) and len(item) == 2:
            label, raw = item
        elif isinstance(item, Mapping) and "label" in item:
            label, raw = item["label"], item.get("value", "")
        else:
            raise InvalidArgumentError(f"{name}[{index}] must be a dict with 'label' and 'value'")
        if not isinstance(label, str) or not label:
            raise InvalidArgumentError(f"{name}[{index}].label must be a non-empty str")
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise InvalidArgumentError(f"{name}[{index}].value must be a str or a number")
        out.append({"label": label, "value": raw if isinstance(raw, str) else str(raw)})
    return out


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return value


# Immutable values as NamedTuples, not dataclasses: every Session loads this module
# (``refuse_unsupported``), and ``dataclasses`` would be most of its import time.


class RunField(NamedTuple):
    """One run keyword: its wire field (``None``: not sent as is) and its check."""

    keyword: str
    wire: Optional[str]
    check: Callable[[str, Any], Any] = _text


#: Every run keyword of ``Estimator``, in the order the config is built.
RUN_FIELDS: Tuple[RunField, ...] = (
    RunField("train_instance_count", "worker_server_num", _count),
    RunField("nas_type", "nas_type"),
    RunField("nas_share_addr", "nas_share_addr"),
    RunField("nas_mount_path", "nas_mount_path"),
    RunField("code_dir", "app_url"),
    RunField("boot_file", "boot_file_url"),
    RunField("output_path", "train_url"),
    RunField("train_instance_type", None),  # resolved to spec_id
    RunField("pool_id", "pool_id"),
    RunField("hyperparameters", "parameter", _parameters),
    RunField("framework_type", None),  # with framework_version, resolved to engine_id
    RunField("framework_version", None),
    RunField("model_name", None),  # resolved to model_id
    RunField("log_url", "log_url"),
    RunField("user_image_url", "user_image_url"),
    RunField("user_command", "user_command"),
    RunField("create_version", "create_version", _flag),
    RunField("job_description", None),  # the body's job_desc
    RunField("base_job_name", None),  # the default job name
    RunField("job_type", None),  # the ai-engines query
    RunField("config_path", None),  # autosearch_config, when given
    RunField("autosearch_path", None),
)
_BY_KEYWORD = {f.keyword: f for f in RUN_FIELDS}
#: The run keywords ``Estimator`` accepts.
RUN_OPTIONS = frozenset(_BY_KEYWORD)
_UNSUPPORTED = {
    "environment": "local or conda training (environment=) is not offered by this SDK",
    "w3_account": "Huawei-internal w3 authentication is not supported",
    "w3_password": "Huawei-internal w3 authentication is not supported",
    "app_id": "Huawei-internal ROMA authentication (app_id) is not supported",
    "app_token": "Huawei-internal ROMA authentication (app_token) is not supported",
}


def refuse_unsupported(names: Iterable[str]) -> None:
    """``ConfigurationError`` for an old-SDK keyword this SDK does not offer (``w3_account``,
    ``app_id``, ``environment``, ...); other names pass."""
    for name in names:
        if name in _UNSUPPORTED:
            raise ConfigurationError(f"{name}=: {_UNSUPPORTED[name]}")


def default_name(prefix: str, now: datetime, limit: int = 64) -> str:
    """``prefix-MMDD-HHMMSS-xxxxxx``: the UTC time and 6 random hex digits, at most ``limit``.

    The random part makes two names made in the same second differ (the old
    SDK's names were equal within a second and used local time + 8 h).
    """
    stamp = now.strftime("%m%d-%H%M%S")
    from secrets import token_hex  # hmac and hashlib: only a job being named needs them

    tail = f"-{stamp}-{token_hex(3)}"
    return prefix[: max(1, limit - len(tail))] + tail


def check_job_name(name: Any) -> str:
    if not isinstance(name, str) or not JOB_NAME.fullmatch(name):
        raise InvalidArgumentError(
            f"job_name must be 1-64 letters, digits, '-' or '_', got {name!r}"
        )
    return name


class Inputs(NamedTuple):
    """Where the training data is: exactly one of an OBS path, a dataset version, sources."""

    wire: Mapping[str, Any]

    @classmethod
    def of(
        cls,
        inputs: Optional[str] = None,
        dataset_id: Optional[str] = None,
        dataset_version_id: Optional[str] = None,
        data_source: Optional[Sequence[Mapping[str, Any]]] = None,
        *,
        required: bool = True,
    ) -> "Inputs":
        given = [
            name
            for name, on in (
                ("inputs", inputs is not None),
                (
                    "dataset_id/dataset_version_id",
                    dataset_id is not None or dataset_version_id is not None,
                ),
                ("data_source", data_source is not None),
            )
            if on
        ]
        if len(given) > 1:
            raise InvalidArgumentError(
                f"give exactly one of inputs, dataset_id+dataset_version_id and data_source; "
                f"got {' and '.join(given)}"
            )
        if not given:
            if required:
                raise InvalidArgumentError(
                    "no training data: pass inputs= (an OBS path), dataset_id= with "
                    "dataset_version_id=, or data_source="
                )
            return cls({})
        if inputs is not None:
            return cls({"data_url": _nonempty("inputs", inputs)})
        if data_source is not None:
            return cls({"data_source": _sources(data_source)})
        if dataset_id is None or dataset_version_id is None:
            raise InvalidArgumentError("dataset_id and dataset_version_id must be given together")
        return cls(
            {
                "dataset_id": _nonempty("dataset_id", dataset_id),
                "dataset_version_id": _nonempty("dataset_version_id", dataset_version_id),
            }
        )


def _nonempty(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"{name} must be a non-empty str, got {value!r}")
    return value


def _sources(value: Any) -> List[Dict[str, Any]]:
    if not isinstance(value, (list, tuple)) or not value:
        raise InvalidArgumentError("data_source must be a non-empty list of dicts")
    out = []
    for index, item in enumerate(value):
        where = f"data_source[{index}]"
        if not isinstance(item, Mapping):
            raise InvalidArgumentError(f"{where} must be a dict")
        kind = item.get("type")
        if kind == "obs":
            _nonempty(f"{where}.data_url", item.get("data_url"))
        elif kind == "dataset":
            _nonempty(f"{where}.dataset_id", item.get("dataset_id"))
            _nonempty(f"{where}.dataset_version", item.get("dataset_version"))
        else:
            raise InvalidArgumentError(f"{where}.type must be 'obs' or 'dataset', got {kind!r}")
        out.append(dict(item))
    return out


class RunPlan(NamedTuple):
    """Checked settings and what is left to resolve through the catalogues."""

    fields: Mapping[str, Any]
    inputs: Inputs
    spec_code: Optional[str]
    engine: Optional[Tuple[str, str]]
    model_name: Optional[str]
    job_type: str
    priority: Optional[int]
    autosearch: Optional[Mapping[str, str]]

    def config(
        self,
        *,
        spec_id: Optional[int] = None,
        engine_id: Optional[int] = None,
        model_id: Optional[int] = None,
        max_nodes: Optional[int] = None,
    ) -> Dict[str, Any]:
        """The wire ``config`` object, ids as JSON integers."""
        nodes = self.fields.get("worker_server_num")
        if max_nodes is not None and nodes is not None and nodes > max_nodes:
            raise InvalidArgumentError(
                f"train_instance_count={nodes} exceeds the {max_nodes} nodes flavor "
                f"{self.spec_code} allows"
            )
        config: Dict[str, Any] = {} if self.priority is None else {"priority": self.priority}
        config.update(self.fields)
        for name, value in (("spec_id", spec_id), ("engine_id", engine_id), ("model_id", model_id)):
            if value is not None:
                config[name] = int(value)
        config.update(self.inputs.wire)
        return config


class RunSettings(NamedTuple):
    """The run keywords of an estimator, unchecked until ``plan``."""

    options: Mapping[str, Any]

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "RunSettings":
        refuse_unsupported(options)
        unknown = sorted(set(options) - RUN_OPTIONS)
        if unknown:
            raise InvalidArgumentError(
                f"unknown Estimator option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(RUN_OPTIONS))}"
            )
        return cls(dict(options))

    def plan(self, inputs: Inputs, *, priority: Any = None, for_config: bool = False) -> RunPlan:
        """Check every setting; ``for_config``: a saved configuration (nodes optional)."""
        given = {k: v for k, v in self.options.items() if v is not None}
        checked = {k: _BY_KEYWORD[k].check(k, v) for k, v in given.items()}
        if "train_instance_count" not in checked and not for_config:
            raise InvalidArgumentError("train_instance_count (the number of nodes) is needed")
        model = checked.get("model_name")
        if model is not None and ("code_dir" in checked or "boot_file" in checked):
            raise InvalidArgumentError(
                "model_name (a built-in algorithm) excludes code_dir/boot_file"
            )
        framework = (checked.get("framework_type"), checked.get("framework_version"))
        if model is not None and any(framework):
            raise InvalidArgumentError("model_name (a built-in algorithm) excludes framework_type")
        if any(framework) and not all(framework):
            raise InvalidArgumentError(
                "framework_type and framework_version must be given together"
            )
        engine = (framework[0], framework[1]) if framework[0] and framework[1] else None
        spec = checked.get("train_instance_type")
        if spec is not None and spec.lower() == "local":
            raise ConfigurationError("train_instance_type='local' (local training) is not offered")
        if spec is not None and "pool_id" in checked:
            raise InvalidArgumentError(
                "give train_instance_type (a public flavor) or pool_id (a dedicated pool), not both"
            )
        if spec is None and "pool_id" not in checked and not for_config:
            raise InvalidArgumentError("train_instance_type or pool_id is needed")
        if priority is not None and (
            isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 3
        ):
            raise InvalidArgumentError(f"priority must be 1, 2 or 3, got {priority!r}")
        wire = {
            f.wire: checked[f.keyword]
            for f in RUN_FIELDS
            if f.wire is not None and f.keyword in checked
        }
        search = {k: checked[k] for k in ("config_path", "autosearch_path") if k in checked}
        return RunPlan(
            fields=wire,
            inputs=inputs,
            spec_code=spec,
            engine=engine,
            model_name=model,
            job_type=checked.get("job_type", "train"),
            priority=priority,
            autosearch=(
                {
                    "config_path": search.get("config_path", ""),
                    "autosearch_path": search.get("autosearch_path", ""),
                }
                if search
                else None
            ),
        )

    def job_body(self, plan: RunPlan, config: Mapping[str, Any], job_name: str) -> Dict[str, Any]:
        """The create-job body (page modelarts_03_0045)."""
        body: Dict[str, Any] = {
            "job_name": check_job_name(job_name),
            "job_desc": self.description(),
            "config": dict(config),
        }
        if plan.autosearch is not None:
            body["autosearch_config"] = dict(plan.autosearch)
        return body

    def description(self, override: Optional[str] = None) -> str:
        value = override if override is not None else self.options.get("job_description")
        text = "" if value is None else _text("job_description", value)
        if len(text) > _MAX_DESC:
            raise InvalidArgumentError(
                f"job_desc is {len(text)} characters; the limit is {_MAX_DESC}"
            )
        return text
