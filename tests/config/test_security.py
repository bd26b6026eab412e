import sys

import pytest

pytest.importorskip("hydra")

from skbridge.config import ForbiddenTargetError, instantiate  # noqa: E402
from skbridge.config._security import check_targets  # noqa: E402


@pytest.mark.parametrize("target", [
    "os.system", "subprocess.run", "builtins.eval", "pickle.loads", "sklearnx.evil",
    "numpy.load", "numpy.loadtxt", "numpy.lib.npyio.load", "torch.load", "torch.hub.load",
    "keras.saving.load_model", "tensorflow.io.write_file", "numpy.save",
    "skbridge.transformers.munge.load_state", "scipy.io.loadmat", "torch.compile",
    "not a path", "",
])
def test_forbidden_targets_are_refused(target):
    with pytest.raises(ForbiddenTargetError, match="model._target_"):
        check_targets({"model": {"_target_": target}})


@pytest.mark.parametrize("target", [
    "sklearn.svm.LinearSVC", "skbridge.transformers.FastfoodSampler", "numpy.asarray",
    "builtins.tuple", "skbridge.datasets.load_titanic", "sklearn.datasets.load_digits",
    "skbridge.config.load_table", "torch.nn.functional.relu",
])
def test_allowed_targets_pass(target):
    check_targets({"model": {"_target_": target}})


def test_get_object_paths_are_checked_like_targets():
    cfg = {"_target_": "skbridge.pipes.DataPipe",
           "func": {"_target_": "skbridge.config.get_object", "path": "os.system"}}
    with pytest.raises(ForbiddenTargetError, match=r"func\.path.*'os\.system'"):
        instantiate(cfg)


def test_refused_before_anything_is_imported(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    (tmp_path / "evil_cfg_mod.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\ndef build():\n    return 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = {"step": {"_target_": "evil_cfg_mod.build"}}
    with pytest.raises(ForbiddenTargetError, match="skbridge.allowed_targets"):
        instantiate(cfg["step"])
    assert not marker.exists() and "evil_cfg_mod" not in sys.modules
    # Named by the user, the module is allowed (and then imported).
    assert instantiate(cfg["step"], allowed_targets=["evil_cfg_mod"]) == 42
    assert marker.exists()
    sys.modules.pop("evil_cfg_mod", None)


def test_hydra_block_list_still_applies():
    from hydra.errors import InstantiationException

    with pytest.raises((ForbiddenTargetError, InstantiationException)):
        instantiate({"_target_": "os.remove", "path": "/nonexistent"}, allowed_targets=["os"])


def test_bad_allowed_targets_entry():
    with pytest.raises(ValueError, match="module path"):
        check_targets({}, ["my package; rm"])
