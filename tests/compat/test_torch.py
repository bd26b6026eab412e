"""The torch helpers: device choice, seeding, CPU state for pickling, the missing-torch error."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

from skbridge.compat import OptionalDependencyError
from skbridge.compat import torch as compat_torch

torch = pytest.importorskip("torch")


# ------------------------------------------------------------ import


def test_importing_the_helpers_does_not_import_torch():
    code = "import sys, skbridge.compat.torch; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_require_torch_names_the_extra(monkeypatch):
    assert compat_torch.require_torch(extra="kge") is torch
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    with pytest.raises(OptionalDependencyError, match=r"pip install 'scikit-bridge\[nn\]'"):
        compat_torch.require_torch(extra="nn", purpose="the neural engine")


def test_kge_without_torch_names_the_kge_extra():
    # A fresh interpreter whose import system finds no torch, so that no module of
    # this session loses it. (sys.modules["torch"] = None would not do: SciPy's
    # array-API helpers then take None for the torch module.)
    code = (
        "import sys\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "from skbridge.compat import OptionalDependencyError\n"
        "try:\n"
        "    import skbridge.estimators.kge\n"
        "except OptionalDependencyError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'scikit-bridge[kge]'" in out.stdout
    assert "skbridge.estimators.kge needs the optional dependency 'torch'" in out.stdout


# ------------------------------------------------------------ device


def test_device_choice():
    assert compat_torch.resolve_device("cpu") == torch.device("cpu")
    assert compat_torch.resolve_device(torch.device("cpu")) == torch.device("cpu")
    want = "cuda" if torch.cuda.is_available() else "cpu"
    assert compat_torch.resolve_device("auto").type == want
    with pytest.raises(ValueError, match="Unknown device 'gpu-please'"):
        compat_torch.resolve_device("gpu-please")


def test_cuda_without_a_gpu_names_cpu_and_auto(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    for device in ("cuda", "cuda:0"):
        with pytest.raises(ValueError, match="device='cpu', or device='auto'"):
            compat_torch.resolve_device(device)
    assert compat_torch.resolve_device("auto") == torch.device("cpu")


def test_cuda_index_beyond_the_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match="asks for GPU 3, but torch sees 1"):
        compat_torch.resolve_device("cuda:3")


# ------------------------------------------------------------ seeding


def test_seed_from_random_state():
    seed = compat_torch.seed_from_random_state(0)
    assert seed == compat_torch.seed_from_random_state(0)
    assert seed == int(np.random.RandomState(0).randint(np.iinfo(np.int32).max))
    assert 0 <= compat_torch.seed_from_random_state(None) < np.iinfo(np.int32).max
    rng = np.random.RandomState(1)
    assert compat_torch.seed_from_random_state(rng) != compat_torch.seed_from_random_state(rng)


def test_generators_and_the_seeded_block_are_reproducible():
    draw = torch.rand(3, generator=compat_torch.make_generator(7))
    torch.testing.assert_close(draw, torch.rand(3, generator=compat_torch.make_generator(7)))
    with torch.random.fork_rng(devices=[]):  # leave the session's generator alone
        torch.manual_seed(123)
        expected_next = torch.rand(2)
        torch.manual_seed(123)
        with compat_torch.seeded_torch_rng(5):
            a = torch.rand(4)
        with compat_torch.seeded_torch_rng(5, device="cpu"):
            b = torch.rand(4)
        torch.testing.assert_close(a, b, rtol=0, atol=0)
        # the caller's global generator is where it was before the blocks
        torch.testing.assert_close(torch.rand(2), expected_next, rtol=0, atol=0)


# ------------------------------------------------------------ CPU state


class _TinyNet:
    """A fitted torch estimator in miniature: a module, its optimizer, a device."""

    def __init__(self):
        self.module_ = torch.nn.Linear(3, 1)
        self.optimizer_ = self._make_optimizer()
        self.device_ = torch.device("cpu")
        self.note = "kept"

    def _make_optimizer(self):
        return torch.optim.Adam(self.module_.parameters(), lr=0.1)

    def __getstate__(self):
        return compat_torch.cpu_state(self)

    def __setstate__(self, state):
        compat_torch.restore_cpu_state(self, state, {"optimizer_": self._make_optimizer})


def _train(net, steps=2):
    for _ in range(steps):
        net.optimizer_.zero_grad()
        net.module_(torch.ones(4, 3)).square().sum().backward()
        net.optimizer_.step()


def test_cpu_state_round_trip():
    net = _TinyNet()
    _train(net)
    state = compat_torch.cpu_state(net)
    assert state["optimizer_"] is None and "_optimizer_state" in state
    assert state["device_"] == torch.device("cpu") and state["note"] == "kept"
    assert net.optimizer_ is not None  # the estimator itself is unchanged
    restored = pickle.loads(pickle.dumps(net))
    assert restored.optimizer_.state_dict()["state"][0]["step"] == 2
    for p, q in zip(restored.module_.parameters(), net.module_.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    # training resumes exactly where it stopped
    _train(net)
    _train(restored)
    for p, q in zip(restored.module_.parameters(), net.module_.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_cpu_state_of_an_unfitted_estimator():
    class Unfitted:
        pass

    est = Unfitted()
    est.alpha = 1
    state = compat_torch.cpu_state(est)
    assert state == {"alpha": 1}
    compat_torch.restore_cpu_state(est, state, {"optimizer_": lambda: 1 / 0})
    assert not hasattr(est, "optimizer_")


def test_tensors_to_cpu_keeps_the_structure():
    nested = {"a": [torch.zeros(1), (torch.ones(2), 3)], "b": "x"}
    out = compat_torch.tensors_to_cpu(nested)
    assert isinstance(out["a"][1], tuple) and out["a"][1][1] == 3 and out["b"] == "x"
    assert all(t.device.type == "cpu" for t in (out["a"][0], out["a"][1][0]))
    module = torch.nn.Linear(1, 1)
    assert compat_torch.module_to_cpu(module) is module


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_module_is_copied_to_cpu():
    module = torch.nn.Linear(2, 1).cuda()
    cpu = compat_torch.module_to_cpu(module)
    assert cpu is not module and next(cpu.parameters()).device.type == "cpu"
    assert next(module.parameters()).device.type == "cuda"


def test_seeded_block_leaves_the_cuda_generators_alone(monkeypatch):
    # torch.manual_seed would also reseed every GPU (lazily, on a machine without
    # one); only the generators restored after the block may be seeded.
    calls = []
    for name in ("manual_seed", "manual_seed_all"):
        monkeypatch.setattr(torch.cuda, name, lambda seed, name=name: calls.append(name))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)  # the stand-ins record this one
        assert calls == ["manual_seed_all"]
        calls.clear()
        with compat_torch.seeded_torch_rng(5):
            a = torch.rand(3)
        with compat_torch.seeded_torch_rng(5, device="cpu"):
            b = torch.rand(3)
        assert calls == []
        torch.default_generator.manual_seed(5)
        torch.testing.assert_close(a, torch.rand(3), rtol=0, atol=0)  # as manual_seed on CPU
        torch.testing.assert_close(a, b, rtol=0, atol=0)


# ------------------------------------------------------------ plain-data state


class _PlainNet(_TinyNet):
    """The same estimator in miniature, its state as plain data (for skops)."""

    def _make_module(self):
        return torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2),
                                   torch.nn.Linear(2, 1))

    def __init__(self):
        self.module_ = self._make_module()
        self.optimizer_ = self._make_optimizer()
        self.device_ = torch.device("cpu")
        self.note = "kept"

    def __getstate__(self):
        return compat_torch.plain_state(self)

    def __setstate__(self, state):
        compat_torch.restore_plain_state(
            self, state, {"module_": self._make_module, "optimizer_": self._make_optimizer})


def _leaves(obj):
    if isinstance(obj, dict):
        return [leaf for value in obj.values() for leaf in _leaves(value)]
    if isinstance(obj, (list, tuple)):
        return [leaf for value in obj for leaf in _leaves(value)]
    return [obj]


def test_plain_state_holds_no_torch_object():
    net = _PlainNet()
    _train(net)
    net.module_.eval()
    state = compat_torch.plain_state(net)
    assert state["module_"] is None and state["optimizer_"] is None
    assert state["device_"] == "cpu" and state["note"] == "kept"
    assert net.optimizer_ is not None  # the estimator itself is unchanged
    leaves = _leaves(state)
    assert not any(type(leaf).__module__.startswith("torch") for leaf in leaves)
    weights = state["_module_plain"]["state_dict"]
    assert sorted(weights) == ["0.bias", "0.weight", "1.bias", "1.num_batches_tracked",
                               "1.running_mean", "1.running_var", "1.weight", "2.bias",
                               "2.weight"]
    assert weights["1.num_batches_tracked"].dtype == np.int64
    assert state["_module_plain"]["training"] is False
    assert state["_optimizer_plain"]["param_groups"][0]["betas"] == [0.9, 0.999]


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_plain_state_round_trip(how, tmp_path):
    net = _PlainNet()
    _train(net)
    net.module_.eval()
    if how == "pickle":
        restored = pickle.loads(pickle.dumps(net))
    else:
        pytest.importorskip("skops")
        from skbridge.compat.skops import dump, load

        dump(net, tmp_path / "net.skops")
        restored = load(tmp_path / "net.skops", trusted=[f"{__name__}._PlainNet"])
    assert restored.device_ == torch.device("cpu") and restored.note == "kept"
    assert not restored.module_.training  # the mode is kept
    for p, q in zip(restored.module_.state_dict().values(), net.module_.state_dict().values()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert restored.optimizer_.param_groups[0]["betas"] == (0.9, 0.999)
    # training resumes exactly where it stopped
    net.module_.train()
    restored.module_.train()
    _train(net)
    _train(restored)
    for p, q in zip(restored.module_.parameters(), net.module_.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_plain_state_of_an_unfitted_estimator_and_another_network():
    class Unfitted:
        pass

    est = Unfitted()
    est.alpha = 1
    state = compat_torch.plain_state(est)
    assert state == {"alpha": 1}
    compat_torch.restore_plain_state(est, state, {"module_": lambda: 1 / 0})
    assert not hasattr(est, "module_")
    state = compat_torch.plain_state(_PlainNet())
    with pytest.raises(ValueError, match="do not fit the Linear"):
        compat_torch.restore_plain_state(est, state, {"module_": lambda: torch.nn.Linear(5, 1)})


def test_tensor_attributes_and_arrays_round_trip():
    class Sampler:
        pass

    sampler = Sampler()
    sampler.keys_, sampler.n = torch.arange(4), 3
    state = compat_torch.tensor_attributes_state(sampler)
    assert state["_tensor_attributes"] == ["keys_"] and isinstance(state["keys_"], np.ndarray)
    restored = Sampler.__new__(Sampler)
    compat_torch.restore_tensor_attributes(restored, state)
    assert restored.n == 3 and torch.equal(restored.keys_, sampler.keys_)
    nested = {"a": [torch.zeros(2), (torch.ones(1, dtype=torch.int64), "x")]}
    arrays = compat_torch.tensors_to_arrays(nested)
    assert isinstance(arrays["a"][1], tuple) and arrays["a"][1][0].dtype == np.int64
    back = compat_torch.arrays_to_tensors(arrays)
    assert torch.equal(back["a"][0], nested["a"][0]) and back["a"][1][1] == "x"
