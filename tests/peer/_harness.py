"""Peer tests: scikit-learn's own test modules, run against our drop-ins.

A peer module (``tests/peer/test_<name>.py``) calls :func:`load_peer` with
the dotted name of an installed scikit-learn test module, the names to
replace with ours and its skip list. :func:`load_peer`

1. finds the module's source in the installed scikit-learn (nothing is
   copied into this repository, and the module is not imported);
2. rewrites its imports with :mod:`ast`, so that, e.g., ``from
   sklearn.gaussian_process import GaussianProcessRegressor`` binds
   ``GaussianProcessRegressor`` to our ``GPRegressor``; the line numbers stay
   those of scikit-learn's file, so tracebacks point into it;
3. keeps the tests that use a replaced name (directly or through a module
   helper) and drops the others, which test scikit-learn's other classes;
4. rewrites the asserts as pytest does and executes the result in the peer
   module's namespace, where pytest then collects the tests as its own.

Skips are a dict ``{test name or "name[param-id]": reason}`` applied by
``tests/peer/conftest.py``; every key must name a kept test. Fixtures that
scikit-learn's ``conftest.py`` provides (``global_dtype``,
``global_random_seed``) are defined in ``tests/peer/conftest.py``.
"""

import ast
import importlib.util
import os
from pathlib import Path

import pytest

__all__ = ["load_peer", "rewrite_peer_source"]


def _module_source(dotted):
    try:
        spec = importlib.util.find_spec(dotted)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        message = (
            f"peer tests: {dotted} is not installed (scikit-learn built without its "
            "tests?)"
        )
        # A missing module would otherwise pass CI with no peer test run at all.
        if not os.environ.get("SKBRIDGE_ALLOW_NO_PEER_TESTS"):
            raise RuntimeError(message + "; set SKBRIDGE_ALLOW_NO_PEER_TESTS=1 to skip them.")
        pytest.skip(message, allow_module_level=True)
    return Path(spec.origin)


def _absolute(node, package):
    """``from .x import y`` in ``package`` as ``from package.x import y``."""
    if not node.level:
        return node.module
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _replace_imports(tree, package, replace):
    """Rebind each replaced name to ours; returns the names bound to our classes."""
    found, bound = set(), set()
    body = []
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom):
            body.append(stmt)
            continue
        stmt.module, stmt.level = _absolute(stmt, package), 0
        kept, ours = [], []
        for alias in stmt.names:
            if alias.name in replace:
                module, _, attr = replace[alias.name].partition(":")
                name = alias.asname or alias.name
                ours.append(ast.ImportFrom(module, [ast.alias(attr, name)], 0))
                found.add(alias.name)
                bound.add(name)
            else:
                kept.append(alias)
        stmt.names = kept
        for new in ([stmt] if kept else []) + ours:
            body.append(ast.copy_location(new, stmt))
    tree.body = body
    missing = set(replace) - found
    if missing:
        raise ValueError(
            f"peer tests: the source imports none of {sorted(missing)} with 'from ... "
            "import'; scikit-learn's test module changed, update the peer module."
        )
    for node in ast.walk(tree):
        # An import inside a test function would silently test scikit-learn's class.
        if isinstance(node, ast.ImportFrom) and node not in tree.body:
            nested = sorted({alias.name for alias in node.names} & set(replace))
            if nested:
                raise ValueError(
                    f"peer tests: line {node.lineno} imports {nested} inside a function, "
                    "which the import rewrite cannot redirect."
                )
        # ``sklearn.x.Class`` would silently test scikit-learn's class
        if isinstance(node, ast.Attribute) and node.attr in replace:
            raise ValueError(
                f"peer tests: line {node.lineno} reaches {node.attr} as an attribute, "
                "which the import rewrite cannot redirect."
            )
    return bound


def _defined_names(stmt):
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    targets = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used_names(stmt):
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}


def _is_test(stmt):
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name.startswith("test")
    return isinstance(stmt, ast.ClassDef) and stmt.name.startswith("Test")


def _select_tests(tree, roots):
    """Drop the tests that reach no replaced name; returns (kept, dropped) names."""
    uses = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.Import | ast.ImportFrom):
            for name in _defined_names(stmt):
                uses.setdefault(name, set()).update(_used_names(stmt))
    reaching = set(roots)
    changed = True
    while changed:  # names whose definition uses a replaced name, transitively
        changed = False
        for name, used in uses.items():
            if name not in reaching and used & reaching:
                reaching.add(name)
                changed = True
    kept, dropped, body = [], [], []
    for stmt in tree.body:
        if _is_test(stmt):
            (kept if stmt.name in reaching else dropped).append(stmt.name)
            if stmt.name not in reaching:
                continue
        body.append(stmt)
    tree.body = body
    return kept, dropped


def rewrite_peer_source(source, package, replace):
    """Rewrite a scikit-learn test module's source to test our classes.

    Parameters
    ----------
    source : str
        The module's source.
    package : str
        Its package (for relative imports).
    replace : dict of str to str
        ``{scikit-learn name: "our.module:OurName"}``.

    Returns
    -------
    tree : ast.Module
        The rewritten module (original line numbers).
    kept : list of str
        Tests that use a replaced name, kept.
    dropped : list of str
        Tests of other classes, dropped.
    """
    tree = ast.parse(source)
    roots = _replace_imports(tree, package, replace)
    kept, dropped = _select_tests(tree, roots)
    ast.fix_missing_locations(tree)
    return tree, kept, dropped


def _rewrite_asserts(tree, source, path):
    try:  # pytest's assertion introspection; plain asserts where it is unavailable
        from _pytest.assertion.rewrite import rewrite_asserts
    except ImportError:  # pragma: no cover
        return
    rewrite_asserts(tree, source.encode(), str(path))


def load_peer(namespace, module, replace, skips=None):
    """Execute scikit-learn's test ``module``, rewritten to use ours, into ``namespace``.

    Parameters
    ----------
    namespace : dict
        The peer module's ``globals()``; the tests land there.
    module : str
        Dotted name of an installed scikit-learn test module.
    replace : dict of str to str
        ``{scikit-learn name: "our.module:OurName"}``.
    skips : dict of str to str, default=None
        ``{test name or "name[param-id]": reason}``. Stored as
        ``namespace["PEER_SKIPS"]`` for ``tests/peer/conftest.py``.
    """
    path = _module_source(module)
    source = path.read_text(encoding="utf-8")
    tree, kept, dropped = rewrite_peer_source(source, module.rpartition(".")[0], replace)
    if not kept:
        raise ValueError(f"peer tests: no test of {module} uses {sorted(replace)}.")
    skips = dict(skips or {})
    stale = sorted(k for k in skips if k.partition("[")[0] not in kept)
    if stale:
        raise ValueError(f"peer tests: skips name tests that {module} no longer has: {stale}")
    _rewrite_asserts(tree, source, path)
    for name in kept:  # the peer module's own names must not be shadowed
        if name in namespace:
            raise ValueError(f"peer tests: {name} is defined in both the peer module and {module}")
    code = compile(tree, str(path), "exec")
    exec(code, namespace)  # noqa: S102 - scikit-learn's installed test source, rewritten
    namespace.update(
        PEER_SOURCE=str(path), PEER_KEPT=kept, PEER_DROPPED=dropped, PEER_SKIPS=skips
    )
    return namespace
