"""Importing the BNN package: lazy, and a clear error when TensorFlow came first under Keras 3."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("skbridge.estimators.bnn")


def _run(code):
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=240)


def test_import_after_tensorflow_under_keras3_says_what_to_set():
    result = _run("""
        import tensorflow
        try:
            import skbridge.estimators.bnn
        except Exception as exc:
            print(type(exc).__name__, exc)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("KerasSetupError")
    assert "TF_USE_LEGACY_KERAS=1" in result.stdout and "AttributeError" not in result.stdout


def test_import_loads_no_framework_and_sets_the_variable():
    result = _run("""
        import os, sys
        import skbridge.estimators.bnn
        print(os.environ["TF_USE_LEGACY_KERAS"], "tensorflow" in sys.modules,
              "larq" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["1", "False", "False"]
