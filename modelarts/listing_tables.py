"""The ``is_show`` tables of saved configurations and visualization jobs.

::

  NAME       ENGINE                         CREATED              DESCRIPTION
  mnist-cpu  TensorFlow TF-1.8.0-python3.6  2026-11-27 06:00:00  nightly MNIST run

  JOB ID  NAME         STATUS   CREATED              DURATION  SERVICE URL
  8992    mnist-board  RUNNING  2026-11-27 06:00:00  0:01:40   https://...

Drawn like the versions table (``modelarts.display``): pure functions of the
records one listing already holds (never a request per row), columns as wide
as their widest cell, long cells cut with ``…``, ``-`` for a missing value,
times in UTC. The service URL is the last column and is never cut (it is
what one copies).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Iterable, Optional, Sequence, TextIO

from .display import clip, format_duration, format_time, render_table

if TYPE_CHECKING:
    from .schemas.configs import JobConfig
    from .schemas.visualization import Visualization

__all__ = [
    "CONFIG_COLUMNS",
    "VISUALIZATION_COLUMNS",
    "print_configs_table",
    "print_visualizations_table",
    "render_configs_table",
    "render_visualizations_table",
]

CONFIG_COLUMNS = ("NAME", "ENGINE", "CREATED", "DESCRIPTION")
VISUALIZATION_COLUMNS = ("JOB ID", "NAME", "STATUS", "CREATED", "DURATION", "SERVICE URL")
_URL_WIDTH = 400


def _engine(config: JobConfig) -> Optional[str]:
    parts = [part for part in (config.engine_name, config.engine_version) if part]
    if parts:
        return " ".join(parts)
    return config.user_image_url  # a custom image stands in for an engine


def _config_row(config: JobConfig) -> Sequence[str]:
    return (
        clip(config.config_name),
        clip(_engine(config)),
        format_time(config.create_time),
        clip(config.config_desc),
    )


def render_configs_table(configs: Iterable[JobConfig]) -> str:
    """One line per configuration (header first), no trailing newline."""
    return render_table(CONFIG_COLUMNS, [_config_row(config) for config in configs])


def _visualization_row(job: Visualization) -> Sequence[str]:
    return (
        job.job_id or "-",
        clip(job.job_name),
        job.status.name,
        format_time(job.create_time),
        format_duration(job.duration),
        clip(job.service_url, _URL_WIDTH),
    )


def render_visualizations_table(jobs: Iterable[Visualization]) -> str:
    """One line per visualization job (header first), no trailing newline."""
    return render_table(VISUALIZATION_COLUMNS, [_visualization_row(job) for job in jobs])


def print_configs_table(configs: Iterable[JobConfig], file: Optional[TextIO] = None) -> None:
    (sys.stdout if file is None else file).write(render_configs_table(configs) + "\n")


def print_visualizations_table(
    jobs: Iterable[Visualization], file: Optional[TextIO] = None
) -> None:
    (sys.stdout if file is None else file).write(render_visualizations_table(jobs) + "\n")
