"""One registry for every family of interchangeable parts.

A family (KGE scoring functions, munge transforms, tokenizer models, GP
kernels, network architectures, ...) keeps one :class:`Registry` at the end of
its module. Estimators take a name, an alias, a class or an instance plus a
kwargs dict, and resolve them in ``fit`` with :meth:`Registry.make`, so that
``clone``, grid search and configuration files only ever see strings and dicts.

The API follows class-resolver's ``ClassResolver`` (``lookup``, ``make``,
``options``, ``register``), with two additions the tools need: aliases that
carry default keyword arguments (Automunge's transform codes), and entries that
are plain factory functions rather than classes (tokenizer components).
"""

import inspect
from typing import NamedTuple

__all__ = ["Registry", "Resolved", "all_registries"]

_REGISTRIES = []


def all_registries():
    """Every :class:`Registry` created so far, in creation order.

    Registries are created when their module is imported; import the tools
    first (for example through :func:`skbridge.compat.testing.all_estimators`)
    to see them all.
    """
    return list(_REGISTRIES)


class Resolved(NamedTuple):
    """What a query resolves to: the entry, its key and the alias's defaults."""

    entry: object
    key: str | None
    defaults: dict


class Registry:
    """Map names and aliases to the classes (or factories) of one family.

    Parameters
    ----------
    family : str
        What the registry holds, for error messages (``"loss"``, ``"transform"``).
    base : type, default=None
        Base class every class entry derives from. With a base, a subclass or
        an instance of it is accepted as a query in place of a name. Without
        one, entries may be any callables and only names are looked up.
    suffix : str, default=""
        Suffix stripped from class names to form the key
        (``"TransEScoringFunction"`` -> ``"transe"``).
    normalize : bool, default=True
        Whether keys are matched case-, dash- and underscore-insensitively
        (``"Trans-E"`` finds ``"transe"``). Families whose codes differ only in
        case (Automunge's) keep this off.
    example_args : tuple or callable, default=()
        Positional arguments that build any entry, for the generic test that
        every key builds (e.g. the ``tokenizers`` module for factories). A
        callable is called for them, so that a family of a lazily imported
        framework imports it only when the test asks.
    example_kwargs : dict or callable, default=None
        Keyword arguments likewise.

    Examples
    --------
    >>> from skbridge.utils import Registry
    >>> class Loss:
    ...     def __init__(self, margin=1.0):
    ...         self.margin = margin
    >>> class PairwiseLoss(Loss):
    ...     pass
    >>> losses = Registry("loss", base=Loss, suffix="Loss")
    >>> _ = losses.register(PairwiseLoss, aliases={"hinge": {"margin": 0.5}})
    >>> losses.options
    ['pairwise']
    >>> losses.make("hinge").margin
    0.5
    >>> losses.make("Pairwise", {"margin": 2.0}).margin
    2.0
    >>> losses.make("nll")
    Traceback (most recent call last):
    ...
    ValueError: Unknown loss 'nll'; choose one of ['hinge', 'pairwise'], or pass a subclass of Loss.
    """

    def __init__(
        self, family, *, base=None, suffix="", normalize=True, example_args=(),
        example_kwargs=None,
    ):
        self.family = family
        self.base = base
        self.suffix = suffix
        self.normalize = normalize
        self.example_args = example_args
        self.example_kwargs = example_kwargs
        self._entries = {}  # key -> entry
        self._aliases = {}  # alias key -> (canonical key, default kwargs)
        _REGISTRIES.append(self)

    def __repr__(self):
        return f"Registry({self.family!r}, options={self.options})"

    # -- filling -----------------------------------------------------------------------

    def _key(self, name):
        name = str(name)
        if self.normalize:
            return name.lower().replace("-", "").replace("_", "").replace(" ", "")
        return name

    def register(self, entry=None, *, name=None, synonyms=(), aliases=None):
        """Register ``entry`` under ``name``; usable as a decorator.

        Parameters
        ----------
        entry : type or callable
            The class (or, without ``base``, a factory function).
        name : str, default=None
            The key. By default the class's ``name`` attribute where it defines
            one, else its ``__name__`` without ``suffix``.
        synonyms : iterable of str, default=()
            Other names for the same entry. A class's own ``synonyms`` attribute
            is added.
        aliases : dict, default=None
            ``{alias: default_kwargs}``: names that build the entry with these
            keyword arguments unless the caller overrides them. A class's own
            ``aliases`` attribute (same form) is added.

        Returns
        -------
        entry : type or callable
            ``entry`` itself, so that ``register`` decorates.
        """
        if entry is None:
            return lambda entry: self.register(
                entry, name=name, synonyms=synonyms, aliases=aliases
            )
        if self.base is not None and not (
            inspect.isclass(entry) and issubclass(entry, self.base)
        ):
            raise TypeError(f"{entry!r} is not a subclass of {self.base.__name__}.")
        key = self._key(name if name is not None else self._default_name(entry))
        self._entries[key] = entry
        for synonym in (*synonyms, *getattr(entry, "synonyms", ())):
            self._aliases[self._key(synonym)] = (key, {})
        for alias, defaults in {**getattr(entry, "aliases", {}), **(aliases or {})}.items():
            self._aliases[self._key(alias)] = (key, dict(defaults))
        return entry

    def alias(self, alias, target, **defaults):
        """Add ``alias`` for the registered ``target`` with default kwargs."""
        key = self._key(target)
        if key not in self._entries:
            raise ValueError(f"Cannot alias {alias!r}: {self.family} {target!r} is not registered.")
        self._aliases[self._key(alias)] = (key, defaults)

    def _default_name(self, entry):
        own = getattr(entry, "name", None) if inspect.isclass(entry) else None
        if isinstance(own, str) and own:
            return own
        name = entry.__name__
        if self.suffix and name.endswith(self.suffix) and name != self.suffix:
            name = name[: -len(self.suffix)]
        return name

    def example(self):
        """``(args, kwargs)`` that build any entry (see ``example_args``)."""
        args = self.example_args() if callable(self.example_args) else self.example_args
        kwargs = self.example_kwargs() if callable(self.example_kwargs) else self.example_kwargs
        return tuple(args), dict(kwargs or {})

    # -- reading -----------------------------------------------------------------------

    @property
    def options(self):
        """Sorted canonical keys (aliases left out)."""
        return sorted(self._entries)

    @property
    def names(self):
        """Every accepted name: canonical keys and aliases, sorted."""
        return sorted({*self._entries, *self._aliases})

    def __contains__(self, name):
        return isinstance(name, str) and self._key(name) in {*self._entries, *self._aliases}

    def __iter__(self):
        return iter(self.options)

    def __len__(self):
        return len(self._entries)

    def __getitem__(self, name):
        return self.lookup(name)

    def keys(self):
        """Canonical keys, sorted (as :attr:`options`)."""
        return self.options

    def values(self):
        """Registered entries, in key order."""
        return [self._entries[key] for key in self.options]

    def items(self):
        """``(key, entry)`` pairs, sorted by key."""
        return [(key, self._entries[key]) for key in self.options]

    def key_of(self, entry):
        """The key under which ``entry`` (a class or factory) is registered, else None."""
        for key, registered in self._entries.items():
            if registered is entry:
                return key
        return None

    def unknown(self, query):
        """The error for a name that is neither a key nor an alias."""
        hint = f", or pass a subclass of {self.base.__name__}" if self.base is not None else ""
        return ValueError(f"Unknown {self.family} {query!r}; choose one of {self.names}{hint}.")

    def resolve(self, query):
        """What ``query`` (name, alias, class or instance) stands for.

        Returns
        -------
        resolved : Resolved
            ``entry`` (class or factory), ``key`` (None for a class that is not
            registered) and ``defaults`` (an alias's keyword arguments).

        Raises
        ------
        ValueError
            For an unknown name, listing the known ones.
        TypeError
            For a class or object that is not of this family.
        """
        if self.base is not None and inspect.isclass(query):
            if not issubclass(query, self.base):
                raise TypeError(
                    f"{query.__name__} is not a {self.family}: it must subclass "
                    f"{self.base.__name__}."
                )
            return Resolved(query, self.key_of(query), {})
        if self.base is not None and isinstance(query, self.base):
            return Resolved(type(query), self.key_of(type(query)), {})
        if not isinstance(query, str):
            kinds = "a name"
            if self.base is not None:
                kinds = f"a name, a {self.base.__name__} subclass or instance"
            raise TypeError(f"A {self.family} must be {kinds}; got {query!r}.")
        key = self._key(query)
        if key in self._entries:
            return Resolved(self._entries[key], key, {})
        if key in self._aliases:
            target, defaults = self._aliases[key]
            return Resolved(self._entries[target], target, dict(defaults))
        raise self.unknown(query)

    def lookup(self, query):
        """The class (or factory) for a name, an alias, a class or an instance."""
        return self.resolve(query).entry

    def make(self, query, kwargs=None, /, *args, **extra):
        """Build an instance from a name, an alias, a class or an instance.

        Parameters
        ----------
        query : str, type or object
            What to build. An instance is returned as it is (``kwargs`` must
            then be empty).
        kwargs : dict, default=None
            The user's keyword arguments; they override an alias's defaults
            and ``extra``.
        *args
            Positional arguments passed to the class or factory first.
        **extra
            Keyword arguments the caller supplies (e.g. sizes read in ``fit``).

        Raises
        ------
        ValueError
            For an unknown name, kwargs given with an instance, or keyword
            arguments the entry does not take.
        """
        if self.base is not None and isinstance(query, self.base):
            if kwargs:
                raise ValueError(
                    f"The {self.family} {query!r} is already an instance; it takes no "
                    f"kwargs ({sorted(kwargs)}). Pass its name or class to use kwargs."
                )
            return query
        entry, _, defaults = self.resolve(query)
        params = {**defaults, **extra, **(kwargs or {})}
        try:
            inspect.signature(entry).bind(*args, **params)
        except TypeError as exc:
            raise ValueError(
                f"Bad parameters {sorted(params)} for the {self.family} "
                f"{getattr(entry, '__name__', entry)!s}: {exc}"
            ) from exc
        except ValueError:  # no signature (a builtin): let the call decide
            pass
        try:
            return entry(*args, **params)
        except TypeError as exc:
            # A class without an __init__ of its own (a torch Module subclass) has a
            # signature that binds anything; its base rejects the keywords instead.
            if "argument" not in str(exc):
                raise
            raise ValueError(
                f"Bad parameters {sorted(params)} for the {self.family} "
                f"{getattr(entry, '__name__', entry)!s}: {exc}"
            ) from exc
