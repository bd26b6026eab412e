"""Noise injection (Automunge's DP* transforms): noisy training data, clean new data."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skbridge.transformers.munge import TRANSFORMS, AutoMunger, postmunge
from skbridge.transformers.munge._noise_transforms import NoisyZScore

NOISY = {"DPnb": ["age", "fare"], "DPmm": ["sibsp"], "DPrt": ["parch"],
         "DPod": ["embarked"], "DPbn": ["sex"], "DPoh": ["pclass"]}


def _columns(munger, col):
    spec = munger.column_specs_[col]
    return slice(*spec["slice"])


def test_noise_on_training_data_only_and_reproducible(titanic):
    X = titanic.drop(columns=["boat", "body"])
    munger = AutoMunger(assigncat=NOISY, random_state=0)
    train = munger.fit_transform(X)
    clean = munger.transform(X)
    changed = {col: int((train[:, _columns(munger, col)] != clean[:, _columns(munger, col)])
                        .any(axis=1).sum())
               for cols in NOISY.values() for col in cols}
    # every noisy column changed on about flip_prob = 3 % of its observed rows, no other
    assert all(10 <= n <= 80 for n in changed.values()), changed
    others = [c for c in X.columns if c not in changed]
    for col in others:
        np.testing.assert_array_equal(train[:, _columns(munger, col)],
                                      clean[:, _columns(munger, col)])
    # new data is untouched: exactly what the clean transforms give
    plain = AutoMunger(assigncat={"zscore": ["age", "fare"], "minmax": ["sibsp"],
                                  "ord3": ["embarked"], "bnry": ["sex"], "onht": ["pclass"]})
    plain.fit(X)
    for col in ("age", "fare", "sibsp", "embarked", "sex", "pclass"):
        np.testing.assert_array_equal(clean[:, _columns(munger, col)],
                                      plain.transform(X)[:, _columns(plain, col)])
    # reproducible with the seed, different with another one
    np.testing.assert_array_equal(AutoMunger(assigncat=NOISY, random_state=0).fit_transform(X),
                                  train)
    other = AutoMunger(assigncat=NOISY, random_state=1).fit_transform(X)
    assert not np.array_equal(other, train)
    # one-hot rows stay one-hot, min-max stays in [0, 1], retained signs stay
    np.testing.assert_array_equal(train[:, _columns(munger, "pclass")].sum(axis=1), 1.0)
    assert train[:, _columns(munger, "sibsp")].min() >= 0
    assert train[:, _columns(munger, "sibsp")].max() <= 1
    assert train[:, _columns(munger, "parch")].min() >= 0
    # missing rows get no noise (their NaN marker is set, the infill is the clean one)
    age, missing = train[:, _columns(munger, "age")][:, 0], X["age"].isna().to_numpy()
    assert np.unique(age[missing]).size == 1


def test_postmunge_traindata_adds_the_noise_and_testnoise_always_does(titanic):
    X = titanic.drop(columns=["boat", "body"])
    munger = AutoMunger(assigncat={"DPnb": ["age"]}, random_state=0)
    train = munger.fit_transform(X)
    test = postmunge(munger, X).test.to_numpy()
    np.testing.assert_array_equal(test, munger.transform(X))
    as_train = postmunge(munger, X, traindata=True).test.to_numpy()
    np.testing.assert_array_equal(as_train, train)  # the training noise, replayed
    reseeded = postmunge(munger, X, traindata=True, randomseed=5).test.to_numpy()
    assert not np.array_equal(reseeded, train)
    always = AutoMunger(assigncat={"DPnb": ["age"]},
                        assignparam={"DPnb": {"age": {"testnoise": True, "flip_prob": 1.0}}},
                        random_state=0).fit(X)
    noisy = always.transform(X)[:, 0]
    clean = (X["age"] - X["age"].mean()) / X["age"].std(ddof=0)
    observed = X["age"].notna().to_numpy()
    assert np.all(noisy[observed] != clean.to_numpy()[observed])
    np.testing.assert_array_equal(always.transform(X)[:, 0], noisy)  # same seed, same noise


def test_laplace_and_one_sided_distributions():
    rng = np.random.default_rng(0)
    normal = NoisyZScore(sigma=1.0).draw(rng, 200_000)
    laplace = TRANSFORMS.make("DLnb", {"sigma": 1.0}).draw(rng, 200_000)
    assert abs(stats.kurtosis(normal)) < 0.1 and abs(stats.kurtosis(laplace) - 3.0) < 0.3
    assert abs(np.mean(np.abs(laplace)) - 1.0) < 0.02  # Laplace(0, b): E|x| = b
    assert NoisyZScore(noisedistribution="abs_laplace").draw(rng, 1000).min() >= 0
    assert NoisyZScore(noisedistribution="negabs_normal").draw(rng, 1000).max() <= 0


def test_flips_draw_categories_by_training_frequency():
    rng = np.random.RandomState(0)
    df = pd.DataFrame({"c": rng.choice(["a", "b", "c"], 3000, p=[0.7, 0.2, 0.1])})
    munger = AutoMunger(assigncat={"DPod": ["c"]},
                        assignparam={"DPod": {"c": {"flip_prob": 1.0}}}, random_state=0)
    drawn = munger.fit_transform(df)[:, 0]
    ranks = munger.transform(df)[:, 0]
    assert set(np.unique(ranks)) == {1.0, 2.0, 3.0}  # ord3: 1 is the most frequent
    shares = np.bincount(drawn.astype(int), minlength=4)[1:] / len(drawn)
    np.testing.assert_allclose(shares, [0.7, 0.2, 0.1], atol=0.03)
    uniform = AutoMunger(assigncat={"DPod": ["c"]},
                         assignparam={"DPod": {"c": {"flip_prob": 1.0, "weighted": False}}},
                         random_state=0).fit_transform(df)[:, 0]
    np.testing.assert_allclose(np.bincount(uniform.astype(int))[1:] / 3000, 1 / 3, atol=0.03)


@pytest.mark.parametrize("params, message", [
    ({"noisedistribution": "cauchy"}, "noisedistribution must be one of"),
    ({"flip_prob": 1.5}, "flip_prob must be a probability in \\[0, 1\\], got 1.5"),
    ({"sigma": -1.0}, "sigma \\(the noise scale\\) must be >= 0"),
])
def test_bad_noise_parameters_are_named(params, message):
    df = pd.DataFrame({"x": np.linspace(0, 1, 20)})
    with pytest.raises(ValueError, match=f"Column 'x': {message}"):
        AutoMunger(assigncat={"DPnb": ["x"]}, assignparam={"DPnb": {"x": params}}).fit(df)
    with pytest.raises(ValueError, match="flip_prob must be a probability"):
        AutoMunger(assigncat={"DPod": ["x"]},
                   assignparam={"DPod": {"x": {"flip_prob": -0.1}}}).fit(df)
