"""The memory report of a binarized model: larq's model profile as a data frame."""

import numpy as np
import pandas as pd

from ...compat import keras as compat_keras

__all__ = ["memory_report"]

_COLUMNS = ["input_precision", "output_shape", "params_binary", "params_float",
            "params_other", "memory_bytes", "float32_bytes", "macs_binary", "macs_float"]


def _layer_row(profile):
    by_width = {width: profile.weight_count(bitwidth=width)
                for width in profile.unique_param_bidtwidths}
    macs_binary = macs_float = 0
    if hasattr(profile, "op_profiles"):
        for op in profile.op_profiles:
            if op.op_type == "mac":
                if op.precision == 1:
                    macs_binary += op.n
                else:
                    macs_float += op.n
    shape = profile.output_shape
    return {
        "input_precision": profile.input_precision,
        "output_shape": None if shape is None else tuple(int(s) for s in shape[1:]),
        "params_binary": int(by_width.get(1, 0)),
        "params_float": int(by_width.get(32, 0)),
        "params_other": int(sum(n for w, n in by_width.items() if w not in (1, 32))),
        "memory_bytes": profile.memory / 8,
        "float32_bytes": profile.fp_equivalent_memory / 8,
        "macs_binary": int(macs_binary),
        "macs_float": int(macs_float),
    }


def memory_report(model):
    """Larq's model summary of ``model`` as data: one row per layer and a total.

    The numbers are those of :func:`larq.models.summary` (computed by the same
    :class:`larq.models.ModelProfile`): weights by bit width, memory of the
    weights at their bit width against their float32 equivalent, and
    multiply-accumulates by precision.

    Parameters
    ----------
    model : tf_keras.Model
        A built model with larq (or plain tf-keras) layers.

    Returns
    -------
    report : pandas.DataFrame
        Indexed by layer name, with a last row ``"total"``; columns
        ``input_precision`` (bits of the layer's input quantizer, NaN for float
        inputs), ``output_shape``, ``params_binary``, ``params_float``,
        ``params_other`` (other bit widths), ``memory_bytes``,
        ``float32_bytes``, ``macs_binary``, ``macs_float``. ``report.attrs``
        holds the totals of larq's summary: ``memory_bytes``,
        ``float32_bytes``, ``compression`` (memory over float32 memory) and
        ``binary_mac_share``.
    """
    lq = compat_keras.larq(purpose="skbridge.estimators.bnn")
    profile = lq.models.ModelProfile(model)
    rows = {lp.name: _layer_row(lp) for lp in profile.layer_profiles}
    numeric = [c for c in _COLUMNS if c not in ("input_precision", "output_shape")]
    rows["total"] = {"input_precision": None, "output_shape": None,
                     **{c: sum(row[c] for row in rows.values()) for c in numeric}}
    report = pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS)
    macs = profile.op_count("mac")
    memory, float32 = profile.memory / 8, profile.fp_equivalent_memory / 8
    report.attrs.update({
        "memory_bytes": float(memory),
        "float32_bytes": float(float32),
        "compression": float(memory / float32) if float32 else np.nan,
        "binary_mac_share": float(profile.op_count("mac", 1) / macs) if macs else np.nan,
    })
    return report
