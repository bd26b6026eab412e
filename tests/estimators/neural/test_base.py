"""The shared loop: routing, search and CV, checkpoints and resume, pickling, errors."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.datasets import load_digits
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_validate,
    learning_curve,
)

from skbridge.estimators.neural import Callback, NeuralNetClassifier, NeuralNetRegressor

torch = pytest.importorskip("torch")

SMALL = {"module_params": {"hidden_units": (32,)}, "epochs": 3, "batch_size": 32,
         "learning_rate": 1e-2, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y


def _weights(net):
    return {k: v.clone() for k, v in net.module_.state_dict().items()}


def _assert_same_weights(a, b):
    wa, wb = _weights(a), _weights(b)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key


def _history(net):
    return [{k: v for k, v in record.items() if k != "dur"} for record in net.history_]


# -- search and cross-validation ---------------------------------------------------------


def test_grid_search_over_routed_params_with_stratified_folds(digits):
    X, y = digits[0][:600], digits[1][:600]
    net = NeuralNetClassifier(**SMALL)
    assert is_classifier(net)
    assert isinstance(check_cv(3, y, classifier=is_classifier(net)), StratifiedKFold)

    def share_of_zeros(estimator, X_test, y_test):  # each test fold's share of class 0
        return float(np.mean(y_test == 0))

    search = GridSearchCV(net, {"module__hidden_units": [(16,), (32,)]}, cv=3, n_jobs=2,
                          scoring={"accuracy": "accuracy", "share": share_of_zeros},
                          refit="accuracy")
    search.fit(X, y)
    shares = [search.cv_results_[f"split{i}_test_share"] for i in range(3)]
    np.testing.assert_allclose(np.ravel(shares), np.mean(y == 0), atol=1.5 / 200)
    assert set(search.best_params_) == {"module__hidden_units"}
    assert search.best_estimator_.module_params["hidden_units"] in [(16,), (32,)]
    assert search.best_score_ > 0.8


def test_cross_validate_and_learning_curve(digits):
    X, y = digits[0][:500], digits[1][:500]
    scores = cross_validate(NeuralNetClassifier(**SMALL), X, y, cv=3)
    assert scores["test_score"].mean() > 0.8
    sizes, train, test = learning_curve(NeuralNetClassifier(**SMALL), X, y, cv=3,
                                        train_sizes=[0.5, 1.0])
    assert test.shape == (2, 3) and test[-1].mean() > 0.8


# -- the loop ------------------------------------------------------------------------------


def test_history_validation_split_and_schedule(digits):
    X, y = digits
    net = NeuralNetClassifier(**{**SMALL, "epochs": 4}, validation_fraction=0.2,
                              lr_schedule="step", lr_schedule_params={"step_size": 2, "gamma": 0.5})
    net.fit(X, y)
    assert [r["epoch"] for r in net.history_] == [1, 2, 3, 4]
    assert {"loss", "valid_loss", "valid_accuracy", "lr", "dur"} <= set(net.history_[-1])
    assert [r["lr"] for r in net.history_] == pytest.approx([1e-2, 1e-2, 5e-3, 5e-3])
    assert net.history_[-1]["valid_accuracy"] > 0.8


def test_early_stopping_stops(digits):
    X, y = digits
    net = NeuralNetClassifier(**{**SMALL, "epochs": 40, "learning_rate": 0.05},
                              validation_fraction=0.3, early_stopping=True,
                              early_stopping_patience=2)
    net.fit(X[:300], y[:300])
    assert len(net.history_) < 30


def test_warm_start_and_partial_fit_continue(digits):
    X, y = digits
    straight = NeuralNetClassifier(**{**SMALL, "epochs": 4}).fit(X, y)
    warm = NeuralNetClassifier(**{**SMALL, "epochs": 2}, warm_start=True).fit(X, y).fit(X, y)
    assert _history(warm) == _history(straight)
    _assert_same_weights(warm, straight)
    partial = NeuralNetClassifier(**SMALL)
    for _ in range(4):
        partial.partial_fit(X, y, classes=np.arange(10))
    _assert_same_weights(partial, straight)
    with pytest.raises(ValueError, match="not seen in the first fit"):
        NeuralNetClassifier(**SMALL).partial_fit(X[y < 5], y[y < 5]).partial_fit(X, y)


def test_named_and_custom_callbacks(digits, capsys):
    X, y = digits

    class StopAtTwo(Callback):
        def on_epoch_end(self, net, history):
            return len(history) >= 2

    net = NeuralNetClassifier(**{**SMALL, "epochs": 5}, callbacks=[StopAtTwo(), "progress_bar"])
    net.fit(X, y)
    assert len(net.history_) == 2
    assert [type(c).__name__ for c in net.callbacks_] == ["StopAtTwo", "ProgressBar"]
    assert net.callbacks[0] is not net.callbacks_[0]  # the parameter is copied


def test_interrupt_keeps_the_trained_network(digits):
    X, y = digits

    class CtrlC(Callback):
        def on_epoch_begin(self, net, epoch):
            if epoch == 2:
                raise KeyboardInterrupt

    with pytest.warns(UserWarning, match="Training interrupted after 2 epochs"):
        net = NeuralNetClassifier(**{**SMALL, "epochs": 5}, callbacks=[CtrlC()]).fit(X, y)
    assert len(net.history_) == 2 and net.score(X, y) > 0.8


def test_importing_the_estimators_loads_no_framework():
    code = ("import sys, skbridge.estimators.neural as n; "
            "assert not {'torch', 'tensorflow', 'keras'} & set(sys.modules), 'framework loaded'; "
            "assert 'TORCH_MODULES' in dir(n)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_verbose_shows_a_tqdm_bar(digits, capsys):
    X, y = digits
    NeuralNetClassifier(**SMALL, verbose=1).fit(X, y)
    err = capsys.readouterr().err
    assert "NeuralNetClassifier" in err and "3/3" in err and "loss=" in err


# -- checkpoints and resume ------------------------------------------------------------------


@pytest.mark.parametrize("schedule", [None, "cosine"])
def test_resume_gives_the_uninterrupted_run(digits, tmp_path, schedule):
    X, y = digits
    params = {**SMALL, "epochs": 8, "lr_schedule": schedule, "validation_fraction": 0.2,
              "module_params": {"hidden_units": (32,), "dropout": 0.2}}
    straight = NeuralNetClassifier(**params).fit(X, y)

    class Interrupt(Callback):
        def on_epoch_end(self, net, history):
            return len(history) == 4

    NeuralNetClassifier(**params, callbacks=[Interrupt()], checkpoint=tmp_path).fit(X, y)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch_4.skbckpt"]
    resumed = NeuralNetClassifier(**params, resume_from=tmp_path / "epoch_4.skbckpt").fit(X, y)
    _assert_same_weights(resumed, straight)
    np.testing.assert_array_equal(resumed.predict_proba(X), straight.predict_proba(X))
    assert _history(resumed) == _history(straight)


def test_checkpoint_every_and_best(digits, tmp_path):
    X, y = digits
    net = NeuralNetRegressor(**{**SMALL, "epochs": 5}, checkpoint=str(tmp_path),
                             checkpoint_every=2, checkpoint_best=True)
    net.fit(X, y.astype(float))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["best.skbckpt", "epoch_2.skbckpt", "epoch_4.skbckpt", "epoch_5.skbckpt"]
    loaded = NeuralNetRegressor(**{**SMALL, "epochs": 5},
                                resume_from=tmp_path / "epoch_5.skbckpt").fit(X, y.astype(float))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))  # 0 epochs left to train


def test_resume_from_a_checkpoint_of_another_network(digits, tmp_path):
    X, y = digits
    NeuralNetClassifier(**SMALL).fit(X, y).save_checkpoint(tmp_path / "c.skbckpt")
    with pytest.raises(ValueError, match="checkpoint .* holds a torch network for inputs"):
        NeuralNetClassifier(**SMALL, resume_from=tmp_path / "c.skbckpt").fit(X[:, :10], y)


# -- pickling ------------------------------------------------------------------------------------


def test_pickle_holds_no_torch_objects_and_predicts_the_same(digits):
    X, y = digits
    net = NeuralNetClassifier(**SMALL).fit(X, y)
    state = net.__getstate__()
    assert state["_backend"] is None and "weights" in state["_backend_state"]
    for value in state["_backend_state"]["weights"].values():
        assert isinstance(value, np.ndarray)
    loaded = pickle.loads(pickle.dumps(net))
    assert loaded._backend is None  # rebuilt on first use
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert isinstance(loaded.module_, torch.nn.Module)
    loaded.set_params(warm_start=True, epochs=1).fit(X, y)  # the optimizer state came along
    assert len(loaded.history_) == 4
    unfitted = pickle.loads(pickle.dumps(NeuralNetClassifier(**SMALL)))
    assert unfitted.get_params() == NeuralNetClassifier(**SMALL).get_params()


# -- errors ----------------------------------------------------------------------------------------


def test_error_conv_net_on_tables(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"lenet5 needs images \(n, h, w\[, c\]\); got shape "
                                         r"\(n, 64\)\. Reshape with X.reshape\(-1, h, w\), e\.g\. "
                                         r"X\.reshape\(-1, 8, 8\) or use module='mlp'"):
        NeuralNetClassifier(module="lenet5", epochs=1).fit(X, y)


def test_error_unknown_module_lists_the_known_ones(digits):
    X, y = digits
    known = r"\['centernetsmall', 'fcnsmall', 'lenet5', 'mlp', 'resnetsmall', 'unet', 'vggsmall'\]"
    with pytest.raises(ValueError, match=r"Unknown torch module 'lenet'; choose one of " + known):
        NeuralNetClassifier(module="lenet", epochs=1).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_error_cuda_without_gpu(digits):
    X, y = digits
    with pytest.raises(ValueError, match="needs a CUDA GPU.*device='cpu'"):
        NeuralNetClassifier(device="cuda", epochs=1).fit(X, y)


def test_error_nan_input_and_divergence(digits):
    X, y = digits
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        NeuralNetClassifier(epochs=1).fit(X_nan, y)
    with pytest.raises(ValueError, match="Training diverged: the loss is (nan|inf)"):
        NeuralNetRegressor(optimizer="sgd", learning_rate=1e6, epochs=3).fit(X, y * 1e6)


def test_error_predict_on_other_shapes(digits):
    X, y = digits
    images = NeuralNetClassifier(**SMALL).fit(X.reshape(-1, 8, 8), y)
    with pytest.raises(ValueError, match=r"fitted on images of shape .* = \(8, 8, 1\)\. "
                                         r"Reshape it with X.reshape\(-1, 8, 8, 1\)"):
        images.predict(X)
    with pytest.raises(ValueError, match=r"images of shape \(4, 16, 1\), but"):
        images.predict(X.reshape(-1, 4, 16))
    tables = NeuralNetClassifier(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="fitted on tables of 64 features"):
        tables.predict(X.reshape(-1, 8, 8))


# -- failures, interrupts, star import -------------------------------------------------------


def test_a_failed_build_or_restore_leaves_the_estimator_unfitted(digits, tmp_path):
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    X, y = digits
    bad = NeuralNetClassifier(module="lenet5", epochs=1)
    with pytest.raises(ValueError, match="lenet5 needs images"):
        bad.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(bad)
    fitted = NeuralNetClassifier(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="lenet5 needs images"):
        fitted.set_params(module="lenet5").fit(X, y)  # a refit that fails: unfitted too
    with pytest.raises(NotFittedError):
        check_is_fitted(fitted)
    NeuralNetClassifier(**SMALL).fit(X, y).save_checkpoint(tmp_path / "c.skbckpt")
    other = NeuralNetClassifier(**{**SMALL, "module_params": {"hidden_units": (8,)}},
                                resume_from=tmp_path / "c.skbckpt")
    with pytest.raises(ValueError, match="module_params"):
        other.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(other)


def test_resume_names_the_parameter_that_differs(digits, tmp_path):
    X, y = digits
    path = tmp_path / "c.skbckpt"
    NeuralNetClassifier(**SMALL).fit(X, y).save_checkpoint(path)
    cases = [({"module_params": {"hidden_units": (16,)}}, r"module_params=\{'hidden_units': "
                                                          r"\[32\]\}, but this fit has"),
             ({"optimizer": "sgd"}, "trained with optimizer='adam', but this fit has "
                                    "optimizer='sgd'"),
             ({"loss": "nll"}, "trained with loss=None")]
    for change, message in cases:
        with pytest.raises(ValueError, match=message):
            NeuralNetClassifier(**{**SMALL, **change}, resume_from=path).fit(X, y)
    with pytest.raises(ValueError, match="written by a NeuralNetClassifier; it cannot resume "
                                         "a NeuralNetRegressor"):
        NeuralNetRegressor(**SMALL, resume_from=path).fit(X, y.astype(float))
    # only the network's parameters are checked: a new learning rate is fine
    NeuralNetClassifier(**{**SMALL, "learning_rate": 1e-3, "epochs": 4},
                        resume_from=path).fit(X, y)


class _CtrlC(Callback):
    def on_epoch_begin(self, net, epoch):
        if epoch == 1:
            raise KeyboardInterrupt


def test_interrupt_is_raised_in_clones_so_a_search_stops(digits):
    X, y = digits
    net = NeuralNetClassifier(**SMALL, callbacks=[_CtrlC()])
    with pytest.raises(KeyboardInterrupt):
        clone(net).fit(X, y)
    with pytest.raises(KeyboardInterrupt):  # in the process (n_jobs=None): not 4 cut runs
        GridSearchCV(net, {"module__hidden_units": [(8,), (16,)]}, cv=2).fit(X, y)
    with pytest.warns(UserWarning, match="interrupted after 1 epochs"):
        net.fit(X, y)  # a direct fit keeps the network


def test_star_import_loads_no_framework():
    code = ("import sys; from skbridge.estimators.neural import *; "
            "assert not {'torch', 'tensorflow', 'keras'} & set(sys.modules), 'loaded'; "
            "import skbridge.estimators.neural as n; "
            "assert 'KERAS_MODULES' in dir(n) and 'KERAS_MODULES' not in n.__all__")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pickling_leaves_the_live_network_alone(digits):
    X, y = digits
    net = NeuralNetClassifier(**SMALL).fit(X[:200], y[:200])
    module = net.module_
    pickle.dumps(net)
    assert net.module_ is module  # not rebuilt from a saved state
