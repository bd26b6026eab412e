"""The KGE example runs and shows what its docs page claims."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_kge_umls_example(tmp_path, capsys):
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location("kge_umls", EXAMPLES / "kge_umls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        output = tmp_path / "kge.png"
        results = module.main(["--output", str(output)])
    finally:
        torch.set_num_threads(threads)
    assert output.stat().st_size > 10_000
    assert results["mrr"] >= 0.85 and results["hits@10"] >= 0.95
    assert 0.0 < results["proba_42"] < 1.0
    assert results["n_clusters"] == 6
    assert "filtered test MRR" in capsys.readouterr().out
