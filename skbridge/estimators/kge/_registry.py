"""A small name -> class registry with the API of class-resolver's ``ClassResolver``.

Each family of interchangeable KGE parts (scoring functions, losses,
regularizers, corruption strategies, initializers, optimizers) keeps one
:class:`Registry` at the end of its module. Estimators take a name, a class or
an instance plus a kwargs dict, and resolve them in ``fit`` with
:meth:`Registry.make`, so ``clone`` and grid search only ever see strings and
dicts.
"""

import inspect

__all__ = ["Registry"]


def _normalize(name):
    return str(name).lower().replace("-", "").replace("_", "").replace(" ", "")


class Registry:
    """Map normalised names (and synonyms) to classes of one family.

    Parameters
    ----------
    family : str
        What the registry holds, for error messages (e.g. ``"loss"``).
    base : type
        Base class every entry derives from.
    suffix : str, default=""
        Suffix stripped from class names to form the key
        (``"TransEScoringFunction"`` -> ``"transe"``).
    """

    def __init__(self, family, base, suffix=""):
        self.family = family
        self.base = base
        self.suffix = suffix
        self._classes = {}

    def register(self, cls, *, synonyms=()):
        """Register ``cls`` under its key and ``synonyms``; returns ``cls``."""
        name = cls.__name__
        if self.suffix and name.endswith(self.suffix):
            name = name[: -len(self.suffix)]
        for key in (name, *synonyms, *getattr(cls, "synonyms", ())):
            self._classes[_normalize(key)] = cls
        return cls

    @property
    def options(self):
        """Sorted keys of the registered classes (without synonyms)."""
        seen = {}
        for key, cls in self._classes.items():
            seen.setdefault(cls, key)
        return sorted(seen.values())

    def lookup(self, query):
        """The class for a name, a class or an instance."""
        if inspect.isclass(query):
            if not issubclass(query, self.base):
                raise TypeError(
                    f"{query.__name__} is not a {self.family}: it must subclass "
                    f"{self.base.__name__}."
                )
            return query
        if isinstance(query, self.base):
            return type(query)
        key = _normalize(query)
        if key not in self._classes:
            raise ValueError(
                f"Unknown {self.family} {query!r}; choose one of {self.options}, "
                f"or pass a subclass of {self.base.__name__}."
            )
        return self._classes[key]

    def make(self, query, kwargs=None, **extra):
        """Build an instance: ``query`` is a name, a class or an instance.

        An instance is returned as is (``kwargs`` must then be empty).
        """
        if isinstance(query, self.base):
            if kwargs:
                raise ValueError(
                    f"{self.family} {query!r} is already an instance; it takes no "
                    f"kwargs ({sorted(kwargs)})."
                )
            return query
        cls = self.lookup(query)
        params = {**extra, **(kwargs or {})}
        try:
            return cls(**params)
        except TypeError as exc:
            raise ValueError(
                f"Bad parameters {sorted(params)} for {self.family} {cls.__name__}: {exc}"
            ) from exc
