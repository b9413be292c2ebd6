"""The catalogues a job is created from: flavors, AI engines, built-in algorithms.

::

    from modelarts import catalog_api

    specs = catalog_api.list_resource_specs(session).specs         # typed Spec records
    engines = catalog_api.list_ai_engines(session, job_type="train").engines
    algorithms = catalog_api.all_built_in_algorithms(session)       # every page

    catalogues = catalog_api.catalogues(session)        # fetched once per Session
    catalogues.spec("modelarts.vm.cpu.8u").spec_id      # 27
    catalogues.engine("PyTorch", "PyTorch-1.4.0-python3.6").engine_id

Pages: resource-specs modelarts_03_0072, ai-engines modelarts_03_0073,
built-in-algorithms modelarts_03_0056. ``catalogues(session)`` keeps what it
fetched in the session's ``cache`` (one entry per catalogue, for the session's
life), so creating many versions asks for each catalogue once; a name that
matches nothing raises ``InvalidArgumentError`` listing what is available.
"""

from __future__ import annotations

import threading
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    MutableMapping,
    Optional,
    Tuple,
    TypeVar,
)

from .errors import InvalidArgumentError
from .training_api import MAX_PAGE, Caller

if TYPE_CHECKING:  # loaded on first use
    from .schemas import Algorithm, AlgorithmsPage, Engine, EnginesPage, Spec, SpecsPage

__all__ = [
    "ALGORITHMS_PAGE_SIZE",
    "CACHE_KEY",
    "Catalogues",
    "all_built_in_algorithms",
    "catalogues",
    "list_ai_engines",
    "list_built_in_algorithms",
    "list_resource_specs",
]

#: ``per_page`` of built-in-algorithms is documented as [1, 100] (modelarts_03_0056).
ALGORITHMS_PAGE_SIZE = 100
#: The key under which ``catalogues`` keeps its ``Catalogues`` in a session's ``cache``.
CACHE_KEY = "modelarts.catalogues"
_JOB_TYPES = ("train", "inference")

T = TypeVar("T")


def _job_type_query(job_type: Optional[str]) -> Optional[List[Tuple[str, Any]]]:
    if job_type is None:
        return None
    if job_type not in _JOB_TYPES:
        raise InvalidArgumentError(f"job_type must be 'train' or 'inference', got {job_type!r}")
    return [("job_type", job_type)]


def list_resource_specs(client: Caller, *, job_type: Optional[str] = None) -> SpecsPage:
    """``GET .../job/resource-specs`` (modelarts_03_0072); ``job_type`` only when given."""
    from .schemas import load_specs_page

    page: SpecsPage = client.request(
        "GET",
        "/v1/{project_id}/job/resource-specs",
        query=_job_type_query(job_type),
        operation="list resource specs",
        load=load_specs_page,
    )
    return page


def list_ai_engines(client: Caller, *, job_type: Optional[str] = None) -> EnginesPage:
    """``GET .../job/ai-engines`` (modelarts_03_0073); ``job_type`` only when given."""
    from .schemas import load_engines_page

    page: EnginesPage = client.request(
        "GET",
        "/v1/{project_id}/job/ai-engines",
        query=_job_type_query(job_type),
        operation="list AI engines",
        load=load_engines_page,
    )
    return page


def list_built_in_algorithms(
    client: Caller, *, page: Optional[int] = None, per_page: Optional[int] = None
) -> AlgorithmsPage:
    """One page of ``GET .../built-in-algorithms`` (modelarts_03_0056).

    ``page``/``per_page`` are sent only when given (the server's defaults:
    page 1, 10 per page; ``per_page`` at most 100).
    """
    from .schemas import load_algorithms_page

    query: List[Tuple[str, Any]] = []
    if per_page is not None:
        if isinstance(per_page, bool) or not isinstance(per_page, int):
            raise InvalidArgumentError(f"per_page must be an int, got {per_page!r}")
        if not 1 <= per_page <= ALGORITHMS_PAGE_SIZE:
            raise InvalidArgumentError(
                f"per_page must be in [1, {ALGORITHMS_PAGE_SIZE}], got {per_page!r}"
            )
        query.append(("per_page", per_page))
    if page is not None:
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
            raise InvalidArgumentError(f"page must be an int in [1, {MAX_PAGE}], got {page!r}")
        query.append(("page", page))
    answer: AlgorithmsPage = client.request(
        "GET",
        "/v1/{project_id}/built-in-algorithms",
        query=query or None,
        operation="list built-in algorithms" + (f" (page {page})" if page else ""),
        load=load_algorithms_page,
    )
    return answer


def all_built_in_algorithms(client: Caller) -> Tuple[Algorithm, ...]:
    """Every built-in algorithm: pages of 100 until ``model_total_count`` arrived.

    The old SDK read only the first page (10 by default), so an algorithm
    past it could not be found by name. A page that comes back short or adds
    nothing new ends the listing.
    """
    found: Dict[Any, Algorithm] = {}
    for number in range(1, MAX_PAGE + 1):
        page = list_built_in_algorithms(client, page=number, per_page=ALGORITHMS_PAGE_SIZE)
        before = len(found)
        for model in page.models:
            found.setdefault(model.model_id if model.model_id is not None else id(model), model)
        total = page.model_total_count
        if (total is not None and len(found) >= total) or len(found) == before:
            break
        if len(page.models) < ALGORITHMS_PAGE_SIZE:
            break
    return tuple(found.values())


def _listing(values: List[str]) -> str:
    return ", ".join(values) if values else "none"


class Catalogues:
    """The catalogues of one session, each fetched on first use and then kept.

    Get the one of a session with ``catalogues(session)``. The engines are
    kept per ``job_type``.
    """

    def __init__(self, client: Caller) -> None:
        self._client = client
        self._kept: Dict[Any, Any] = {}
        self._lock = threading.Lock()  # threads sharing a session fetch each catalogue once

    def _once(self, key: Any, fetch: Callable[[], T]) -> T:
        with self._lock:
            if key not in self._kept:
                self._kept[key] = fetch()
            value: T = self._kept[key]
        return value

    def specs(self) -> Tuple[Spec, ...]:
        """The flavors (resource-specs with no query, as the old SDK asked)."""
        return self._once("specs", lambda: list_resource_specs(self._client).specs)

    def engines(self, job_type: str = "train") -> Tuple[Engine, ...]:
        """The engines for ``job_type`` (ai-engines ``?job_type=``, as the old SDK asked)."""
        return self._once(
            ("engines", job_type),
            lambda: list_ai_engines(self._client, job_type=job_type).engines,
        )

    def algorithms(self) -> Tuple[Algorithm, ...]:
        """Every built-in algorithm (all pages)."""
        return self._once("algorithms", lambda: all_built_in_algorithms(self._client))

    def spec(self, spec_code: str) -> Spec:
        """The flavor whose ``spec_code`` is ``spec_code``."""
        specs = self.specs()
        for spec in specs:
            if spec.spec_code == spec_code:
                return spec
        codes = [s.spec_code for s in specs if s.spec_code]
        raise InvalidArgumentError(
            f"train_instance_type {spec_code!r} is not a flavor on offer; "
            f"available: {_listing(codes)}"
        )

    def engine(self, name: str, version: str, job_type: str = "train") -> Engine:
        """The engine named ``name`` (framework_type) at ``version`` (framework_version)."""
        engines = self.engines(job_type)
        for engine in engines:
            if engine.engine_name == name and engine.engine_version == version:
                return engine
        same = [e.engine_version or "" for e in engines if e.engine_name == name]
        if same:
            detail = f"versions of {name}: {_listing(same)}"
        else:
            names = sorted({e.engine_name for e in engines if e.engine_name})
            detail = f"frameworks: {_listing(names)}"
        raise InvalidArgumentError(
            f"framework {name!r} version {version!r} is not offered for {job_type} jobs; "
            f"available {detail}"
        )

    def algorithm(self, model_name: str) -> Algorithm:
        """The built-in algorithm named ``model_name``."""
        algorithms = self.algorithms()
        for algorithm in algorithms:
            if algorithm.model_name == model_name:
                return algorithm
        names = [a.model_name for a in algorithms if a.model_name]
        raise InvalidArgumentError(
            f"model_name {model_name!r} is not a built-in algorithm; available: {_listing(names)}"
        )


def catalogues(client: Caller) -> Catalogues:
    """The ``Catalogues`` of ``client``, kept in its ``cache`` (a ``Session`` has one).

    A caller without a ``cache`` mapping gets a fresh ``Catalogues`` each time
    (every resolution fetches again).
    """
    cache: Optional[MutableMapping[str, Any]] = getattr(client, "cache", None)
    if cache is None:
        return Catalogues(client)
    found = cache.get(CACHE_KEY)
    if not isinstance(found, Catalogues):
        found = cache.setdefault(CACHE_KEY, Catalogues(client))
    return found
