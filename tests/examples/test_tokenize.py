"""The text-classification example runs and shows what its docs page claims."""


import pytest

from tests.examples._loading import load_example


def test_text_classification_example(capsys):
    pytest.importorskip("tokenizers")
    module = load_example("text_classification")
    # A smaller sample and grid than the script's defaults, to keep the suite fast.
    module.GRID = {"tokens__model": ["bpe", "wordlevel"], "tokens__vocab_size": [2000]}
    search, results = module.main(["--n-samples", "1500", "--max-chars", "1500", "--cv", "2"])
    printed = capsys.readouterr().out
    assert "GridSearchCV (2-fold, 2 candidates" in printed and "test accuracy" in printed
    assert set(search.best_params_) == {"tokens__model", "tokens__vocab_size"}
    assert min(search.cv_results_["mean_test_score"]) >= 0.93
    assert results["TokenCountVectorizer (best)"] >= 0.95
    assert results["CountVectorizer"] >= 0.95
