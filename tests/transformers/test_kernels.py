"""McKernel: fwht, FastfoodSampler and RandomFourierSampler."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.linalg import hadamard
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.gaussian_process.kernels import Matern
from sklearn.kernel_approximation import RBFSampler
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skbridge.transformers import FastfoodSampler, RandomFourierSampler, fwht, kernels

SAMPLERS = [FastfoodSampler, RandomFourierSampler]


@pytest.fixture(params=["numba", "numpy"])
def backend(request, monkeypatch):
    """Run a test on the compiled kernels and on the pure-numpy fallback."""
    if request.param == "numba":
        pytest.importorskip("numba")
        assert kernels._numba_kernels() is not None
    else:
        monkeypatch.setattr(kernels, "_NUMBA", False)
        assert kernels._numba_kernels() is None
    return request.param


def _rel_error(Z, K):
    return np.linalg.norm(Z @ Z.T - K) / np.linalg.norm(K)


def _mean_error(make, X, K, seeds=range(5)):
    return np.mean([_rel_error(make(s).fit_transform(X), K) for s in seeds])


# --- fwht ------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 4, 8, 32, 64, 128, 1024, 4096])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fwht_matches_scipy_hadamard(n, dtype, backend):
    X = np.random.RandomState(n).standard_normal((5, n)).astype(dtype)
    expected = X.astype(np.float64) @ hadamard(n)
    Y = fwht(X)
    assert Y.dtype == dtype
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(Y, expected, rtol=rtol, atol=rtol * np.sqrt(n) * 10)
    np.testing.assert_allclose(
        kernels._fwht_numpy(X), expected, rtol=rtol, atol=rtol * np.sqrt(n) * 10
    )


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_fwht_along_any_axis_and_batched(axis):
    X = np.random.RandomState(0).standard_normal((4, 8, 16))
    n = X.shape[axis]
    expected = np.moveaxis(np.moveaxis(X, axis, -1) @ hadamard(n), -1, axis)
    np.testing.assert_allclose(fwht(X, axis=axis), expected, atol=1e-10)


def test_fwht_normalized_is_its_own_inverse_and_keeps_input(backend):
    X = np.random.RandomState(1).standard_normal((3, 256))
    X_copy = X.copy()
    Y = fwht(X, normalize=True)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_allclose(np.linalg.norm(Y, axis=1), np.linalg.norm(X, axis=1))
    np.testing.assert_allclose(fwht(Y, normalize=True), X, atol=1e-12)


def test_fwht_converts_integers_to_float64():
    Y = fwht(np.array([[1, 2, 3, 4]]))
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, [[10.0, -2.0, -4.0, 0.0]])


@pytest.mark.parametrize("n", [0, 3, 6, 100])
def test_fwht_rejects_lengths_not_a_power_of_two(n):
    with pytest.raises(ValueError, match=f"power of two.*got {n}"):
        fwht(np.ones((2, n)))


# --- kernel approximation ---------------------------------------------------


def _data(kind):
    if kind == "digits":
        return load_digits().data[:300] / 16.0, 0.02  # d = 64: no padding
    rng = np.random.RandomState(0)
    if kind == "gauss-20":
        return rng.standard_normal((300, 20)), 0.02  # padded to 32
    return rng.standard_normal((300, 100)), 0.005  # padded to 128


@pytest.mark.parametrize("data", ["digits", "gauss-20", "gauss-100"])
@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_rbf_error_falls_with_n_components_and_beats_rbfsampler(data, Sampler):
    X, gamma = _data(data)
    K = rbf_kernel(X, gamma=gamma)
    errors = [
        _mean_error(lambda s: Sampler(gamma=gamma, n_components=D, random_state=s), X, K)
        for D in (64, 256, 1024)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.08
    reference = _mean_error(
        lambda s: RBFSampler(gamma=gamma, n_components=256, random_state=s), X, K
    )
    assert errors[1] <= 1.2 * reference


@pytest.mark.parametrize("d", [1, 2, 3, 8])
def test_low_dimensional_input_is_approximated_as_well_as_dense_features(d):
    X = np.random.RandomState(d).standard_normal((300, d))
    gamma = 0.5 / d
    K = rbf_kernel(X, gamma=gamma)
    params = {"gamma": gamma, "n_components": 1024}
    ours = _mean_error(lambda s: FastfoodSampler(**params, random_state=s), X, K)
    dense = _mean_error(lambda s: RandomFourierSampler(**params, random_state=s), X, K)
    reference = _mean_error(lambda s: RBFSampler(**params, random_state=s), X, K)
    assert ours <= 1.2 * dense
    assert ours <= reference


def test_gaussian_fastfood_stays_close_to_rbfsampler():
    X, gamma = _data("gauss-20")
    K = rbf_kernel(X, gamma=gamma)
    ours = _mean_error(
        lambda s: FastfoodSampler(
            gamma=gamma, n_components=512, orthogonal=False, random_state=s
        ),
        X,
        K,
    )
    reference = _mean_error(
        lambda s: RBFSampler(gamma=gamma, n_components=512, random_state=s), X, K
    )
    assert ours <= 1.2 * reference


@pytest.mark.parametrize("nu", [0.5, 1.5, 2.5])
@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_matern_error_falls_with_n_components(nu, Sampler):
    X, gamma = _data("gauss-20")
    K = Matern(length_scale=1.0 / np.sqrt(2 * gamma), nu=nu)(X)
    errors = [
        _mean_error(
            lambda s: Sampler(kernel="matern", nu=nu, gamma=gamma, n_components=D, random_state=s),
            X,
            K,
            seeds=range(3),
        )
        for D in (64, 512, 4096)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.06


@pytest.mark.parametrize("Sampler", SAMPLERS)
@pytest.mark.parametrize("n_components", [10, 11])
def test_features_are_normalised_to_the_kernel_diagonal(Sampler, n_components):
    X = np.random.RandomState(0).standard_normal((20, 5))
    Z = Sampler(gamma=0.3, n_components=n_components, random_state=0).fit_transform(X)
    diag = np.einsum("ij,ij->i", Z, Z)
    if n_components % 2 == 0:  # cos^2 + sin^2 = 1 for every pair
        np.testing.assert_allclose(diag, 1.0)
    else:
        assert np.all(np.abs(diag - 1.0) < 2.0 / n_components)


def test_gamma_scale_matches_rbfsampler_rule():
    X = np.random.RandomState(0).standard_normal((40, 7)) * 3.0
    ff = FastfoodSampler(gamma="scale", random_state=0).fit(X)
    assert ff.gamma_ == pytest.approx(1.0 / (X.shape[1] * X.var()))
    ff_sparse = FastfoodSampler(gamma="scale", random_state=0).fit(sp.csr_matrix(X))
    assert ff_sparse.gamma_ == pytest.approx(ff.gamma_)


# --- structure and state ------------------------------------------------------


def test_parameters_are_linear_in_n_components():
    X = np.zeros((2, 1000))  # padded to 1024
    ff = FastfoodSampler(n_components=4096, random_state=0).fit(X)
    n_blocks = 2  # 2048 frequencies of a (cos, sin) pair, 1024 per block
    for name in ("signs_", "permutations_", "gaussians_", "scales_"):
        assert getattr(ff, name).shape == (n_blocks, 1024)
    n_bytes = sum(
        getattr(ff, n).nbytes for n in ("signs_", "permutations_", "gaussians_", "scales_")
    )
    dense = RandomFourierSampler(n_components=4096, random_state=0).fit(X).random_weights_.nbytes
    assert n_bytes <= 4 * 4096 * 8 < dense / 100


def test_every_block_has_its_own_non_identity_permutation():
    ff = FastfoodSampler(n_components=2 * 8 * 64, random_state=0).fit(np.zeros((1, 50)))
    perms = ff.permutations_
    assert perms.shape == (8, 64)
    identity = np.arange(64)
    for p in perms:
        assert sorted(p) == list(identity)
        assert not np.array_equal(p, identity)
    assert len({tuple(p) for p in perms}) == len(perms)


def test_orthogonal_blocks_have_orthogonal_rows():
    ff = FastfoodSampler(n_components=128, random_state=0).fit(np.zeros((1, 64)))
    H = hadamard(64)
    B, P, G, S = ff.signs_[0], ff.permutations_[0], ff.gaussians_[0], ff.scales_[0]
    V = S[:, None] * ((H * G)[:, P] @ (H * B))  # S H G P H B as a dense matrix
    gram = V @ V.T
    np.testing.assert_allclose(gram - np.diag(np.diag(gram)), 0.0, atol=1e-10)


@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_float32_is_preserved_and_close_to_float64(Sampler):
    X = np.random.RandomState(0).standard_normal((30, 12))
    Z64 = Sampler(gamma=0.1, n_components=50, random_state=0).fit_transform(X)
    Z32 = Sampler(gamma=0.1, n_components=50, random_state=0).fit_transform(X.astype(np.float32))
    assert Z32.dtype == np.float32
    np.testing.assert_allclose(Z32, Z64, atol=1e-4)


@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_sparse_input_gives_the_dense_result(Sampler):
    X = sp.random(40, 30, density=0.2, format="csr", random_state=0)
    est = Sampler(gamma=0.5, n_components=40, random_state=0).fit(X)
    np.testing.assert_allclose(est.transform(X), est.transform(X.toarray()), atol=1e-12)


def test_numpy_fallback_equals_compiled_kernels(monkeypatch):
    pytest.importorskip("numba")
    X = np.random.RandomState(0).standard_normal((600, 20))
    ff = FastfoodSampler(gamma=0.05, n_components=101, random_state=0).fit(X)
    compiled = ff.transform(X)
    monkeypatch.setattr(kernels, "_NUMBA", False)
    np.testing.assert_allclose(ff.transform(X), compiled, atol=1e-10)


def test_threads_do_not_change_the_result():
    X = np.random.RandomState(0).standard_normal((1000, 33))  # several row chunks
    one = FastfoodSampler(n_components=64, n_jobs=1, random_state=0).fit(X).transform(X)
    two = FastfoodSampler(n_components=64, n_jobs=2, random_state=0).fit(X).transform(X)
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_pickle_round_trip_gives_identical_output(Sampler):
    X = np.random.RandomState(0).standard_normal((25, 9))
    est = Sampler(kernel="matern", n_components=31, random_state=0).fit(X)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.transform(X), est.transform(X))


# --- scikit-learn integration -----------------------------------------------------


def test_drop_in_for_rbfsampler_in_a_pipeline_on_digits():
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)

    def accuracy(mapper):
        pipe = Pipeline(
            [("scale", MinMaxScaler()), ("map", mapper), ("svm", LinearSVC(random_state=0))]
        )
        return pipe.fit(X_tr, y_tr).score(X_te, y_te)

    ours = accuracy(FastfoodSampler(gamma=0.2, n_components=1024, random_state=0))
    reference = accuracy(RBFSampler(gamma=0.2, n_components=1024, random_state=0))
    assert ours >= 0.97
    assert ours >= reference - 0.01


def test_grid_search_over_gamma_and_n_components():
    X, y = load_digits(return_X_y=True)
    pipe = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("map", FastfoodSampler(random_state=0)),
            ("svm", LinearSVC(random_state=0)),
        ]
    )
    grid = {"map__gamma": [0.02, 0.2], "map__n_components": [64, 512]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X[:900], y[:900])
    assert search.best_params_ == {"map__gamma": 0.2, "map__n_components": 512}
    assert search.best_score_ >= 0.90
    scores = search.cv_results_["mean_test_score"]
    assert scores.max() - scores.min() > 0.05


# --- bad input ------------------------------------------------------------------


@pytest.mark.parametrize("Sampler", SAMPLERS)
@pytest.mark.parametrize("bad, message", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_input_is_rejected(Sampler, bad, message):
    X = np.ones((5, 3))
    X[2, 1] = bad
    with pytest.raises(ValueError, match=message):
        Sampler().fit(X)
    est = Sampler(n_components=8).fit(np.ones((5, 3)))
    with pytest.raises(ValueError, match=message):
        est.transform(X)


@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_feature_count_mismatch_is_named(Sampler):
    est = Sampler(n_components=8).fit(np.ones((5, 3)))
    with pytest.raises(ValueError, match="X has 4 features, but .* is expecting 3 features"):
        est.transform(np.ones((5, 4)))


@pytest.mark.parametrize("Sampler", SAMPLERS)
@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"n_components": 0},
            "'n_components' parameter .* must be an int in the range \\[1, inf\\)",
        ),
        ({"kernel": "poly"}, "'kernel' parameter .* must be a str among .*'matern'"),
        ({"gamma": -1.0}, "'gamma' parameter"),
        ({"gamma": "auto"}, "'gamma' parameter"),
        ({"nu": 0.0}, "'nu' parameter"),
    ],
)
def test_bad_parameters_are_named(Sampler, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        Sampler(**params).fit(np.ones((5, 3)))


@pytest.mark.parametrize("Sampler", SAMPLERS)
def test_transform_before_fit_says_so(Sampler):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Sampler().transform(np.ones((2, 3)))


def test_n_jobs_zero_is_refused():
    from skbridge.transformers import FastfoodSampler

    X = np.random.default_rng(0).normal(size=(20, 4))
    with pytest.raises(ValueError, match="n_jobs"):
        FastfoodSampler(n_jobs=0).fit(X)
    FastfoodSampler(n_components=8, n_jobs=-1, random_state=0).fit(X)  # all cores: fine
