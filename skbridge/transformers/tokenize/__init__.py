"""Hugging Face tokenizers as scikit-learn transformers of text.

:class:`TokenCountVectorizer` trains a BPE, WordPiece, Unigram or WordLevel
tokenizer of the Rust library `tokenizers <https://github.com/huggingface/tokenizers>`_
in ``fit`` and turns documents into a sparse matrix of token counts in
``transform``: a drop-in for :class:`sklearn.feature_extraction.text.CountVectorizer`
(every parameter, with its meaning; with a WordLevel model and
CountVectorizer's word pattern, the same output), and
:class:`TokenTfidfVectorizer` one for ``TfidfVectorizer``. :class:`TokenIdEncoder`
trains the same tokenizers and returns padded (and truncated) arrays of token
ids with their attention mask, and optionally the character offsets and word
indices, as neural-network estimators take them.

They take an iterable of ``str`` as ``X`` (a list, a 1-D array, a pandas
Series), and a pretrained :class:`tokenizers.Tokenizer` (or the path of its
``tokenizer.json``) instead of training one. ``tokenizers`` is imported only
when a tokenizer is built or loaded (extra ``tokenize``).

Threads: ``tokenizers`` encodes the documents of a batch in parallel in its own
thread pool (Rayon), which is created once per process with
``RAYON_NUM_THREADS`` threads (all cores by default). Set
``TOKENIZERS_PARALLELISM=false`` to encode in one thread. This package never
sets either variable: in particular it never sets ``TOKENIZERS_PARALLELISM=true``,
which makes a process forked after the pool was used (``GridSearchCV`` with
joblib's ``multiprocessing`` backend) deadlock; without it ``tokenizers``
detects the fork and encodes in one thread in the child. Joblib's default
``loky`` backend starts fresh processes and is not affected.

The names the ``normalizer``, ``pre_tokenizer`` and ``model`` parameters take
are the keys of the registries :data:`NORMALIZERS`, :data:`PRE_TOKENIZERS`
and :data:`MODELS`.
"""

from ._components import MODELS, NORMALIZERS, PRE_TOKENIZERS
from ._count_vectorizer import TokenCountVectorizer
from ._id_encoder import TokenIdEncoder
from ._tfidf_vectorizer import TokenTfidfVectorizer

__all__ = [
    "MODELS",
    "NORMALIZERS",
    "PRE_TOKENIZERS",
    "TokenCountVectorizer",
    "TokenIdEncoder",
    "TokenTfidfVectorizer",
]
