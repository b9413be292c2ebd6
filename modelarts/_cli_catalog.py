"""``modelarts specs``, ``modelarts engines``, ``modelarts algorithms``: the catalogues a job
is created from, as tables (``-o json``: the server's records as received).

Resource flavors: page modelarts_03_0072; AI engines: modelarts_03_0073;
built-in algorithms: modelarts_03_0056 (every page). The values shown are what
``jobs create`` takes: ``--instance-type SPEC_CODE``, ``--framework-type NAME
--framework-version VERSION``, ``--model-name NAME``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Tuple

from . import catalog_api
from ._cli_console import Context
from ._cli_format import cell, dump_json, render_table
from .display import format_time

if TYPE_CHECKING:
    from .schemas import Algorithm, Engine, Spec

__all__ = ["list_algorithms", "list_engines", "list_specs"]

_MISSING = "-"
#: ``model_usage`` codes of modelarts_03_0056.
_USAGES = {1: "classification", 2: "detection", 3: "segmentation", 4: "NLP", 5: "embedding"}


def _text(value: Any) -> str:
    return _MISSING if value is None else cell(str(value))


def _print(
    ctx: Context, args: Any, records: Sequence[Any], header: Sequence[str], rows: Any
) -> int:
    if args.output == "json":
        records_json = [record.raw for record in records]
        text = dump_json(records_json, indent=2, ascii_only=ctx.console.ascii_only)
        ctx.console.out(text + "\n")
    else:
        ctx.console.out(render_table(header, list(rows)) + "\n")
    return 0


def _spec_row(spec: Spec) -> Tuple[str, ...]:
    gpus = None
    if spec.gpu_num:
        gpus = f"{spec.gpu_num} x {spec.gpu_type}" if spec.gpu_type else str(spec.gpu_num)
    available: Optional[str] = None
    if spec.no_resource is not None:
        available = "no" if spec.no_resource else "yes"
    return (
        _text(spec.spec_code),
        _text(spec.spec_id),
        _text(spec.core),
        _text(spec.cpu),
        _text(gpus),
        _text(spec.max_num),
        _text(available),
    )


def list_specs(ctx: Context, args: Any) -> int:
    specs = catalog_api.list_resource_specs(ctx.session(), job_type=args.job_type).specs
    header = ("SPEC CODE", "SPEC ID", "CORES", "MEMORY", "GPUS", "MAX NODES", "AVAILABLE")
    return _print(ctx, args, specs, header, map(_spec_row, specs))


def _engine_row(engine: Engine) -> Tuple[str, ...]:
    return (
        _text(engine.engine_name),
        _text(engine.engine_version),
        _text(engine.engine_id),
        _text(engine.engine_type),
    )


def list_engines(ctx: Context, args: Any) -> int:
    engines = catalog_api.list_ai_engines(ctx.session(), job_type=args.job_type).engines
    header = ("FRAMEWORK TYPE", "FRAMEWORK VERSION", "ENGINE ID", "ENGINE TYPE")
    return _print(ctx, args, engines, header, map(_engine_row, engines))


def _algorithm_row(model: Algorithm) -> Tuple[str, ...]:
    engine = " ".join(part for part in (model.engine_name, model.engine_version) if part)
    usage = _USAGES.get(model.model_usage, model.model_usage) if model.model_usage else None
    return (
        _text(model.model_name),
        _text(model.model_id),
        _text(usage),
        _text(engine or None),
        _text(model.model_precision),
        format_time(model.create_time),
    )


def list_algorithms(ctx: Context, args: Any) -> int:
    models = catalog_api.all_built_in_algorithms(ctx.session())
    header = ("MODEL NAME", "MODEL ID", "USAGE", "ENGINE", "PRECISION", "CREATED")
    rows: Iterable[Tuple[str, ...]] = map(_algorithm_row, models)
    return _print(ctx, args, models, header, rows)
