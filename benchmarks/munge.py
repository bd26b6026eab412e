"""Benchmark: AutoMunger against Automunge 9.0, ColumnTransformer and IterativeImputer.

On the Adult table (first 80 % of the rows to fit, the rest to transform) and on
a generated 300,000-row mixed table with missing values, prints for each method:
fit+transform time (fit on the training rows, transform the test rows; median
of 3 runs, one run for Automunge) and its ratio to Automunge and to the
ColumnTransformer baseline, the median time of a one-row transform, the size of
the saved state, and the peak memory (resident set) of a process doing the same
work. Then LogisticRegression accuracy on Adult for each preparation.

Automunge 9.0 pins pandas < 3, so it runs in a virtual environment of its own,
created on first use under ``benchmarks/.venvs/automunge`` (``python3 -m venv``
and ``pip install Automunge==9.0``), in a subprocess per configuration, with
``randomseed`` passed (without it Automunge crashes on numpy 2.4).

Run with ``make bench`` or ``python benchmarks/munge.py [--quick] [--no-anchor]``.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this process (the script
re-executes itself without them), as in the other benchmarks.
"""

import os
import sys

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

# Other benchmark scripts sit beside this one (e.g. tokenize.py): keep them from
# shadowing standard-library modules of the same name.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
ANCHOR_VENV = HERE / ".venvs" / "automunge"
ANCHOR_SPEC = "Automunge==9.0"
LABEL = "income"

# Run by the anchor's own python: python -c ANCHOR_CODE train.csv test.csv label ml
ANCHOR_CODE = r"""
import json, pickle, resource, statistics, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from Automunge import AutoMunge
train_csv, test_csv, label, ml = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
train, test = pd.read_csv(train_csv), pd.read_csv(test_csv)
am = AutoMunge()
t0 = time.perf_counter()
out = am.automunge(train, labels_column=label, MLinfill=ml, randomseed=0, printstatus=False)
postprocess_dict = out[-1]
res = am.postmunge(postprocess_dict, test, randomseed=0, printstatus=False)
seconds = time.perf_counter() - t0
one = []
for i in range(5):
    t = time.perf_counter()
    am.postmunge(postprocess_dict, test.drop(columns=[label]).iloc[[i]], randomseed=0,
                 printstatus=False)
    one.append(time.perf_counter() - t)
state = len(pickle.dumps(postprocess_dict))
# Automunge shuffles the training rows by default: keep its labels with its rows
out[0].to_csv(train_csv + ".am_train.csv", index=False)
out[2].to_csv(train_csv + ".am_train_labels.csv", index=False)
res[0].to_csv(test_csv + ".am_test.csv", index=False)
res[2].to_csv(test_csv + ".am_test_labels.csv", index=False)
print(json.dumps({"seconds": seconds, "one_row": statistics.median(one), "state_bytes": state,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "n_features": int(out[0].shape[1])}))
"""

# Run by this python for the peak-memory figures: python -c OURS_CODE train.csv test.csv ml
OURS_CODE = r"""
import json, resource, sys
import pandas as pd
from skbridge.transformers.munge import AutoMunger
train, test = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
label = sys.argv[4]
m = AutoMunger(ml_infill=sys.argv[3] == "1", random_state=0)
m.fit_transform(train.drop(columns=[label]))
m.transform(test.drop(columns=[label]))
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ensure_anchor_venv():
    """The anchor's python, creating its virtual environment when missing."""
    python = ANCHOR_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {ANCHOR_VENV} with {ANCHOR_SPEC} (once) ...", flush=True)
        subprocess.run(["python3", "-m", "venv", str(ANCHOR_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", ANCHOR_SPEC], check=True)
    return python


def run_anchor(python, train_csv, test_csv, ml, timeout, memory_gb):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    cmd = [str(python), "-c", ANCHOR_CODE, str(train_csv), str(test_csv), LABEL, "1" if ml else "0"]

    def limit_memory():  # a MemoryError in the anchor rather than the OOM killer on the machine
        import resource

        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout, "seconds": time.perf_counter() - t0}
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
        if "MemoryError" in proc.stderr:
            last = f"out of memory (limit {memory_gb:g} GB of address space): {last}"
        return {"error": last}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ours_peak_mb(train_csv, test_csv, ml):
    cmd = [sys.executable, "-c", OURS_CODE, str(train_csv), str(test_csv),
           "1" if ml else "0", LABEL]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True,
                          cwd=str(HERE.parent))
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak_mb"]


def make_mixed(n, seed=0):
    """A mixed table with missing values and a label that depends on them.

    Skewed and normal numbers, small and large categories and a two-valued
    column.
    """
    rng = np.random.RandomState(seed)
    normal = rng.normal(50, 10, n)
    skewed = rng.lognormal(3, 1, n)
    count = rng.poisson(3, n).astype(float)
    small = rng.choice([f"s{i}" for i in range(8)], n, p=np.arange(1, 9) / 36)
    medium = rng.choice([f"m{i:02d}" for i in range(60)], n)
    flag = rng.choice(["yes", "no"], n, p=[0.3, 0.7])
    logit = (normal - 50) / 10 + np.log(skewed) - 3 + (small == "s7") - (flag == "yes")
    label = np.where(rng.rand(n) < 1 / (1 + np.exp(-logit)), ">50K", "<=50K")
    df = pd.DataFrame({"normal": normal, "skewed": skewed, "count": count, "small": small,
                       "medium": medium, "flag": flag})
    rates = {"normal": 0.1, "skewed": 0.05, "small": 0.05, "medium": 0.05, "flag": 0.02}
    for col, rate in rates.items():
        df.loc[rng.rand(n) < rate, col] = np.nan
    df[LABEL] = label
    return df


def _median_time(func, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def sklearn_baselines(num, cat):
    from sklearn.compose import ColumnTransformer
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer, SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    def column_transformer():
        return ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
            ("cat", make_pipeline(
                SimpleImputer(strategy="most_frequent"),
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            ), cat),
        ])

    def iterative_imputer():
        encode = ColumnTransformer([
            ("num", "passthrough", num),
            ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                   encoded_missing_value=np.nan), cat),
        ])
        return make_pipeline(encode, IterativeImputer(max_iter=3, random_state=0), StandardScaler())

    return {"ColumnTransformer": column_transformer, "IterativeImputer": iterative_imputer}


def bench_table(name, train, test, *, anchor_python, anchor_timeout, anchor_memory_gb, repeats,
                tmp, anchor_large_ml=False):
    from skbridge.transformers.munge import AutoMunger

    X_train, X_test = train.drop(columns=[LABEL]), test.drop(columns=[LABEL])
    train_csv, test_csv = tmp / f"{name}_train.csv", tmp / f"{name}_test.csv"
    train.to_csv(train_csv, index=False)
    test.to_csv(test_csv, index=False)
    # all methods read the same CSV files
    X_train = pd.read_csv(train_csv).drop(columns=[LABEL])
    X_test = pd.read_csv(test_csv).drop(columns=[LABEL])
    num = [c for c in X_train.columns if pd.api.types.is_numeric_dtype(X_train[c])]
    cat = [c for c in X_train.columns if c not in num]
    rows = {}
    outputs = {}
    for ml in (False, True):
        label = f"Automunge 9.0{' + ML infill' if ml else ''}"
        if anchor_python is not None and ml and len(train) > 100_000 and not anchor_large_ml:
            rows[label] = {"skipped": "needs more memory than this machine has (one run was "
                                      "stopped at 21.5 GB after 7 min); --anchor-large-ml runs it"}
            continue
        if anchor_python is not None:
            print(f"  running {label} on {name} ...", flush=True)
            rows[label] = run_anchor(anchor_python, train_csv, test_csv, ml, anchor_timeout,
                                     anchor_memory_gb)
            if not ml and "seconds" in rows[label] and "timeout" not in rows[label]:
                am_train = tmp / f"{name}_train.csv.am_train.csv"
                am_test = tmp / f"{name}_test.csv.am_test.csv"
                if am_train.exists():
                    labels = [pd.read_csv(f"{p}.am_{s}_labels.csv").iloc[:, 0].to_numpy()
                              for p, s in ((train_csv, "train"), (test_csv, "test"))]
                    outputs["Automunge 9.0"] = (pd.read_csv(am_train).to_numpy(float),
                                                pd.read_csv(am_test).to_numpy(float), *labels)
    for method, make in sklearn_baselines(num, cat).items():
        def run(make=make):
            est = make()
            Z = est.fit_transform(X_train)
            return est, Z, est.transform(X_test)
        seconds = _median_time(run, repeats)
        est, Z_train, Z_test = run()
        one = _median_time(lambda: est.transform(X_test.iloc[[0]]), 50)
        rows[method] = {"seconds": seconds, "one_row": one, "state_bytes": len(pickle.dumps(est)),
                        "n_features": Z_train.shape[1]}
        outputs[method] = (Z_train, Z_test)
    for ml in (False, True):
        label = f"AutoMunger{' + ML infill' if ml else ''}"

        def run(ml=ml):
            m = AutoMunger(ml_infill=ml, random_state=0)
            Z = m.fit_transform(X_train)
            return m, Z, m.transform(X_test)

        seconds = _median_time(run, repeats)
        m, Z_train, Z_test = run()
        one = _median_time(lambda: m.transform(X_test.iloc[[0]]), 50)
        with_nan = X_test[X_test.isna().any(axis=1)].iloc[[0]]  # infill (ML models) at work
        one_nan = _median_time(lambda: m.transform(with_nan), 50)
        state = m.save_state(tmp / f"{name}_state.json")
        rows[label] = {"seconds": seconds, "one_row": one, "one_row_nan": one_nan,
                       "state_bytes": state,
                       "n_features": Z_train.shape[1],
                       "peak_mb": ours_peak_mb(train_csv, test_csv, ml)}
        outputs[label] = (Z_train, Z_test)
    return rows, outputs


def print_table(name, n_train, n_test, rows):
    header = (f"{'table':<12} {'method':<28} {'fit+transform s':>15} {'vs Automunge':>12} "
              f"{'vs ColumnTr.':>12} {'one-row ms':>10} {'state MB':>9} {'peak MB':>8} "
              f"{'features':>8}")
    print(f"\n{name}: fit on {n_train:,} rows, transform {n_test:,} rows")
    print(header)
    print("-" * len(header))
    ct = rows["ColumnTransformer"]["seconds"]
    for method, r in rows.items():
        if "error" in r or "skipped" in r:
            what = f"failed: {r['error']}" if "error" in r else f"not run: {r['skipped']}"
            print(f"{name:<12} {method:<28} {what[:120]}")
            continue
        anchor_key = "Automunge 9.0 + ML infill" if "ML" in method else "Automunge 9.0"
        anchor = rows.get(anchor_key, {})
        if "timeout" in r:
            print(f"{name:<12} {method:<28} {'> ' + str(r['timeout']):>15}  "
                  "(stopped at the time limit)")
            continue
        secs = r["seconds"]
        if anchor.get("timeout"):
            vs_anchor = f">{anchor['timeout'] / secs:.0f}x"
        elif "seconds" in anchor and "error" not in anchor and "skipped" not in anchor:
            vs_anchor = f"{anchor['seconds'] / secs:.1f}x"
        else:
            vs_anchor = "-"
        vs_ct = f"{secs / ct:.2f}" if not method.startswith("Automunge") else "-"
        peak = f"{r['peak_mb']:.0f}" if "peak_mb" in r else "-"
        print(f"{name:<12} {method:<28} {secs:>15.3f} {vs_anchor:>12} {vs_ct:>12} "
              f"{1000 * r['one_row']:>10.2f} {r['state_bytes'] / 1e6:>9.3f} {peak:>8} "
              f"{r['n_features']:>8}")


def downstream(outputs, y_train, y_test):
    from sklearn.linear_model import LogisticRegression

    print("\nLogisticRegression(max_iter=2000) on Adult, test accuracy")
    scores = {}
    for method, (Z_train, Z_test, *labels) in outputs.items():
        y_tr, y_te = labels if labels else (y_train, y_test)  # Automunge: its own row order
        clf = LogisticRegression(max_iter=2000).fit(Z_train, y_tr)
        scores[method] = clf.score(Z_test, y_te)
        print(f"  {method:<28} {100 * scores[method]:.2f} %")
    if "ColumnTransformer" in scores:
        for method in ("AutoMunger", "AutoMunger + ML infill"):
            diff = 100 * (scores[method] - scores["ColumnTransformer"])
            print(f"  {method} - one-hot ColumnTransformer: {diff:+.2f} points (target: >= -0.5)")
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30,000 generated rows, 1 repeat")
    parser.add_argument("--no-anchor", action="store_true", help="skip Automunge")
    parser.add_argument("--anchor-timeout", type=float, default=900.0,
                        help="seconds allowed to one Automunge run (default 900)")
    parser.add_argument("--anchor-large-ml", action="store_true",
                        help="also run Automunge's ML infill on the 300k table (over 20 GB)")
    parser.add_argument("--anchor-memory-gb", type=float, default=16.0,
                        help="address-space limit of one Automunge run (default 16 GB)")
    args = parser.parse_args(argv)
    from skbridge.datasets import load_adult

    print(f"cores: {os.cpu_count()}; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for this process")
    anchor_python = None if args.no_anchor else ensure_anchor_venv()
    repeats = 1 if args.quick else 3
    n_big = 30_000 if args.quick else 300_000
    adult = load_adult().frame
    n_train = int(0.8 * len(adult))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train, test = adult.iloc[:n_train], adult.iloc[n_train:]
        rows, outputs = bench_table("adult", train, test, anchor_python=anchor_python,
                                    anchor_timeout=args.anchor_timeout,
                                    anchor_memory_gb=args.anchor_memory_gb, repeats=repeats,
                                    tmp=tmp, anchor_large_ml=args.anchor_large_ml)
        results["adult"] = rows
        print_table("adult", len(train), len(test), rows)
        scores = downstream(outputs, train[LABEL].to_numpy(), test[LABEL].to_numpy())
        mixed = make_mixed(n_big)
        n_tr = int(0.8 * n_big)
        rows, _ = bench_table("mixed", mixed.iloc[:n_tr], mixed.iloc[n_tr:],
                              anchor_python=anchor_python, anchor_timeout=args.anchor_timeout,
                              anchor_memory_gb=args.anchor_memory_gb, repeats=repeats, tmp=tmp,
                              anchor_large_ml=args.anchor_large_ml)
        results["mixed"] = rows
        print_table(f"mixed{n_big // 1000}k", n_tr, n_big - n_tr, rows)
    summarize(results, scores)


def summarize(results, scores):
    print("\nTargets")
    for table, rows in results.items():
        ours, ours_ml = rows["AutoMunger"], rows["AutoMunger + ML infill"]
        goals = (("Automunge 9.0", ours, 10), ("Automunge 9.0 + ML infill", ours_ml, 20))
        for key, mine, goal in goals:
            anchor = rows.get(key)
            if not anchor or "error" in anchor or "skipped" in anchor:
                continue
            ratio = (anchor.get("timeout") or anchor["seconds"]) / mine["seconds"]
            bound = ">" if anchor.get("timeout") else ""
            print(f"  {table}: {key} / ours = {bound}{ratio:.1f}x (target >= {goal}x)")
        print(f"  {table}: AutoMunger / ColumnTransformer time = "
              f"{ours['seconds'] / rows['ColumnTransformer']['seconds']:.2f} (target <= 2)")
        print(f"  {table}: one-row transform {1000 * ours['one_row']:.2f} ms, with ML infill "
              f"{1000 * ours_ml['one_row']:.2f} ms; a row with missing values "
              f"{1000 * ours['one_row_nan']:.2f} ms, with ML infill "
              f"{1000 * ours_ml['one_row_nan']:.2f} ms (target <= 5 ms)")
    peak_mb = results["mixed"]["AutoMunger + ML infill"]["peak_mb"]
    print(f"  mixed: peak memory with ML infill {peak_mb:.0f} MB (target <= 4096 MB)")
    state_mb = results["adult"]["AutoMunger"]["state_bytes"] / 1e6
    print(f"  adult: saved state without ML infill {state_mb:.3f} MB (target <= 1 MB)")


if __name__ == "__main__":
    main()
