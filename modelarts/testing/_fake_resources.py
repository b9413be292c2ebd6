"""``FakeModelArts``'s methods for job configurations and visualization jobs.

A mixin, like ``_fake_jobs``: seeding and snapshots for the stores of
``_configs`` (modelarts_03_0058..0062) and ``_visualizations``
(modelarts_03_0064..0070), which describe the routes, rules and errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Dict, List, Optional, Tuple

from ._configs import CONFIG_NAME, ConfigStore
from ._job_seeding import StoreError
from ._run_settings import run_settings
from ._visualizations import VISUALIZATION_NAME, VisualizationStore

__all__ = ["FakeResources"]


class FakeResources:
    """Configuration and visualization-job methods of ``FakeModelArts``."""

    #: Set by ``FakeModelArts.__init__``.
    _configs: ConfigStore
    _visualizations: VisualizationStore

    # -- job configurations ------------------------------------------------------------

    def add_job_config(self, name: str, *, desc: str = "", **settings: Any) -> None:
        """Seed a configuration; ``settings`` are the flat run fields of modelarts_03_0058.

        Missing essentials get defaults (one CPU worker on flavor 27, engine 4,
        code and data under the demo bucket); they are checked like a request's.
        """
        if not CONFIG_NAME.fullmatch(name):
            raise ValueError(f"a configuration name is 1-64 of [A-Za-z0-9_-], got {name!r}")
        base: Dict[str, Any] = {"worker_server_num": 1, "engine_id": 4}
        if not {"pool_id", "spec_id"} & set(settings):
            base["spec_id"] = 27
        if not {"model_id", "app_url", "user_image_url"} & set(settings):
            base.update(app_url=f"/modelarts-demo/{name}/code/",
                        boot_file_url=f"/modelarts-demo/{name}/code/train.py")  # fmt: skip
        if not {"data_url", "dataset_id", "data_source"} & set(settings):
            base["data_url"] = "/modelarts-demo/datasets/mnist/"
        self._configs.create(name, desc, run_settings({**base, **settings}, complete=True))

    def job_config(self, name: str) -> Dict[str, Any]:
        """The details record of a custom configuration (``KeyError`` if there is none)."""
        if name not in self._configs.names():
            raise KeyError(f"no configuration {name!r}")
        return self._configs.detail(name)

    @property
    def job_configs(self) -> List[str]:
        """The names of the custom configurations, sorted."""
        return self._configs.names()

    # -- visualization jobs ------------------------------------------------------------

    def add_visualization_job(
        self,
        name: str,
        *,
        train_url: str = "/modelarts-demo/mnist-tensorflow/output/",
        desc: str = "",
        timeline: Optional[Sequence[Tuple[float, int]]] = None,
        schedule_hours: Optional[int] = None,
        created_at: Optional[int] = None,
        workspace_id: str = "0",
    ) -> int:
        """Seed a visualization job; return its id (ids start at 8992).

        ``timeline`` (seconds after ``created_at``, ms since the epoch,
        default now) replaces ``new_visualization_timeline`` for this job:
        ``[(0, 8)]`` is a job already serving, ``[(0, 12)]`` a stopped one.
        """
        if not VISUALIZATION_NAME.fullmatch(name):
            raise ValueError(f"a visualization job name is 1-20 of [A-Za-z0-9_-], got {name!r}")
        answer = self._visualizations.create(
            name, desc, train_url, schedule_hours=schedule_hours, timeline=timeline,
            created_at=created_at, workspace_id=workspace_id,
        )  # fmt: skip
        return int(answer["job_id"])

    def visualization_job(self, job_id: int) -> Dict[str, Any]:
        """The details record of a visualization job (``KeyError`` if there is none)."""
        try:
            return self._visualizations.record(int(job_id))
        except StoreError:
            raise KeyError(f"no visualization job {job_id}") from None

    @property
    def new_visualization_timeline(self) -> Tuple[Tuple[float, int], ...]:
        """How (re)started visualization jobs progress: ``(seconds, status)`` entries."""
        return self._visualizations.new_timeline

    @new_visualization_timeline.setter
    def new_visualization_timeline(self, timeline: Sequence[Tuple[float, int]]) -> None:
        self._visualizations.new_timeline = tuple((float(s), int(c)) for s, c in timeline)
