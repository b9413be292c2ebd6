"""Wire JSON <-> our objects: each body declared once, checked in full when it loads.

Every body is a ``Record`` class of ``field()`` lines (``schemas._record``);
its loader, typed attributes and marshmallow schema are derived from those
lines. A loader takes a parsed JSON body plus where it came from
(``operation``, ``status_code``, ``request_id``) and returns the typed record
or raises ``ResponseFormatError`` naming the offending field
(``versions[3].gpu_num``). The server is sloppy in documented ways: numbers
arrive as strings, ``model_metric_list``/``system_metric_list`` as JSON text
or objects, any field as ``null``, new fields at any time. All of that loads;
nothing the server sent is dropped (``raw`` is the body as received).

Where things live: ``_convert`` (wire types: converters and their fast tests),
``_record`` (the declaration machinery and generated loaders), ``_base``
(marshmallow: schemas derived from the declarations), ``envelope``,
``versions``, ``jobs``, ``created`` (the v1 training-job bodies), ``catalog``
(flavors, engines, built-in algorithms), ``configs`` (saved parameter
configurations), ``visualization`` (visualization jobs), ``iam`` (projects,
token expiry). Import the public names from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes
from .._readonly import ReadOnlyMapping, ReadOnlySequence, read_only
from ._convert import Bad, kind_of, to_id
from ._record import Record
from ._structures import DataSource, Parameter, Volume
from .envelope import Envelope, V1Body, load_envelope
from .versions import Version, VersionsPage, load_version_detail, load_versions_page

if TYPE_CHECKING:
    from ._base import schema_of
    from .catalog import (
        Algorithm,
        AlgorithmsPage,
        Engine,
        EnginesPage,
        Spec,
        SpecsPage,
        load_algorithms_page,
        load_engines_page,
        load_specs_page,
    )
    from .configs import ConfigsPage, JobConfig, load_config_detail, load_configs_page
    from .created import (
        CreatedJob,
        CreatedVersion,
        load_created_job,
        load_created_version,
    )
    from .iam import Project, load_iam_projects, load_token_expiry
    from .jobs import (
        AomLog,
        JobsPage,
        JobSummary,
        LogFileNames,
        load_aom_log,
        load_jobs_page,
        load_log_file_names,
    )
    from .visualization import (
        Visualization,
        VisualizationsPage,
        load_visualization,
        load_visualizations_page,
    )

__all__ = [
    "Algorithm",
    "AlgorithmsPage",
    "AomLog",
    "Bad",
    "ConfigsPage",
    "CreatedJob",
    "CreatedVersion",
    "DataSource",
    "Engine",
    "EnginesPage",
    "Envelope",
    "JobConfig",
    "JobSummary",
    "JobsPage",
    "LogFileNames",
    "Parameter",
    "Project",
    "ReadOnlyMapping",
    "ReadOnlySequence",
    "Record",
    "Spec",
    "SpecsPage",
    "V1Body",
    "Version",
    "VersionsPage",
    "Visualization",
    "VisualizationsPage",
    "Volume",
    "kind_of",
    "load_algorithms_page",
    "load_aom_log",
    "load_config_detail",
    "load_configs_page",
    "load_created_job",
    "load_created_version",
    "load_engines_page",
    "load_envelope",
    "load_iam_projects",
    "load_jobs_page",
    "load_log_file_names",
    "load_specs_page",
    "load_token_expiry",
    "load_version_detail",
    "load_versions_page",
    "load_visualization",
    "load_visualizations_page",
    "read_only",
    "schema_of",
    "to_id",
]

# Listing versions needs only ``versions``; the rest loads on first use (import
# time is part of every command's start-up; marshmallow loads only to explain a
# body that does not fit).
_LAZY = {
    "schema_of": "._base",
    "Algorithm": ".catalog",
    "AlgorithmsPage": ".catalog",
    "Engine": ".catalog",
    "EnginesPage": ".catalog",
    "Spec": ".catalog",
    "SpecsPage": ".catalog",
    "load_algorithms_page": ".catalog",
    "load_engines_page": ".catalog",
    "load_specs_page": ".catalog",
    "CreatedJob": ".created",
    "CreatedVersion": ".created",
    "load_created_job": ".created",
    "load_created_version": ".created",
    "Project": ".iam",
    "load_iam_projects": ".iam",
    "load_token_expiry": ".iam",
    "AomLog": ".jobs",
    "JobsPage": ".jobs",
    "JobSummary": ".jobs",
    "LogFileNames": ".jobs",
    "load_aom_log": ".jobs",
    "load_jobs_page": ".jobs",
    "load_log_file_names": ".jobs",
    "ConfigsPage": ".configs",
    "JobConfig": ".configs",
    "load_config_detail": ".configs",
    "load_configs_page": ".configs",
    "Visualization": ".visualization",
    "VisualizationsPage": ".visualization",
    "load_visualization": ".visualization",
    "load_visualizations_page": ".visualization",
}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
