"""Datetime transforms: the timestamp alone, or with its cycles."""

import numpy as np
import pandas as pd

from ._numeric_transforms import ZScore
from ._transform_base import Transform, _observed

__all__ = ["Cyclic", "Epoch"]


class Epoch(Transform):
    """Seconds since 1970 (UTC), standardised on the training dates."""

    name = "epoch"
    input = "datetime"
    aliases = {"tmsc": {}}

    def fit(self, x):
        return ZScore().fit(x)

    def suffixes(self, f):
        return ["epoch"]

    def transform(self, x, f):
        return ZScore().transform(x, f)

    def inverse(self, Z, f):
        return ZScore().inverse(Z[:, :1], f)


_DAY = 86400.0


class Cyclic(Transform):
    """Standardised timestamp plus sin/cos of the day of year, weekday and time of day.

    The time-of-day pair is added only when the training dates have a time
    component. ``inverse`` reads the timestamp back from the first column.
    Automunge's ``dat6``.
    """

    name = "cyclic"
    input = "datetime"
    aliases = {"dat6": {}}

    def fit(self, x):
        f = ZScore().fit(x)
        obs = _observed(x)
        f["time_of_day"] = bool(obs.size and np.any(np.mod(obs, _DAY) != 0))
        return f

    def suffixes(self, f):
        out = ["epoch", "doy_sin", "doy_cos", "dow_sin", "dow_cos"]
        return out + (["tod_sin", "tod_cos"] if f["time_of_day"] else [])

    def transform(self, x, f):
        n = len(x)
        out = np.empty((n, len(self.suffixes(f))))
        out[:, 0] = (x - f["mean"]) / f["std"]
        stamps = pd.to_datetime(np.where(np.isnan(x), 0, x), unit="s")
        doy = 2 * np.pi * (stamps.dayofyear.to_numpy() - 1) / 365.25
        dow = 2 * np.pi * stamps.dayofweek.to_numpy() / 7
        out[:, 1], out[:, 2] = np.sin(doy), np.cos(doy)
        out[:, 3], out[:, 4] = np.sin(dow), np.cos(dow)
        if f["time_of_day"]:
            tod = 2 * np.pi * np.mod(x, _DAY) / _DAY
            out[:, 5], out[:, 6] = np.sin(tod), np.cos(tod)
        return out

    def inverse(self, Z, f):
        return Z[:, 0] * f["std"] + f["mean"]

