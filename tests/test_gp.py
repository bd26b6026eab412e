"""GP models: agreement with scikit-learn, kernel algebra, ML-II, errors, plots."""

import pickle

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel
from sklearn.model_selection import GridSearchCV

from skbridge.pipes import (
    KERNELS,
    DataPipe,
    GaussianScaler,
    GPRegressor,
    SparseSpectrumGPRegressor,
    StudentTProcessRegressor,
    make_kernel,
    plot_gp,
)


def _task(n, d=2, noise=0.1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-3, 3, size=(n, d))
    f = np.sin(X[:, 0]) * np.cos(X[:, 1] if d > 1 else X[:, 0])
    return X, f + noise * rng.normal(size=n), f


@pytest.fixture(scope="module")
def small():
    X, y, _ = _task(120)
    X_test, y_test, _ = _task(60, seed=1)
    return X, y, X_test


# ----- exact GP against scikit-learn ------------------------------------------


@pytest.mark.parametrize("normalize_y", [False, True])
@pytest.mark.parametrize(
    "kernel",
    [
        ConstantKernel(1.5) * RBF(0.8) + WhiteKernel(0.05),
        Matern(length_scale=1.2, nu=2.5) + WhiteKernel(0.1),
        ConstantKernel(0.5) * RBF([0.5, 2.0]),
    ],
    ids=["c*rbf+white", "matern+white", "ard-rbf"],
)
def test_exact_gp_matches_sklearn_with_fixed_kernel(small, kernel, normalize_y):
    X, y, X_test = small
    ours = GPRegressor(kernel=kernel, optimizer=None, alpha=1e-6, normalize_y=normalize_y)
    ref = GaussianProcessRegressor(kernel, optimizer=None, alpha=1e-6, normalize_y=normalize_y)
    ours.fit(X, y)
    ref.fit(X, y)
    mean, std = ours.predict(X_test, return_std=True)
    ref_mean, ref_std = ref.predict(X_test, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, atol=1e-6)
    np.testing.assert_allclose(std, ref_std, atol=1e-6)
    _, cov = ours.predict(X_test[:5], return_cov=True)
    np.testing.assert_allclose(cov, ref.predict(X_test[:5], return_cov=True)[1], atol=1e-6)
    assert ours.log_marginal_likelihood_value_ == pytest.approx(
        ref.log_marginal_likelihood_value_, abs=1e-6
    )
    assert ours.kernel_ == kernel  # optimizer=None keeps the hyperparameters


def test_exact_gp_ml2_matches_sklearn(small):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.1)
    ours = GPRegressor(kernel="constant * rbf + white", normalize_y=True).fit(X, y)
    ref = GaussianProcessRegressor(kernel, normalize_y=True).fit(X, y)
    np.testing.assert_allclose(ours.kernel_.theta, ref.kernel_.theta, atol=1e-4)
    mean, std = ours.predict(X_test, return_std=True)
    ref_mean, ref_std = ref.predict(X_test, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, atol=1e-4)
    np.testing.assert_allclose(std, ref_std, atol=1e-4)
    # ML-II raised the likelihood above the starting point
    fixed = GPRegressor(kernel=kernel, optimizer=None, normalize_y=True).fit(X, y)
    assert ours.log_marginal_likelihood_value_ > fixed.log_marginal_likelihood_value_ + 10


@pytest.mark.parametrize("model", [GPRegressor, StudentTProcessRegressor])
def test_likelihood_gradient_is_exact(small, model):
    X, y, _ = small
    gp = model(kernel="constant * rbf + white", optimizer=None).fit(X[:50], y[:50])
    theta = gp.kernel_.theta + 0.3
    value, grad = gp.log_marginal_likelihood(theta, eval_gradient=True)
    assert value == pytest.approx(gp.log_marginal_likelihood(theta))
    numeric = approx_fprime(theta, gp.log_marginal_likelihood, 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


def test_restarts_and_custom_optimizer(small):
    X, y, _ = small
    calls = []

    def optimizer(obj_func, initial_theta, bounds):
        calls.append(initial_theta)
        return initial_theta, obj_func(initial_theta)[0]

    GPRegressor(kernel="rbf + white", optimizer=optimizer).fit(X, y)
    assert len(calls) == 1
    gp = GPRegressor(kernel="constant * rbf + white", n_restarts_optimizer=2, random_state=0)
    single = GPRegressor(kernel="constant * rbf + white").fit(X, y)
    assert gp.fit(X, y).log_marginal_likelihood_value_ >= single.log_marginal_likelihood_value_ - 1e-6


# ----- kernel algebra --------------------------------------------------------------


def test_kernel_names_and_expressions():
    assert make_kernel("rbf") == RBF()
    assert make_kernel("RBF", {"length_scale": 2.0}) == RBF(2.0)
    expr = make_kernel("2.0 * rbf + white", {"rbf": {"length_scale": 0.5}})
    assert expr == ConstantKernel(2.0) * RBF(0.5) + WhiteKernel()
    nested = make_kernel("rbf * (periodic + linear)")
    assert "ExpSineSquared" in repr(nested) and "DotProduct" in repr(nested)
    assert make_kernel(Matern, {"nu": 0.5}) == Matern(nu=0.5)
    assert make_kernel("2.0") == ConstantKernel(2.0)
    assert make_kernel(None) == ConstantKernel(1.0, "fixed") * RBF(1.0, "fixed")
    sk = RBF(3.0)
    assert make_kernel(sk) == sk and make_kernel(sk) is not sk
    # kernels compose and scale as objects too
    algebra = 3.0 * make_kernel("rbf") + make_kernel("white")
    X = np.random.RandomState(0).normal(size=(5, 2))
    np.testing.assert_allclose(algebra(X), 3.0 * RBF()(X) + WhiteKernel()(X))
    for name in KERNELS:
        assert make_kernel(name)(X).shape == (5, 5)


@pytest.mark.parametrize(
    "kernel, kwargs, error, match",
    [
        ("banana", None, ValueError, "Unknown kernel 'banana'"),
        ("rbf + ", None, ValueError, "Malformed kernel expression"),
        ("rbf $ white", None, ValueError, "Malformed kernel expression"),
        ("(rbf + white", None, ValueError, "missing '\\)'"),
        ("rbf", {"lengthscale": 1.0}, ValueError, "Bad kernel_kwargs for 'rbf'"),
        ("rbf + white", {"matern": {}}, ValueError, "does not use"),
        (dict, None, TypeError, "not a kernel class"),
        (None, {"length_scale": 1.0}, ValueError, "without a kernel"),
    ],
)
def test_bad_kernels_give_clear_errors(small, kernel, kwargs, error, match):
    X, y, _ = small
    with pytest.raises(error, match=match):
        make_kernel(kernel, kwargs)
    with pytest.raises(error, match=match):
        GPRegressor(kernel=kernel, kernel_kwargs=kwargs).fit(X, y)


def test_kernel_must_be_a_kernel(small):
    X, y, _ = small
    with pytest.raises(ValueError, match="'kernel' parameter"):
        GPRegressor(kernel=3).fit(X, y)


# ----- errors ------------------------------------------------------------------------


def test_not_positive_definite_is_explained():
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="not positive definite.*increase alpha"):
        GPRegressor(kernel="linear", optimizer=None, alpha=0.0).fit(X, X[:, 0])
    X_dup = np.vstack([X, X])
    with pytest.raises(ValueError, match="not positive definite"):
        GPRegressor(kernel="rbf", optimizer=None, alpha=0.0).fit(X_dup, X_dup[:, 0])
    # with a noise term the same data fit
    GPRegressor(kernel="rbf + white").fit(X_dup, X_dup[:, 0])


def test_nan_and_shape_errors(small):
    X, y, _ = small
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    for model in (GPRegressor(), SparseSpectrumGPRegressor(n_components=16)):
        with pytest.raises(ValueError, match="NaN"):
            model.fit(X_nan, y)
        y_nan = y.copy()
        y_nan[0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            model.fit(X, y_nan)
        model.fit(X, y)
        with pytest.raises(ValueError, match="NaN"):
            model.predict(X_nan)
        with pytest.raises(ValueError, match="features"):
            model.predict(X[:, :1])
        with pytest.raises(ValueError, match="at most one"):
            model.predict(X, return_std=True, return_cov=True)
    with pytest.raises(ValueError, match="alpha has 3 values"):
        GPRegressor(alpha=np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match="outside length_scale_bounds"):
        SparseSpectrumGPRegressor(length_scale=1e5).fit(X, y)
    with pytest.raises(ValueError, match="finite hyperparameter bounds"):
        GPRegressor(kernel=RBF(length_scale_bounds=(1e-5, np.inf)), n_restarts_optimizer=1).fit(X, y)


# ----- Student-t process ---------------------------------------------------------------


def test_student_t_process(small):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.05)
    gp = GPRegressor(kernel=kernel, optimizer=None).fit(X, y)
    tp = StudentTProcessRegressor(kernel=kernel, optimizer=None, degrees_of_freedom=4.0).fit(X, y)
    gp_mean, gp_std = gp.predict(X_test, return_std=True)
    tp_mean, tp_std = tp.predict(X_test, return_std=True)
    np.testing.assert_allclose(tp_mean, gp_mean, atol=1e-10)
    n = len(y)
    scale = np.sqrt((4.0 + tp.beta_ - 2.0) / (4.0 + n - 2.0))
    np.testing.assert_allclose(tp_std, gp_std * scale, rtol=1e-8)
    big = StudentTProcessRegressor(kernel=kernel, optimizer=None, degrees_of_freedom=1e7).fit(X, y)
    assert big.log_marginal_likelihood_value_ == pytest.approx(
        gp.log_marginal_likelihood_value_, rel=1e-4
    )
    fitted = StudentTProcessRegressor(kernel="constant * rbf + white").fit(X, y)
    assert fitted.log_marginal_likelihood_value_ > tp.log_marginal_likelihood_value_


# ----- random-feature GP ------------------------------------------------------------------


def test_random_feature_gp_within_5_percent_of_exact_on_2000_points():
    X, y, _ = _task(2000)
    X_test, y_test, _ = _task(1000, seed=1)
    exact = GPRegressor(kernel="constant * rbf + white", normalize_y=True).fit(X, y)
    ssgp = SparseSpectrumGPRegressor(n_components=256, random_state=0).fit(X, y)
    rmse_exact = np.sqrt(np.mean((exact.predict(X_test) - y_test) ** 2))
    rmse_ssgp = np.sqrt(np.mean((ssgp.predict(X_test) - y_test) ** 2))
    assert rmse_ssgp <= 1.05 * rmse_exact, (rmse_ssgp, rmse_exact)
    # it found the exact GP's hyperparameters (length scale, noise of 0.1)
    assert ssgp.length_scale_ == pytest.approx(exact.kernel_.k1.k2.length_scale, rel=0.25)
    noise_sd = np.sqrt(ssgp.noise_variance_) * ssgp.y_train_std_
    assert 0.08 < noise_sd < 0.12


def test_random_feature_gp_fixed_hyperparameters_and_std(small):
    X, y, X_test = small
    ssgp = SparseSpectrumGPRegressor(
        n_components=128, length_scale=0.7, length_scale_bounds="fixed",
        noise_variance=0.05, noise_variance_bounds="fixed", random_state=0,
    ).fit(X, y)
    assert ssgp.length_scale_ == 0.7 and ssgp.noise_variance_ == 0.05
    assert ssgp.signal_variance_ != 1.0  # the free one moved
    mean, std = ssgp.predict(X_test, return_std=True)
    _, cov = ssgp.predict(X_test, return_cov=True)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), std, rtol=1e-6)
    far = ssgp.predict(np.full((1, 2), 50.0), return_std=True)[1]
    assert far[0] > std.max()  # more uncertain away from the data
    dense = SparseSpectrumGPRegressor(n_components=128, feature_map="fourier", random_state=0)
    assert np.sqrt(np.mean((dense.fit(X, y).predict(X) - y) ** 2)) < 0.2


def test_gp_pickles_and_works_in_pipes(small):
    X, y, X_test = small
    model = GaussianScaler() > GPRegressor(kernel="constant * rbf + white")
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict(X_test), model.predict(X_test))
    search = GridSearchCV(
        DataPipe(np.tanh) > SparseSpectrumGPRegressor(n_components=32, random_state=0),
        {"sparsespectrumgpregressor__kernel": ["rbf", "matern"]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.5
    search = GridSearchCV(
        GPRegressor(), {"kernel": ["rbf + white", "matern + white"]}, cv=2
    ).fit(X, y)
    assert search.best_score_ > 0.8


# ----- plots -------------------------------------------------------------------------


def test_plot_gp_1d_and_2d(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    X1, y1, _ = _task(40, d=1)
    ax = plot_gp(GPRegressor(kernel="rbf + white").fit(X1, y1), X1, y1, title="1-D")
    assert ax.get_title() == "1-D" and len(ax.collections) == 2
    ax.figure.savefig(tmp_path / "gp1.png")
    X2, y2, _ = _task(80, d=2)
    ax = plot_gp(SparseSpectrumGPRegressor(n_components=64, random_state=0).fit(X2, y2), X2, y2)
    assert ax.name == "3d"
    ax.figure.savefig(tmp_path / "gp2.png")
    assert (tmp_path / "gp2.png").stat().st_size > 10_000
    with pytest.raises(ValueError, match="1-D or 2-D"):
        plot_gp(GPRegressor(), np.zeros((3, 3)))
    plt.close("all")
