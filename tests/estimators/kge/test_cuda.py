"""KGE models on a CUDA GPU: same fit as on CPU, pickled on the GPU and loaded on CPU.

Skipped on machines without a GPU (CI has none); run on a GPU machine with
``python -m pytest tests/estimators/kge/test_cuda.py``.
"""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

from skbridge.estimators.kge import ComplEx, TransE, evaluate_performance, mrr_score  # noqa: E402


@pytest.mark.parametrize("Model", [TransE, ComplEx])
def test_gpu_fit_matches_cpu_quality(nations, Model):
    params = {"k": 32, "eta": 5, "epochs": 30, "batch_size": 128, "random_state": 0}
    cpu = Model(device="cpu", **params).fit(nations.train)
    gpu = Model(device="cuda", **params).fit(nations.train)
    assert gpu.device_.type == "cuda"
    assert next(gpu.module_.parameters()).device.type == "cuda"
    known = np.vstack([nations.train, nations.valid, nations.test])
    mrr_cpu = mrr_score(evaluate_performance(nations.test, cpu, filter_triples=known))
    mrr_gpu = mrr_score(evaluate_performance(nations.test, gpu, filter_triples=known))
    # Same seed, different kernels: the runs differ in rounding only, not in quality.
    assert abs(mrr_cpu - mrr_gpu) < 0.05
    scores = gpu.predict(nations.test[:20])
    assert scores.dtype.kind == "f" and np.isfinite(scores).all()


def test_gpu_model_pickles_and_predicts(nations):
    model = TransE(k=16, eta=2, epochs=5, random_state=0, device="cuda").fit(nations.train)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict(nations.test[:50]),
                               model.predict(nations.test[:50]), rtol=1e-5, atol=1e-5)
