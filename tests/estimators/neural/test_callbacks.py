"""Schedules and callbacks."""

import math

import numpy as np
import pytest

from skbridge.estimators.neural import CALLBACKS, LR_SCHEDULES, EarlyStopping


def _history(losses):
    return [{"epoch": i + 1, "loss": v} for i, v in enumerate(losses)]


def test_step_and_cosine_schedules():
    step = LR_SCHEDULES.make("step", {"step_size": 2, "gamma": 0.5})
    assert [step.lr_at(e, [], 1.0, 10) for e in range(5)] == [1, 1, 0.5, 0.5, 0.25]
    assert LR_SCHEDULES.make("step").lr_at(3, [], 1.0, 9) == pytest.approx(0.1)  # epochs // 3
    cosine = LR_SCHEDULES.make("cosine", {"eta_min": 0.1})
    assert cosine.lr_at(0, [], 1.0, 4) == 1.0
    assert cosine.lr_at(2, [], 1.0, 4) == pytest.approx(0.55)
    assert cosine.lr_at(9, [], 1.0, 4) == pytest.approx(0.1)


def test_plateau_schedule_replays_the_history():
    plateau = LR_SCHEDULES.make("plateau", {"patience": 1, "factor": 0.5})
    history = _history([3.0, 2.0, 2.0, 2.0, 2.0, 1.0])
    lrs = [plateau.lr_at(e, history, 1.0, 6) for e in range(7)]
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="Cannot monitor 'valid_loss'"):
        LR_SCHEDULES.make("plateau", {"monitor": "valid_loss"}).lr_at(1, history, 1.0, 2)


class _Net:
    def __init__(self, history):
        self.history_ = history


def test_early_stopping_counts_from_the_history():
    stopper = EarlyStopping(patience=2)
    net = _Net(_history([1.0, 0.5, 0.6]))
    stopper.on_train_begin(net, range(3, 10))
    assert (stopper.best_, stopper.wait_) == (0.5, 1)
    net.history_.append({"epoch": 4, "loss": 0.7})
    assert stopper.on_epoch_end(net, net.history_)
    accuracy = EarlyStopping(monitor="valid_accuracy", patience=1)
    net = _Net([{"epoch": 1, "valid_accuracy": 0.5}, {"epoch": 2, "valid_accuracy": 0.9}])
    accuracy.on_train_begin(net, range(2, 3))
    assert accuracy.best_ == 0.9  # higher is better for a metric


def test_callbacks_registry_names():
    assert CALLBACKS.options == ["checkpoint", "earlystopping", "lrscheduler", "progressbar"]
    assert type(CALLBACKS.make("progress_bar")).__name__ == "ProgressBar"


def test_best_tracking_is_shared():
    from skbridge.estimators.neural._callbacks import _Best

    best = _Best(None, None, min_delta=0.1)
    assert [best.update(r) for r in _history([1.0, 0.95, 0.8, 0.85])] == [True, False, True,
                                                                          False]
    assert (best.best, best.best_epoch, best.wait) == (0.8, 3, 1)
    accuracy = _Best("valid_accuracy", None, rel_threshold=0.5)
    records = [{"epoch": 1, "valid_accuracy": 0.4}, {"epoch": 2, "valid_accuracy": 0.5},
               {"epoch": 3, "valid_accuracy": 0.7}]
    assert [accuracy.update(r) for r in records] == [True, False, True]


# -- with the estimator ----------------------------------------------------------------------

def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X[:400] / 16).astype(np.float32), y[:400]


SMALL = {"module_params": {"hidden_units": (16,)}, "batch_size": 64, "learning_rate": 1e-2,
         "random_state": 0}


def test_cosine_spans_warm_start_refits_and_restarts_in_partial_fit():
    pytest.importorskip("torch")
    from skbridge.estimators.neural import NeuralNetClassifier

    X, y = _digits()
    net = NeuralNetClassifier(**SMALL, epochs=3, lr_schedule="cosine", warm_start=True)
    net.fit(X, y).fit(X, y)  # the second run: epochs 3..5 of a 6-epoch cosine
    lrs = [r["lr"] for r in net.history_]
    assert lrs[:3] == pytest.approx([1e-2, 7.5e-3, 2.5e-3])  # the first run: 3 epochs
    assert lrs[3:] == pytest.approx([1e-2 * (1 + math.cos(math.pi * e / 6)) / 2
                                     for e in (3, 4, 5)])
    assert min(lrs) > 0  # never trained at eta_min = 0
    partial = NeuralNetClassifier(**SMALL, epochs=2, lr_schedule="cosine")
    for _ in range(5):
        partial.partial_fit(X, y, classes=np.arange(10))
    # a 2-epoch cosine, started again after every 2 calls (warm restarts)
    assert [r["lr"] for r in partial.history_] == pytest.approx([1e-2, 5e-3] * 2 + [1e-2])


def test_callbacks_end_when_an_epoch_raises(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("tqdm")
    from skbridge.estimators.neural import Callback, NeuralNetClassifier

    class Boom(Callback):
        def on_epoch_begin(self, net, epoch):
            if epoch == 2:
                raise RuntimeError("boom")

    stopper = EarlyStopping(patience=10, restore_best=True)
    net = NeuralNetClassifier(**SMALL, epochs=5, verbose=1, checkpoint=tmp_path,
                              callbacks=[stopper, Boom()])
    with pytest.raises(RuntimeError, match="boom"):
        net.fit(*_digits())
    bar = net.callbacks_[-1]
    assert type(bar).__name__ == "ProgressBar" and bar.bar_ is None  # closed
    assert net.callbacks_[0]._snapshot is None  # the best weights' copy is dropped
    assert list(tmp_path.iterdir()) == []  # no checkpoint of a failed run
    assert len(net.history_) == 2


def test_final_checkpoint_is_the_last_epoch_not_the_restored_best(tmp_path):
    pytest.importorskip("torch")
    from skbridge.estimators.neural import NeuralNetClassifier

    X, y = _digits()
    straight = NeuralNetClassifier(**SMALL, epochs=6).fit(X, y)
    # the "best" epoch is the first (highest loss), so restore_best loads other weights
    best_first = EarlyStopping(monitor="loss", lower_is_better=False, patience=10,
                               restore_best=True)
    stopped = NeuralNetClassifier(**SMALL, epochs=3, checkpoint=tmp_path,
                                  callbacks=[best_first]).fit(X, y)
    assert stopped.callbacks_[0].best_epoch_ == 1
    resumed = NeuralNetClassifier(**SMALL, epochs=6,
                                  resume_from=tmp_path / "epoch_3.skbckpt").fit(X, y)
    np.testing.assert_array_equal(resumed.predict_proba(X), straight.predict_proba(X))
