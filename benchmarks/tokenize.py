"""Benchmark: TokenCountVectorizer against CountVectorizer, HashingVectorizer and raw tokenizers.

On a corpus of at least 50 MB built from the bundled texts (the SpamAssassin
e-mails and the paragraphs of Moby-Dick, repeated), for each tokenizer model
(BPE, WordPiece, Unigram, WordLevel; vocabulary 30,000) prints:

* fit time and fit peak memory (``fit_transform``: training, then one encoding
  pass that gives the frequency order of the ids and the output);
* transform time and MB/s of ours, of raw ``tokenizers`` ``encode_batch`` and
  ``encode_batch_fast`` on the same tokenizer (one call on the whole corpus,
  results discarded), of ``CountVectorizer`` and of ``HashingVectorizer``, with
  1 and 2 threads (``RAYON_NUM_THREADS``; scikit-learn's vectorizers are
  single-threaded);
* peak memory of each transform over the corpus held in memory;
* the drop-in: ``fit_transform`` of ``CountVectorizer()`` and of
  ``TokenCountVectorizer`` in its CountVectorizer configuration (WordLevel,
  CountVectorizer's word pattern, no bound on the vocabulary) on the
  SpamAssassin e-mails alone, best of ``--repeats``, and whether they agree.

Every measurement runs in a fresh child process (the thread pool of
``tokenizers`` is sized once per process, and peak memory is read from
``VmHWM`` after resetting it once the corpus is loaded), so the child of one
thread count times every method in one process and the ratios compare like
with like. Run with ``make bench`` or ``python benchmarks/tokenize.py
[--quick] [--size-mb 50]``; ``--dropin`` runs the drop-in comparison only.
"""

import os
import sys

# This file's name shadows the standard library's ``tokenize`` module (which
# joblib, hence scikit-learn, imports) when its folder leads sys.path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

MODELS = ["bpe", "wordpiece", "unigram", "wordlevel"]
VOCAB_SIZE = 30_000
TARGET_RAW = 1.10  # ours / raw encode_batch, time
TARGET_MEMORY = 2.0  # ours / CountVectorizer, peak memory
TARGET_WORDLEVEL = 1.5  # CountVectorizer MB/s / WordLevel MB/s
TARGET_DROPIN = 1.5  # ours / CountVectorizer, fit_transform time, drop-in configuration
DROPIN = {"model": "wordlevel", "token_pattern": r"(?u)\b\w\w+\b", "vocab_size": None,
          "min_frequency": 1}


def build_corpus(size_mb):
    """Spam e-mails and Moby-Dick paragraphs, cycled until they hold ``size_mb`` MB."""
    from skbridge.datasets import load_moby_dick, load_spam

    texts = list(load_spam().data)
    texts += [p for chapter in load_moby_dick().data for p in chapter.split("\n\n") if p.strip()]
    docs, size, i = [], 0, 0
    while size < size_mb * 1e6:
        docs.append(texts[i % len(texts)])
        size += len(docs[-1])
        i += 1
    return docs


def _corpus_mb(docs):
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6


# -- child processes -------------------------------------------------------------


def _vm_kib(field):
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def _reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _make(method, tok_dir):
    """``(prepare, run)`` for one method; ``prepare()`` builds what ``run(docs)`` needs."""
    from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

    from skbridge.transformers import TokenCountVectorizer

    kind, _, model = method.partition(":")
    path = Path(tok_dir) / f"{model}.json"
    if kind == "countvectorizer":
        state = {}

        def prepare(docs):
            state["vec"] = CountVectorizer().fit(docs)

        return prepare, lambda docs: state["vec"].transform(docs)
    if kind == "hashingvectorizer":
        vec = HashingVectorizer(alternate_sign=False, norm=None)
        return (lambda docs: None), vec.transform
    if kind == "ours":
        state = {}

        def prepare(docs):
            state["vec"] = TokenCountVectorizer.load(path)

        return prepare, lambda docs: state["vec"].transform(docs)
    if kind in ("raw", "rawfast"):
        from tokenizers import Tokenizer

        state = {}

        def prepare(docs):
            state["tok"] = Tokenizer.from_file(str(path))

        def raw(docs):
            state["tok"].encode_batch(docs, add_special_tokens=False)

        def raw_fast(docs):
            state["tok"].encode_batch_fast(docs, add_special_tokens=False)

        return prepare, raw if kind == "raw" else raw_fast
    raise ValueError(method)


def child_fit(method, size_mb, tok_dir):
    """Fit (fit_transform) one method; time and peak memory; save the tokenizer."""
    from sklearn.feature_extraction.text import CountVectorizer

    from skbridge.transformers import TokenCountVectorizer

    docs = build_corpus(size_mb)
    base = _vm_kib("VmRSS")
    reset = _reset_peak()
    if method == "countvectorizer":
        est = CountVectorizer()
    else:
        est = TokenCountVectorizer(model=method, vocab_size=VOCAB_SIZE)
    t0 = time.perf_counter()
    X = est.fit_transform(docs)
    seconds = time.perf_counter() - t0
    peak = _vm_kib("VmHWM")
    if method != "countvectorizer":
        est.save(Path(tok_dir) / f"{method}.json")
    n_features = X.shape[1]
    return {
        "seconds": seconds,
        "peak_mb": (peak - (base if reset else 0)) / 1024,
        "n_features": n_features,
        "nnz": int(X.nnz),
    }


def child_time(methods, size_mb, tok_dir, repeats):
    """Transform time of every method, best of ``repeats``, interleaved."""
    docs = build_corpus(size_mb)
    runners = {}
    for method in methods:
        prepare, run = _make(method, tok_dir)
        prepare(docs)
        runners[method] = run
    best = {m: float("inf") for m in methods}
    for _ in range(repeats):
        for method, run in runners.items():
            t0 = time.perf_counter()
            run(docs)
            best[method] = min(best[method], time.perf_counter() - t0)
    return best


def child_memory(method, size_mb, tok_dir):
    """Peak memory of one transform over the corpus, above the corpus itself."""
    docs = build_corpus(size_mb)
    prepare, run = _make(method, tok_dir)
    prepare(docs)
    base = _vm_kib("VmRSS")
    reset = _reset_peak()
    run(docs)
    return {"peak_mb": (_vm_kib("VmHWM") - (base if reset else 0)) / 1024}


def child_dropin(repeats):
    """``fit_transform`` of CountVectorizer and of the drop-in, best of ``repeats``, interleaved."""
    from sklearn.feature_extraction.text import CountVectorizer

    from skbridge.datasets import load_spam
    from skbridge.transformers import TokenCountVectorizer

    docs = list(load_spam().data)
    best, out = {"countvectorizer": float("inf"), "ours": float("inf")}, {}
    for _ in range(repeats):
        for name, est in (("countvectorizer", CountVectorizer()),
                          ("ours", TokenCountVectorizer(**DROPIN))):
            t0 = time.perf_counter()
            out[name] = (est.fit_transform(docs), est.vocabulary_)
            best[name] = min(best[name], time.perf_counter() - t0)
    (X, vocabulary), (Y, ours) = out["countvectorizer"], out["ours"]
    return {**best, "mb": _corpus_mb(docs), "n_docs": len(docs),
            "same": bool(vocabulary == ours and (X != Y).nnz == 0)}


def report_dropin(result):
    ratio = result["ours"] / result["countvectorizer"]
    print(
        f"Drop-in: fit_transform on the SpamAssassin e-mails ({result['n_docs']:,} documents, "
        f"{result['mb']:.1f} MB), best of the repeats\n"
        f"  CountVectorizer()                          {result['countvectorizer']:6.2f} s\n"
        f"  TokenCountVectorizer(**{DROPIN})\n"
        f"                                             {result['ours']:6.2f} s\n"
        f"  ours / CountVectorizer: {ratio:.2f}x (target <= {TARGET_DROPIN:.1f}x); same "
        f"matrix and vocabulary: {result['same']}"
    )
    return ratio


def _spawn(args, threads=None):
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the report ----------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 3 MB corpus, for a smoke run")
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dropin", action="store_true", help="the drop-in comparison only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--tok-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size_mb = 3.0 if args.quick else args.size_mb

    if args.child:
        kind, *rest = args.child
        if kind == "dropin":
            result = child_dropin(args.repeats)
        elif kind == "fit":
            result = child_fit(rest[0], size_mb, args.tok_dir)
        elif kind == "time":
            result = child_time(rest, size_mb, args.tok_dir, args.repeats)
        else:
            result = child_memory(rest[0], size_mb, args.tok_dir)
        print(json.dumps(result))
        return None

    dropin_args = ["--child", "dropin", "--repeats", str(args.repeats)]
    if args.dropin:
        return report_dropin(_spawn(dropin_args))

    import tokenizers

    docs = build_corpus(size_mb)
    mb = _corpus_mb(docs)
    n_docs = len(docs)
    del docs
    print(
        f"corpus: {n_docs:,} documents, {mb:.1f} MB (SpamAssassin + Moby-Dick paragraphs, "
        f"repeated); tokenizers {tokenizers.__version__}; cores: {os.cpu_count()}; "
        f"vocab_size {VOCAB_SIZE:,}\n"
    )
    common = ["--size-mb", str(size_mb), "--repeats", str(args.repeats)]
    with tempfile.TemporaryDirectory() as tok_dir:
        common += ["--tok-dir", tok_dir]
        fits = {m: _spawn(["--child", "fit", m, *common]) for m in ["countvectorizer", *MODELS]}

        methods = ["countvectorizer", "hashingvectorizer"]
        for m in MODELS:
            methods += [f"raw:{m}", f"rawfast:{m}", f"ours:{m}"]
        times = {t: _spawn(["--child", "time", *methods, *common], threads=t) for t in (1, 2)}
        memory = {m: _spawn(["--child", "mem", m, *common]) for m in methods}

    def mbps(seconds):
        return mb / seconds

    print("Fit (fit_transform on the whole corpus, 2 threads) and transform (best of "
          f"{args.repeats}); peak memory above the loaded corpus")
    header = (
        f"{'method':<32} {'fit s':>7} {'fit MB':>7} {'1 thr s':>8} {'2 thr s':>8} "
        f"{'MB/s (2)':>9} {'x 1->2':>7} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))

    def row(name, method, fit=None):
        t1, t2 = times[1][method], times[2][method]
        fit_s = f"{fit['seconds']:>7.1f}" if fit else f"{'-':>7}"
        fit_mb = f"{fit['peak_mb']:>7.0f}" if fit else f"{'-':>7}"
        print(
            f"{name:<32} {fit_s} {fit_mb} {t1:>8.2f} {t2:>8.2f} {mbps(t2):>9.1f} "
            f"{t1 / t2:>6.2f}x {memory[method]['peak_mb']:>8.0f}"
        )

    row("CountVectorizer", "countvectorizer", fits["countvectorizer"])
    row("HashingVectorizer", "hashingvectorizer")
    for m in MODELS:
        row(f"{m}: raw encode_batch", f"raw:{m}")
        row(f"{m}: raw encode_batch_fast", f"rawfast:{m}")
        row(f"{m}: TokenCountVectorizer", f"ours:{m}", fits[m])

    cv_peak = max(fits["countvectorizer"]["peak_mb"], memory["countvectorizer"]["peak_mb"])
    print(
        f"\nRatios (CountVectorizer peak = the larger of its fit_transform and transform "
        f"peaks, {cv_peak:.0f} MB)"
    )
    header = (
        f"{'model':<10} {'ours/raw 1 thr':>14} {'ours/raw 2 thr':>14} {'ours/fast 2 thr':>15} "
        f"{'fit peak/CV':>11} {'transform peak/CV':>17} {'CV MB/s / ours':>14}"
    )
    print(header)
    print("-" * len(header))
    for m in MODELS:
        r1 = times[1][f"ours:{m}"] / times[1][f"raw:{m}"]
        r2 = times[2][f"ours:{m}"] / times[2][f"raw:{m}"]
        rc = times[2][f"ours:{m}"] / times[2][f"rawfast:{m}"]
        fit_mem = fits[m]["peak_mb"] / cv_peak
        tr_mem = memory[f"ours:{m}"]["peak_mb"] / cv_peak
        speed = times[2][f"ours:{m}"] / times[2]["countvectorizer"]
        print(
            f"{m:<10} {r1:>13.2f}x {r2:>13.2f}x {rc:>14.2f}x {fit_mem:>10.2f}x "
            f"{tr_mem:>16.2f}x {speed:>13.2f}x"
        )
    print(
        f"targets: ours/raw <= {TARGET_RAW:.2f}x; peak <= {TARGET_MEMORY:.1f}x CountVectorizer's; "
        f"WordLevel: CountVectorizer MB/s / ours <= {TARGET_WORDLEVEL:.1f}x"
    )
    print()
    report_dropin(_spawn(dropin_args))
    return fits, times, memory


if __name__ == "__main__":
    main()
