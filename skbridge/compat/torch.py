"""PyTorch helpers shared by the torch tools: import, device, seeding, pickling.

Importing this module does not import torch: every helper imports it on
first use through :func:`require_torch`, so a missing framework raises an
:class:`~skbridge.compat.OptionalDependencyError` that names the extra to
install. The KGE models use these helpers now; the neural engine will too.

* :func:`resolve_device`: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"auto"`` to a
  :class:`torch.device`, with a clear error for CUDA without a GPU.
* :func:`seed_from_random_state`, :func:`make_generator` and
  :func:`seeded_torch_rng`: torch seeds derived from the estimator's
  ``random_state``, the only source of randomness, without touching the
  caller's global torch generator.
* :func:`cpu_state` and :func:`restore_cpu_state`: the bodies of
  ``__getstate__`` and ``__setstate__`` (skorch's pattern: modules and
  optimizer states moved to CPU, so pickles load on machines without a GPU).
"""

import contextlib
import copy

import numpy as np
from sklearn.utils import check_random_state

from .optional import import_optional

__all__ = [
    "cpu_state",
    "make_generator",
    "module_to_cpu",
    "require_torch",
    "resolve_device",
    "restore_cpu_state",
    "seed_from_random_state",
    "seeded_torch_rng",
    "tensors_to_cpu",
]

_INT32_MAX = int(np.iinfo(np.int32).max)


def require_torch(*, extra="kge", purpose=None):
    """Import torch, or fail with an error naming the extra that installs it.

    Parameters
    ----------
    extra : str, default="kge"
        The ``scikit-bridge`` extra named in the error (``"kge"``, ``"nn"``).
    purpose : str, default=None
        What needs torch, for the message (e.g. ``"skbridge.estimators.kge"``).

    Returns
    -------
    torch : module

    Raises
    ------
    OptionalDependencyError
        If torch cannot be imported; the message says
        ``pip install 'scikit-bridge[<extra>]'``.

    Examples
    --------
    >>> from skbridge.compat.torch import require_torch
    >>> require_torch(extra="kge").__name__
    'torch'
    """
    return import_optional("torch", extra=extra, purpose=purpose)


def resolve_device(device):
    """The :class:`torch.device` an estimator's ``device`` parameter asks for.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"``, any other torch device
        string, or ``"auto"`` for CUDA when a GPU is present and CPU otherwise.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        For a string torch does not know, and for a CUDA device when torch
        sees no GPU (instead of torch's bare ``AssertionError`` at the first
        transfer); the message names ``device="cpu"`` and ``device="auto"``.

    Examples
    --------
    >>> from skbridge.compat.torch import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("auto").type in ("cpu", "cuda")
    True
    """
    torch = require_torch()
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"Unknown device {device!r}: {exc}. Use device='cpu', 'cuda' or 'auto'."
        ) from exc
    if resolved.type == "cuda":
        _check_cuda(torch, device, resolved)
    return resolved


def _check_cuda(torch, device, resolved):
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} needs a CUDA GPU, but torch sees none (torch "
            f"{torch.__version__}, torch.cuda.is_available() is False). Use device='cpu', "
            f"or device='auto' to take the GPU only when there is one."
        )
    count = torch.cuda.device_count()
    if resolved.index is not None and resolved.index >= count:
        raise ValueError(
            f"device={device!r} asks for GPU {resolved.index}, but torch sees {count} "
            f"GPU(s); use device='cuda' (the current GPU) or device='auto'."
        )


def seed_from_random_state(random_state):
    """An int32 seed for torch, drawn from ``random_state``.

    This is the one draw an estimator makes from its ``random_state`` at the
    start of ``fit``; every torch generator it uses derives from the seed.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        As scikit-learn's ``random_state``.

    Returns
    -------
    seed : int
        In ``[0, 2**31 - 1)``.

    Examples
    --------
    >>> from skbridge.compat.torch import seed_from_random_state
    >>> seed_from_random_state(0) == seed_from_random_state(0)
    True
    """
    return int(check_random_state(random_state).randint(_INT32_MAX))


def make_generator(seed, device="cpu"):
    """A :class:`torch.Generator` on ``device`` seeded with ``seed``.

    Parameters
    ----------
    seed : int
        From :func:`seed_from_random_state` (or derived from it).
    device : str or torch.device, default="cpu"

    Returns
    -------
    generator : torch.Generator

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import make_generator
    >>> a = torch.rand(2, generator=make_generator(3))
    >>> bool((a == torch.rand(2, generator=make_generator(3))).all())
    True
    """
    torch = require_torch()
    return torch.Generator(device=device).manual_seed(int(seed))


@contextlib.contextmanager
def seeded_torch_rng(seed, device=None):
    """Seed torch's CPU generator (and one CUDA device's) inside the block, and restore them after.

    Code that draws from the global generator (module construction, dropout)
    is then reproducible, and the caller's own torch random state is left as
    it was. Only the generators restored after the block are seeded: the CPU
    generator (as :func:`torch.manual_seed` seeds it) and, when ``device`` is a
    CUDA device, that device's generator. The other GPUs' generators are not
    touched (:func:`torch.manual_seed` would reseed them all, and
    :func:`torch.random.fork_rng` restores only the devices it is given).

    Parameters
    ----------
    seed : int
        Seed of the CPU generator (and the CUDA device's) inside the block.
    device : str or torch.device, default=None
        A CUDA device whose generator is seeded, and restored after, too; the
        CPU generator always is.

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import seeded_torch_rng
    >>> with seeded_torch_rng(0):
    ...     a = torch.rand(1)
    >>> with seeded_torch_rng(0):
    ...     b = torch.rand(1)
    >>> bool(a == b)
    True
    """
    torch = require_torch()
    devices = []
    if device is not None and torch.device(device).type == "cuda":
        index = torch.device(device).index
        devices = [torch.cuda.current_device() if index is None else index]
    with torch.random.fork_rng(devices=devices):
        torch.default_generator.manual_seed(int(seed))
        for index in devices:  # initialised by fork_rng, which saved its state
            torch.cuda.default_generators[index].manual_seed(int(seed))
        yield


def module_to_cpu(module):
    """``module`` if its parameters are on CPU, else a CPU copy of it.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    module : torch.nn.Module
        The module itself, or a deep copy moved to CPU (the original stays
        on its device).
    """
    if all(p.device.type == "cpu" for p in module.parameters()) and all(
        b.device.type == "cpu" for b in module.buffers()
    ):
        return module
    return copy.deepcopy(module).cpu()


def tensors_to_cpu(obj):
    """Copy of a nest of dicts, lists and tuples with every tensor moved to CPU.

    Parameters
    ----------
    obj : object
        A tensor, or dicts, lists and tuples holding tensors (an optimizer's
        ``state_dict()``).

    Returns
    -------
    obj : object
        The same structure; other leaves are kept as they are.

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import tensors_to_cpu
    >>> tensors_to_cpu({"state": [torch.zeros(1)], "lr": 0.1})["lr"]
    0.1
    """
    torch = require_torch()
    if isinstance(obj, torch.Tensor):
        return obj.cpu()
    if isinstance(obj, dict):
        return {key: tensors_to_cpu(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(tensors_to_cpu(value) for value in obj)
    return obj


def _saved_key(name):
    return f"_{name.rstrip('_')}_state"


def cpu_state(estimator, *, modules=("module_",), optimizers=("optimizer_",),
              devices=("device_",)):
    """The state to pickle of a fitted torch estimator: everything on CPU.

    Use it as the body of ``__getstate__``. Modules are moved (copied) to
    CPU; an optimizer, which refers to the parameters of its module, is
    replaced by ``None`` and its ``state_dict()`` (on CPU) is saved under
    ``_<name>_state``, for :func:`restore_cpu_state` to rebuild it; devices
    become ``torch.device("cpu")``.

    Parameters
    ----------
    estimator : object
        The estimator; its ``__dict__`` is copied, not changed.
    modules, optimizers, devices : tuple of str, default=("module_",), ("optimizer_",), ("device_",)
        Names of the attributes holding modules, optimizers and devices;
        missing ones (an unfitted estimator) are skipped.

    Returns
    -------
    state : dict

    See Also
    --------
    restore_cpu_state : The matching ``__setstate__``.

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import cpu_state, restore_cpu_state
    >>> class Net:
    ...     def __init__(self):
    ...         self.module_ = torch.nn.Linear(2, 1)
    ...         self.optimizer_ = self.make_optimizer()
    ...     def make_optimizer(self):
    ...         return torch.optim.SGD(self.module_.parameters(), lr=0.1)
    >>> state = cpu_state(Net())
    >>> state["optimizer_"] is None and "_optimizer_state" in state
    True
    >>> restored = Net.__new__(Net)
    >>> restore_cpu_state(restored, state, {"optimizer_": restored.make_optimizer})
    >>> type(restored.optimizer_).__name__
    'SGD'
    """
    torch = require_torch()
    state = estimator.__dict__.copy()
    for name in modules:
        if state.get(name) is not None:
            state[name] = module_to_cpu(state[name])
    for name in optimizers:
        if state.get(name) is not None:
            state[_saved_key(name)] = tensors_to_cpu(state[name].state_dict())
            state[name] = None
    for name in devices:
        if state.get(name) is not None:
            state[name] = torch.device("cpu")
    return state


def restore_cpu_state(estimator, state, make_optimizers=None):
    """Restore a state saved by :func:`cpu_state`; the body of ``__setstate__``.

    Parameters
    ----------
    estimator : object
        The estimator being unpickled; its ``__dict__`` is updated.
    state : dict
        From :func:`cpu_state` (it is not changed).
    make_optimizers : dict of str to callable, default=None
        ``{attribute: factory}``: each factory is called with no argument once
        the rest of the state is in place (a bound method such as
        ``estimator._make_optimizer``) and the saved optimizer state is loaded
        into what it returns.
    """
    state = dict(state)
    saved = {name: state.pop(_saved_key(name), None) for name in (make_optimizers or {})}
    estimator.__dict__.update(state)
    for name, factory in (make_optimizers or {}).items():
        if saved[name] is not None:
            optimizer = factory()
            optimizer.load_state_dict(saved[name])
            setattr(estimator, name, optimizer)
