"""Training job parameter configurations: a ``configs[]`` item of the list (modelarts_03_0059)
and the details body (modelarts_03_0062), declared once.

::

    page = load_configs_page(body, operation="list job configurations")
    page.config_total_count, page.configs[0].config_name, page.configs[0].create_time

The list gives a few fields of each configuration (name, description, time,
engine, image); the details body gives every run setting as well. Both load
into ``JobConfig``; what a body leaves out is ``None``.
"""

from __future__ import annotations

from ._convert import CODE, INT, MS_TIME, TEXT
from ._record import Record, field, items
from ._structures import DATA_SOURCES, PARAMETERS, VOLUMES
from .envelope import V1Body

__all__ = ["ConfigsPage", "JobConfig", "load_config_detail", "load_configs_page"]


class JobConfig(Record):
    """One saved configuration: its name and description, and the run settings it holds."""

    __slots__ = ()

    config_name = field(
        TEXT, "The configuration's name (1-64 of ``[A-Za-z0-9_-]``).", required=True
    )
    config_desc = field(TEXT, "Its description.")
    create_time = field(MS_TIME, "When it was created (aware, UTC).")
    worker_server_num = field(INT, "Number of nodes.")
    app_url = field(TEXT, "OBS code directory.")
    boot_file_url = field(TEXT, "Boot file inside ``app_url``.")
    model_id = field(INT, "Built-in algorithm id.")
    parameter = field(PARAMETERS, "Run arguments as (label, value).")
    spec_id = field(INT, "Resource flavor id (public pool).")
    spec_code = field(TEXT, "Resource flavor code, e.g. ``modelarts.vm.cpu.2u``.")
    gpu_type = field(TEXT, "GPU type of the flavor.")
    gpu_num = field(INT, "GPUs of the flavor.")
    cpu = field(TEXT, "CPU memory of the flavor, as text.")
    core = field(TEXT, "CPU cores of the flavor, as text.")
    data_url = field(TEXT, "OBS dataset path.")
    dataset_id = field(TEXT, "Dataset id.")
    dataset_version_id = field(TEXT, "Dataset version id.")
    dataset_name = field(TEXT, "Dataset name.")
    dataset_version_name = field(TEXT, "Dataset version name.")
    data_source = field(DATA_SOURCES, "Input data sources.")
    engine_type = field(INT, "Engine family code.")
    engine_name = field(TEXT, "Engine, e.g. ``TensorFlow``.")
    engine_id = field(INT, "Engine id from the ai-engines catalogue.")
    engine_version = field(TEXT, "Engine version, e.g. ``TF-1.8.0-python3.6``.")
    train_url = field(TEXT, "OBS output directory.")
    log_url = field(TEXT, "OBS log directory.")
    user_image_url = field(TEXT, "Custom image (SWR).")
    user_command = field(TEXT, "Custom image start command.")
    pool_id = field(TEXT, "Dedicated pool id.")
    pool_name = field(TEXT, "Pool name.")
    volumes = field(VOLUMES, "Mounted volumes.")
    nas_mount_path = field(TEXT, "SFS Turbo mount path in the container.")
    nas_share_addr = field(TEXT, "SFS Turbo share address.")
    nas_type = field(TEXT, "NAS type.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config_name!r}>"


class ConfigsPage(V1Body):
    """One page of the project's configurations (modelarts_03_0059), in server order."""

    __slots__ = ()

    config_total_count = field(CODE, "How many configurations match (all pages).")
    configs = field(items(JobConfig), "The configurations on this page.", default=())


load_configs_page = ConfigsPage.load
#: The details body (modelarts_03_0062): the configuration's fields at the top level.
load_config_detail = JobConfig.load
