"""Shared fixtures of the KGE tests: one torch thread, UMLS, Nations, a small model."""

import pytest


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    # UMLS-sized batches are too small to gain from a second thread, and on a
    # loaded 2-core machine two threads wait on each other; restored after.
    torch = pytest.importorskip("torch")
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def umls():
    from skbridge.datasets import load_umls

    return load_umls()


@pytest.fixture(scope="module")
def nations():
    from skbridge.datasets import load_nations

    return load_nations()


@pytest.fixture(scope="module")
def small_model(nations):
    pytest.importorskip("torch")
    from skbridge.estimators.kge import TransE

    return TransE(k=16, eta=5, epochs=10, random_state=0).fit(nations.train)
