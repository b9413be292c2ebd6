"""The package's shape: public names and the import boundaries of style.md."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import modelarts
import modelarts.errors
import modelarts.schemas
import modelarts.transport

PACKAGE = Path(modelarts.__file__).parent

# library -> the only places it may be imported from, relative to the package: a module
# ("transport/live.py") or, ending in "/", every module under a subpackage ("schemas/")
CONFINED = {
    "urllib3": {"transport/live.py", "transport/urllib3_common.py"},
    "marshmallow": {"schemas/"},
    "requests": {"transport/requests_transport.py"},
}


def _imported_roots(path: Path) -> "set[str]":
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _package_files() -> "list[Path]":
    return sorted(PACKAGE.rglob("*.py"))


def _may_import(library: str, relative: str) -> bool:
    return any(
        relative == place or (place.endswith("/") and relative.startswith(place))
        for place in CONFINED[library]
    )


@pytest.mark.parametrize("library", sorted(CONFINED))
def test_library_imported_only_where_wrapped(library: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _package_files()
        if library in _imported_roots(path)
        and not _may_import(library, path.relative_to(PACKAGE).as_posix())
    ]
    assert offenders == [], f"{library} may only be imported in {CONFINED[library]}"


def test_transports_never_import_the_session() -> None:
    for path in (PACKAGE / "transport").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert "session" not in module and "estimator" not in module, path.name
                assert "schemas" not in module, path.name


def test_every_module_imports() -> None:
    for info in pkgutil.walk_packages(modelarts.__path__, "modelarts."):
        if info.name.endswith("requests_transport"):
            continue  # needs the optional extra (tests/transport/test_requests_transport.py)
        importlib.import_module(info.name)


PUBLIC_MODULES = [
    "modelarts",
    "modelarts.errors",
    "modelarts.estimator",
    "modelarts.schemas",
    "modelarts.session",
    "modelarts.testing",
    "modelarts.testing.faults",
    "modelarts.testing.verifier",
    "modelarts.training_job",
    "modelarts.transport",
]


def _assigned_at_top_level(module: object) -> "set[str]":
    path = getattr(module, "__file__", None)
    if not path:
        return set()
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    names = list(module.__all__)
    assert names == sorted(names), "keep __all__ sorted"
    assert len(names) == len(set(names))
    for public_name in names:
        assert hasattr(module, public_name), f"{public_name} is in __all__ but not defined"
    own_constants = _assigned_at_top_level(module)
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and not isinstance(value, type(modelarts))
        and (
            # functions and classes defined here, or constants assigned here
            (callable(value) and getattr(value, "__module__", "").startswith(module.__name__))
            or (isinstance(value, (str, frozenset)) and key in own_constants)
        )
    }
    missing = public - set(names) - {"annotations", "TYPE_CHECKING"}
    assert not missing, f"public names missing from __all__: {sorted(missing)}"


def test_package_ships_py_typed() -> None:
    assert (PACKAGE / "py.typed").exists()
