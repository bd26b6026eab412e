"""Neural-engine tests: torch on one thread (small networks; the CI box is shared)."""

import pytest


@pytest.fixture(autouse=True, scope="package")
def _one_torch_thread():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
