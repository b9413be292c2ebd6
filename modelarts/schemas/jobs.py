"""The other training-job bodies: the list-jobs page (modelarts_03_0046) and the two
log reads (modelarts_03_0054 file names, modelarts_03_0149 aom-log)."""

from __future__ import annotations

from ._convert import CODE, DURATION_MS, ID, INT, MS_TIME, NAMES, STATUS, TEXT
from ._record import Record, field, items
from .envelope import V1Body

__all__ = [
    "AomLog",
    "JobSummary",
    "JobsPage",
    "LogFileNames",
    "load_aom_log",
    "load_jobs_page",
    "load_log_file_names",
]


class JobSummary(Record):
    """One ``jobs[]`` item of the list-jobs body."""

    __slots__ = ()

    job_id = field(ID, "The job's id, decimal digits.", required=True)
    job_name = field(TEXT, "The job's name.")
    version_id = field(ID, "The id of the job's latest version.")
    status = field(STATUS, "The latest version's status as a ``JobStatus``.")
    create_time = field(MS_TIME, "When the job was created (aware, UTC).")
    duration = field(DURATION_MS, "How long the latest version ran.")
    job_desc = field(TEXT, "The job's description.")
    version_count = field(CODE, "How many versions the job has.")

    def __repr__(self) -> str:
        return f"<JobSummary job_id={self.job_id!r} {self.job_name!r}>"


class JobsPage(V1Body):
    """The list-jobs body: one page of the project's jobs, in server order."""

    __slots__ = ()

    job_total_count = field(CODE, "How many jobs match (all pages).")
    job_count_limit = field(INT, "How many more jobs the project may create.")
    quotas = field(INT, "The project's job quota.")
    jobs = field(items(JobSummary), "The jobs on this page.", default=())


class LogFileNames(V1Body):
    """The log-file-names body: one file per node (``log_file_list``, sent as an array)."""

    __slots__ = ()

    log_file_list = field(NAMES, "The names, in server order; ``()`` when none.", default=())


class AomLog(V1Body):
    """One aom-log read. Line positions stay text: they exceed 2**53."""

    __slots__ = ()

    content = field(TEXT, "The log lines, as one text.", default="")
    lines = field(CODE, "How many lines came back.")
    start_line = field(TEXT, "Position of the first line.")
    end_line = field(TEXT, "Position of the last line (the next read's ``base_line``).")


load_jobs_page = JobsPage.load
load_log_file_names = LogFileNames.load
load_aom_log = AomLog.load
