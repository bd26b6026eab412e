"""Kernel algebra for the GP models: names, expressions and the kernel registry.

Kernels are :mod:`sklearn.gaussian_process.kernels` objects, so they add and
multiply (``k1 + k2``, ``k1 * k2``), scale by constants (``2.0 * k``), carry
their hyperparameters in log space with bounds and gradients, and every
scikit-learn kernel works as it is. This module adds DynaML-style names and a
small expression language, so that a kernel can be a plain string in a
config or a grid search::

    "rbf"                      RBF()
    "constant * rbf + white"   ConstantKernel() * RBF() + WhiteKernel()
    "2.0 * matern + white"     ConstantKernel(2.0) * Matern() + WhiteKernel()
    "rbf * (periodic + linear)"

``make_kernel(spec, kwargs)`` resolves a name, an expression, a kernel class or
a kernel instance; the GP estimators call it in ``fit``. The names are the keys
of :data:`KERNELS`, a :class:`skbridge.utils.Registry` of kernel classes.
"""

import re

from sklearn.base import clone
from sklearn.gaussian_process import kernels as sk_kernels

from ...utils import Registry

__all__ = ["KERNELS", "make_kernel"]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>[-+*()]))")


def _default_kernel():
    # The prior of scikit-learn's GaussianProcessRegressor before fit: fixed unit signal
    # and length scale (its fit optimises ConstantKernel() * RBF() from the same values).
    return sk_kernels.ConstantKernel(1.0, constant_value_bounds="fixed") * sk_kernels.RBF(
        1.0, length_scale_bounds="fixed"
    )


def _parse(text, build):
    """Recursive-descent parse of ``+``/``*`` expressions over names and numbers."""
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(
                f"Malformed kernel expression {text!r}: unexpected {text[pos:].strip()[:10]!r} "
                f"at position {pos}. Use kernel names, numbers, '+', '*' and parentheses."
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    index = 0

    def peek():
        return tokens[index] if index < len(tokens) else (None, None)

    def take():
        nonlocal index
        token = peek()
        index += 1
        return token

    def expr():
        node = term()
        while peek() == ("op", "+"):
            take()
            node = node + term()
        return node

    def term():
        node = factor()
        while peek() == ("op", "*"):
            take()
            node = node * factor()
        return node

    def factor():
        kind, value = take()
        if kind == "num":
            return sk_kernels.ConstantKernel(float(value))
        if kind == "name":
            return build(value)
        if (kind, value) == ("op", "("):
            node = expr()
            if take() != ("op", ")"):
                raise ValueError(f"Malformed kernel expression {text!r}: missing ')'.")
            return node
        found = "the end" if kind is None else repr(value)
        raise ValueError(
            f"Malformed kernel expression {text!r}: expected a kernel name, a number or "
            f"'(' but found {found}."
        )

    if not tokens:
        raise ValueError("Empty kernel expression: name a kernel, e.g. 'rbf + white'.")
    node = expr()
    if index != len(tokens):
        raise ValueError(
            f"Malformed kernel expression {text!r}: unexpected {tokens[index][1]!r}."
        )
    return node


def _names(text):
    return [m.group("name") for m in _TOKEN.finditer(text) if m.group("name")]


def make_kernel(kernel=None, kernel_kwargs=None):
    """Resolve a kernel specification to a fresh scikit-learn kernel.

    Parameters
    ----------
    kernel : str, Kernel class, Kernel instance or None, default=None
        A name from :data:`KERNELS` (``"rbf"``, ``"matern"``, ``"periodic"``,
        ...), an expression over names and numbers with ``+``, ``*`` and
        parentheses (``"constant * rbf + white"``), a kernel class, or a kernel
        instance (copied). ``None`` is the kernel scikit-learn's
        ``GaussianProcessRegressor`` predicts with before ``fit``,
        ``ConstantKernel(1.0, "fixed") * RBF(1.0, "fixed")`` (its ``fit``, and
        :class:`GPRegressor`'s, optimise ``ConstantKernel() * RBF()`` instead).
    kernel_kwargs : dict, default=None
        Parameters of the kernel: for a single name or a class, its keyword
        arguments (``{"length_scale": 0.5}``); for an expression, one dict per
        name (``{"rbf": {"length_scale": 0.5}, "white": {"noise_level": 0.1}}``).

    Returns
    -------
    kernel : sklearn.gaussian_process.kernels.Kernel
        A new kernel object.

    Raises
    ------
    ValueError
        For an unknown name, a malformed expression or kwargs that do not fit.
    TypeError
        For anything that is not a kernel.

    Examples
    --------
    >>> from skbridge.estimators.gaussian_process import make_kernel
    >>> make_kernel("2.0 * rbf + white", {"rbf": {"length_scale": 0.5}})
    1.41**2 * RBF(length_scale=0.5) + WhiteKernel(noise_level=1)
    >>> make_kernel("matern", {"nu": 2.5})
    Matern(length_scale=1, nu=2.5)
    """
    kwargs = dict(kernel_kwargs or {})
    if kernel is None:
        if kwargs:
            raise ValueError("kernel_kwargs were given without a kernel; name the kernel too.")
        return _default_kernel()
    if isinstance(kernel, sk_kernels.Kernel):
        if kwargs:
            return clone(kernel).set_params(**kwargs)
        return clone(kernel)
    if isinstance(kernel, type):
        if not issubclass(kernel, sk_kernels.Kernel):
            raise TypeError(
                f"kernel={kernel.__name__} is not a kernel class: pass a name such as 'rbf', "
                "an expression such as 'rbf + white', or a sklearn.gaussian_process.kernels "
                "class or object."
            )
        return _build(kernel, kwargs, kernel.__name__)
    if isinstance(kernel, str):
        names = _names(kernel)
        for name in names:
            if name not in KERNELS:
                error = KERNELS.unknown(name)
                if name != kernel.strip():
                    error = ValueError(f"{error} It appears in the expression {kernel!r}.")
                raise error
        per_name = len(set(names)) > 1 or (
            kwargs and set(kwargs) <= {n.lower() for n in names}
            and all(isinstance(v, dict) for v in kwargs.values())
        )
        if per_name:
            unknown = set(kwargs) - {n.lower() for n in names}
            if unknown:
                raise ValueError(
                    f"kernel_kwargs names {sorted(unknown)}, which {kernel!r} does not use; "
                    "for an expression give one dict per kernel name."
                )

        def build(name):
            name = name.lower()
            own = kwargs.get(name, {}) if per_name else kwargs
            return _build(KERNELS.lookup(name), own, name)

        return _parse(kernel, build)
    raise TypeError(
        f"kernel must be a name, an expression, or a sklearn kernel class or object; got "
        f"{type(kernel).__name__}."
    )


def _build(factory, kwargs, name):
    try:
        return factory(**kwargs)
    except TypeError as exc:
        raise ValueError(f"Bad kernel_kwargs for {name!r}: {exc}") from None


# The registry of kernel names (DynaML's and scikit-learn's), resolved in fit.
# Keys match case-, dash- and underscore-insensitively ("rational_quadratic").
KERNELS = Registry("kernel", base=sk_kernels.Kernel)
KERNELS.register(sk_kernels.RBF, name="rbf", synonyms=("se",))
KERNELS.register(sk_kernels.Matern, name="matern")
KERNELS.register(sk_kernels.RationalQuadratic, name="rational_quadratic", synonyms=("rq",))
KERNELS.register(sk_kernels.ExpSineSquared, name="periodic", synonyms=("exp_sine_squared",))
KERNELS.register(sk_kernels.DotProduct, name="linear", synonyms=("dot_product",))
KERNELS.register(sk_kernels.WhiteKernel, name="white", synonyms=("noise",))
KERNELS.register(sk_kernels.ConstantKernel, name="constant")
