"""Transforms and infills from outside the registries, named ``"module:Class"``.

A fitted munger names each column's transform and infill by its registry key; a
class that is not registered (the user's own) is named by its import path,
``"module:QualName"``. Importing such a path runs the module's code, so
:meth:`AutoMunger.load_state` imports one only from the modules its caller
trusts (:func:`is_trusted`).
"""

import importlib
import inspect

__all__ = ["class_key", "import_class", "is_external", "is_trusted", "module_of"]


def class_key(registry, cls):
    """The key of ``cls`` in ``registry``, else its ``"module:QualName"``."""
    key = registry.key_of(cls)
    return key if key is not None else f"{cls.__module__}:{cls.__qualname__}"


def is_external(registry, name):
    """Whether ``name`` is a ``"module:Class"`` path rather than a registry name."""
    return isinstance(name, str) and ":" in name and name not in registry


def module_of(path):
    """The module part of ``"module:QualName"``."""
    return path.partition(":")[0]


def is_trusted(module, trusted_modules):
    """Whether ``module`` is one of ``trusted_modules`` or a submodule of one.

    ``"os.path"`` is trusted by ``["os"]``; ``"ossomething"`` is not.
    """
    return bool(module) and any(
        module == trusted or module.startswith(trusted + ".") for trusted in trusted_modules
    )


def import_class(path, registry):
    """Import the class named ``"module:QualName"`` (this runs the module's code).

    Raises
    ------
    ImportError, AttributeError
        If the module or the class cannot be found.
    TypeError
        If the object is not a subclass of the registry's base class.
    """
    module, _, qualname = path.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (inspect.isclass(obj) and issubclass(obj, registry.base)):
        raise TypeError(f"{path!r} is not a {registry.base.__name__} subclass.")
    return obj
