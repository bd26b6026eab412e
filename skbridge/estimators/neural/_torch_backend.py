"""The PyTorch backend of the neural engine: a tight loop over pre-built tensors.

:class:`TorchBackend` implements the backend interface documented in
:class:`skbridge.estimators.neural._base.Backend`. Training data is converted
to tensors on the device once per ``fit`` (images moved to channels first at
the same time); an epoch indexes them with one permutation, so a step costs
what a hand-written loop's step costs.

Registries: :data:`TORCH_OPTIMIZERS` and :data:`TORCH_LOSSES`.
"""

import contextlib
import copy
import inspect
import sys

import numpy as np

from ...compat import effective_n_threads
from ...compat.torch import require_torch, resolve_device, seeded_torch_rng
from ...utils import Registry
from ._data import batch_slices, eval_batch_size, is_stream, iter_batches
from ._nms import nms_torch
from ._torch_dense import CenterNetLoss, CrossEntropyDiceLoss, DiceLoss
from ._torch_modules import TORCH_MODULES

torch = require_torch(extra="nn", purpose="skbridge.estimators.neural (backend='torch')")
nn = torch.nn

__all__ = ["TORCH_LOSSES", "TORCH_OPTIMIZERS", "TorchBackend"]


def _channels_first(X):
    """A float32 tensor of ``X``; images ``(n, h, w, c)`` become ``(n, c, h, w)``."""
    t = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    return t.permute(0, 3, 1, 2).contiguous() if t.ndim == 4 else t


@contextlib.contextmanager
def thread_cap():
    """Run torch on at most the threads OpenMP may use here, then restore the count.

    torch sizes its pool from the machine's cores; scikit-learn's count also
    honours CPU quotas, ``OMP_NUM_THREADS`` and :mod:`threadpoolctl` limits
    (as joblib sets them in ``n_jobs`` workers). Never raises the count.

    In a process where TensorFlow is loaded (the Keras backend, or the user's
    own code), torch runs on one thread: TensorFlow's thread pool and torch's
    OpenMP threads then contend for the same cores, and a small network trained
    on two threads was measured about 100 times slower than on one.
    """
    before = torch.get_num_threads()
    cap = 1 if "tensorflow" in sys.modules else effective_n_threads(None)
    if cap < before:
        torch.set_num_threads(cap)
    try:
        yield
    finally:
        if cap < before:
            torch.set_num_threads(before)


def _accepted(cls, names):
    """The subset of ``names`` that ``cls.__init__`` takes (all with ``**kwargs``)."""
    params = inspect.signature(cls).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return set(names)
    return {name for name in names if name in params}


def make_module(module, input_shape, n_outputs, module_params=None):
    """Build the network: a registry name, an ``nn.Module`` class or an instance.

    A class gets ``input_shape`` and ``n_outputs`` where its ``__init__``
    takes them; an instance is copied (the parameter is never trained in place).
    """
    if isinstance(module, nn.Module):
        return TORCH_MODULES.make(copy.deepcopy(module), module_params)
    entry = TORCH_MODULES.lookup(module)
    sizes = {"input_shape": tuple(input_shape), "n_outputs": int(n_outputs)}
    sizes = {k: v for k, v in sizes.items() if k in _accepted(entry, sizes)}
    return TORCH_MODULES.make(entry, module_params, **sizes)


class TorchBackend:
    """Train, evaluate and predict with a torch module (see ``_base.Backend``).

    Parameters
    ----------
    params : dict
        The estimator's ``get_params(deep=False)``.
    """

    name = "torch"

    def __init__(self, params):
        self.params = params
        self._cache = []

    # -- building ----------------------------------------------------------------------

    def build(self, input_shape, n_outputs, task, seed):
        p = self.params
        self.task = task
        self.device = resolve_device(p["device"])
        with seeded_torch_rng(seed, self.device):
            self.module = make_module(p["module"], input_shape, n_outputs, p["module_params"])
        self.module.to(self.device)
        self.loss_fn = TORCH_LOSSES.make(p["loss"] or task.default_loss, p["loss_params"])
        if isinstance(self.loss_fn, nn.Module):
            self.loss_fn.to(self.device)
        self.optimizer = self._make_optimizer()
        return self

    def _make_optimizer(self):
        p = self.params
        kwargs = {"lr": p["learning_rate"], **(p["optimizer_params"] or {})}
        cls = TORCH_OPTIMIZERS.lookup(p["optimizer"])
        if cls in (torch.optim.Adam, torch.optim.AdamW) and not {"fused", "foreach"} & set(kwargs):
            try:  # one fused kernel per step where torch has one for this device
                return TORCH_OPTIMIZERS.make(cls, {**kwargs, "fused": True},
                                             self.module.parameters())
            except (RuntimeError, ValueError):
                pass
        return TORCH_OPTIMIZERS.make(cls, kwargs, self.module.parameters())

    # -- data --------------------------------------------------------------------------

    def _tensor(self, array, kind):
        """The device tensor of ``array``, converted once per fit (kept in a small cache)."""
        for source, tensor in self._cache:
            if source is array:
                return tensor
        if kind == "X":
            tensor = _channels_first(array).to(self.device)
        else:
            tensor = torch.from_numpy(np.ascontiguousarray(array)).to(self.device)
        self._cache = [*self._cache[-3:], (array, tensor)]
        return tensor

    def end_fit(self):
        """Drop the tensors of the training data."""
        self._cache = []

    def _batch(self, Xb, yb=None):
        X = _channels_first(Xb).to(self.device, non_blocking=True)
        y = None if yb is None else torch.from_numpy(np.ascontiguousarray(yb)).to(self.device)
        return X, y

    # -- training ----------------------------------------------------------------------

    def train_epoch(self, X, y, batch_size, rng):
        module, loss_fn, optimizer = self.module, self.loss_fn, self.optimizer
        module.train()
        n = len(X)
        seed = int(rng.integers(2**31 - 1))
        losses, sizes = [], []  # summed once at the end: no per-step sync or tensor work
        with thread_cap(), seeded_torch_rng(seed, self.device):  # dropout: reproducible
            if is_stream(X):
                for Xb, yb in iter_batches(X, y, batch_size, shuffle=True, rng=rng):
                    losses.append(self._step(*self._batch(Xb, yb)))
                    sizes.append(len(Xb))
            else:
                Xt, yt = self._tensor(X, "X"), self._tensor(y, "y")
                perm = torch.from_numpy(rng.permutation(n)).to(self.device)
                for start, stop in batch_slices(n, batch_size):
                    idx = perm[start:stop]
                    optimizer.zero_grad(set_to_none=True)
                    loss = loss_fn(module(Xt[idx]), yt[idx])
                    loss.backward()
                    optimizer.step()
                    losses.append(loss.detach())
                    sizes.append(stop - start)
        if not losses:
            return {"loss": float("nan")}
        weights = torch.tensor(sizes, dtype=torch.float64, device=self.device)
        total = (torch.stack(losses).double() * weights).sum()
        return {"loss": float(total) / n}

    def _step(self, xb, yb):
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.module(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def _forward_batches(self, X, y, batch_size):
        """``(raw outputs, loss sum)`` in evaluation mode, batch by batch."""
        self.module.eval()
        outputs, total = [], 0.0
        size = eval_batch_size(X, batch_size)
        with thread_cap(), torch.inference_mode():
            if is_stream(X) or len(X) > 4 * size:
                batches = iter_batches(X, y, size)
                pairs = (self._batch(Xb, yb) for Xb, yb in batches)
            else:
                Xt = self._tensor(X, "X")
                yt = None if y is None else self._tensor(y, "y")
                pairs = ((Xt[a:b], None if yt is None else yt[a:b])
                         for a, b in batch_slices(len(X), size))
            for xb, yb in pairs:
                out = self.module(xb)
                if yb is not None:
                    total += float(self.loss_fn(out, yb)) * len(xb)
                if out.ndim == 4:  # maps (segmentation, detection): channels last for tasks
                    out = out.permute(0, 2, 3, 1)
                outputs.append(out.float().cpu().numpy())
        if not outputs:
            return np.empty((0, 0), dtype=np.float32), 0.0
        return np.concatenate(outputs), total

    def evaluate(self, X, y, batch_size):
        raw, total = self._forward_batches(X, y, batch_size)
        return {"loss": total / max(len(X), 1), self.task.metric_name: self.task.metric(y, raw)}

    def predict_raw(self, X, batch_size):
        raw, _ = self._forward_batches(X, None, batch_size)
        self._cache = [entry for entry in self._cache if entry[0] is not X]
        return raw

    def nms(self, boxes, scores, labels, iou_threshold):
        """Class-wise non-maximum suppression in torch, on the backend's device."""
        def tensor(a):
            return torch.from_numpy(np.ascontiguousarray(a)).to(self.device)

        keep = nms_torch(tensor(boxes), tensor(scores), iou_threshold, labels=tensor(labels))
        return keep.cpu().numpy()

    # -- state -------------------------------------------------------------------------

    def current_lr(self):
        return float(self.optimizer.param_groups[0]["lr"])

    def set_lr(self, lr):
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def get_state(self):
        weights = {k: v.detach().cpu().numpy().copy() for k, v in self.module.state_dict().items()}
        opt = self.optimizer.state_dict()
        state = {
            str(k): {name: (v.detach().cpu().numpy().copy() if torch.is_tensor(v) else v)
                     for name, v in s.items()}
            for k, s in opt["state"].items()
        }
        groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()}
                  for g in opt["param_groups"]]
        return {"weights": weights, "optimizer": {"state": state, "param_groups": groups}}

    def set_state(self, state):
        weights = {k: torch.as_tensor(np.asarray(v)) for k, v in state["weights"].items()}
        try:
            self.module.load_state_dict(weights)
        except (RuntimeError, KeyError, ValueError) as exc:
            raise _another_network("weights", exc) from exc
        opt = state.get("optimizer")
        if opt:
            groups = [{k: (tuple(v) if k == "betas" else v) for k, v in g.items()}
                      for g in opt["param_groups"]]
            restored = {
                int(k): {name: (torch.as_tensor(np.asarray(v)) if isinstance(v, np.ndarray)
                                else v) for name, v in s.items()}
                for k, s in opt["state"].items()
            }
            try:
                self.optimizer.load_state_dict({"state": restored, "param_groups": groups})
            except (RuntimeError, KeyError, ValueError) as exc:
                raise _another_network("optimizer state", exc) from exc


def _another_network(what, exc):
    """The error for a state saved from another network (torch's message, first line)."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ValueError(
        f"The saved {what} do not fit this network: it was saved from another network "
        f"(module, module_params or optimizer differ). torch says: {detail}"
    )


def _example_optimizer_args():
    return ([nn.Parameter(torch.zeros(2))],)


TORCH_OPTIMIZERS = Registry("torch optimizer", base=torch.optim.Optimizer,
                            example_args=_example_optimizer_args)
"""Registry of torch optimizers: ``adam``, ``adamw``, ``sgd``, ``rmsprop``, ``adagrad``."""
for _cls in (torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD, torch.optim.RMSprop,
             torch.optim.Adagrad):
    TORCH_OPTIMIZERS.register(_cls)

TORCH_LOSSES = Registry("torch loss", base=nn.Module, suffix="Loss")
"""Registry of torch losses: ``cross_entropy``, ``mse``, ``mae`` (``l1``), ``huber``,
``smooth_l1``, ``nll``, ``bce_with_logits``; ``dice``, ``cross_entropy_dice`` and
``centernet`` for the dense tasks."""
TORCH_LOSSES.register(nn.CrossEntropyLoss)
TORCH_LOSSES.register(nn.MSELoss)
TORCH_LOSSES.register(nn.L1Loss, synonyms=("mae",))
TORCH_LOSSES.register(nn.HuberLoss)
TORCH_LOSSES.register(nn.SmoothL1Loss)
TORCH_LOSSES.register(nn.NLLLoss)
TORCH_LOSSES.register(nn.BCEWithLogitsLoss)
TORCH_LOSSES.register(DiceLoss)
TORCH_LOSSES.register(CrossEntropyDiceLoss)
TORCH_LOSSES.register(CenterNetLoss)
