"""Test-session settings: no display, seeded and small."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
