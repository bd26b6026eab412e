"""Shared by the data-set tests: nothing touches the network or the real data home.

Downloads go to a local ThreadingHTTPServer on 127.0.0.1, and the data home is
always under tmp_path.
"""

import pytest


@pytest.fixture(autouse=True)
def _isolated_data_home(tmp_path, monkeypatch):
    """Point the data home, HOME and proxies away from anything real."""
    monkeypatch.setenv("SKBRIDGE_DATA", str(tmp_path / "env_home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
