"""DynaML-style data pipes.

Composable data pipes that are scikit-learn transformers: :class:`DataPipe`
(``>>`` composes, ``(a > b) > c`` too; ``*`` on pairs), :func:`branch`,
reversible pipes and scalers; and lazy :class:`StreamPipe` pipes over
iterators and chunked files.

The Gaussian-process models (:class:`GPRegressor`,
:class:`StudentTProcessRegressor`, :class:`SparseSpectrumGPRegressor`,
``KERNELS``, :func:`make_kernel`, :func:`plot_gp`) moved to
:mod:`skbridge.estimators.gaussian_process`: pipes compose, models estimate.
Importing them from here still works, with a ``FutureWarning``, until 0.3.
"""

from ._composite import ComposedPipe, compose
from ._data_pipe import DataPipe, ReversiblePipe
from ._parallel import BranchPipe, ProductPipe, branch
from ._scalers import GaussianScaler, MinMaxScaler
from ._sources import iter_chunks, read_csv_chunks, read_lines
from ._stream import StreamPipe, stream_batch, stream_filter, stream_map, stream_window
from ._stream_learner import StreamLearner

__all__ = [
    "BranchPipe",
    "ComposedPipe",
    "DataPipe",
    "GaussianScaler",
    "MinMaxScaler",
    "ProductPipe",
    "ReversiblePipe",
    "StreamLearner",
    "StreamPipe",
    "branch",
    "compose",
    "iter_chunks",
    "read_csv_chunks",
    "read_lines",
    "stream_batch",
    "stream_filter",
    "stream_map",
    "stream_window",
]

# Names that moved to skbridge.estimators.gaussian_process. They are served by
# __getattr__ (not bound here), so estimator discovery, which walks module
# namespaces, finds each GP class once, in its new package.
_MOVED_TO_GAUSSIAN_PROCESS = frozenset(
    {
        "GPRegressor",
        "KERNELS",
        "SparseSpectrumGPRegressor",
        "StudentTProcessRegressor",
        "make_kernel",
        "plot_gp",
    }
)


def __getattr__(name):
    if name in _MOVED_TO_GAUSSIAN_PROCESS:
        import warnings

        from ..estimators import gaussian_process

        warnings.warn(
            f"skbridge.pipes.{name} moved to skbridge.estimators.gaussian_process; the "
            "skbridge.pipes alias will be removed in 0.3. Import it with "
            f"`from skbridge.estimators.gaussian_process import {name}`.",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(gaussian_process, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
