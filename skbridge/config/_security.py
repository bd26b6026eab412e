"""Configs are data: which ``_target_`` a config may name.

Hydra's ``instantiate`` imports and calls whatever a ``_target_`` names. Hydra 1.3.8
blocks a list of destructive callables (``os.remove``, ``shutil.rmtree``, ...);
on top of it, scikit-bridge allows only targets under :data:`ALLOWED_PREFIXES`
(plus modules the user names), and refuses, even there, the callables that read
or write arbitrary files or run code (``numpy.load``, ``torch.load``,
``keras.saving.load_model``, ``torch.hub``, ...). Every target is checked as a
string, before anything is imported.
"""

import re

__all__ = ["ALLOWED_PREFIXES", "ForbiddenTargetError", "check_targets"]

ALLOWED_PREFIXES = ("skbridge", "sklearn", "numpy", "scipy", "torch", "keras", "tensorflow",
                    "larq", "tokenizers")

# Plain containers that configs use to spell tuples and sets.
ALLOWED_BUILTINS = frozenset({"builtins.tuple", "builtins.list", "builtins.dict",
                              "builtins.set", "builtins.frozenset", "builtins.slice",
                              "builtins.range"})

# Modules that load, save or compile code or files, wherever they sit.
_DENIED_PARTS = frozenset({"io", "hub", "ctypeslib", "f2py", "distutils", "testing", "_testing",
                           "package", "jit", "cpp_extension", "os", "subprocess", "pickle",
                           "shutil", "saving", "saved_model", "lib", "multiprocessing",
                           "distributed", "debugging"})
# Callables by name: readers and writers of arbitrary paths, code runners.
_DENIED_NAME = re.compile(
    r"^(load|save|dump|read|write|open|exec|eval|compile|system|fromfile|tofile|from_file|"
    r"memmap|import_module|register)|^(py_func|numpy_function|function|set_\w*)$",
    re.IGNORECASE)
# Data loaders are what the `data` group is for: the name rule does not apply to them.
_LOADER_MODULES = ("skbridge.datasets.", "sklearn.datasets.", "skbridge.config.")

GET_OBJECT = "skbridge.config.get_object"


class ForbiddenTargetError(ValueError):
    """A config names a ``_target_`` outside the allow-list."""


def _allowed(path, prefixes):
    if path in ALLOWED_BUILTINS:
        return True
    if not any(path == p or path.startswith(p + ".") for p in prefixes):
        return False
    if path.startswith(_LOADER_MODULES):
        return True
    parts = path.split(".")
    if any(p in _DENIED_PARTS for p in parts[1:]):
        return False
    return not any(_DENIED_NAME.match(p) for p in parts[1:])


def _where(keys):
    return ".".join(str(k) for k in keys) or "<root>"


def _walk(node, keys, prefixes):
    if isinstance(node, dict):
        target = node.get("_target_")
        if target is not None:
            _check(target, keys + ["_target_"], prefixes)
            if target == GET_OBJECT:
                path = node.get("path", (node.get("_args_") or [None])[0])
                _check(path, keys + ["path"], prefixes)
        for key, value in node.items():
            _walk(value, keys + [key], prefixes)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, keys + [i], prefixes)


def _check(target, keys, prefixes):
    if not isinstance(target, str) or not re.fullmatch(r"[A-Za-z_][\w.]*", target):
        raise ForbiddenTargetError(
            f"config key {_where(keys)}: {target!r} is not an import path such as "
            "'sklearn.svm.LinearSVC'.")
    if not _allowed(target, prefixes):
        raise ForbiddenTargetError(
            f"config key {_where(keys)}: {target!r} is not allowed. A config may name only "
            f"objects under {', '.join(prefixes)} (and never their file loaders, savers or "
            "code runners). To allow a module of your own, name it on the command line, "
            "e.g. skbridge.allowed_targets=[mypackage], or pass allowed_targets=['mypackage'] "
            "to skbridge.config.instantiate.")


def check_targets(container, allowed_targets=()):
    """Refuse a config that names a target outside the allow-list; import nothing.

    Parameters
    ----------
    container : dict or list
        A config as plain containers (``OmegaConf.to_container(cfg, resolve=True)``).
    allowed_targets : iterable of str, default=()
        Module prefixes allowed on top of :data:`ALLOWED_PREFIXES`.

    Raises
    ------
    ForbiddenTargetError
        Naming the config key and the target.

    Examples
    --------
    >>> check_targets({"model": {"_target_": "sklearn.svm.LinearSVC"}})
    >>> check_targets({"model": {"_target_": "os.system", "command": "ls"}})
    Traceback (most recent call last):
    ...
    skbridge.config._security.ForbiddenTargetError: config key model._target_: 'os.system' ...
    """
    extra = tuple(str(p).strip() for p in allowed_targets)
    for p in extra:
        if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", p):
            raise ValueError(f"allowed_targets entry {p!r} is not a module path such as "
                             "'mypackage' or 'mypackage.models'.")
    _walk(container, [], ALLOWED_PREFIXES + extra)
