"""A Python SDK for Huawei Cloud ModelArts training jobs (the v1 ``training-jobs`` API).

::

    from modelarts.session import Session
    from modelarts.estimator import Estimator

    session = Session()                      # credentials from the environment
    versions = Estimator(session, job_id="182626").get_job_version_object_list()

The submodules load on first use, so ``import modelarts`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__",
]
