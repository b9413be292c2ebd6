"""Names that scripts written for Huawei's old ModelArts SDK import from ``modelarts.constant``.

::

    from modelarts.constant import JOB_STATE
    JOB_STATE[7]     # 'JOBSTAT_DEPLOYING': the old SDK's name for code 7
    JOB_STATE[10]    # 'JOBSTAT_COMPLETED'

``JOB_STATE`` is the old SDK's list, indexed by status code and unchanged at
0-18 (code 7 is ``JOBSTAT_DEPLOYING`` there, 16-18 the ``CHECK_*`` names), so
scripts that index it or compare with its strings keep working. It is extended
past 18 so that every code the service is known to send indexes to a name: 19-21
carry the names of Huawei's status table (page modelarts_03_0074) and 22, which
the service sends but no page names, is ``JOBSTAT_CODE_22`` (the name
``JobStatus(22)`` has). New code should use ``modelarts.training_job.JobStatus``.
"""

from __future__ import annotations

from typing import List

__all__ = [
    "ACCOUNT_AUTH",
    "AKSK_AUTH",
    "HTTPS_DELETE",
    "HTTPS_GET",
    "HTTPS_POST",
    "HTTPS_PUT",
    "ISO_TIME_FORMAT",
    "JOB_STATE",
    "LOCAL_TRAIN_TYPE",
    "ROMA_AUTH",
    "ROMA_TRAIN_JOB_DEFAULT_PRIORITY",
]

#: Status names indexed by code: the old SDK's 0-18, then 19-22.
JOB_STATE: List[str] = [
    "JOBSTAT_UNKNOWN",
    "JOBSTAT_INIT",
    "JOBSTAT_IMAGE_CREATING",
    "JOBSTAT_IMAGE_FAILED",
    "JOBSTAT_SUBMIT_TRYING",
    "JOBSTAT_SUBMIT_FAILED",
    "JOBSTAT_DELETE_FAILED",
    "JOBSTAT_DEPLOYING",
    "JOBSTAT_RUNNING",
    "JOBSTAT_KILLING",
    "JOBSTAT_COMPLETED",
    "JOBSTAT_FAILED",
    "JOBSTAT_KILLED",
    "JOBSTAT_CANCELED",
    "JOBSTAT_LOST",
    "JOBSTAT_SCALING",
    "JOBSTAT_CHECK_INIT",
    "JOBSTAT_CHECK_RUNNING",
    "JOBSTAT_CHECK_FAILED",
    # Past the old SDK's list: Huawei's status table for 19-21, and 22.
    "JOBSTAT_CHECK_RUNNING",
    "JOBSTAT_CHECK_RUNNING_COMPLETED",
    "JOBSTAT_CHECK_FAILED",
    "JOBSTAT_CODE_22",
]

HTTPS_GET = "GET"
HTTPS_POST = "POST"
HTTPS_PUT = "PUT"
HTTPS_DELETE = "DELETE"

#: Authentication modes as the old SDK named them (``Session.auth_mode`` here
#: says ``"aksk"``, ``"token"`` or ``"none"``).
AKSK_AUTH = "aksk"
ACCOUNT_AUTH = "account"
ROMA_AUTH = "roma"

#: The ``strftime`` pattern of the old SDK's default job names (``job-1204-020159``).
ISO_TIME_FORMAT = "%m%d-%H%M%S"
#: The priority the old SDK sent with every create (this SDK sends one only when given).
ROMA_TRAIN_JOB_DEFAULT_PRIORITY = 1
#: The old SDK's ``train_instance_type`` for local training, which this SDK does not offer.
LOCAL_TRAIN_TYPE = "local"
