"""The checkpoint file and the checks made when resuming from one."""

import json
import math

import numpy as np
import pytest

from skbridge.estimators.neural._checkpoint import read_checkpoint, write_checkpoint


def test_checkpoint_file_is_arrays_plus_json(tmp_path):
    state = {"weights": {"w": np.arange(3, dtype=np.float32)},
             "optimizer": {"state": {"0": {"step": np.float32(2)}}, "groups": [{"betas": (0.9,
                                                                                         0.99)}]}}
    path = tmp_path / "x.skbckpt"
    write_checkpoint(path, state, {"epoch": 2, "history": [{"loss": math.nan}]})
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(bytes(data["__header__"]).decode())
    assert header["epoch"] == 2 and header["format"].startswith("skbridge.neural")
    loaded, header = read_checkpoint(path)
    np.testing.assert_array_equal(loaded["weights"]["w"], state["weights"]["w"])
    assert loaded["optimizer"]["groups"] == [{"betas": [0.9, 0.99]}]
    assert math.isnan(header["history"][0]["loss"])
    (tmp_path / "bad").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="is not a scikit-bridge neural checkpoint"):
        read_checkpoint(tmp_path / "bad")
    with pytest.raises(TypeError, match="arrays and plain data only"):
        write_checkpoint(path, {"x": object()}, {})


def test_plain_params_name_objects_stably():
    from pathlib import Path

    from skbridge.estimators.neural._checkpoint import plain_params

    def build(input_shape, n_outputs):  # a user's module function: no address in the name
        return None

    params = plain_params({"module": build, "module_params": {"units": (4, np.int64(2))},
                           "optimizer": object(), "checkpoint": Path("a/b"), "loss": None})
    assert params["module"].endswith("test_plain_params_name_objects_stably.<locals>.build")
    assert params["module_params"] == {"units": [4, 2]}
    assert params["optimizer"] == "builtins.object instance"
    assert params["checkpoint"] == str(Path("a/b")) and params["loss"] is None
    json.dumps(params)
