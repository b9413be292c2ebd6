"""``Estimator``'s calls that take a session instead of an estimator (old SDK names), as a base.

::

    Estimator.get_job_list(session, status=8, per_page=20)      # the list-jobs body, a dict
    Estimator.find_job(session, "mnist")                        # a TrainingJob or None
    Estimator.get_train_instance_types(session)                 # ['modelarts.vm.cpu.2u', ...]
    Estimator.get_framework_list(session)                       # [{'framework_type': ...}, ...]

They are static, as in the old SDK. The REST calls are in
``modelarts/training_api.py`` (jobs, modelarts_03_0046 and 03_0053) and
``modelarts/catalog_api.py`` (flavors 03_0072, engines 03_0073, built-in
algorithms 03_0056); these return the shapes the old SDK returned.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from . import catalog_api, job_submission
from . import training_api as api
from .errors import InvalidArgumentError
from .training_api import Caller, normalize_id
from .training_job import TrainingJob

__all__ = ["SessionCalls", "check_session"]

Id = Union[str, int]


def check_session(session: Any) -> Caller:
    if not isinstance(session, Caller):
        raise InvalidArgumentError(
            f"Estimator needs a modelarts Session as its first argument, got {session!r}"
        )
    return session


class SessionCalls:
    """The static calls of ``Estimator``."""

    @staticmethod
    def get_job_list(
        modelarts_session: Caller,
        status: Union[int, str, None] = None,
        per_page: Optional[int] = None,
        page: Optional[int] = None,
        sortBy: Optional[str] = None,  # noqa: N803 - the REST API's (and old SDK's) spelling
        order: Optional[str] = None,
        search_content: Optional[str] = None,
        sort_by: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One page of the project's training jobs, as the server's body (modelarts_03_0046).

        Only the parameters given are sent; the server's defaults apply to the
        rest, as with the old SDK. ``status`` is a code (``int`` or digits);
        ``sort_by`` is an alias of ``sortBy`` (the old SDK's name under
        password authentication).
        """
        return api.list_jobs(
            check_session(modelarts_session),
            status=status,
            per_page=per_page,
            page=page,
            sort_by=sort_by if sort_by is not None else sortBy,
            order=order,
            search_content=search_content,
        ).as_dict()

    @staticmethod
    def delete_job_by_id(modelarts_session: Caller, job_id: Id) -> Dict[str, Any]:
        """Delete a job and all its versions."""
        client = check_session(modelarts_session)
        return api.delete_job(client, normalize_id(job_id, "job_id")).as_dict()

    @staticmethod
    def find_job(modelarts_session: Caller, job_name: str) -> Optional[TrainingJob]:
        """The latest version of the job named exactly ``job_name``, or ``None``.

        For resuming after ``CreateOutcomeUnknownError`` instead of creating
        the job twice.
        """
        return job_submission.find_job(check_session(modelarts_session), job_name)

    # -- catalogues (modelarts_03_0072, 0073, 0056), the old SDK's shapes --------------------

    @staticmethod
    def get_train_instance_types(modelarts_session: Caller) -> List[str]:
        """The ``spec_code`` of every flavor, in server order."""
        specs = catalog_api.list_resource_specs(check_session(modelarts_session)).specs
        return [spec.spec_code for spec in specs if spec.spec_code is not None]

    @staticmethod
    def get_spec_list(modelarts_session: Caller) -> Dict[str, Any]:
        """The resource-specs body as a ``dict``."""
        return catalog_api.list_resource_specs(check_session(modelarts_session)).as_dict()

    @staticmethod
    def get_engine_list(
        modelarts_session: Caller, job_type: Optional[str] = None
    ) -> Dict[str, Any]:
        """The ai-engines body as a ``dict``; ``job_type`` is sent only when given."""
        client = check_session(modelarts_session)
        return catalog_api.list_ai_engines(client, job_type=job_type).as_dict()

    @staticmethod
    def get_framework_list(
        modelarts_session: Caller, job_type: Optional[str] = None
    ) -> List[Dict[str, Optional[str]]]:
        """``[{"framework_type": engine_name, "framework_version": engine_version}, ...]``."""
        client = check_session(modelarts_session)
        engines = catalog_api.list_ai_engines(client, job_type=job_type).engines
        return [
            {"framework_type": e.engine_name, "framework_version": e.engine_version}
            for e in engines
        ]

    @staticmethod
    def get_built_in_algorithms(modelarts_session: Caller) -> Dict[str, Any]:
        """Every built-in algorithm, as one body: ``{"is_success", "model_total_count", "models"}``.

        All pages are read (the old SDK returned only the server's first page
        of 10).
        """
        models = catalog_api.all_built_in_algorithms(check_session(modelarts_session))
        return {
            "is_success": True,
            "model_total_count": len(models),
            "models": [model.as_dict() for model in models],
        }
