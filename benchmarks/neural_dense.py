"""Benchmark: the segmenter and the detector against a hand-written PyTorch loop.

Run through ``python benchmarks/neural.py --dense`` (or this file directly).
On ``--n-samples`` generated shapes (64x64 RGB, ``skbridge.datasets.make_shapes``)
one run times, per task:

* ours: ``NeuralNetSegmenter`` (``fcn_small``, width 32) and ``NeuralNetDetector``
  (``centernet_small``, width 24), ``backend="torch"``, Adam, batch 16, no
  validation, ``verbose=0``; seconds per epoch from ``history_[i]["dur"]``;
* a hand-written PyTorch loop on the very module ours built (a deep copy,
  parameters re-initialised) and the same targets and loss (the encoded masks
  with ``CrossEntropyLoss``; the encoded CenterNet targets with our
  ``CenterNetLoss``): tensors made once, ``randperm`` batches, Adam,
  ``loss.item()`` summed per step;

alternating ``--repeats`` times; the median epoch time with each run's first
epoch left out. Then the inference throughput of ``predict`` at batch 32
(images/s, masks or decoded boxes included) for both backends. Target:
ours / hand-written <= 1.10. One thread per library (``--threads``).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 1.10
TASKS = {
    "segmentation": ("NeuralNetSegmenter", "fcn_small", {"width": 32}),
    "detection": ("NeuralNetDetector", "centernet_small", {"width": 24}),
}


def _median_after_first(runs):
    return statistics.median(t for run in runs for t in run[1:])


def _ours(task, backend, X, y, epochs, seed, batch_size=16):
    import skbridge.estimators.neural as neural

    cls_name, module, params = TASKS[task]
    est = getattr(neural, cls_name)(module=module, module_params=params, backend=backend,
                                    epochs=epochs, batch_size=batch_size,
                                    learning_rate=1e-3, random_state=seed)
    est.fit(X, y)
    return est, [h["dur"] for h in est.history_]


def _hand_written(est, X, y, epochs, seed, batch_size=16):
    """The loop a PyTorch user writes, on a fresh copy of our module and our targets."""
    import copy

    import torch

    from skbridge.estimators.neural._torch_dense import CenterNetLoss

    torch.manual_seed(seed)
    model = copy.deepcopy(est.module_).cpu()
    for sub in model.modules():
        if hasattr(sub, "reset_parameters"):
            sub.reset_parameters()
    model.train()
    target = est._task.encode_y(y)
    loss_fn = CenterNetLoss() if est._task.name == "detection" else torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
    yt = torch.from_numpy(np.ascontiguousarray(target))
    epoch_s = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(len(Xt))
        total = 0.0
        for start in range(0, len(Xt), batch_size):
            idx = perm[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        epoch_s.append(time.perf_counter() - t0)
    return epoch_s


def _throughput(est, X, repeats=3):
    est.set_params(batch_size=32)
    est.predict(X[:32])  # warm-up: graphs, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        est.predict(X)
        times.append(time.perf_counter() - t0)
    return len(X) / statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="256 images, 3 epochs, 1 run")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n-samples", type=int, default=None, help="images (default 512)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per fit (default 5)")
    parser.add_argument("--repeats", type=int, default=None, help="fits per library (default 3)")
    args = parser.parse_args(argv)
    n = args.n_samples or (256 if args.quick else 512)
    epochs = args.epochs or (3 if args.quick else 5)
    repeats = args.repeats or (1 if args.quick else 3)

    import torch

    from skbridge.compat import keras as compat_keras
    from skbridge.datasets import make_shapes

    torch.set_num_threads(args.threads)
    tf = compat_keras.tensorflow()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    print(f"shapes 64x64: {n} images; {epochs} epochs x {repeats} run(s), batch 16, Adam; "
          f"threads={args.threads}; cores {os.cpu_count()}; torch {torch.__version__}\n",
          flush=True)
    for task in TASKS:
        X, y = make_shapes(n, 64, task=task, return_X_y=True, random_state=0)
        _ours(task, "torch", X[:32], y[:32], 1, 0)  # lazy imports, first-call costs
        ours, hand = [], []
        for run in range(repeats):
            est, epoch_s = _ours(task, "torch", X, y, epochs, run)
            ours.append(epoch_s)
            hand.append(_hand_written(est, X, y, epochs, run))
        a, b = _median_after_first(ours), _median_after_first(hand)
        verdict = "MET" if a / b <= TARGET else "NOT MET"
        print(f"{task:<12} s/epoch: ours (torch) {a:.3f}, hand-written PyTorch {b:.3f}; "
              f"ours / hand-written {a / b:.2f}x (target <= {TARGET}: {verdict})", flush=True)
        for backend in ("torch", "keras"):
            est = est if backend == "torch" else _ours(task, "keras", X, y, 1, 0)[0]
            print(f"{'':<12} predict at batch 32, {backend:<5}: "
                  f"{_throughput(est, X[:256]):,.0f} images/s", flush=True)


if __name__ == "__main__":
    main()
