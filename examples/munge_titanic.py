"""
Automunge on Titanic: prepare a mixed table, replay it, save it, watch it drift
===============================================================================

Fits :class:`~skbridge.transformers.munge.AutoMunger` on the first 1,000
passengers and prints what it inferred for each column; prepares the other 309
with the same state, also after a JSON round trip; compares a logistic
regression on its output with the hand-written ``ColumnTransformer`` baseline
(with and without ML infill); shows Automunge's own call working as written;
and prints a drift report for a shifted copy of the test rows.

Run with ``python examples/munge_titanic.py``.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbridge.datasets import load_titanic
from skbridge.transformers.munge import TRANSFORMS, AutoMunger, automunge, postmunge

# %%
# The baseline: scikit-learn's ColumnTransformer
# ----------------------------------------------
# Median/most-frequent imputation, scaling and one-hot encoding, written by hand.


def baseline(X):
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    return ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), cat),
    ])


# %%
# AutoMunger: inferred, replayed, saved, compared, drift-checked
# --------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Automunge on Titanic with AutoMunger.")
    parser.add_argument("--state", type=Path, default=None, help="where to write the JSON state")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 120)

    titanic = load_titanic()
    # shuffle once (the file is sorted by class), then drop the columns that leak the target
    order = np.random.RandomState(0).permutation(len(titanic.frame))
    X = titanic.data.iloc[order].drop(columns=["boat", "body"]).reset_index(drop=True)
    y = titanic.target.iloc[order].reset_index(drop=True)
    X_train, X_test, y_train, y_test = X.iloc[:1000], X.iloc[1000:], y.iloc[:1000], y.iloc[1000:]

    munger = AutoMunger(random_state=0)
    Z_train = munger.fit_transform(X_train)
    print("What AutoMunger inferred for each column:")
    print(munger.column_report_[["column", "kind", "transform", "infill", "n_missing", "n_outputs"]]
          .to_string(index=False))
    print(f"\n{X_train.shape[1]} columns -> {Z_train.shape[1]} features")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.state or Path(tmp) / "titanic_state.json"
        size = munger.save_state(path)
        replayed = AutoMunger.load_state(path).transform(X_test)
    same = bool(np.array_equal(replayed, munger.transform(X_test)))
    print(f"saved state: {size / 1e3:.1f} kB of JSON; replay after loading identical: {same}")

    results = {"n_features": Z_train.shape[1], "state_bytes": size, "replay_identical": same}
    print("\nLogisticRegression test accuracy:")
    for name, prep in {
        "ColumnTransformer (one-hot)": baseline(X_train),
        "AutoMunger": AutoMunger(random_state=0),
        "AutoMunger + ML infill": AutoMunger(ml_infill=True, random_state=0),
        # one-hot of the tickets, cabins and destinations seen twice (shared by a family)
        "AutoMunger, frequent one-hot": AutoMunger(
            high_cardinality=TRANSFORMS["onehot"](min_frequency=2),
            text=TRANSFORMS["onehot"](min_frequency=2),
        ),
    }.items():
        model = make_pipeline(prep, LogisticRegression(max_iter=2000)).fit(X_train, y_train)
        results[name] = model.score(X_test, y_test)
        print(f"  {name:<30} {100 * results[name]:.2f} %")

    # Automunge's own call, as written, apart from the import
    frame = titanic.frame.iloc[order].reset_index(drop=True)
    result = automunge(frame.iloc[:1000], labels_column="survived",
                       assigncat={"mnmx": ["fare"], "text": ["embarked"]},
                       assigninfill={"MLinfill": ["age"], "modeinfill": ["embarked"]},
                       randomseed=0)
    test, test_ID, test_labels, postreports_dict = postmunge(
        result.postprocess_dict, frame.iloc[1000:])
    print(f"\nautomunge(): {result}; postmunge(): test {test.shape}, "
          f"labels {test_labels.shape}")

    shifted = X_test.assign(age=X_test["age"] + 15, embarked=X_test["embarked"].replace("S", "Z"))
    report = munger.drift_report(shifted)
    print("\nDrift report of the test rows with age + 15 and port S renamed Z:")
    print(report[["column", "psi", "ks", "nan_rate_new", "n_new_categories", "drift"]]
          .round(3).to_string(index=False))
    results["drifted"] = sorted(report.loc[report["drift"], "column"])
    return results


# %%
# Run it
# ------

if __name__ == "__main__":
    main()
