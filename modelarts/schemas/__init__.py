"""Wire JSON <-> our objects: the one package that imports marshmallow.

Every loader takes a parsed JSON body plus where it came from (``operation``,
``status_code``, ``request_id``) and either returns typed values or raises
``ResponseFormatError`` naming the offending field (``versions[3].status``).
The server is sloppy in documented ways (api.md §9, §12): numbers arrive as
strings, ``model_metric_list``/``system_metric_list`` as JSON text or objects,
any field as ``null``, new fields at any time. All of that loads; nothing the
server sent is dropped (unknown fields land in ``extra`` and the raw body is
kept as received).

List-versions pages are loaded in two steps because pages hold up to 1,000
versions and eager marshmallow loading costs several times ``json.loads``::

    page = load_versions_page(body, operation="GET .../versions")  # envelope + cheap checks
    record = page.versions[0]
    record.status, record.create_time      # checked by hand when the page loaded
    record.data().gpu_num                  # full schema, on first use, cached

Where things live: ``_base`` (errors, the converter-backed field, the v1
envelope), ``versions`` (version records and pages), ``jobs`` (list-jobs page,
log reads), ``iam`` (projects, token expiry); the converters themselves and the
read-only JSON views are marshmallow-free, in ``modelarts._wire`` and
``modelarts._readonly``. Import the public names from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes
from .._readonly import ReadOnlyMapping, ReadOnlySequence, read_only
from .._wire import DataSource, Parameter, Volume
from ._base import Envelope, load_envelope
from ._base import _Origin as _Origin  # old pickles of a VersionRecord name it here
from .versions import (
    VersionData,
    VersionRecord,
    VersionsPage,
    check_version_detail,
    load_version_detail,
    load_versions_page,
)

if TYPE_CHECKING:
    from .iam import Project, load_iam_projects, load_token_expiry
    from .jobs import (
        AomLog,
        JobsPage,
        JobSummary,
        load_aom_log,
        load_jobs_page,
        load_log_file_names,
    )

__all__ = [
    "AomLog",
    "DataSource",
    "Envelope",
    "JobSummary",
    "JobsPage",
    "Parameter",
    "Project",
    "ReadOnlyMapping",
    "ReadOnlySequence",
    "VersionData",
    "VersionRecord",
    "VersionsPage",
    "Volume",
    "check_version_detail",
    "load_aom_log",
    "load_envelope",
    "load_iam_projects",
    "load_jobs_page",
    "load_log_file_names",
    "load_token_expiry",
    "load_version_detail",
    "load_versions_page",
    "read_only",
]

# Listing versions needs only ``versions``; the rest loads on first use (import
# time is part of every command's start-up).
_LAZY = {
    "Project": ".iam",
    "load_iam_projects": ".iam",
    "load_token_expiry": ".iam",
    "AomLog": ".jobs",
    "JobsPage": ".jobs",
    "JobSummary": ".jobs",
    "load_aom_log": ".jobs",
    "load_jobs_page": ".jobs",
    "load_log_file_names": ".jobs",
}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
