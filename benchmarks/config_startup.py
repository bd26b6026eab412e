"""Benchmark: start-up time of the ``skbridge`` command beside a bare ``import hydra``.

Times, as fresh processes, ``python -c "import hydra"`` (the anchor: what any
Hydra app pays before it does anything), ``skbridge --help``, ``skbridge run
--cfg job`` (compose the default experiment and print it) and ``skbridge run
--cfg job experiment=kge_umls`` (a torch model's config), plus ``python -c
pass`` for the interpreter alone. Each is run once to warm up (which also fills
the config catalog cache, see ``skbridge/config/_catalog.py``), then timed
``--repeats`` times (default 9, at least 7); the table gives the median and
the fastest run, the ratio of the median to the bare Hydra import, and whether
the median is within the target of 1.0 s. Each command then runs once more
under ``python -X importtime`` to check which heavy frameworks it imported:
the ``--cfg job`` runs must import neither torch nor TensorFlow (nor Keras or
scikit-learn: composing a config imports nothing but Hydra).

Run with ``make bench`` or ``python benchmarks/config_startup.py [--repeats 15]``.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this process and the
commands it starts (the script re-executes itself without them), as in the
other benchmarks. Run it alone: the numbers are wall-clock times of whole
processes, and a busy machine shows up in them.
"""

import os
import sys

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

# Python puts this script's folder first on sys.path, where a sibling script
# (benchmarks/tokenize.py) would shadow the standard library module of that name.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

TARGET_S = 1.0
HEAVY = ("torch", "tensorflow", "keras", "sklearn")
# Must stay out of these commands: the frameworks a model may need, loaded only by its fit.
FORBIDDEN = ("torch", "tensorflow")
REBUILD = "describing every estimator"  # what the catalog prints when it rebuilds its cache


def skbridge_script():
    """The ``skbridge`` console script of this Python environment."""
    beside = Path(sys.executable).parent / "skbridge"
    found = beside if beside.is_file() else shutil.which("skbridge")
    if not found:
        raise SystemExit("The skbridge command is not installed in this environment: "
                         "pip install -e '.[config]' (or make bench) first.")
    return str(found)


def commands():
    """``{label: argv}`` in the order of the table; the first is the anchor."""
    script = skbridge_script()
    return {
        'python -c "import hydra"': [sys.executable, "-c", "import hydra"],
        "skbridge --help": [script, "--help"],
        "skbridge run --cfg job": [script, "run", "--cfg", "job"],
        "skbridge run --cfg job experiment=kge_umls": [script, "run", "--cfg", "job",
                                                       "experiment=kge_umls"],
        "python -c pass (interpreter only)": [sys.executable, "-c", "pass"],
    }


def _run(argv, cwd):
    out = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300,
                         check=False)
    if out.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return out


def time_command(argv, repeats, cwd):
    """Seconds of each of ``repeats`` runs after one warm-up, and how many rebuilt the cache."""
    _run(argv, cwd)  # warm-up: file cache, .pyc files, the config catalog
    times, rebuilt = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        out = _run(argv, cwd)
        times.append(time.perf_counter() - start)
        rebuilt += REBUILD in out.stderr
    return times, rebuilt


def imported_packages(argv, cwd):
    """The top-level packages a command imports, read from ``python -X importtime``."""
    python_argv = argv if argv[0] == sys.executable else [sys.executable, *argv]
    out = _run([python_argv[0], "-X", "importtime", *python_argv[1:]], cwd)
    packages = set()
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name and name != "imported package":
                packages.add(name.split(".")[0])
    return packages


def measure(repeats):
    """Time every command; returns ``{label: {"median", "min", "rebuilt", "heavy"}}``."""
    rows = {}
    with tempfile.TemporaryDirectory() as cwd:  # --cfg job writes nothing, but to be sure
        for label, argv in commands().items():
            times, rebuilt = time_command(argv, repeats, cwd)
            heavy = sorted(p for p in imported_packages(argv, cwd) if p in HEAVY)
            rows[label] = {"median": statistics.median(times), "min": min(times),
                           "rebuilt": rebuilt, "heavy": heavy}
    return rows


def print_table(rows, repeats):
    """The table: median, fastest, ratio to the bare Hydra import, target, heavy imports."""
    anchor = next(iter(rows.values()))["median"]
    width = max(len(label) for label in rows)
    header = (f"{'command':<{width}} {'median s':>9} {'min s':>7} {'/ hydra':>8} "
              f"{'<= 1.0 s':>8}  heavy imports")
    print(f"median of {repeats} runs after one warm-up; cores: {os.cpu_count()}\n")
    print(header)
    print("-" * len(header))
    for label, row in rows.items():
        ok = "yes" if row["median"] <= TARGET_S else "NO"
        heavy = ", ".join(row["heavy"]) or "none"
        note = f"  (catalog rebuilt in {row['rebuilt']} runs)" if row["rebuilt"] else ""
        print(f"{label:<{width}} {row['median']:9.3f} {row['min']:7.3f} "
              f"{row['median'] / anchor:8.2f} {ok:>8}  {heavy}{note}")


def check(rows):
    """Say whether the targets hold; returns True when they do."""
    ok = True
    print("\nTargets")
    for label, row in rows.items():
        if not label.startswith("skbridge"):
            continue
        fast = row["median"] <= TARGET_S
        print(f"  {label}: {row['median']:.3f} s (target <= {TARGET_S} s): "
              f"{'met' if fast else 'MISSED'}")
        ok &= fast
        if "--cfg job" in label:
            loaded = [p for p in row["heavy"] if p in FORBIDDEN]
            print(f"  {label}: imports {', '.join(loaded) or 'neither torch nor tensorflow'}"
                  f"{' (target: neither)' if loaded else ''}")
            ok &= not loaded
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9,
                        help="timed runs per command after the warm-up (at least 7)")
    args = parser.parse_args(argv)
    if args.repeats < 7:
        parser.error(f"--repeats {args.repeats}: use at least 7, so that the median means "
                     "something on a shared machine.")
    print("OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for this process")
    rows = measure(args.repeats)
    print_table(rows, args.repeats)
    return rows, check(rows)


if __name__ == "__main__":
    main()
