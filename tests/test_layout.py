"""The package's shape, as docs/architecture.rst states it, checked from the source.

Static checks (the files are parsed, not imported): module size, no frame or
bytecode inspection, no import circle between skbridge modules, and imports
that point down the layers only.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "skbridge"
MAX_MODULE_LINES = 600

# The tools, by package; a tool imports compat/, utils/ and datasets/ only,
# plus the other tools listed for it here (ARCHITECTURE.md).
TOOLS = (
    "skbridge.transformers.kernels",
    "skbridge.transformers._fwht_numba",
    "skbridge.transformers.munge",
    "skbridge.transformers.tokenize",
    "skbridge.estimators.kge",
    "skbridge.estimators.gaussian_process",
    "skbridge.estimators.bnn",
    "skbridge.estimators.neural",
    "skbridge.pipes",
)
ALLOWED_TOOL_IMPORTS = {
    "skbridge.transformers.kernels": {"skbridge.transformers._fwht_numba"},
    "skbridge.estimators.gaussian_process": {"skbridge.transformers.kernels"},
    # The pipes compose the GP models (and keep their old import path for one release).
    "skbridge.pipes": {"skbridge.transformers.kernels", "skbridge.estimators.gaussian_process"},
}
# Layers below the tools, and what each may import of skbridge.
BOTTOM = {
    "skbridge.utils": set(),
    "skbridge.compat": {"skbridge.utils"},
    "skbridge.datasets": {"skbridge.compat", "skbridge.utils"},
}


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _imports(name):
    """The skbridge modules ``name`` imports (any depth of the file, any form)."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}"
                found.add(candidate if candidate in MODULES else prefix)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _owner(name, prefixes):
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small(name):
    lines = MODULES[name].read_text().count("\n")
    assert lines < MAX_MODULE_LINES, f"{name} has {lines} lines; split it by concern"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_frame_or_bytecode_inspection(name):
    tree = ast.parse(MODULES[name].read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"_getframe", "f_lasti", "f_back"}, name
        if isinstance(node, ast.Import):
            assert all(alias.name != "dis" for alias in node.names), name
        if isinstance(node, ast.ImportFrom):
            assert node.module != "dis", name


def _cycle():
    """One import circle between skbridge modules, or None.

    An edge from a module to the package that contains it is left out: Python
    has imported that package (and what it needs) before the module runs.
    """
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(GRAPH[node]):
            if node.startswith(target + "."):
                continue
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target, path + [target])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(GRAPH):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_no_import_circle():
    assert _cycle() is None, " -> ".join(_cycle())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name):
    tool = _owner(name, TOOLS)
    bottom = _owner(name, BOTTOM)
    for target in GRAPH[name]:
        if target == "skbridge" or name.startswith(target + "."):
            continue
        if not name.startswith("skbridge.config"):  # config sits on top: nothing imports it
            assert not target.startswith("skbridge.config"), f"{name} imports {target}"
        if bottom is not None:
            allowed = BOTTOM[bottom] | {bottom}
            assert _owner(target, allowed), (
                f"{name} imports {target}: {bottom} sits below the tools"
            )
        if tool is not None:
            other = _owner(target, TOOLS)
            if other is not None and other != tool:
                assert other in ALLOWED_TOOL_IMPORTS.get(tool, set()), (
                    f"{name} imports {target}: tools do not import each other "
                    "(docs/architecture.rst lists the exceptions)"
                )
