"""The one place that touches private or version-specific APIs.

Tools import scikit-learn's private helpers, optional frameworks and test
utilities from here, never directly.
"""

from .memory import release_free_memory
from .optional import OptionalDependencyError, import_optional
from .sklearn import (
    HasMethods,
    Hidden,
    Interval,
    RealNotInt,
    StrOptions,
    effective_n_threads,
    fit_context,
    validate_data,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "OptionalDependencyError",
    "RealNotInt",
    "StrOptions",
    "effective_n_threads",
    "fit_context",
    "import_optional",
    "release_free_memory",
    "validate_data",
    "validate_params",
]
