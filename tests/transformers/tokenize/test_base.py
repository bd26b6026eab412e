"""Contract tests shared by the tokenizer transformers (``_base``).

scikit-learn's common checks run only the clone check on 1-D text input, so the
rest of the contract is tested here and beside it: clone, get/set_params,
pickle, save/load, pretrained tokenizers, unknown tokens, bad input, pipelines
and grid search.
"""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer, TokenIdEncoder  # noqa: E402

from ._helpers import UNSEEN, same  # noqa: E402


def test_clone_and_params():
    vec = TokenCountVectorizer(model="wordlevel", vocab_size=123, binary=True)
    params = vec.get_params()
    assert params["model"] == "wordlevel" and params["vocab_size"] == 123
    twin = clone(vec)
    assert twin.get_params() == params and twin is not vec
    twin.set_params(model="unigram", special_tokens=["<s>"])
    assert twin.model == "unigram" and vec.model == "wordlevel"
    normalizer = tokenizers.normalizers.NFKC()
    cloned = clone(TokenCountVectorizer(normalizer=normalizer))
    assert isinstance(cloned.normalizer, type(normalizer))
    with pytest.raises(InvalidParameterError):
        TokenCountVectorizer(model="sentencepiece").fit(["a b"])
    with pytest.raises(InvalidParameterError):
        TokenIdEncoder(max_length=0).fit(["a b"])


def test_skops_saves_the_tokenizers_as_json(corpus, tmp_path):
    pytest.importorskip("skops")
    from skbridge.compat.skops import dump, load, untrusted_types

    trained = TokenIdEncoder(model="bpe", vocab_size=200).fit(corpus[:50])
    est = TokenIdEncoder(tokenizer=trained.tokenizer_, max_length=8).fit([])
    state = est.__getstate__()
    assert state["tokenizer"] is None and state["tokenizer_"] is None
    assert sorted(state["_tokenizer_json"]) == ["tokenizer", "tokenizer_"]
    assert est.tokenizer is trained.tokenizer_  # the estimator itself is unchanged
    dump(est, tmp_path / "est.skops")
    assert untrusted_types(tmp_path / "est.skops") == []
    loaded = load(tmp_path / "est.skops")
    assert isinstance(loaded.tokenizer, tokenizers.Tokenizer)
    assert loaded.tokenizer.to_str() == trained.tokenizer_.to_str()
    a, b = est.transform(corpus[50:60]), loaded.transform(corpus[50:60])
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


@pytest.mark.parametrize("cls", [TokenCountVectorizer, TokenIdEncoder])
def test_pickle_gives_identical_output(cls, corpus):
    est = cls(model="wordpiece", vocab_size=200).fit(corpus[:50])
    loaded = pickle.loads(pickle.dumps(est))
    docs = corpus[50:60] + UNSEEN
    a, b = est.transform(docs), loaded.transform(docs)
    if cls is TokenCountVectorizer:
        assert same(a, b)
    else:
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
    assert loaded.vocabulary_ == est.vocabulary_


def test_save_load_and_pretrained(tmp_path, corpus):
    vec = TokenCountVectorizer(model="unigram", vocab_size=200).fit(corpus[:80])
    path = vec.save(tmp_path / "tok.json")
    assert path.is_file()
    folder_path = vec.save(tmp_path)
    assert folder_path == tmp_path / "tokenizer.json"
    loaded = TokenCountVectorizer.load(path)
    docs = corpus[80:90] + UNSEEN
    assert same(loaded.transform(docs), vec.transform(docs))
    assert loaded.vocabulary_ == vec.vocabulary_
    # the tokenizers object and a folder work as well; the user's object is not changed
    raw = tokenizers.Tokenizer.from_file(str(path))
    raw.enable_padding(length=64)
    from_object = TokenCountVectorizer(tokenizer=raw, binary=True).fit(["ignored"])
    assert raw.padding is not None  # our copy has no padding, the user's keeps it
    assert same(from_object.transform(docs), (vec.transform(docs) > 0).astype(np.int64))
    from_folder = TokenCountVectorizer(tokenizer=tmp_path).fit([])
    assert same(from_folder.transform(docs), vec.transform(docs))
    with pytest.raises(FileNotFoundError, match="No tokenizer file"):
        TokenCountVectorizer(tokenizer=tmp_path / "missing.json").fit([])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="Cannot read the tokenizer file"):
        TokenCountVectorizer(tokenizer=bad).fit([])
    with pytest.raises(NotFittedError):
        TokenCountVectorizer().save(tmp_path / "x.json")


def test_unseen_characters_without_unk_token(corpus):
    # BPE drops characters it has not seen, silently
    bpe = TokenCountVectorizer(model="bpe", vocab_size=250, unk_token=None).fit(corpus[:60])
    assert "[UNK]" not in bpe.vocabulary_
    X = bpe.transform(["☃☃ the"])
    assert X.sum() == 1 and X[0, bpe.vocabulary_["the"]] == 1
    # the others cannot: a clear error at fit, before training
    for model in ("unigram", "wordlevel", "wordpiece"):
        with pytest.raises(ValueError, match="needs an unknown token"):
            TokenCountVectorizer(model=model, unk_token=None).fit(corpus[:5])


def test_pretrained_without_unk_gives_a_clear_error(corpus):
    tk = tokenizers
    unigram = tk.Tokenizer(tk.models.Unigram())
    unigram.pre_tokenizer = tk.pre_tokenizers.Whitespace()
    unigram.train_from_iterator(
        corpus[:40], tk.trainers.UnigramTrainer(vocab_size=100, show_progress=False)
    )
    vec = TokenCountVectorizer(tokenizer=unigram).fit([])
    vec.transform(corpus[:3])
    with pytest.raises(ValueError, match="no unknown token"):
        vec.transform(["☃"])
    wordlevel = tk.Tokenizer(tk.models.WordLevel({"a": 0, "b": 1}, unk_token="[UNK]"))
    wordlevel.pre_tokenizer = tk.pre_tokenizers.Whitespace()
    vec = TokenCountVectorizer(tokenizer=wordlevel).fit([])
    assert vec.transform(["a b a"]).toarray().tolist() == [[2, 1]]
    with pytest.raises(ValueError, match="documents 0..0"):
        vec.transform(["c"])


@pytest.mark.parametrize("cls", [TokenCountVectorizer, TokenIdEncoder])
def test_bad_input_gives_clear_errors(cls, corpus):
    est = cls(model="wordlevel", vocab_size=100)
    with pytest.raises(ValueError, match="string object received"):
        est.fit("just one document")
    with pytest.raises(ValueError, match="Document 1 is missing"):
        est.fit(["a b", None])
    with pytest.raises(ValueError, match="Document 0 is missing"):
        est.fit([float("nan")])
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="Document 1 is missing"):
        est.fit(pd.Series(["a", pd.NA], dtype="string"))
    with pytest.raises(TypeError, match=r"Document 2 is a int \(3\), not a str"):
        est.fit(["a", "b", 3])
    if cls is TokenIdEncoder:
        with pytest.raises(TypeError, match="Document 0 is a bytes"):
            est.fit([b"bytes"])
    else:  # CountVectorizer's input="content": bytes are decoded with ``encoding``
        assert "bytes" in clone(est).set_params(min_frequency=1).fit([b"bytes"]).vocabulary_
    with pytest.raises(ValueError, match="Empty corpus"):
        est.fit([])
    with pytest.raises(ValueError, match="Empty vocabulary"):
        est.fit(["", "   "])
    with pytest.raises(ValueError, match="1-D iterable"):
        est.fit(np.array([["a", "b"], ["c", "d"]], dtype=object))
    with pytest.raises(TypeError, match="iterable of str"):
        est.fit(42)
    with pytest.raises(NotFittedError):
        est.transform(["a"])
    with pytest.raises(ValueError, match="Unknown normalizer 'nfx'"):
        cls(normalizer="nfx").fit(["a"])
    with pytest.raises(ValueError, match="pre_tokenizer_kwargs"):
        whitespace = tokenizers.pre_tokenizers.Whitespace()
        cls(pre_tokenizer=whitespace, pre_tokenizer_kwargs={"a": 1}).fit(["a"])
    est.fit(corpus[:20])
    with pytest.raises(ValueError, match="string object received"):
        est.transform("the whale")
    with pytest.raises(ValueError, match="Document 0 is missing"):
        est.transform([None])


def test_pipeline_grid_search_two_jobs(corpus):
    docs = corpus[:120]
    y = np.array([("whale" in d.lower()) or ("sea" in d.lower()) for d in docs], dtype=int)
    pipe = Pipeline(
        [
            ("tokens", TokenCountVectorizer(vocab_size=200)),
            ("tfidf", TfidfTransformer()),
            ("clf", LogisticRegression(C=10.0, max_iter=500)),
        ]
    )
    grid = {"tokens__model": ["bpe", "wordlevel"], "tokens__vocab_size": [150, 300]}
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2, error_score="raise").fit(docs, y)
    assert search.best_score_ > 0.6
    assert len(search.cv_results_["params"]) == 4
    assert "TOKENIZERS_PARALLELISM" not in os.environ or os.environ[
        "TOKENIZERS_PARALLELISM"
    ].lower() != "true"


def test_grid_search_forked_workers_do_not_deadlock():
    """joblib's multiprocessing backend forks after tokenizers' pool was used."""
    code = (
        "import joblib, numpy as np\n"
        "from sklearn.model_selection import GridSearchCV\n"
        "from skbridge.datasets import load_moby_dick\n"
        "from skbridge.transformers import TokenCountVectorizer\n"
        "from sklearn.pipeline import make_pipeline\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "docs = [p for t in load_moby_dick().data[3:9] for p in t.split('\\n\\n')][:80]\n"
        "y = np.arange(len(docs)) % 2\n"
        "TokenCountVectorizer(vocab_size=200).fit_transform(docs * 20)  # pool used\n"
        "pipe = make_pipeline(TokenCountVectorizer(vocab_size=200), LogisticRegression())\n"
        "with joblib.parallel_backend('multiprocessing', n_jobs=2):\n"
        "    GridSearchCV(pipe, {'tokencountvectorizer__model': ['bpe', 'wordlevel']},\n"
        "                 cv=2).fit(docs, y)\n"
        "print('finished')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TOKENIZERS_PARALLELISM"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "finished"


@pytest.mark.parametrize("model", ["bpe", "wordpiece", "unigram", "wordlevel"])
def test_whitespace_only_corpus_is_refused(model):
    from skbridge.transformers import TokenCountVectorizer

    with pytest.raises(ValueError, match="empty or only whitespace"):
        TokenCountVectorizer(model=model).fit(["", " ", "\t\n"])


def test_verbose_training_learns_the_same_vocabulary():
    from skbridge.datasets import load_spam
    from skbridge.transformers import TokenCountVectorizer

    docs = load_spam().data[:200]
    quiet = TokenCountVectorizer(model="bpe", vocab_size=300).fit(docs)
    loud = TokenCountVectorizer(model="bpe", vocab_size=300, verbose=True).fit(docs)
    assert loud.vocabulary_ == quiet.vocabulary_
