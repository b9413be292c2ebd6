"""The catalogue bodies: resource flavors (modelarts_03_0072), AI engines
(modelarts_03_0073) and built-in algorithms (modelarts_03_0056).

::

    specs = load_specs_page(body, operation="GET .../job/resource-specs")
    specs.specs[0].spec_code, specs.specs[0].max_num

``fit`` resolves ``train_instance_type`` to a ``Spec``'s ``spec_id``, the
framework type and version to an ``Engine``'s ``engine_id`` and ``model_name``
to an ``Algorithm``'s ``model_id`` through these (``modelarts/catalog_api.py``).
"""

from __future__ import annotations

from ._convert import BOOL, CODE, INT, JSON, MS_TIME, TEXT
from ._record import Record, field, items
from .envelope import V1Body

__all__ = [
    "Algorithm",
    "AlgorithmsPage",
    "Engine",
    "EnginesPage",
    "Spec",
    "SpecsPage",
    "load_algorithms_page",
    "load_engines_page",
    "load_specs_page",
]


class Spec(Record):
    """One ``specs[]`` item of resource-specs: a flavor of the public pool."""

    __slots__ = ()

    spec_id = field(INT, "The flavor's id, sent as ``config.spec_id``.")
    spec_code = field(TEXT, "The flavor's code, e.g. ``modelarts.vm.cpu.2u``.")
    core = field(TEXT, "CPU cores, as text.")
    cpu = field(TEXT, "Memory, as text.")
    gpu_num = field(INT, "Number of GPUs.")
    gpu_type = field(TEXT, "GPU type, e.g. ``P100``.")
    max_num = field(INT, "The most nodes a job may use of this flavor.")
    unit_num = field(INT, "Nodes per unit.")
    storage = field(TEXT, "Local storage, as text.")
    interface_type = field(INT, "Interface type code.")
    no_resource = field(BOOL, "True when the flavor has no capacity now.")

    def __repr__(self) -> str:
        return f"<Spec {self.spec_code!r} spec_id={self.spec_id!r}>"


class SpecsPage(V1Body):
    """The resource-specs body."""

    __slots__ = ()

    spec_total_count = field(CODE, "How many flavors there are.")
    specs = field(items(Spec), "The flavors, in server order.", default=())


class Engine(Record):
    """One ``engines[]`` item of ai-engines."""

    __slots__ = ()

    engine_id = field(INT, "The engine's id, sent as ``config.engine_id``.")
    engine_type = field(INT, "Engine family code (1 TensorFlow, 10 PyTorch, ...).")
    engine_name = field(TEXT, "The framework, e.g. ``PyTorch`` (the old SDK's framework_type).")
    engine_version = field(TEXT, "e.g. ``PyTorch-1.4.0-python3.6`` (framework_version).")

    def __repr__(self) -> str:
        return f"<Engine {self.engine_name!r} {self.engine_version!r} engine_id={self.engine_id!r}>"


class EnginesPage(V1Body):
    """The ai-engines body."""

    __slots__ = ()

    engines = field(items(Engine), "The engines, in server order.", default=())


class Algorithm(Record):
    """One ``models[]`` item of built-in-algorithms."""

    __slots__ = ()

    model_id = field(INT, "The algorithm's id, sent as ``config.model_id``.")
    model_name = field(TEXT, "Its name, e.g. ``ResNet_v1_50`` (the old SDK's model_name).")
    model_usage = field(INT, "1 classification, 2 detection, 3 segmentation, 4 NLP, 5 embedding.")
    model_precision = field(TEXT, "Published precision, as text.")
    model_size = field(INT, "Model size in bytes.")
    model_train_dataset = field(TEXT, "The dataset it was trained on.")
    model_dataset_format = field(TEXT, "The input format it expects.")
    model_description_url = field(TEXT, "Where it is described.")
    parameter = field(JSON, "Its run arguments (JSON text on the wire, parsed on first read).")
    create_time = field(MS_TIME, "When it was published (aware, UTC).")
    engine_id = field(INT, "The engine it runs on.")
    engine_name = field(TEXT, "That engine's name.")
    engine_version = field(TEXT, "That engine's version.")

    def __repr__(self) -> str:
        return f"<Algorithm {self.model_name!r} model_id={self.model_id!r}>"


class AlgorithmsPage(V1Body):
    """One page of the built-in-algorithms body."""

    __slots__ = ()

    model_total_count = field(CODE, "How many algorithms match (all pages).")
    models = field(items(Algorithm), "The algorithms on this page.", default=())


load_specs_page = SpecsPage.load
load_engines_page = EnginesPage.load
load_algorithms_page = AlgorithmsPage.load
