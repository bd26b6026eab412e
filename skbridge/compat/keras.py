"""TensorFlow and Keras, reached from one place: Keras 3 beside tf-keras and larq.

Two Keras live in one environment: Keras 3 (the ``keras`` package, used by the
neural engine on its TensorFlow backend) and tf-keras (the legacy Keras 2 that
larq builds on). TensorFlow decides once, when it is first imported, what
``tf.keras`` means: tf-keras if the environment variable
``TF_USE_LEGACY_KERAS`` is ``1`` at that moment, Keras 3 otherwise. larq uses
``tf.keras`` and only works with tf-keras, while ``import keras`` gives Keras 3
either way. So both run in one process exactly when the variable is set before
TensorFlow's first import; set later, larq fails deep inside with an
``AttributeError``.

Importing this module therefore sets ``TF_USE_LEGACY_KERAS=1``, unless the
user set it, TensorFlow is imported already, or tf-keras is not installed (then
the variable would only make TensorFlow's own ``tf.keras`` fail to import). It
imports nothing heavy (tf-keras is looked up, not imported); every skbridge
module reaches
TensorFlow and Keras through the helpers below, which import them on first
use through :func:`~skbridge.compat.import_optional`, so a missing framework
raises an error naming the extra to install.

* :func:`keras3`: the Keras 3 module, on the TensorFlow backend.
* :func:`tensorflow`: the TensorFlow module.
* :func:`tf_keras` and :func:`larq`: tf-keras and larq, with a clear
  :class:`KerasSetupError` when TensorFlow was imported without the variable.
* :func:`set_seed` (global, Keras's own) and :func:`seeded_keras_rng` (inside a
  block, restoring what it changes): seeding Keras's layer initialisers and
  dropout from an estimator's seed.
* :func:`resolve_device`: ``"cpu"``, ``"cuda"`` or ``"auto"`` to a TensorFlow
  device name.

``KERAS_BACKEND`` is respected, not overridden: Keras's own default (or the
user's ``~/.keras/keras.json``) picks the backend, and :func:`keras3` raises a
:class:`KerasSetupError` naming ``KERAS_BACKEND=tensorflow`` when it is not
TensorFlow, rather than training on a backend the engine is not written for.
"""

import contextlib
import importlib.util
import os
import random
import sys

import numpy as np

from .optional import import_optional

__all__ = [
    "LEGACY_KERAS_VARIABLE",
    "KerasSetupError",
    "keras3",
    "larq",
    "legacy_keras_in_effect",
    "require_legacy_keras",
    "resolve_device",
    "seeded_keras_rng",
    "seeded_tf_keras",
    "set_seed",
    "tensorflow",
    "tf_keras",
]

LEGACY_KERAS_VARIABLE = "TF_USE_LEGACY_KERAS"
_TRUE = ("true", "True", "1")  # what TensorFlow itself accepts


def _tf_keras_installed():
    try:
        return importlib.util.find_spec("tf_keras") is not None
    except (ImportError, ValueError):
        return False


# Before TensorFlow is first imported (TensorFlow reads it at import time).
if "tensorflow" not in sys.modules and _tf_keras_installed():
    os.environ.setdefault(LEGACY_KERAS_VARIABLE, "1")


class KerasSetupError(RuntimeError):
    """TensorFlow or Keras was set up in a way this process cannot change now.

    The message says what to set (an environment variable before TensorFlow or
    Keras is first imported).
    """


def legacy_keras_in_effect():
    """Whether ``tf.keras`` is (or will be) tf-keras in this process.

    Returns
    -------
    bool
        If TensorFlow is imported already: whether it was imported with
        ``TF_USE_LEGACY_KERAS=1``. Otherwise: whether the variable is set now
        (importing this module sets it unless the user set it otherwise).

    Examples
    --------
    >>> from skbridge.compat.keras import legacy_keras_in_effect
    >>> isinstance(legacy_keras_in_effect(), bool)
    True
    """
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "_tf_uses_legacy_keras"):  # decided at its import
        return bool(tf._tf_uses_legacy_keras)
    return os.environ.get(LEGACY_KERAS_VARIABLE) in _TRUE


def _require_legacy_keras(purpose, extra):
    """Make sure ``tf.keras`` is tf-keras in this process, or say what to set."""
    if not _tf_keras_installed():
        import_optional("tf_keras", extra=extra, purpose=purpose)  # the error naming the extra
    if "tensorflow" not in sys.modules and LEGACY_KERAS_VARIABLE not in os.environ:
        os.environ[LEGACY_KERAS_VARIABLE] = "1"  # still in time: TensorFlow is not imported
    if legacy_keras_in_effect():
        return
    if "tensorflow" in sys.modules:
        raise KerasSetupError(
            f"{purpose} needs tf-keras, but TensorFlow was imported in this process before "
            f"skbridge without {LEGACY_KERAS_VARIABLE}=1, so tf.keras is Keras 3 and larq "
            f"cannot work. Set the environment variable {LEGACY_KERAS_VARIABLE}=1 before "
            f"TensorFlow is first imported (e.g. `export {LEGACY_KERAS_VARIABLE}=1` in the "
            f"shell, or os.environ['{LEGACY_KERAS_VARIABLE}'] = '1' at the very top of the "
            f"script), or import skbridge before TensorFlow and Keras."
        )
    raise KerasSetupError(
        f"{purpose} needs tf-keras, but {LEGACY_KERAS_VARIABLE}="
        f"{os.environ.get(LEGACY_KERAS_VARIABLE)!r} in the environment; set "
        f"{LEGACY_KERAS_VARIABLE}=1 (or leave it unset) before TensorFlow is first imported."
    )


def require_legacy_keras(*, extra="bnn", purpose=None):
    """Make sure ``tf.keras`` will be tf-keras in this process, without importing TensorFlow.

    For packages that build on larq to call at import: it sets
    ``TF_USE_LEGACY_KERAS=1`` if TensorFlow is not imported yet, and fails
    at once (rather than inside larq later) when it is too late.

    Parameters
    ----------
    extra : str, default="bnn"
        The ``scikit-bridge`` extra named in the error if tf-keras is missing.
    purpose : str, default=None
        What needs it, for the messages.

    Raises
    ------
    KerasSetupError
        If TensorFlow was imported without ``TF_USE_LEGACY_KERAS=1``, or the
        variable is set to something else; the message says what to set.
    OptionalDependencyError
        If tf-keras is not installed.
    """
    _require_legacy_keras(purpose or "tf-keras", extra)


def tensorflow(*, extra="nn", purpose=None):
    """Import TensorFlow, or fail with an error naming the extra that installs it.

    Parameters
    ----------
    extra : str, default="nn"
        The ``scikit-bridge`` extra named in the error (``"nn"``, ``"bnn"``).
    purpose : str, default=None
        What needs it, for the message.

    Returns
    -------
    tensorflow : module
    """
    return import_optional("tensorflow", extra=extra, purpose=purpose)


def keras3(*, extra="nn", purpose=None):
    """The Keras 3 module, running on TensorFlow.

    Parameters
    ----------
    extra : str, default="nn"
        The ``scikit-bridge`` extra named in the error if Keras is missing.
    purpose : str, default=None
        What needs it, for the messages.

    Returns
    -------
    keras : module
        ``import keras`` (version 3), whose ``keras.backend.backend()`` is
        ``"tensorflow"``.

    Raises
    ------
    OptionalDependencyError
        If Keras (or TensorFlow) cannot be imported.
    KerasSetupError
        If the installed ``keras`` is not Keras 3, or Keras runs on another
        backend (``KERAS_BACKEND`` or ``~/.keras/keras.json``); the message
        names ``KERAS_BACKEND=tensorflow``.
    """
    what = purpose or "skbridge's Keras backend"
    keras = import_optional("keras", extra=extra, purpose=purpose)
    if not str(getattr(keras, "__version__", "0")).startswith("3."):
        raise KerasSetupError(
            f"{what} needs Keras 3, but keras {keras.__version__} is installed. Install it "
            f"with: pip install 'scikit-bridge[{extra}]'"
        )
    name = keras.backend.backend()
    if name != "tensorflow":
        raise KerasSetupError(
            f"{what} runs Keras 3 on TensorFlow, but Keras is using the {name!r} backend "
            f"(KERAS_BACKEND={os.environ.get('KERAS_BACKEND')!r}, or ~/.keras/keras.json). "
            f"Set the environment variable KERAS_BACKEND=tensorflow before Keras is first "
            f"imported, or use backend='torch'."
        )
    return keras


def tf_keras(*, extra="bnn", purpose=None):
    """The tf-keras module (legacy Keras 2, what larq builds on).

    Parameters
    ----------
    extra : str, default="bnn"
        The ``scikit-bridge`` extra named in the error if tf-keras is missing.
    purpose : str, default=None
        What needs it, for the messages.

    Returns
    -------
    tf_keras : module

    Raises
    ------
    KerasSetupError
        If TensorFlow was imported before without ``TF_USE_LEGACY_KERAS=1``
        (so ``tf.keras`` is Keras 3); the message says what to set.
    OptionalDependencyError
        If tf-keras cannot be imported.
    """
    _require_legacy_keras(purpose or "tf-keras", extra)
    tensorflow(extra=extra, purpose=purpose)  # import TF now, with the variable set
    return import_optional("tf_keras", extra=extra, purpose=purpose)


def larq(*, extra="bnn", purpose=None):
    """The larq module, on tf-keras.

    Parameters
    ----------
    extra : str, default="bnn"
        The ``scikit-bridge`` extra named in the error if larq is missing.
    purpose : str, default=None
        What needs it, for the messages.

    Returns
    -------
    larq : module

    Raises
    ------
    KerasSetupError
        If TensorFlow was imported before without ``TF_USE_LEGACY_KERAS=1``:
        larq would fail inside with an ``AttributeError``; this error says
        what to set instead.
    OptionalDependencyError
        If larq cannot be imported.

    Notes
    -----
    larq's layers go into tf-keras models (``tf_keras()`` or ``tf.keras``),
    never into Keras 3 models; optimizers given to larq's ``CaseOptimizer``
    must be tf-keras's legacy ones (``tf_keras.optimizers.legacy.Adam``).
    """
    _require_legacy_keras(purpose or "larq", extra)
    tensorflow(extra=extra, purpose=purpose)
    return import_optional("larq", extra=extra, purpose=purpose)


def set_seed(seed):
    """Seed Keras's random state: Python, NumPy, TensorFlow and Keras's own.

    This is :func:`keras.utils.set_random_seed`; it changes global state (see
    :func:`seeded_keras_rng` for a block that changes nothing global).

    Parameters
    ----------
    seed : int
    """
    keras3().utils.set_random_seed(int(seed))


@contextlib.contextmanager
def seeded_keras_rng(seed):
    """Make Keras's random draws inside the block depend on ``seed`` only; change nothing global.

    Keras 3 (on TensorFlow) draws the seed of every layer initialiser and of
    every seed generator (dropout, noise layers) created without an explicit
    seed from Python's :mod:`random` (``keras.src.random.seed_generator.
    make_default_seed``), and its random ops are stateless given those seeds.
    So seeding Python's generator inside the block makes the models built there
    reproducible; its state is restored after the block. NumPy's and
    TensorFlow's global seeds and Keras's global seed generator are not
    touched (unlike :func:`set_seed`, i.e. ``keras.utils.set_random_seed``).

    Parameters
    ----------
    seed : int
    """
    python_state = random.getstate()
    try:
        random.seed(int(seed))
        yield
    finally:
        random.setstate(python_state)


@contextlib.contextmanager
def seeded_tf_keras(seed):
    """Seed tf-keras (and larq) inside the block; leave Python's and NumPy's state as found.

    tf-keras draws its initialisers and its shuffling from TensorFlow's global
    seed (and from Python's and NumPy's generators); the block sets all three
    from ``seed`` with ``tf_keras.utils.set_random_seed`` and restores Python's
    and NumPy's global states after it. TensorFlow's global seed stays set:
    TensorFlow has no way to read it back.

    Parameters
    ----------
    seed : int
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        tf_keras().utils.set_random_seed(int(seed))
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def resolve_device(device):
    """The TensorFlow device name an estimator's ``device`` parameter asks for.

    Parameters
    ----------
    device : str
        ``"cpu"``, ``"cuda"`` (or ``"gpu"``), ``"cuda:<index>"``, or
        ``"auto"`` for the first GPU when TensorFlow sees one and CPU
        otherwise.

    Returns
    -------
    name : str
        ``"/CPU:0"`` or ``"/GPU:<index>"``, for :func:`keras.device` or
        ``tf.device``.

    Raises
    ------
    ValueError
        For an unknown string, and for a GPU device when TensorFlow sees no
        GPU; the message names ``device="cpu"`` and ``device="auto"``.

    Examples
    --------
    >>> from skbridge.compat.keras import resolve_device
    >>> resolve_device("cpu")
    '/CPU:0'
    """
    text = str(device).lower()
    if text == "cpu":
        return "/CPU:0"
    kind, _, index = text.partition(":")
    if kind not in ("cuda", "gpu", "auto") or (index and not index.isdigit()):
        raise ValueError(f"Unknown device {device!r}. Use device='cpu', 'cuda' or 'auto'.")
    gpus = tensorflow().config.list_physical_devices("GPU")
    if kind == "auto":
        return "/GPU:0" if gpus else "/CPU:0"
    number = int(index or 0)
    if number >= len(gpus):
        raise ValueError(
            f"device={device!r} needs a GPU, but TensorFlow sees {len(gpus)} GPU(s). Use "
            f"device='cpu', or device='auto' to take the GPU only when there is one."
        )
    return f"/GPU:{number}"
