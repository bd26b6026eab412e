"""scikit-bridge: eight research tools behind one scikit-learn API.

Importing :mod:`skbridge` is cheap: the tools live in subpackages
(:mod:`skbridge.transformers`, :mod:`skbridge.estimators`, :mod:`skbridge.pipes`,
:mod:`skbridge.datasets`) and heavy frameworks (torch, TensorFlow, numba) load only
when a tool that needs them is used.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
