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
* :func:`plain_state` and :func:`restore_plain_state`: the same with the state
  as plain data (numpy arrays and builtins, no torch object), which skops saves
  as well as pickle; :func:`tensors_to_arrays`, :func:`arrays_to_tensors` and
  :func:`tensor_attributes_state` / :func:`restore_tensor_attributes` convert.
"""

import contextlib
import copy

import numpy as np
from sklearn.utils import check_random_state

from .optional import import_optional

__all__ = [
    "arrays_to_tensors",
    "cpu_state",
    "make_generator",
    "module_to_cpu",
    "plain_state",
    "require_torch",
    "resolve_device",
    "restore_cpu_state",
    "restore_plain_state",
    "restore_tensor_attributes",
    "seed_from_random_state",
    "seeded_torch_rng",
    "tensor_attributes_state",
    "tensors_to_arrays",
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



# ------------------------------------------------------- plain-data state (skops)


def tensors_to_arrays(obj):
    """Copy of a nest of dicts, lists and tuples with every tensor as a numpy array.

    Parameters
    ----------
    obj : object
        A tensor, or mappings (a ``state_dict``), lists and tuples holding
        tensors; mappings come back as dicts, other leaves as they are.

    Returns
    -------
    obj : object

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import tensors_to_arrays
    >>> tensors_to_arrays({"w": torch.ones(2), "step": 3})
    {'w': array([1., 1.], dtype=float32), 'step': 3}
    """
    torch = require_torch()
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu().numpy().copy()
    if isinstance(obj, dict):
        return {key: tensors_to_arrays(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(tensors_to_arrays(value) for value in obj)
    return obj


def arrays_to_tensors(obj, device="cpu"):
    """The inverse of :func:`tensors_to_arrays`: every array of the nest as a tensor.

    Parameters
    ----------
    obj : object
        Arrays in dicts, lists and tuples.
    device : str or torch.device, default="cpu"

    Returns
    -------
    obj : object
    """
    torch = require_torch()
    if isinstance(obj, np.ndarray):
        return torch.from_numpy(np.array(obj, copy=True)).to(device)
    if isinstance(obj, dict):
        return {key: arrays_to_tensors(value, device) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(arrays_to_tensors(value, device) for value in obj)
    return obj


def _module_state(module):
    return {"state_dict": tensors_to_arrays(dict(module.state_dict())),
            "training": bool(module.training)}


def _load_module_state(module, state):
    try:
        module.load_state_dict(arrays_to_tensors(state["state_dict"]))
    except (RuntimeError, KeyError) as exc:
        raise ValueError(
            f"The saved weights do not fit the {type(module).__name__} rebuilt from the "
            f"estimator's parameters (saved from another network?): {exc}"
        ) from exc
    module.train(state["training"])


def _optimizer_state(optimizer):
    saved = optimizer.state_dict()  # tuples (Adam's betas) as lists, ids as str keys
    groups = [{key: (list(value) if isinstance(value, tuple) else value)
               for key, value in group.items()} for group in saved["param_groups"]]
    return {"state": {str(key): tensors_to_arrays(dict(value))
                      for key, value in saved["state"].items()}, "param_groups": groups}


def _load_optimizer_state(optimizer, state):
    groups = [{key: (tuple(value) if isinstance(value, list) and key != "params" else value)
               for key, value in group.items()} for group in state["param_groups"]]
    restored = {int(key): arrays_to_tensors(value) for key, value in state["state"].items()}
    optimizer.load_state_dict({"state": restored, "param_groups": groups})


def tensor_attributes_state(obj):
    """``obj.__dict__`` with its tensor attributes as arrays: a plain ``__getstate__``.

    Parameters
    ----------
    obj : object
        An object holding tensors in some attributes (a fitted sampler).

    Returns
    -------
    state : dict
        A copy of ``obj.__dict__``; the converted attributes are listed under
        ``"_tensor_attributes"`` for :func:`restore_tensor_attributes`.
    """
    torch = require_torch()
    state = obj.__dict__.copy()
    names = sorted(k for k, v in state.items() if isinstance(v, torch.Tensor))
    for name in names:
        state[name] = tensors_to_arrays(state[name])
    state["_tensor_attributes"] = names
    return state


def restore_tensor_attributes(obj, state):
    """Restore a :func:`tensor_attributes_state` into ``obj.__dict__`` (a ``__setstate__``).

    Parameters
    ----------
    obj : object
    state : dict
        From :func:`tensor_attributes_state` (it is not changed).
    """
    state = dict(state)
    for name in state.pop("_tensor_attributes", ()):
        state[name] = arrays_to_tensors(state[name])
    obj.__dict__.update(state)


def _plain_key(name):
    return f"_{name.rstrip('_')}_plain"


def plain_state(estimator, *, modules=("module_",), optimizers=("optimizer_",),
                devices=("device_",)):
    """The state of a fitted torch estimator as plain data, for skops and pickle.

    The body of ``__getstate__``, like :func:`cpu_state`, but with no torch
    object left: each module (optimizer) is replaced by ``None`` and its
    ``state_dict`` as numpy arrays (and its training mode) is saved under
    ``_<name>_plain``; devices become ``"cpu"``. :func:`restore_plain_state`
    rebuilds them with the estimator's own factories.

    Parameters
    ----------
    estimator : object
        The estimator; its ``__dict__`` is copied, not changed.
    modules, optimizers, devices : tuple of str, default=("module_",), ("optimizer_",), ("device_",)
        Attributes holding modules, optimizers and devices; missing ones are skipped.

    Returns
    -------
    state : dict

    Examples
    --------
    >>> import torch
    >>> from skbridge.compat.torch import plain_state, restore_plain_state
    >>> class Net:
    ...     def __init__(self):
    ...         self.module_ = self.make_module()
    ...         self.optimizer_ = self.make_optimizer()
    ...     def make_module(self):
    ...         return torch.nn.Linear(2, 1)
    ...     def make_optimizer(self):
    ...         return torch.optim.SGD(self.module_.parameters(), lr=0.1)
    >>> net = Net()
    >>> state = plain_state(net)
    >>> state["module_"] is None and sorted(state["_module_plain"]["state_dict"])
    ['bias', 'weight']
    >>> restored = Net.__new__(Net)
    >>> restore_plain_state(restored, state, {"module_": restored.make_module,
    ...                                       "optimizer_": restored.make_optimizer})
    >>> bool((restored.module_.weight == net.module_.weight).all())
    True
    """
    state = estimator.__dict__.copy()
    for names, convert in ((modules, _module_state), (optimizers, _optimizer_state)):
        for name in names:
            if state.get(name) is not None:
                state[_plain_key(name)] = convert(state[name])
                state[name] = None
    for name in devices:
        if state.get(name) is not None:
            state[name] = "cpu"
    return state


def restore_plain_state(estimator, state, factories, *, devices=("device_",)):
    """Restore a state saved by :func:`plain_state`; the body of ``__setstate__``.

    Parameters
    ----------
    estimator : object
        The estimator being loaded; its ``__dict__`` is updated.
    state : dict
        From :func:`plain_state` (it is not changed).
    factories : dict of str to callable
        ``{attribute: factory}``, modules before the optimizers built on them.
        Each factory is called with no argument once the rest of the state is
        in place (a bound method such as ``estimator._make_optimizer``); the
        saved weights or optimizer state are loaded into what it returns.
    devices : tuple of str, default=("device_",)
        Attributes saved as ``"cpu"``, restored as :class:`torch.device`.

    Raises
    ------
    ValueError
        If saved weights do not fit the module a factory builds.
    """
    torch = require_torch()
    state = dict(state)
    saved = {name: state.pop(_plain_key(name), None) for name in factories}
    estimator.__dict__.update(state)
    for name in devices:
        if isinstance(getattr(estimator, name, None), str):
            setattr(estimator, name, torch.device(getattr(estimator, name)))
    for name, factory in factories.items():
        if saved[name] is not None:
            built = factory()
            load = _load_module_state if "state_dict" in saved[name] else _load_optimizer_state
            load(built, saved[name])
            setattr(estimator, name, built)
