"""The stand-ins of CountVectorizer and TfidfVectorizer in the peer tests.

scikit-learn's tests call ``CountVectorizer(...)`` with its defaults; ours
gives CountVectorizer's results with a WordLevel model, CountVectorizer's word
pattern and no bound on the vocabulary. The classes here are
:class:`~skbridge.transformers.TokenCountVectorizer` and
:class:`~skbridge.transformers.TokenTfidfVectorizer` with those defaults (and
nothing else changed), so that the tests see the parameters they expect.
They are module-level, named classes: the tests pickle and clone them.
"""

import inspect
import types

from skbridge.transformers import TokenCountVectorizer, TokenTfidfVectorizer

__all__ = ["CountVectorizer", "TfidfVectorizer"]

# What makes ours count as CountVectorizer does.
CV_DEFAULTS = {
    "model": "wordlevel",
    "token_pattern": r"(?u)\b\w\w+\b",
    "vocab_size": None,
    "min_frequency": 1,
}


def _with_defaults(base, name, defaults):
    """A subclass of ``base`` whose ``__init__`` has other defaults (and the same params)."""
    signature = inspect.signature(base.__init__)
    params = [
        p.replace(default=defaults[p.name]) if p.name in defaults else p
        for p in signature.parameters.values()
    ]

    def __init__(self, **kwargs):
        base.__init__(self, **{**defaults, **kwargs})

    # scikit-learn reads the parameters (and their defaults) from the signature
    __init__.__signature__ = signature.replace(parameters=params)
    __init__.__qualname__ = f"{name}.__init__"

    def body(namespace):
        namespace.update(__init__=__init__, __module__=__name__, __qualname__=name)
        namespace["__doc__"] = f"{base.__name__} with CountVectorizer's defaults: {defaults}."

    # like the base: no set_output (scikit-learn's vectorizers have none)
    return types.new_class(name, (base,), {"auto_wrap_output_keys": None}, body)


CountVectorizer = _with_defaults(TokenCountVectorizer, "CountVectorizer", CV_DEFAULTS)
TfidfVectorizer = _with_defaults(TokenTfidfVectorizer, "TfidfVectorizer", CV_DEFAULTS)
