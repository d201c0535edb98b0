"""The house's layers, read from the imports of every module: they point down, and the sandbox knows no client.

docs/architecture.md draws the same layers; this test is what keeps the drawing true.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import galleryk

PACKAGE = Path(galleryk.__file__).parent

LAYERS: dict[str, int] = {
    "_version": 0,
    "base": 1,
    "transport": 2,
    "frames": 2,
    "media": 2,
    "sandbox": 2,
    "services": 3,
    "fotki": 4,
    "coppermine": 4,
    "push": 5,
    "access": 6,
    "widgets": 7,
    "app": 8,
    "cli": 8,
    "__init__": 9,
}
"""Each top-level part of the package and its layer: a module may import its own part and the parts of lower
layers only. Parts on one layer do not import each other (the two clients, the data parts, the front ends)."""
CLIENTS = {"fotki", "coppermine"}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names imported from it, line) for every galleryk import of ``module``."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "galleryk":
                found.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "galleryk"]
    return found


def _targets(target: str, names: list[str]) -> list[str]:
    """The modules an import reaches: ``from galleryk import push`` reaches galleryk.push."""
    if target == "galleryk" and names:
        return [
            f"galleryk.{n}" if (PACKAGE / n).exists() or (PACKAGE / f"{n}.py").exists() else "galleryk" for n in names
        ]
    return [target]


MODULES = _modules()


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {_part(m) for m, _ in MODULES}
    assert parts <= set(LAYERS), f"parts without a layer: {sorted(parts - set(LAYERS))}"


def test_imports_point_down_the_layers() -> None:
    offenders = []
    for module, path in MODULES:
        own = _part(module)
        for target, names, line in _imports(module, path):
            for reached in _targets(target, names):
                other = _part(reached)
                if other != own and LAYERS[other] >= LAYERS[own]:
                    offenders.append(
                        f"{path.relative_to(PACKAGE.parent)}:{line}: {own} (layer {LAYERS[own]}) "
                        f"imports {reached} (layer {LAYERS[other]})"
                    )
    assert offenders == []


def test_the_sandbox_imports_no_client_and_nothing_above_the_base() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {target}"
        for module, path in MODULES
        if _part(module) == "sandbox"
        for target, names, line in _imports(module, path)
        for reached in _targets(target, names)
        if _part(reached) in CLIENTS or (LAYERS[_part(reached)] > LAYERS["base"] and _part(reached) != "sandbox")
    ]
    assert offenders == []


def test_no_module_imports_a_private_name_of_another_part() -> None:
    offenders = []
    for module, path in MODULES:
        own = _part(module)
        for target, names, line in _imports(module, path):
            if _part(target) == own or target == "galleryk._version":
                continue
            private_module = any(p.startswith("_") and not p.startswith("__") for p in target.split(".")[1:])
            private_names = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private_module or private_names:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {target} {private_names or ''}")
    assert offenders == []


@pytest.mark.parametrize("name", ["push", "sandbox", "widgets", "app"])
def test_a_subpackage_imported_as_a_module_is_the_module(name: str) -> None:
    import importlib
    import types

    module = importlib.import_module(f"galleryk.{name}")
    assert isinstance(module, types.ModuleType) and getattr(galleryk, name) is module


def test_import_galleryk_loads_neither_ipywidgets_nor_the_sandbox_server() -> None:
    import subprocess
    import sys

    code = (
        "import sys, galleryk as gk; loaded = [m for m in ('ipywidgets', 'werkzeug', 'galleryk.widgets', "
        "'galleryk.sandbox') if m in sys.modules]; print(loaded); assert gk.widgets.AlbumBrowser; "
        "assert 'ipywidgets' in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_dir_of_the_package_lists_its_public_names_only() -> None:
    names = dir(galleryk)
    assert "ModuleType" not in names and "widgets" in names and "push" in names
    assert all(not n.startswith("_") or n == "__version__" for n in names)
