"""What the fake cloud offers: AI engines, resource flavors and built-in algorithms.

The catalogues behind ``GET .../job/ai-engines`` (modelarts_03_0073),
``GET .../job/resource-specs`` (modelarts_03_0072) and
``GET .../built-in-algorithms`` (modelarts_03_0056), and what the create
routes check ``engine_id``, ``spec_id`` and ``model_id`` against. Ids, codes
and names that appear in Huawei's samples (engines 1, 4 and 501, flavors 2,
5 and 27, algorithms 4 and 5) keep their sample values; the other entries are
plausible neighbours, so that every engine family has several versions and
every kind of flavor (CPU, GPU, Ascend) is present.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, NamedTuple, Optional

__all__ = [
    "ALGORITHMS",
    "ASCEND",
    "ENGINES",
    "SPECS",
    "Algorithm",
    "Engine",
    "Spec",
    "algorithm_record",
    "engine_record",
    "spec_by_code",
    "spec_record",
    "specs_for_engine",
]

#: ``engine_type`` of the Ascend-Powered-Engine family (the ai-engines use case).
ASCEND = 13


class Engine(NamedTuple):
    engine_id: int
    engine_type: int
    engine_name: str
    engine_version: str
    pod_version: str


class Spec(NamedTuple):
    spec_id: int
    spec_code: str
    core: str
    cpu: str
    gpu_num: int
    gpu_type: str
    max_num: int
    pool_id: str
    pool_name: str
    flavor_code: str
    #: ``"cpu"``, ``"gpu"`` or ``"ascend"``: which engines may run on it.
    kind: str = "cpu"
    npu_num: int = 0
    no_resource: bool = False


# engine_type codes of modelarts_03_0047's table: 1 TensorFlow, 2 MXNet, 4 Caffe,
# 10 PyTorch, 13 Ascend-Powered-Engine (TensorFlow and MindSpore builds for Ascend).
ENGINES: Dict[int, Engine] = {
    engine.engine_id: engine
    for engine in (
        Engine(1, 1, "TensorFlow", "TF-1.4.0-python2.7", "1.4.0-cp27"),
        Engine(4, 1, "TensorFlow", "TF-1.8.0-python3.6", "1.8.0-cp36"),
        Engine(5, 1, "TensorFlow", "TF-1.13.1-python3.6", "1.13.1-cp36"),
        Engine(6, 1, "TensorFlow", "TF-2.1.0-python3.6", "2.1.0-cp36"),
        Engine(501, 2, "MXNet", "MXNet-1.2.1-python2.7", "1.2.1-cp27"),
        Engine(502, 2, "MXNet", "MXNet-1.2.1-python3.6", "1.2.1-cp36"),
        Engine(201, 4, "Caffe", "Caffe-1.0.0-python2.7", "1.0.0-cp27"),
        Engine(202, 4, "Caffe", "Caffe-1.0.0-python3.6", "1.0.0-cp36"),
        Engine(122, 10, "PyTorch", "PyTorch-1.0.0-python3.6", "1.0.0-cp36"),
        Engine(123, 10, "PyTorch", "PyTorch-1.3.0-python3.6", "1.3.0-cp36"),
        Engine(124, 10, "PyTorch", "PyTorch-1.4.0-python3.6", "1.4.0-cp36"),
        Engine(131, ASCEND, "Ascend-Powered-Engine", "TF-1.15-python3.7-aarch64", "1.15.0-cp37"),
        Engine(132, ASCEND, "Ascend-Powered-Engine", "MindSpore-1.1.1-python3.7-aarch64",
               "1.1.1-cp37"),
        Engine(133, ASCEND, "Ascend-Powered-Engine", "MindSpore-1.3.0-python3.7-aarch64",
               "1.3.0-cp37"),
    )
}  # fmt: skip

# Flavors: spec ids 2, 5 and 27 and their codes come from Huawei's samples and captures.
SPECS: Dict[int, Spec] = {
    spec.spec_id: spec
    for spec in (
        Spec(1, "modelarts.vm.gpu.p100", "8", "64", 1, "P100", 1,
             "pool9928813f", "p100", "modelarts.vm.gpu.1p100.pub", "gpu"),
        Spec(2, "modelarts.vm.cpu.2u", "2", "8", 0, "", 2,
             "pool7d1e384a", "hec-train-pub-cpu", "modelarts.vm.cpu.2u"),
        Spec(5, "modelarts.vm.gpu.v100NV", "8", "64", 1, "nvidia-v100-pcie", 1,
             "pool7e3577e3", "job-train-1v100", "modelarts.vm.gpu.1v100NV32.pub", "gpu"),
        Spec(6, "modelarts.vm.gpu.8v100NV", "64", "512", 8, "nvidia-v100-pcie", 10,
             "pool7e3577e3", "job-train-8v100", "modelarts.vm.gpu.8v100NV32.pub", "gpu",
             no_resource=True),
        Spec(27, "modelarts.vm.cpu.8u", "8", "32", 0, "", 1,
             "pool7d1e384a", "hec-train-pub-cpu", "modelarts.vm.cpu.8u"),
        Spec(28, "modelarts.vm.cpu.free", "2", "8", 0, "", 1,
             "pool7d1e384a", "hec-train-pub-cpu", "modelarts.vm.cpu.free"),
        Spec(29, "modelarts.vm.gpu.free", "4", "32", 1, "P4", 1,
             "pool9928813f", "p4-free", "modelarts.vm.gpu.free", "gpu"),
        Spec(40, "modelarts.kat1.xlarge", "24", "96", 0, "", 1,
             "poola9e2c6a1", "ascend-910", "modelarts.kat1.xlarge", "ascend", npu_num=1),
        Spec(41, "modelarts.kat1.8xlarge", "192", "768", 0, "", 16,
             "poola9e2c6a1", "ascend-910", "modelarts.kat1.8xlarge", "ascend", npu_num=8),
    )
}  # fmt: skip


def spec_by_code(code: str) -> Optional[Spec]:
    return next((spec for spec in SPECS.values() if spec.spec_code == code), None)


def specs_for_engine(engine_id: int) -> List[Spec]:
    """The flavors an engine runs on: Ascend engines on Ascend flavors, others on CPU/GPU.

    ``engine_id`` 0 (the default of modelarts_03_0072's query) means every flavor.
    """
    engine = ENGINES.get(engine_id)
    if engine is None:
        return list(SPECS.values()) if engine_id == 0 else []
    ascend = engine.engine_type == ASCEND
    return [spec for spec in SPECS.values() if (spec.kind == "ascend") == ascend]


def engine_record(engine: Engine) -> Dict[str, Any]:
    """One ``engines[]`` item of modelarts_03_0073."""
    return {
        "engine_type": engine.engine_type,
        "engine_name": engine.engine_name,
        "engine_id": engine.engine_id,
        "engine_version": engine.engine_version,
    }


def spec_record(spec: Spec) -> Dict[str, Any]:
    """One ``specs[]`` item of modelarts_03_0072."""
    return {
        "spec_id": spec.spec_id,
        "core": spec.core,
        "cpu": spec.cpu,
        "gpu_num": spec.gpu_num,
        "gpu_type": spec.gpu_type,
        "spec_code": spec.spec_code,
        "unit_num": 1,
        "max_num": spec.max_num,
        "storage": "",
        "interface_type": 1,
        "no_resource": spec.no_resource,
    }


# -- built-in algorithms (modelarts_03_0056) -------------------------------------------


class Algorithm(NamedTuple):
    model_id: int
    model_name: str
    model_usage: int  # 1 classification, 2 detection, 3 segmentation, 4 NLP, 5 embedding
    model_precision: str
    model_size: int
    model_train_dataset: str
    model_dataset_format: str
    engine_id: int
    create_time: int
    parameters: str  # "label=default" pairs, ";"-separated


_IMAGES = "shape: [H>=32, W>=32, C>=1]; type: int8"
_BOXES = "shape: [H, W, C==3]; type: int8"

ALGORITHMS: Dict[int, Algorithm] = {
    algorithm.model_id: algorithm
    for algorithm in (
        Algorithm(1, "ResNet_v1_50", 1, "75.2%(top1), 92.2%(top5)", 102_170_449,
                  "ImageNet, 1,000 classes for image classification", _IMAGES, 4,
                  1522218780013, "batch_size=32;lr=0.01;num_classes=;num_epoch=10"),
        Algorithm(2, "Inception_v3", 1, "78.0%(top1), 93.9%(top5)", 95_640_720,
                  "ImageNet, 1,000 classes for image classification", _IMAGES, 4,
                  1522218780017, "batch_size=32;lr=0.045;num_classes=;num_epoch=20"),
        Algorithm(3, "SSD_VGG16", 2, "77.2%(mAP)", 105_143_612,
                  "PASCAL VOC2007, 20 classes for object detection", _BOXES, 4,
                  1522218780021, "batch_size=16;lr=0.001;num_classes=;num_epoch=30"),
        Algorithm(4, "ResNet_v2_50", 1, "75.55%(top1), 92.6%(top5)", 102_503_801,
                  "ImageNet, 1,000 classes for image classification", _IMAGES, 501,
                  1522218780025, "batch_size=4;lr=0.0001;save_frequency=1;num_classes=;"
                  "num_epoch=10"),
        Algorithm(5, "Faster_RCNN_ResNet_v2_101", 2, "80.05%(mAP)", 190_936_449,
                  "PASCAL VOC2007, 20 classes for object detection", _BOXES, 501,
                  1525313224596, "lr=0.0001;eval_frequence=1;mom=0.9;wd=0.0005;num_classes="),
        Algorithm(6, "DeepLab_v3_ResNet_v1_101", 3, "77.2%(mIoU)", 243_614_208,
                  "PASCAL VOC2012, 21 classes for semantic segmentation", _BOXES, 5,
                  1531990320021, "batch_size=8;lr=0.007;num_classes=;num_epoch=50"),
        Algorithm(7, "BERT_Base_Chinese", 4, "86.4%(F1)", 411_579_104,
                  "ChnSentiCorp, 2 classes for text classification",
                  "utf-8 text, one sample per line", 5, 1577858400000,
                  "batch_size=32;lr=0.00002;max_seq_length=128;num_epoch=3"),
        Algorithm(8, "ResNet_v1_50_Ascend", 1, "76.1%(top1), 92.9%(top5)", 102_170_449,
                  "ImageNet, 1,000 classes for image classification", _IMAGES, 132,
                  1609459200000, "batch_size=256;lr=0.1;num_classes=;num_epoch=90"),
    )
}  # fmt: skip


def _parameter_text(pairs: str) -> str:
    """The ``parameter`` JSON string: one ``{label, value, placeholder_*, required}`` per pair."""
    items = []
    for pair in pairs.split(";"):
        label, _, value = pair.partition("=")
        items.append(
            {
                "label": label,
                "value": value,
                "placeholder_cn": label.replace("_", " "),
                "placeholder_en": "",
                "required": True,
            }
        )
    return json.dumps(items, separators=(",", ":"))


def algorithm_record(algorithm: Algorithm) -> Dict[str, Any]:
    """One ``models[]`` item of modelarts_03_0056 (``parameter`` is JSON text there)."""
    engine = ENGINES[algorithm.engine_id]
    return {
        "model_id": algorithm.model_id,
        "model_name": algorithm.model_name,
        "model_usage": algorithm.model_usage,
        "model_precision": algorithm.model_precision,
        "model_size": algorithm.model_size,
        "model_train_dataset": algorithm.model_train_dataset,
        "model_dataset_format": algorithm.model_dataset_format,
        "model_description_url": f"https://github.com/example-models/{algorithm.model_name}",
        "parameter": _parameter_text(algorithm.parameters),
        "create_time": algorithm.create_time,
        "engine_id": engine.engine_id,
        "engine_name": engine.engine_name,
        "engine_version": engine.engine_version,
    }
