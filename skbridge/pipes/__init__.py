"""DynaML-style data pipes and Gaussian-process models.

Composable data pipes (:class:`DataPipe` with ``>`` composition, ``*`` on
pairs, :func:`branch`, reversible pipes and scalers) that are scikit-learn
transformers; lazy :class:`StreamPipe` pipes over iterators and chunked files;
and GP models with kernel algebra: :class:`GPRegressor`,
:class:`StudentTProcessRegressor` and the random-feature
:class:`SparseSpectrumGPRegressor`, plus :func:`plot_gp`.
Importing this package does not import matplotlib.
"""

from ._gp import GPRegressor, SparseSpectrumGPRegressor, StudentTProcessRegressor
from ._kernels import KERNELS, make_kernel
from ._pipes import (
    BranchPipe,
    ComposedPipe,
    DataPipe,
    GaussianScaler,
    MinMaxScaler,
    ProductPipe,
    ReversiblePipe,
    branch,
    compose,
)
from ._plot import plot_gp
from ._stream import (
    StreamLearner,
    StreamPipe,
    iter_chunks,
    read_csv_chunks,
    read_lines,
    stream_batch,
    stream_filter,
    stream_map,
    stream_window,
)

__all__ = [
    "KERNELS",
    "BranchPipe",
    "ComposedPipe",
    "DataPipe",
    "GPRegressor",
    "GaussianScaler",
    "MinMaxScaler",
    "ProductPipe",
    "ReversiblePipe",
    "SparseSpectrumGPRegressor",
    "StreamLearner",
    "StreamPipe",
    "StudentTProcessRegressor",
    "branch",
    "compose",
    "iter_chunks",
    "make_kernel",
    "plot_gp",
    "read_csv_chunks",
    "read_lines",
    "stream_batch",
    "stream_filter",
    "stream_map",
    "stream_window",
]
