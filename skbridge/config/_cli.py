"""The ``skbridge`` command: ``run``, ``search``, ``list`` and ``predict``.

``run``, ``search`` and ``predict`` are Hydra apps on ``pkg://skbridge.config.conf``:
every Hydra flag works after the command (``--cfg job``, ``-m``, ``--help``,
``-sc install=bash``). Nothing heavier than Hydra is imported until a job runs.
"""

import json
import logging
import os
import sys
from pathlib import Path

__all__ = ["main"]

USAGE = """\
usage: skbridge COMMAND [overrides ...]

Train, search and apply scikit-bridge experiments composed from YAML (Hydra).

commands:
  run       fit and evaluate an experiment: skbridge run experiment=kge_umls model.epochs=20
            (-m sweeps: skbridge run -m model.C=0.1,1 seed='range(3)' [hydra/launcher=parallel])
  search    one GridSearchCV/RandomizedSearchCV over the sweeps:
            skbridge search experiment=fastfood_digits model.C=0.1,1,10 search.cv=3
  list      the config groups and their options: skbridge list [GROUP]
  predict   apply a saved model: skbridge predict model=PATH data=NAME [--trust] [--allow-pickle]

`skbridge COMMAND --help` shows a command's config; `skbridge run --cfg job` prints it.
Tab completion: eval "$(skbridge run -sc install=bash)".
"""

COMMANDS = ("run", "search", "list", "predict")
log = logging.getLogger("skbridge")


# ---------------------------------------------------------------------------
# jobs (called by Hydra with the composed config)
# ---------------------------------------------------------------------------
def _allowed_targets(cfg):
    """``skbridge.allowed_targets`` as given on the command line; config files cannot widen it."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.override_parser.overrides_parser import OverridesParser

    given = []
    overrides = OverridesParser.create().parse_overrides(
        list(HydraConfig.get().overrides.task))
    for o in overrides:
        if o.key_or_group == "skbridge.allowed_targets" and not o.is_delete():
            value = o.value()
            given = list(value) if isinstance(value, list) else [value]
    configured = list(cfg.get("skbridge", {}).get("allowed_targets") or [])
    widened = [p for p in configured if p not in given]
    if widened:
        raise ValueError(
            f"skbridge.allowed_targets lists {widened} in a config file: the allow-list can "
            "be widened only on the command line (skbridge.allowed_targets=[...]), so that "
            "a config cannot allow itself.")
    return given


def _blas_threads(cfg):
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    if cfg.get("blas_threads") is not None:
        return int(cfg.blas_threads)
    hc = HydraConfig.get()
    parallel = "BasicLauncher" not in str(hc.launcher.get("_target_", "BasicLauncher"))
    return 1 if hc.mode == RunMode.MULTIRUN and parallel else None


def _output_dir():
    from hydra.core.hydra_config import HydraConfig

    return Path(HydraConfig.get().runtime.output_dir)


def _clean_errors(job):
    """Bad input (a wrong path, a refused file, a missing extra) ends with one clear line.

    ``HYDRA_FULL_ERROR=1`` keeps the traceback, as for Hydra's own errors.
    """
    import functools

    @functools.wraps(job)
    def wrapper(cfg):
        try:
            return job(cfg)
        except (ValueError, FileNotFoundError, ImportError) as exc:
            if os.environ.get("HYDRA_FULL_ERROR") == "1":
                raise
            raise SystemExit(f"skbridge: {type(exc).__name__}: {exc}") from None

    return wrapper


def _run_job(cfg):
    from threadpoolctl import threadpool_limits

    from ._experiment import run_experiment

    out_dir = _output_dir()
    with threadpool_limits(limits=_blas_threads(cfg)):
        metrics = run_experiment(cfg, out_dir, allowed_targets=_allowed_targets(cfg))
    log.info("metrics: %s", json.dumps(metrics))
    log.info("outputs in %s", out_dir)
    return metrics


_SWEEPS = {}


def _search_job(cfg):
    from threadpoolctl import threadpool_limits

    from ._search import run_search

    out_dir = _output_dir()
    with threadpool_limits(limits=_blas_threads(cfg)):
        search = run_search(cfg, _SWEEPS, out_dir, allowed_targets=_allowed_targets(cfg))
    log.info("best parameters %s, CV score %.4f", search.best_params_, search.best_score_)
    log.info("metrics: %s", (out_dir / "metrics.json").read_text().strip())
    log.info("outputs in %s", out_dir)
    return search.best_score_


_FLAGS = {}


def _predict_job(cfg):
    from ._predict import predict_to_files

    out_dir = _output_dir()
    written = predict_to_files(cfg, out_dir, trust=_FLAGS.get("trust", False),
                               allow_pickle=_FLAGS.get("allow_pickle", False),
                               allowed_targets=_allowed_targets(cfg))
    log.info("wrote %s", ", ".join(str(p) for p in written))


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
def _hydra_app(job, config_name, argv):
    import hydra

    from ._catalog import register_catalog

    register_catalog()
    app = hydra.main(version_base="1.3", config_path="pkg://skbridge.config.conf",
                     config_name=config_name)(_clean_errors(job))
    saved, sys.argv = sys.argv, ["skbridge", *argv]
    try:
        return app()
    finally:
        sys.argv = saved


# Hydra's flags that take a value (``--cfg job``); ``--info`` takes one optionally.
_VALUE_FLAGS = ("--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name",
                "-cn", "--config-dir", "-cd", "--experimental-rerun", "-sc",
                "--shell-completion")
_INFO_VALUES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")


def split_flags(argv):
    """Hydra's flags (with their values) apart from the overrides."""
    overrides, flags, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        takes = a in _VALUE_FLAGS or (a in ("--info", "-i") and i + 1 < len(argv)
                                      and argv[i + 1] in _INFO_VALUES)
        if a.startswith("-"):
            flags.extend(argv[i:i + 2] if takes else [a])
            i += 2 if takes else 1
        else:
            overrides.append(a)
            i += 1
    return overrides, flags


def _check(argv, config_name):
    """Compose once before Hydra runs, for errors that name the fix (typos, options)."""
    from ._api import ConfigError, compose
    from ._search import split_sweeps

    overrides, flags = split_flags(argv)
    if any(f in ("--help", "-h", "--hydra-help", "--info", "-i", "-sc", "--shell-completion")
           for f in flags):
        return
    plain, sweeps = split_sweeps(overrides)
    first = [f"{k}={json.dumps(v[0]) if not isinstance(v[0], str) else v[0]}"
             for k, (kind, v) in sweeps.items() if kind == "choice"]
    dirs = [flags[i + 1] for i, f in enumerate(flags[:-1]) if f in ("--config-dir", "-cd")]
    if dirs:  # the user's own config folder, as Hydra will search it
        paths = ",".join(f"file://{Path(d).resolve()}" for d in dirs)
        plain = [*plain, f"hydra.searchpath=[{paths}]"]
    try:
        compose(plain + first, config_name=config_name)
    except ConfigError as exc:
        raise SystemExit(f"skbridge: {exc}") from None


def _list(argv):
    from ._listing import list_options

    print(list_options(argv[0] if argv else None))
    return 0


def _completion(argv):
    """Hydra's shell completion, with the command word handled here."""
    line = os.environ.get("COMP_LINE", "")
    words = line.split()
    if any(a.startswith("query=") for a in argv) and len(words) <= 2 and not line.endswith(
            " ") or (len(words) == 1 and line.endswith(" ")):
        partial = words[1] if len(words) == 2 else ""
        print(" ".join(c for c in COMMANDS if c.startswith(partial)))
        return 0
    if len(words) >= 2 and words[1] in COMMANDS:
        os.environ["COMP_LINE"] = " ".join([words[0], *words[2:]]) + (
            " " if line.endswith(" ") else "")
    return _hydra_app(_run_job, "config", ["-sc", *argv])


def main(argv=None):
    """Entry point of the ``skbridge`` console command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        try:
            print(USAGE)
        except BrokenPipeError:  # skbridge --help | head
            pass
        return 0
    if argv[0] == "--version":
        from skbridge import __version__

        print(f"skbridge {__version__}")
        return 0
    if argv[0] in ("-sc", "--shell-completion"):
        return _completion(argv[1:])
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"skbridge: unknown command {command!r}; use one of {', '.join(COMMANDS)}.\n",
              file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    if command == "list":
        return _list(rest)
    if command == "predict":
        _FLAGS["trust"] = "--trust" in rest
        _FLAGS["allow_pickle"] = "--allow-pickle" in rest
        rest = [("model_path=" + a.split("=", 1)[1]) if a.startswith("model=") else a
                for a in rest if a not in ("--trust", "--allow-pickle")]
        _check(rest, "predict")
        _hydra_app(_predict_job, "predict", rest)
        return 0
    if command == "search":
        from ._search import split_sweeps

        if "-m" in rest or "--multirun" in rest:
            raise SystemExit("skbridge: `search` runs one scikit-learn search over the sweeps; "
                             "drop -m (or use `skbridge run -m` for one job per value).")
        _check(rest, "config")
        overrides, flags = split_flags(rest)
        plain, sweeps = split_sweeps(overrides)
        _SWEEPS.clear()
        _SWEEPS.update(sweeps)
        _hydra_app(_search_job, "config", plain + flags)
        return 0
    _check(rest, "config")
    _hydra_app(_run_job, "config", rest)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
