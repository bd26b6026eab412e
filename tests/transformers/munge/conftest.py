"""Shared fixtures of the munge tests: the bundled tables."""

import pytest

from skbridge.datasets import load_penguins, load_titanic


@pytest.fixture(scope="session")
def titanic():
    return load_titanic().data


@pytest.fixture(scope="session")
def penguins():
    return load_penguins().data
