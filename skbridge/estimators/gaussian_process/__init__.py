"""Gaussian-process models with kernel algebra (DynaML's GPs).

* :class:`GPRegressor`: the exact GP, a drop-in for scikit-learn's
  ``GaussianProcessRegressor`` whose kernel may also be a name or an expression
  (``"constant * rbf + white"``), fitted by ML-II;
* :class:`StudentTProcessRegressor`: the Student-t process, with the same API;
* :class:`SparseSpectrumGPRegressor`: a GP on random Fourier features for
  large ``n``;
* :func:`make_kernel` and the :data:`KERNELS` registry: kernel names and
  expressions to scikit-learn kernel objects;
* :func:`plot_gp`: the posterior in 1-D or 2-D (imports matplotlib only when
  called).

The models are plain scikit-learn regressors; the data pipes of
:mod:`skbridge.pipes` compose with them (``GaussianScaler() >> GPRegressor()``).
"""

from ._exact import GPRegressor
from ._kernels import KERNELS, make_kernel
from ._plot import plot_gp
from ._sparse_spectrum import SparseSpectrumGPRegressor
from ._student_t import StudentTProcessRegressor

__all__ = [
    "KERNELS",
    "GPRegressor",
    "SparseSpectrumGPRegressor",
    "StudentTProcessRegressor",
    "make_kernel",
    "plot_gp",
]
