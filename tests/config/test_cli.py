import json
import operator
import pickle
import subprocess
import sys

import pandas as pd
import pytest

pytest.importorskip("hydra")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from skbridge.config._cli import main, split_flags  # noqa: E402

SMALL = ["preprocess.fastfood_sampler.n_components=64"]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_help_version_and_unknown_command(capsys):
    assert main(["--help"]) == 0
    assert "skbridge run" in capsys.readouterr().out
    assert main(["fit"]) == 2
    assert "unknown command 'fit'" in capsys.readouterr().err


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for line in ("experiment (", "kge_umls", "data (", "titanic", "model (", "linear_svc",
                 "hydra/launcher (", "parallel", "joblib", "submitit_local"):
        assert line in out
    main(["list", "model"])
    out = capsys.readouterr().out
    assert "fastfood_sampler" in out and "skbridge.transformers.FastfoodSampler" in out
    with pytest.raises(SystemExit, match="no group 'modle'"):
        main(["list", "modle"])


def test_run_writes_config_metrics_model_and_figure(in_tmp):
    main(["run", *SMALL, "hydra.run.dir=run1"])
    run = in_tmp / "run1"
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["accuracy"] > 0.9
    assert "fastfood_sampler" in (run / ".hydra" / "config.yaml").read_text()
    assert (run / "model.skops").is_file() and (run / "confusion_matrix.png").is_file()


def test_typo_exits_with_the_valid_keys(in_tmp):
    with pytest.raises(SystemExit, match="Did you mean model.C.*Valid keys"):
        main(["run", "model.Cc=2"])
    # A key the preset sets but the chosen model lacks: the message says where it comes from.
    with pytest.raises(SystemExit, match="model.random_state.*experiment preset.*~experiment"):
        main(["run", "model=k_neighbors_classifier"])
    with pytest.raises(SystemExit, match="~experiment"):
        main(["run", "experiment=null"])


def test_default_output_folders_are_named_after_the_experiment(in_tmp):
    main(["run", "-m", "seed=0", *SMALL, "save_model=false", "figures=false"])
    assert len(list(in_tmp.glob("multirun/fastfood_digits/*/0/metrics.json"))) == 1


def test_multirun_on_the_joblib_launcher_runs_two_jobs(in_tmp):
    main(["run", "-m", "hydra/launcher=parallel", "seed=0,1", *SMALL, "save_model=false",
          "figures=false", "hydra.sweep.dir=sweep"])
    scores = [json.loads((in_tmp / "sweep" / str(i) / "metrics.json").read_text())["accuracy"]
              for i in (0, 1)]
    assert all(s > 0.9 for s in scores) and scores[0] != scores[1]


def test_search_writes_cv_results_and_the_best_model(in_tmp):
    main(["search", "model.C=0.1,1", *SMALL, "search.cv=3", "search.verbose=0",
          "hydra.run.dir=s"])
    results = pd.read_csv(in_tmp / "s" / "cv_results.csv")
    assert list(results["param_model__C"]) == [0.1, 1.0]
    metrics = json.loads((in_tmp / "s" / "metrics.json").read_text())
    assert set(metrics) == {"best_params", "best_cv_score", "test"}
    assert (in_tmp / "s" / "best_model.skops").is_file()
    with pytest.raises(SystemExit, match="drop -m"):
        main(["search", "-m", "model.C=0.1,1"])


def test_predict_applies_a_saved_model(in_tmp):
    main(["run", *SMALL, "hydra.run.dir=run1", "figures=false"])
    main(["predict", "model=run1/model.skops", "data=digits", "hydra.run.dir=p"])
    pred = pd.read_csv(in_tmp / "p" / "predictions.csv")
    assert len(pred) == 1797 and {"prediction"} <= set(pred.columns)
    assert json.loads((in_tmp / "p" / "metrics.json").read_text())["accuracy"] > 0.9


def _digits_model():
    X, y = load_digits(return_X_y=True)
    return make_pipeline(FunctionTransformer(operator.neg),
                         LogisticRegression(max_iter=50)).fit(X[:300], y[:300])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_predict_refuses_untrusted_types_and_pickles(in_tmp):
    import skops.io

    model = _digits_model()
    skops.io.dump(model, in_tmp / "m.skops")
    with pytest.raises(SystemExit, match="operator.neg.*--trust"):
        main(["predict", "model=m.skops", "data=digits", "hydra.run.dir=p1"])
    assert not (in_tmp / "p1" / "predictions.csv").exists()
    main(["predict", "model=m.skops", "data=digits", "--trust", "hydra.run.dir=p2"])
    assert (in_tmp / "p2" / "predictions.csv").is_file()

    (in_tmp / "m.pkl").write_bytes(pickle.dumps(model))
    with pytest.raises(SystemExit, match="--allow-pickle"):
        main(["predict", "model=m.pkl", "data=digits", "hydra.run.dir=p3"])
    main(["predict", "model=m.pkl", "data=digits", "--allow-pickle", "hydra.run.dir=p4"])
    assert len(pd.read_csv(in_tmp / "p4" / "predictions.csv")) == 1797


def test_allow_list_widens_only_on_the_command_line(in_tmp, monkeypatch):
    (in_tmp / "my_models.py").write_text(
        "from sklearn.linear_model import LogisticRegression as Model\n")
    monkeypatch.syspath_prepend(str(in_tmp))
    conf = in_tmp / "conf"
    (conf / "model").mkdir(parents=True)
    (conf / "model" / "mine.yaml").write_text("_target_: my_models.Model\nmax_iter: 500\n")
    (conf / "experiment").mkdir()
    (conf / "experiment" / "sneaky.yaml").write_text(
        "# @package _global_\nskbridge:\n  allowed_targets: [my_models]\n")
    args = ["run", "--config-dir", str(conf), "model=mine", "save_model=false",
            "figures=false", *SMALL]
    with pytest.raises(SystemExit, match="'my_models.Model' is not allowed"):
        main([*args, "hydra.run.dir=a"])
    with pytest.raises(SystemExit, match="only on the command line"):
        main([*args, "+experiment@_global_=sneaky", "hydra.run.dir=b"])
    main([*args, "skbridge.allowed_targets=[my_models]", "hydra.run.dir=c"])
    assert json.loads((in_tmp / "c" / "metrics.json").read_text())["accuracy"] > 0.8


def test_split_flags():
    assert split_flags(["--cfg", "job", "model.C=1", "-m", "--info", "defaults", "seed=2"]) == (
        ["model.C=1", "seed=2"], ["--cfg", "job", "-m", "--info", "defaults"])


def test_shell_completion(monkeypatch, capsys):
    monkeypatch.setenv("COMP_LINE", "skbridge se")
    main(["-sc", "query=bash"])
    assert capsys.readouterr().out.split() == ["search"]
    monkeypatch.setenv("COMP_LINE", "skbridge run experiment=kg")
    main(["-sc", "query=bash"])
    assert "experiment=kge_umls" in capsys.readouterr().out


def test_start_up_imports_no_framework():
    code = ("import sys; from skbridge.config._cli import main; main(sys.argv[1:]); "
            "heavy = [m for m in ('torch', 'tensorflow', 'keras', 'sklearn') if m in sys.modules];"
            " print('HEAVY', heavy)")
    for argv in (["--help"], ["run", "--cfg", "job"],
                 ["run", "--cfg", "job", "experiment=kge_umls"]):
        out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        assert "HEAVY []" in out.stdout, (argv, out.stdout[-300:])


def test_multirun_on_the_submitit_local_launcher(in_tmp):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    main(["run", "-m", "hydra/launcher=submitit_local", "seed=0,1", *SMALL,
          "save_model=false", "figures=false", "hydra.sweep.dir=sub"])
    for i in (0, 1):
        assert json.loads((in_tmp / "sub" / str(i) / "metrics.json").read_text())[
            "accuracy"] > 0.9


def test_search_on_a_local_dask_cluster_equals_loky(in_tmp):
    pytest.importorskip("distributed")
    common = ["search", "model.C=0.1,1", *SMALL, "search.cv=3", "search.verbose=0",
              "save_model=false"]
    main([*common, "search.backend=dask", "search.n_workers=2", "hydra.run.dir=d"])
    main([*common, "search.n_jobs=2", "hydra.run.dir=l"])
    dask, loky = (pd.read_csv(in_tmp / d / "cv_results.csv") for d in ("d", "l"))
    scores = [c for c in dask.columns if "test_score" in c]
    pd.testing.assert_frame_equal(dask[scores], loky[scores])
