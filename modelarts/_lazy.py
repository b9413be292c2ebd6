"""Module attributes that import their submodule on first use (PEP 562).

Used by package ``__init__`` files whose names live in submodules that not
every caller needs, to keep ``import modelarts...`` cheap::

    __getattr__, __dir__ = lazy_attributes(__name__, {"Name": ".submodule"}, __all__)
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, List, Mapping, Sequence, Tuple

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, names: Mapping[str, str], public: Sequence[str]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``names`` maps a name to
    the (relative) module defining it; a loaded name is cached in the package."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> List[str]:
        return sorted(set(vars(sys.modules[package])) | set(public))

    return __getattr__, __dir__
