"""Optional dependencies, imported on demand with an error that names the fix."""

import importlib

__all__ = ["OptionalDependencyError", "import_optional"]


class OptionalDependencyError(ImportError):
    """An optional framework is missing; the message names the extra to install."""


def import_optional(name, *, extra, purpose=None):
    """Import an optional dependency or fail with an error naming the extra.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"torch"`` or ``"tokenizers"``.
    extra : str
        The ``scikit-bridge`` extra that installs it, e.g. ``"kge"``.
    purpose : str, default=None
        What needs it, for the message (e.g. ``"TransE"``).

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    OptionalDependencyError
        If the module cannot be imported. It subclasses :class:`ImportError`.

    Examples
    --------
    >>> from skbridge.compat import import_optional
    >>> import_optional("math", extra="core").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        what = f"{purpose} needs" if purpose else "This feature needs"
        raise OptionalDependencyError(
            f"{what} the optional dependency {name!r}, which could not be imported "
            f"({exc}). Install it with: pip install 'scikit-bridge[{extra}]'"
        ) from exc
