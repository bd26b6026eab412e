"""Contract tests of the tokenizer transformers.

scikit-learn's common checks run only the clone check on 1-D text input, so the
rest of the contract is tested here: fit / transform / fit_transform agree,
clone, get/set_params, pickle, save/load, feature names, deterministic ids,
unseen characters, bad input, pipelines and grid search.
"""

import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

tokenizers = pytest.importorskip("tokenizers")

from skbridge.datasets import load_moby_dick, load_spam  # noqa: E402
from skbridge.transformers import TokenCountVectorizer, TokenIdEncoder  # noqa: E402
from skbridge.transformers import tokenize as tokenize_module  # noqa: E402

MODELS = ["bpe", "wordpiece", "unigram", "wordlevel"]
UNSEEN = ["Ωμέγα 日本語 ☃ zzyzx qqq", ""]


@pytest.fixture(scope="module")
def corpus():
    """Paragraphs of ten chapters of Moby-Dick: ~100 KB, quick to train on."""
    book = load_moby_dick()
    paragraphs = [p for text in book.data[3:13] for p in text.split("\n\n") if p.strip()]
    return paragraphs


@pytest.fixture(scope="module")
def spam():
    return load_spam(return_X_y=True)


@pytest.fixture(scope="module", params=MODELS)
def fitted(request, corpus):
    vec = TokenCountVectorizer(model=request.param, vocab_size=300)
    return vec, vec.fit_transform(corpus)


def _same(a, b):
    return a.shape == b.shape and (a != b).nnz == 0


def test_fit_transform_equals_fit_then_transform(fitted, corpus):
    vec, X = fitted
    assert sp.isspmatrix_csr(X) and X.dtype == np.int64
    assert X.has_sorted_indices
    assert _same(X, vec.transform(corpus))
    again = clone(vec).fit(corpus)
    assert again.vocabulary_ == vec.vocabulary_
    assert _same(again.transform(corpus), X)
    # counts: every token of a document is counted once
    full = vec.tokenizer_.encode_batch(corpus[:20], add_special_tokens=False)
    fast = vec.tokenizer_.encode_batch_fast(corpus[:20], add_special_tokens=False)
    assert [e.ids for e in full] == [e.ids for e in fast]  # transform uses the fast one
    lengths = [len(e.ids) for e in full]
    assert np.asarray(X[:20].sum(axis=1)).ravel().tolist() == lengths


def test_vocabulary_and_feature_names_agree(fitted):
    vec, X = fitted
    names = vec.get_feature_names_out()
    assert names.dtype == object and len(names) == X.shape[1] == len(vec.vocabulary_)
    for token, index in vec.vocabulary_.items():
        assert names[index] == token
    assert names[0] == "[UNK]"
    assert len(set(names)) == len(names)
    if vec.model != "unigram":  # a tiny corpus cannot fill a Unigram vocabulary
        assert X.shape[1] >= 300


def test_ids_ordered_by_frequency_then_token(fitted):
    vec, X = fitted
    freq = np.asarray(X.sum(axis=0)).ravel()[1:]
    names = vec.get_feature_names_out()[1:]
    keys = list(zip(-freq, names))
    assert keys == sorted(keys)


def test_inverse_transform_lists_present_tokens(fitted, corpus):
    vec, X = fitted
    rows = vec.inverse_transform(X[:3])
    for i, tokens in enumerate(rows):
        assert set(tokens) == {vec.get_feature_names_out()[j] for j in X[i].indices}
    assert len(vec.inverse_transform(X[:3].toarray())) == 3
    with pytest.raises(ValueError, match="columns"):
        vec.inverse_transform(np.ones((2, 3)))


@pytest.mark.parametrize("model", MODELS)
def test_same_ids_in_every_fit(model, corpus):
    params = dict(model=model, vocab_size=250)
    first = TokenCountVectorizer(**params).fit(corpus)
    second = TokenCountVectorizer(**params).fit(list(corpus))
    assert first.vocabulary_ == second.vocabulary_
    assert _same(first.transform(corpus), second.transform(corpus))
    if model != "unigram":  # Unigram scores are rounded to 8 digits but may still differ
        assert first.tokenizer_.to_str() == second.tokenizer_.to_str()


def test_same_ids_in_another_process(tmp_path):
    """Rust hash maps are seeded per process: compare ids across processes."""
    code = (
        "import sys, json\n"
        "from skbridge.datasets import load_moby_dick\n"
        "from skbridge.transformers import TokenCountVectorizer\n"
        "docs = load_moby_dick().data[3:8]\n"
        "out = {m: TokenCountVectorizer(model=m, vocab_size=200).fit(docs).vocabulary_\n"
        "       for m in ('wordpiece', 'unigram')}\n"
        "print(json.dumps(out, sort_keys=True))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.strip()


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


@pytest.mark.parametrize("cls", [TokenCountVectorizer, TokenIdEncoder])
def test_pickle_gives_identical_output(cls, corpus):
    est = cls(model="wordpiece", vocab_size=200).fit(corpus[:50])
    loaded = pickle.loads(pickle.dumps(est))
    docs = corpus[50:60] + UNSEEN
    a, b = est.transform(docs), loaded.transform(docs)
    if cls is TokenCountVectorizer:
        assert _same(a, b)
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
    assert _same(loaded.transform(docs), vec.transform(docs))
    assert loaded.vocabulary_ == vec.vocabulary_
    # the tokenizers object and a folder work as well; the user's object is not changed
    raw = tokenizers.Tokenizer.from_file(str(path))
    raw.enable_padding(length=64)
    from_object = TokenCountVectorizer(tokenizer=raw, binary=True).fit(["ignored"])
    assert raw.padding is not None  # our copy has no padding, the user's keeps it
    assert _same(from_object.transform(docs), (vec.transform(docs) > 0).astype(np.int64))
    from_folder = TokenCountVectorizer(tokenizer=tmp_path).fit([])
    assert _same(from_folder.transform(docs), vec.transform(docs))
    with pytest.raises(FileNotFoundError, match="No tokenizer file"):
        TokenCountVectorizer(tokenizer=tmp_path / "missing.json").fit([])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="Cannot read the tokenizer file"):
        TokenCountVectorizer(tokenizer=bad).fit([])
    with pytest.raises(NotFittedError):
        TokenCountVectorizer().save(tmp_path / "x.json")


@pytest.mark.parametrize("model", MODELS)
def test_unseen_characters_map_to_unk(model, corpus):
    vec = TokenCountVectorizer(model=model, vocab_size=250).fit(corpus[:60])
    X = vec.transform(UNSEEN)
    assert X.shape == (2, len(vec.vocabulary_))
    assert X[0, 0] > 0  # the unknown token's column
    assert X[1].nnz == 0


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
    with pytest.raises(TypeError, match="Document 0 is a bytes"):
        est.fit([b"bytes"])
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


def test_input_containers_and_output_options(corpus):
    pd = pytest.importorskip("pandas")
    docs = corpus[:40]
    vec = TokenCountVectorizer(model="wordlevel", vocab_size=200).fit(docs)
    X = vec.transform(docs)
    assert _same(vec.transform(pd.Series(docs)), X)
    assert _same(vec.transform(np.array(docs, dtype=object)), X)
    assert _same(vec.transform(np.array(docs)), X)  # numpy str_ items
    assert _same(vec.transform(iter(docs)), X)
    assert vec.transform([]).shape == (0, X.shape[1])
    binary = clone(vec).set_params(binary=True, dtype=np.float32).fit(docs).transform(docs)
    assert binary.dtype == np.float32 and set(np.unique(binary.data)) == {1.0}
    assert _same(binary, (X > 0).astype(np.float32))
    # named normalizers and pre-tokenizers, classes with kwargs
    for params in (
        {"normalizer": "nfkc", "pre_tokenizer": "bytelevel"},
        {"normalizer": "strip_accents", "pre_tokenizer": "metaspace", "model": "unigram"},
        {"normalizer": "bert", "pre_tokenizer": "bert"},
        {"normalizer": tokenizers.normalizers.NFKD, "pre_tokenizer": "whitespace_split"},
        {"pre_tokenizer": tokenizers.pre_tokenizers.Split, "lowercase": False,
         "pre_tokenizer_kwargs": {"pattern": " ", "behavior": "removed"}},
    ):
        est = TokenCountVectorizer(vocab_size=200, **params)
        assert est.fit_transform(docs).shape[0] == len(docs), params


def test_chunked_encoding_matches_one_chunk(monkeypatch, corpus):
    vec = TokenCountVectorizer(model="bpe", vocab_size=300).fit(corpus)
    whole = vec.transform(corpus)
    monkeypatch.setattr(tokenize_module, "_CHUNK_CHARS", 2_000)
    assert len(tokenize_module._chunk_bounds(corpus)) > 20
    assert _same(vec.transform(corpus), whole)
    assert _same(clone(vec).fit_transform(corpus), whole)
    enc = TokenIdEncoder(model="bpe", vocab_size=300, padding="longest", max_length=None)
    chunked = enc.fit(corpus).transform(corpus)
    monkeypatch.setattr(tokenize_module, "_CHUNK_CHARS", 1 << 30)
    np.testing.assert_array_equal(enc.transform(corpus)["input_ids"], chunked["input_ids"])


def test_id_encoder_padding_truncation_offsets(corpus):
    enc = TokenIdEncoder(
        model="wordlevel", vocab_size=300, max_length=6, return_offsets=True, return_word_ids=True
    ).fit(corpus)
    assert enc.pad_token_id_ == 0 and enc.vocabulary_["[UNK]"] == 1
    docs = ["The whale, the sea.", "whale", "a b c d e f g h i j"]
    batch = enc.transform(docs)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    assert ids.shape == mask.shape == (3, 6) and ids.dtype == np.int64
    assert mask.tolist() == [[1] * 6, [1, 0, 0, 0, 0, 0], [1] * 6]
    assert (ids[mask == 0] == 0).all()
    offsets, words = batch["offsets"], batch["word_ids"]
    assert offsets.shape == (3, 6, 2)
    tokens = [enc.tokenizer_.id_to_token(i) for i in ids[0]]
    for (start, end), token in zip(offsets[0], tokens):
        assert docs[0][start:end].lower() == token or token == "[UNK]"
    assert words[0].tolist() == [0, 1, 2, 3, 4, 5] and words[1, 1:].tolist() == [-1] * 5
    plain = clone(enc).set_params(return_offsets=False, return_word_ids=False).fit(corpus)
    assert plain.transform(docs).keys() == {"input_ids", "attention_mask"}
    np.testing.assert_array_equal(plain.transform(docs)["input_ids"], ids)
    # text comes back, padding dropped
    assert enc.inverse_transform(batch)[0] == "the whale , the sea ."
    assert enc.inverse_transform(ids)[1] == "whale"
    # sides
    left = clone(enc).set_params(padding_side="left", truncation_side="left").fit(corpus)
    lb = left.transform(docs)
    assert lb["attention_mask"][1].tolist() == [0, 0, 0, 0, 0, 1]
    assert lb["input_ids"][1, -1] == ids[1, 0]
    assert lb["word_ids"][2].tolist() == [4, 5, 6, 7, 8, 9]
    longest = clone(enc).set_params(padding="longest", max_length=None).fit(corpus)
    assert longest.transform(docs)["input_ids"].shape == (3, 10)
    assert longest.transform([])["input_ids"].shape == (0, 0)
    with pytest.raises(ValueError, match="needs an int max_length"):
        clone(enc).set_params(max_length=None).fit(corpus)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        enc.inverse_transform(np.array([[10**6]]))
    with pytest.raises(ValueError, match="2-D integer array"):
        enc.inverse_transform(np.array([1.5, 2.0]))
    with pytest.raises(ValueError, match="'input_ids'"):
        enc.inverse_transform({"ids": ids})


@pytest.mark.parametrize("model", MODELS)
def test_id_encoder_round_trip_per_model(model, corpus):
    enc = TokenIdEncoder(model=model, vocab_size=400, max_length=64).fit(corpus)
    text = "The whale, and the sea."
    decoded = enc.inverse_transform(enc.transform([text]))[0]
    if model in ("bpe", "wordpiece"):  # "##" pieces glued, space before "." cleaned up
        assert decoded == "the whale, and the sea."
    elif model == "wordlevel":  # words joined with spaces
        assert decoded == "the whale , and the sea ."
    else:  # Unigram pieces are joined with spaces by a word-splitting pre-tokenizer
        assert decoded.replace(" ", "") == text.lower().replace(" ", "")


def test_id_encoder_with_pretrained_post_processor(corpus):
    tk = tokenizers
    base = TokenIdEncoder(model="wordpiece", vocab_size=300, special_tokens=["[CLS]", "[SEP]"])
    tok = base.fit(corpus).tokenizer_
    tok.no_truncation()
    tok.post_processor = tk.processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    enc = TokenIdEncoder(tokenizer=tok, max_length=5, return_word_ids=True).fit([])
    batch = enc.transform(["call me ishmael some years ago", "whale"])
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    assert batch["input_ids"][0, 0] == cls_id and batch["input_ids"][0, -1] == sep_id
    words = batch["word_ids"][0].tolist()
    assert words[0] == words[-1] == -1 and words[1] == 0 and words[1:-1] == sorted(words[1:-1])
    whale = tok.encode("whale", add_special_tokens=False).ids
    assert batch["input_ids"][1].tolist()[: len(whale) + 2] == [cls_id, *whale, sep_id]
    plain = clone(enc).set_params(add_special_tokens=False).fit([])
    assert cls_id not in plain.transform(["whale"])["input_ids"]
    assert enc.inverse_transform(batch)[1] == "whale"
    with pytest.raises(ValueError, match="pad_token '<pad>' is not in"):
        clone(enc).set_params(pad_token="<pad>").fit([])
    # a tokenizer with its own padding settings lends its pad id
    tok.enable_padding(pad_id=tok.token_to_id("[SEP]"), pad_token="[SEP]")
    own = clone(enc).set_params(tokenizer=tok, pad_token="<pad>").fit([])
    assert own.pad_token_id_ == sep_id
    with pytest.raises(ValueError, match="leaves no room"):
        clone(enc).set_params(max_length=2).fit([])


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


def test_spam_accuracy_with_2000_tokens(spam):
    texts, target = spam
    rng = np.random.RandomState(0)
    keep = rng.choice(len(texts), 3000, replace=False)
    docs = [texts[i][:3000] for i in keep]
    X_train, X_test, y_train, y_test = train_test_split(
        docs, target[keep], test_size=0.3, random_state=0, stratify=target[keep]
    )
    pipe = Pipeline(
        [
            ("tokens", TokenCountVectorizer(model="bpe", vocab_size=2000)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ("clf", LogisticRegression(C=100.0, max_iter=2000)),
        ]
    ).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) >= 0.98


# ------------------------------------------- training on the frequent words


def _untrained(model, docs, **params):
    """The untrained tokenizer and trainer that fit builds for these parameters."""
    est = TokenCountVectorizer(model=model, **params)
    tok, trainer, _, _ = est._build_untrained(tokenizers, docs)
    return tok, trainer


@pytest.mark.parametrize(
    "model, pre_tokenizer",
    [("bpe", "whitespace"), ("wordpiece", "whitespace"), ("unigram", "whitespace"),
     ("bpe", "bytelevel"), ("bpe", "metaspace"), ("unigram", "metaspace"), ("bpe", "bert")],
)
def test_training_on_word_counts_gives_the_full_training(model, pre_tokenizer, corpus):
    # Fed back as (word, count) through a whitespace split, every word kept
    # (min_count=1), the trainers learn exactly what they learn from the text
    # (ByteLevel: the byte alphabet, not the raw characters).
    params = {"vocab_size": 800, "pre_tokenizer": pre_tokenizer}
    if pre_tokenizer == "metaspace":
        # Metaspace replaces only " ": a line break stays inside its word,
        # where the words cannot go through a whitespace split (tested below)
        corpus = [doc.replace("\n", " ") for doc in corpus]
    tok, trainer = _untrained(model, corpus, **params)
    assert tokenize_module._train_on_frequent_words(tokenizers, tok, trainer, corpus, 1)
    ref, ref_trainer = _untrained(model, corpus, **params)
    ref.train_from_iterator(corpus, ref_trainer, length=len(corpus))
    assert set(tok.get_vocab()) == set(ref.get_vocab())
    # the tokenizer keeps its own normaliser and pre-tokenizer
    assert tok.encode("The WHALE").ids == ref.encode("The WHALE").ids


@pytest.mark.parametrize("model", ["bpe", "wordpiece", "unigram"])
def test_rare_words_leave_training_but_keep_their_characters(model, corpus):
    rare = "qaxmø"  # one word, seen once: its characters stay in the alphabet
    docs = corpus + [f"a line with {rare} in it"]
    vec = TokenCountVectorizer(model=model, vocab_size=800, min_frequency=2).fit(docs)
    vocab = vec.vocabulary_
    assert rare not in vocab and f"##{rare}" not in vocab and f"▁{rare}" not in vocab
    pieces = vec.tokenizer_.encode(rare).tokens
    assert "".join(p.replace("##", "").replace("▁", "") for p in pieces) == rare
    assert vec.unk_token not in pieces


def test_words_with_whitespace_fall_back_to_training_on_the_text(corpus):
    # without a pre-tokenizer a "word" is the whole document, spaces included
    tok, trainer = _untrained("bpe", corpus, vocab_size=300, pre_tokenizer=None)
    assert not tokenize_module._train_on_frequent_words(tokenizers, tok, trainer, corpus, 2)
    vec = TokenCountVectorizer(model="bpe", vocab_size=300, pre_tokenizer=None).fit(corpus)
    assert vec.transform(corpus[:5]).sum() > 0
    # Metaspace keeps line breaks inside words
    tok, trainer = _untrained("unigram", corpus, vocab_size=300, pre_tokenizer="metaspace")
    assert not tokenize_module._train_on_frequent_words(tokenizers, tok, trainer, corpus, 2)


def test_record_separator_is_not_whitespace_for_the_tokenizer(corpus):
    # str.isspace("\x1e") is True but the Rust pre-tokenizers keep it inside
    # words; training on word counts must not mistake it for a separator
    docs = corpus + ["ab\x1ecd ab\x1ecd"] * 3
    vec = TokenCountVectorizer(model="bpe", vocab_size=800, min_frequency=2).fit(docs)
    X = vec.transform(["ab\x1ecd"])
    assert X.sum() >= 1


def test_count_matrix_column_sums_and_dtypes(corpus):
    vec = TokenCountVectorizer(model="bpe", vocab_size=300).fit(corpus)
    n = len(vec.vocabulary_)
    freq = np.zeros(n, dtype=np.int64)
    X = tokenize_module._count_matrix(vec.tokenizer_, corpus, n, freq=freq)
    assert X.dtype == np.int64 and X.has_sorted_indices
    np.testing.assert_array_equal(freq, np.asarray(X.sum(axis=0)).ravel())
    for dtype in (np.float32, np.int32, bool):
        Y = tokenize_module._count_matrix(vec.tokenizer_, corpus, n, dtype=dtype)
        assert Y.dtype == dtype
        assert _same(Y, X.astype(dtype))


def test_renumbering_in_blocks_equals_one_take():
    rng = np.random.default_rng(0)
    old_to_new = rng.permutation(50).astype(np.int32)
    indices = rng.integers(0, 50, size=1_003).astype(np.int32)
    expected = old_to_new[indices]
    tokenize_module._renumber_in_place(indices, old_to_new, block=64)
    np.testing.assert_array_equal(indices, expected)


def test_unigram_seed_count_follows_the_vocabulary(corpus):
    from skbridge.compat.hf_tokenizers import limit_unigram_seeds

    def seeds(trainer):
        return json.loads(trainer.__getstate__())["UnigramTrainer"]["seed_size"]

    assert seeds(_untrained("unigram", corpus, vocab_size=800)[1]) == 100_000
    assert seeds(_untrained("unigram", corpus, vocab_size=40_000)[1]) == 160_000
    assert seeds(_untrained("unigram", corpus, vocab_size=10**6)[1]) == 1_000_000  # the default
    trainer = tokenizers.trainers.UnigramTrainer(vocab_size=300, show_progress=False)
    assert not limit_unigram_seeds(trainer, 2_000_000) and seeds(trainer) == 1_000_000
    assert not limit_unigram_seeds(tokenizers.trainers.BpeTrainer(), 10)
    # the lowered count is the one the trainer uses: fewer seeds, another vocabulary
    vocabs = []
    for limit in (None, 400):
        tok = tokenizers.Tokenizer(tokenizers.models.Unigram())
        tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
        trainer = tokenizers.trainers.UnigramTrainer(
            vocab_size=300, unk_token="[UNK]", special_tokens=["[UNK]"], show_progress=False
        )
        if limit is not None:
            assert limit_unigram_seeds(trainer, limit) and seeds(trainer) == limit
        tok.train_from_iterator(corpus, trainer)
        vocabs.append(set(tok.get_vocab()))
    assert vocabs[0] != vocabs[1]
