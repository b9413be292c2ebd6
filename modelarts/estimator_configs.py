"""``Estimator``'s parameter-configuration methods (the old SDK's names), as a base class.

::

    estimator = Estimator(session, train_instance_count=1, code_dir="/b/code/", ...)
    estimator.create_job_configs("mnist-cpu", inputs="/b/data/", config_desc="nightly")
    Estimator.get_job_configs_object_list(session)            # prints a table
    Estimator(session, config_name="mnist-cpu").get_job_configs_info()   # a dict
    job = Estimator.from_job_config(session, "mnist-cpu").fit(inputs="/b/data/")

The work is done in ``modelarts/job_configs.py`` (saving and loading run
settings) and ``modelarts/config_api.py`` (the REST calls, pages
modelarts_03_0058 .. 03_0062); both load on first use, so that importing
``modelarts.estimator`` stays cheap. Calls that the old SDK documented as
returning dicts return the server's body as a dict; a failure raises
``APIError`` (the old SDK raised a bare ``Exception``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Type, TypeVar

from .errors import InvalidArgumentError
from .run_config import RUN_OPTIONS
from .training_api import Caller

if TYPE_CHECKING:
    from .schemas.configs import ConfigsPage, JobConfig

__all__ = ["JobConfigMethods"]

E = TypeVar("E", bound="JobConfigMethods")


def _client(session: Any) -> Caller:
    if not isinstance(session, Caller):
        raise InvalidArgumentError(f"pass a modelarts Session, got {session!r}")
    return session


def _list(
    session: Any,
    per_page: Optional[int],
    page: Optional[int],
    sort_by: Optional[str],
    order: Optional[str],
    search_content: Optional[str],
    config_type: Optional[str],
) -> ConfigsPage:
    from .config_api import list_configs

    return list_configs(
        _client(session),
        per_page=per_page,
        page=page,
        sort_by=sort_by,
        order=order,
        search_content=search_content,
        config_type=config_type,
    )


class JobConfigMethods:
    """Saving, listing, reading, replacing and deleting parameter configurations.

    ``config_name`` names the estimator's configuration (``Estimator(session,
    config_name=...)``, which makes no request); ``from_job_config`` builds an
    estimator whose run keywords are the saved ones.
    """

    session: Caller
    config_name: Optional[str]

    def _options(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in RUN_OPTIONS}

    def _named(self, operation: str) -> str:
        if self.config_name is None:
            raise InvalidArgumentError(
                f"{operation} needs an Estimator with config_name= (a saved configuration)"
            )
        return self.config_name

    def create_job_configs(
        self,
        config_name: Optional[str] = None,
        inputs: Optional[str] = None,
        dataset_id: Optional[str] = None,
        dataset_version_id: Optional[str] = None,
        data_source: Optional[Sequence[Mapping[str, Any]]] = None,
        config_desc: Optional[str] = None,
    ) -> JobConfig:
        """Save the estimator's run settings (and, optionally, the data) as a configuration.

        Sends what ``fit`` would send, flat (modelarts_03_0058): the same
        checks, the flavor, engine and algorithm resolved through the same
        catalogues; ``config_desc`` only when given. ``config_name`` defaults
        to ``config-MMDD-HHMMSS-xxxxxx`` (UTC and random hex; 1-64 of
        ``[A-Za-z0-9_-]`` are allowed). The estimator's ``config_name`` is set
        to it. Returns the configuration as sent (a ``JobConfig``; the old SDK
        returned a TrainingJob whose only meaningful field was ``config_name``).
        """
        from .job_configs import new_config
        from .run_config import Inputs
        from .training_job import clock_of

        data = Inputs.of(inputs, dataset_id, dataset_version_id, data_source, required=False)
        created = new_config(
            self.session,
            self._options(),
            data,
            name=config_name,
            description=config_desc,
            now=clock_of(self.session).now(),
        )
        self.config_name = created.config_name
        return created

    def update_job_configs(
        self,
        config_name: Optional[str] = None,
        inputs: Optional[str] = None,
        dataset_id: Optional[str] = None,
        dataset_version_id: Optional[str] = None,
        data_source: Optional[Sequence[Mapping[str, Any]]] = None,
        config_desc: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Replace a configuration's settings with the estimator's (modelarts_03_0060).

        ``config_name`` defaults to the estimator's. The saved description
        stays unless ``config_desc`` is given. Returns the server's body.
        """
        from .job_configs import replace_config
        from .run_config import Inputs

        name = config_name if config_name is not None else self._named("update_job_configs")
        data = Inputs.of(inputs, dataset_id, dataset_version_id, data_source, required=False)
        return replace_config(
            self.session, self._options(), data, name=name, description=config_desc
        )

    def get_job_configs_info(self, config_type: Optional[str] = None) -> Dict[str, Any]:
        """Every setting of the estimator's configuration (modelarts_03_0062), as the body."""
        from .config_api import get_config

        name = self._named("get_job_configs_info")
        return get_config(self.session, name, config_type=config_type).as_dict()

    def delete_job_configs(self) -> Dict[str, Any]:
        """Delete the estimator's configuration (modelarts_03_0061); the server's body."""
        from .config_api import delete_config
        from .job_configs import logger

        name = self._named("delete_job_configs")
        answer = delete_config(self.session, name).as_dict()
        logger.info("deleted job configuration %s", name)
        return answer

    @classmethod
    def from_job_config(
        cls: Type[E], modelarts_session: Caller, config_name: str, config_type: Optional[str] = None
    ) -> E:
        """An estimator whose run keywords are those of a saved configuration.

        One request for the details (modelarts_03_0062), and, when the
        configuration uses a built-in algorithm, the algorithms catalogue (once
        per session) for its name. ``fit`` and ``create_job_version`` then send
        those settings: the create body names no configuration. The data is
        ``fit``'s argument as always (the saved one is in
        ``get_job_configs_info()["data_url"]``). The constructor alone
        (``Estimator(session, config_name=...)``) makes no request, as in the
        old SDK.
        """
        from .config_api import get_config
        from .job_configs import run_keywords

        client = _client(modelarts_session)
        config = get_config(client, config_name, config_type=config_type)
        keywords = run_keywords(client, config)
        return cls(client, config_name=config_name, **keywords)  # type: ignore[call-arg]

    @staticmethod
    def get_job_configs_list(
        modelarts_session: Caller,
        per_page: Optional[int] = None,
        page: Optional[int] = None,
        sortBy: Optional[str] = None,  # noqa: N803 - the REST API's (and old SDK's) spelling
        order: Optional[str] = None,
        search_content: Optional[str] = None,
        config_type: Optional[str] = None,
        *,
        sort_by: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One page of the project's configurations (modelarts_03_0059), as the server's body.

        Only the filters given are sent (the server's defaults: 10 per page,
        by ``config_name``, ``desc``, ``custom``). ``sort_by`` is an alias of
        ``sortBy``.
        """
        return _list(
            modelarts_session, per_page, page, sort_by or sortBy, order, search_content, config_type
        ).as_dict()

    @staticmethod
    def get_job_configs_object_list(
        modelarts_session: Caller,
        is_show: bool = True,
        per_page: Optional[int] = None,
        page: Optional[int] = None,
        sortBy: Optional[str] = None,  # noqa: N803
        order: Optional[str] = None,
        search_content: Optional[str] = None,
        config_type: Optional[str] = None,
        *,
        sort_by: Optional[str] = None,
    ) -> List[JobConfig]:
        """The configurations of one listing as typed ``JobConfig`` records (one request).

        Each has ``config_name`` (what the old SDK's objects carried) and the
        other listed fields; ``raw`` is the record as received. With
        ``is_show`` a table of them is printed to stdout.
        """
        page_ = _list(
            modelarts_session, per_page, page, sort_by or sortBy, order, search_content, config_type
        )
        configs = list(page_.configs)
        if is_show:
            from .listing_tables import print_configs_table

            print_configs_table(configs)
        return configs
