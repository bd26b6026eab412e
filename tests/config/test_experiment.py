import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("hydra")

from sklearn.base import BaseEstimator  # noqa: E402

from skbridge.config import compose, instantiate, load_table  # noqa: E402
from skbridge.config._experiment import load_all, load_data, run_experiment  # noqa: E402

# Small settings per shipped experiment, so each runs end to end in seconds.
SMALL = {
    "fastfood_digits": ["preprocess.fastfood_sampler.n_components=128"],
    "automunge_titanic": [],
    "kge_umls": ["model.epochs=1", "model.k=8", "model.batch_size=2048"],
    "tokenize_spam": ["preprocess.token_tfidf_vectorizer.vocab_size=300",
                      "+data.max_samples=800", "model.C=1.0"],
    "gp_diabetes": [],
    "bnn_digits": ["model.epochs=1"],
    "neural_digits": ["model.epochs=1"],
    "neural_shapes_segmentation": ["data.loader.n_samples=24", "model.epochs=1",
                                   "model.module_params={width:4}"],
    "neural_shapes_detection": ["data.loader.n_samples=24", "model.epochs=1",
                                "model.module_params={width:4}"],
}
SHIPPED = sorted(p.name[:-5] for p in (resources.files("skbridge.config.conf") / "experiment")
                 .iterdir() if p.name.endswith(".yaml"))
METRIC = {"classification": "accuracy", "regression": "r2", "link_prediction": "mrr",
          "segmentation": "mean_iou", "detection": "map50"}


def test_every_shipped_experiment_has_small_settings():
    assert sorted(SMALL) == SHIPPED, "add the new experiment's small settings to SMALL"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_experiment_runs_end_to_end(name, tmp_path):
    cfg = compose([f"experiment={name}", "figures=true", *SMALL[name]])
    assert isinstance(instantiate(cfg), BaseEstimator)
    metrics = run_experiment(cfg, tmp_path)
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == pytest.approx(metrics)
    assert np.isfinite(metrics[METRIC[cfg.data.task]])
    assert metrics["n_train"] > metrics["n_test"] * 0 and metrics["fit_time"] >= 0
    assert (tmp_path / "model.skops").is_file()
    if cfg.data.task == "classification":
        assert (tmp_path / "confusion_matrix.png").is_file()


def test_quality_of_the_default_experiment(tmp_path):
    metrics = run_experiment(compose(["figures=false", "save_model=false"]), tmp_path)
    assert metrics["accuracy"] > 0.97


@pytest.mark.parametrize("sep,suffix", [(",", ".csv"), (";", ".csv"), ("\t", ".tsv")])
def test_tables_given_by_path(tmp_path, sep, suffix):
    from skbridge.datasets import load_penguins

    frame = load_penguins().frame.dropna()
    path = tmp_path / f"penguins{suffix}"
    frame.to_csv(path, sep=sep, index=False)
    pd.testing.assert_frame_equal(load_table(path), pd.read_csv(path, sep=sep))
    cfg = compose(["experiment=automunge_titanic", "data=table", f"data.path={path}",
                   "data.target=species"])
    data = load_data(cfg.data, seed=0)
    assert "species" not in data["X_train"].columns
    assert len(data["X_train"]) + len(data["X_test"]) == len(frame)
    metrics = run_experiment(cfg, tmp_path / "out")
    assert metrics["accuracy"] > 0.95


def test_triples_and_text_given_by_path(tmp_path):
    from skbridge.datasets import load_nations, load_spam

    kg = load_nations()
    for split in ("train", "valid", "test"):
        pd.DataFrame(kg[split]).to_csv(tmp_path / f"{split}.txt", sep="\t", header=False,
                                       index=False)
    data = load_data(compose(["data=triples", f"data.path={tmp_path}"]).data)
    np.testing.assert_array_equal(data["X_train"], kg["train"])
    assert len(data["filter"]) == sum(len(kg[s]) for s in ("train", "valid", "test"))

    spam = load_spam()
    for label in (0, 1):
        folder = tmp_path / "mails" / ("spam" if label else "ham")
        folder.mkdir(parents=True)
        for i in np.flatnonzero(spam.target == label)[:15]:
            (folder / f"{i}.txt").write_text(spam.data[i])
    everything = load_all(compose(["data=text", f"data.path={tmp_path / 'mails'}"]).data)
    assert len(everything["X"]) == 30 and sorted(set(everything["y"])) == [0, 1]


def test_data_errors_name_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="data.path="):
        load_table(tmp_path / "missing.csv")
    (tmp_path / "t.csv").write_text("a,b\n1,2\n3,4\n")
    cfg = compose(["data=table", f"data.path={tmp_path / 't.csv'}", "data.target=c"])
    with pytest.raises(ValueError, match=r"data.target='c'.*\['a', 'b'\]"):
        load_data(cfg.data)
