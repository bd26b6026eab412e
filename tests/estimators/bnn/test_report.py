"""The memory report equals larq's own summary of the model."""

import re

import numpy as np
import pytest

bnn = pytest.importorskip("skbridge.estimators.bnn")
larq = pytest.importorskip("larq")


def _larq_totals(model):
    lines = []
    larq.models.summary(model, print_fn=lines.append)
    text = "\n".join(lines)
    total = next(line for line in text.splitlines() if line.strip("| ").startswith("Total "))
    numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", total)]
    size = re.search(r"Model size\s+([\d.]+) (KiB|MiB|B)", text)
    size = float(size.group(1)) * {"B": 1, "KiB": 1024, "MiB": 1024**2}[size.group(2)]
    share = float(re.search(r"Ratio of MACs that are binarized\s+([\d.]+)", text).group(1))
    ratio = float(re.search(r"Compression Ratio of Memory\s+([\d.]+)", text).group(1))
    return numbers, size, share, ratio


@pytest.mark.parametrize("name", ["mlp", "convnet", "quicknet"])
def test_report_equals_larq_summary(name):
    shape = (64,) if name == "mlp" else (8, 8)
    model = bnn.ARCHITECTURES.make(name, None, shape, 10, hidden_units=(64, 64))
    report = bnn.memory_report(model)
    numbers, size, share, ratio = _larq_totals(model)
    total = report.loc["total"]
    # larq's total row: # 1-bit params, # 32-bit params, memory (kB), 1-bit MACs, 32-bit MACs
    assert numbers[0] == total["params_binary"]
    assert numbers[1] == total["params_float"]
    assert numbers[2] == pytest.approx(total["memory_bytes"] / 1024, abs=0.006)
    assert numbers[3] == total["macs_binary"] and numbers[4] == total["macs_float"]
    assert size == pytest.approx(report.attrs["memory_bytes"], rel=0.005)
    assert share == pytest.approx(report.attrs["binary_mac_share"], abs=1e-4)
    assert report.attrs["float32_bytes"] == 4 * (total["params_binary"] + total["params_float"])
    assert report.attrs["compression"] == pytest.approx(ratio, abs=0.006)
    per_layer = report.drop(index="total")
    assert per_layer["memory_bytes"].sum() == total["memory_bytes"]
    assert np.isnan(report.loc["total", "input_precision"])
