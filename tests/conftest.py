"""Test-session settings: no display, seeded and small; tf-keras for larq."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

# Before any test module imports TensorFlow (some do at collection, through
# importorskip): sets TF_USE_LEGACY_KERAS=1, so larq's tests work in the same
# session as the Keras 3 ones whatever the order. Imports no framework.
import skbridge.compat.keras  # noqa: E402, F401
