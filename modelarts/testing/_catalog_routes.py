"""The fake's catalogue routes: resource flavors, AI engines and built-in algorithms.

* ``GET /v1/{project_id}/job/resource-specs`` (modelarts_03_0072): query
  ``job_type`` (``train`` or ``inference``), ``engine_id`` (0, the default,
  means every flavor; an Ascend engine lists the Ascend flavors, any other
  engine the CPU and GPU ones; an unknown engine lists none) and
  ``project_type`` (an integer, accepted and not used).
* ``GET /v1/{project_id}/job/ai-engines`` (modelarts_03_0073): query ``job_type``.
* ``GET /v1/{project_id}/built-in-algorithms`` (modelarts_03_0056): query
  ``per_page`` [1, 100] (default 10), ``page`` >= 1 (default 1), ``sortBy``
  (``engine``, ``model_name``, ``model_precision``, ``model_usage``,
  ``model_size``, ``create_time``, ``parameter``; default ``engine``, the
  engine name), ``order`` (default ``desc``) and ``search_content`` (a
  case-insensitive part of the model name, 0-64 characters);
  ``model_total_count`` counts every match.
"""

from __future__ import annotations

from typing import List, Tuple

from . import offerings
from ._parsing import (
    Answer,
    Incoming,
    RouteHandler,
    choice,
    int_query,
    page_of,
    search_query,
)

__all__ = ["CatalogRoutes"]

_PREFIX = "/v1/{project_id}"
_JOB_TYPES = ("train", "inference")
_ALGORITHM_SORT_KEYS = ("engine", "model_name", "model_precision", "model_usage", "model_size",
                        "create_time", "parameter")  # fmt: skip


class CatalogRoutes:
    """The route table of the catalogue endpoints (they hold no state)."""

    def table(self) -> List[Tuple[str, str, RouteHandler]]:
        return [
            ("GET", _PREFIX + "/job/resource-specs", self.resource_specs),
            ("GET", _PREFIX + "/job/ai-engines", self.ai_engines),
            ("GET", _PREFIX + "/built-in-algorithms", self.built_in_algorithms),
        ]

    def resource_specs(self, request: Incoming) -> Answer:
        choice(request.query, "job_type", "train", _JOB_TYPES)
        engine_id = int_query(request.query, "engine_id", 0, 0, 2**63 - 1)
        int_query(request.query, "project_type", 0, 0, 2**31 - 1)
        specs = [offerings.spec_record(spec) for spec in offerings.specs_for_engine(engine_id)]
        return 200, {"specs": specs, "is_success": True, "spec_total_count": len(specs)}

    def ai_engines(self, request: Incoming) -> Answer:
        choice(request.query, "job_type", "train", _JOB_TYPES)
        engines = [offerings.engine_record(engine) for engine in offerings.ENGINES.values()]
        return 200, {"is_success": True, "engines": engines}

    def built_in_algorithms(self, request: Incoming) -> Answer:
        query = request.query
        per_page = int_query(query, "per_page", 10, 1, 100)
        page = int_query(query, "page", 1, 1, 65535)
        sort_by = choice(query, "sortBy", "engine", _ALGORITHM_SORT_KEYS)
        order = choice(query, "order", "desc", ("asc", "desc"))
        search = search_query(query)
        key = "engine_name" if sort_by == "engine" else sort_by
        models = [
            offerings.algorithm_record(algorithm)
            for algorithm in offerings.ALGORITHMS.values()
            if search in algorithm.model_name.lower()
        ]
        models.sort(key=lambda model: (model[key], model["model_id"]), reverse=order == "desc")
        return 200, {
            "models": page_of(models, page, per_page),
            "model_total_count": len(models),
            "is_success": True,
        }
