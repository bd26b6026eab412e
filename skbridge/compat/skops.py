"""Saving and loading fitted estimators with skops, the ecosystem's safe format.

A skops file is a zip of plain data (a JSON schema, numpy arrays, bytes) that
names the classes to rebuild; loading refuses any class it is not told to
trust, so a file cannot run code the way a pickle can. skops is imported on
first use (the ``config`` extra).

* :func:`dump` writes an estimator (a pipeline, a search) to a file.
* :func:`untrusted_types` lists the types of a file that :func:`load` would
  refuse, for review.
* :func:`load` rebuilds the estimator, trusting skops' own types and the
  classes of :data:`DEFAULT_TRUSTED_PREFIXES`; anything else raises
  :class:`UntrustedTypesError` unless listed in ``trusted``.

What "trusted by prefix" covers: a class of ``skbridge``, ``sklearn``,
``numpy`` or ``scipy`` rebuilt from its state (``cls.__new__`` then
``__setstate__``), which is how every estimator is stored. A name of those
packages that the file asks to *call* with arguments taken from the file (a
constructor or function node, a bound method, ``functools.partial``) is not:
``numpy.testing.runstring``, for instance, runs a string as code. Such names
load only when skops trusts them itself or the caller lists them.
"""

import io
import json
import os
import zipfile

from .optional import import_optional

__all__ = [
    "DEFAULT_TRUSTED_PREFIXES",
    "UntrustedTypesError",
    "dump",
    "load",
    "untrusted_types",
]

# Module paths whose classes load without being listed (whole components:
# ``sklearnx.Foo`` is not ``sklearn``).
DEFAULT_TRUSTED_PREFIXES = ("skbridge.", "sklearn.", "numpy.", "scipy.")

# skops loaders that rebuild a class from its state without calling anything
# named in the file with arguments from the file: the only ones trusted by prefix.
# TreeNode builds scikit-learn's Tree from three integers, then sets its arrays.
_STATE_LOADERS = frozenset({"ObjectNode", "TreeNode"})


class UntrustedTypesError(ValueError):
    """A skops file names types that are not trusted; the message lists them."""


def _skops_io():
    return import_optional("skops.io", extra="config", purpose="Saving models with skops")


def _check_path(file, what):
    if isinstance(file, (str, os.PathLike)):
        return os.fspath(file)
    raise TypeError(
        f"{what} takes a file path (str or pathlib.Path), got {type(file).__name__}. "
        "Pass the path of the .skops file."
    )


def dump(estimator, file):
    """Save ``estimator`` to ``file`` in the skops format.

    Parameters
    ----------
    estimator : object
        A fitted (or unfitted) estimator, pipeline or search.
    file : str or path-like
        Where to write; ``.skops`` is the usual extension.

    Raises
    ------
    TypeError
        If ``file`` is not a path.

    See Also
    --------
    load : Read it back.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.linear_model import LinearRegression
    >>> from skbridge.compat.skops import dump, load
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skops"
    >>> dump(LinearRegression().fit([[0.0], [1.0]], [1.0, 3.0]), path)
    >>> load(path).predict([[2.0]])
    array([5.])
    """
    path = _check_path(file, "dump")
    _skops_io().dump(estimator, path)


def _read(file, what):
    path = _check_path(file, what)
    with open(path, "rb") as handle:
        return handle.read()


def _name_loaders(data):
    """``{type name: {skops loader, ...}}`` of every node of the file's schema."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    found = {}
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            loader = node.get("__loader__")
            module, cls = node.get("__module__"), node.get("__class__")
            if isinstance(loader, str) and isinstance(module, str) and isinstance(cls, str):
                name = f"{module}.{cls}"
                if loader == "MethodNode":
                    name = f"{name}.{(node.get('content') or {}).get('func')}"
                found.setdefault(name, set()).add(loader)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _trusted_by_prefix(name, loaders):
    return name.startswith(DEFAULT_TRUSTED_PREFIXES) and bool(loaders) and loaders <= _STATE_LOADERS


def _untrusted(data):
    names = _skops_io().get_untrusted_types(data=data)
    loaders = _name_loaders(data)
    return sorted(n for n in names if not _trusted_by_prefix(n, loaders.get(n, set())))


def untrusted_types(file):
    """The types of a skops file that :func:`load` refuses by default.

    skops' :func:`~skops.io.get_untrusted_types`, less the classes trusted by
    prefix (see :data:`DEFAULT_TRUSTED_PREFIXES`). Nothing is imported.

    Parameters
    ----------
    file : str or path-like
        A file written by :func:`dump`.

    Returns
    -------
    types : list of str
        Fully qualified names, sorted; empty when the file loads as it is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skbridge.compat.skops import dump, untrusted_types
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scaler.skops"
    >>> dump(StandardScaler().fit([[0.0], [2.0]]), path)
    >>> untrusted_types(path)
    []
    """
    return _untrusted(_read(file, "untrusted_types"))


def load(file, *, trusted=None):
    """Load an estimator saved by :func:`dump`, refusing untrusted types.

    Parameters
    ----------
    file : str or path-like
        A file written by :func:`dump`.
    trusted : list of str, or True, default=None
        Types to trust beyond the defaults, by their exact names as
        :func:`untrusted_types` lists them; ``True`` trusts every type of the
        file. Only pass them after reviewing the file's origin and types.

    Returns
    -------
    estimator : object

    Raises
    ------
    UntrustedTypesError
        If the file names a type that is neither trusted by default nor listed
        in ``trusted``; the message lists them. Nothing has been imported from
        their modules then.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skbridge.compat.skops import dump, load
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scaler.skops"
    >>> dump(StandardScaler().fit([[0.0], [2.0]]), path)
    >>> load(path).transform([[4.0]])
    array([[3.]])
    """
    sio = _skops_io()
    data = _read(file, "load")
    all_untrusted = sio.get_untrusted_types(data=data)
    if trusted is True:
        return sio.loads(data, trusted=all_untrusted)
    if trusted is not None and (
        isinstance(trusted, (str, bool)) or not all(isinstance(t, str) for t in trusted)
    ):
        raise TypeError(
            f"trusted must be a list of type names (str) or True, got {trusted!r}; "
            "e.g. trusted=['mypackage.MyEstimator']."
        )
    refused = sorted(set(_untrusted(data)) - set(trusted or ()))
    if refused:
        raise UntrustedTypesError(
            f"{os.fspath(file)!r} names types that are not trusted: {refused}. Loading would "
            "import and run their code. If you trust the file's origin after reviewing these "
            "types, pass them: skbridge.compat.skops.load(path, trusted=[...]), or "
            "`skbridge predict --trust`."
        )
    return sio.loads(data, trusted=all_untrusted)
