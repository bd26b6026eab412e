"""``compose``: a config from the shipped groups and overrides, for notebooks and tests.

It runs Hydra's own compose on ``pkg://skbridge.config.conf`` with the model
catalog registered, and leaves any Hydra the caller runs (a user's
``@hydra.main`` app) as it found it. Composition errors come back as
:class:`ConfigError` naming the key and, for a typo, the valid keys.
"""

import difflib
import re
from contextlib import contextmanager

from ._catalog import register_catalog

__all__ = ["CONFIG_MODULE", "ConfigError", "compose", "valid_keys_message"]

CONFIG_MODULE = "skbridge.config.conf"


class ConfigError(ValueError):
    """A config could not be composed: unknown key or option, bad override."""


@contextmanager
def hydra_session():
    """Hydra initialised on the shipped configs; the caller's Hydra restored after.

    The caller's global Hydra (a user's ``@hydra.main`` app) and version base are
    saved before and put back after, whatever happens inside.

    Yields
    ------
    hydra : hydra.core.global_hydra.GlobalHydra
    """
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.initialize import get_gh_backup, restore_gh_from_backup
    from hydra.version import VersionBase

    backup, base = get_gh_backup(), VersionBase.instance().getbase()
    try:
        GlobalHydra.instance().clear()
        with initialize_config_module(CONFIG_MODULE, job_name="skbridge", version_base="1.3"):
            yield GlobalHydra.instance()
    finally:
        restore_gh_from_backup(backup)
        VersionBase.instance().version_base = base


def _hydra_compose(config_name, overrides, return_hydra_config):
    from hydra import compose as hydra_compose

    with hydra_session():
        return hydra_compose(config_name, overrides=list(overrides),
                             return_hydra_config=return_hydra_config)


def _key_of(override):
    return override.split("=", 1)[0].lstrip("+~")


def valid_keys_message(config_name, overrides, full_key):
    """Say which keys exist beside an unknown one (``model.n_compnents``)."""
    parent, _, key = full_key.rpartition(".")
    others = [o for o in overrides if not _key_of(o).startswith(full_key)]
    try:
        node = _hydra_compose(config_name, others, False)
        for part in filter(None, parent.split(".")):
            node = node.get(part) if hasattr(node, "get") else None
    except Exception:  # the key comes from a config file: the same error again
        node = None
    message = f"{full_key!r} is not a key of {parent or 'the config'}."
    if hasattr(node, "keys"):
        keys = [k for k in node.keys() if not str(k).startswith("_")]
        close = difflib.get_close_matches(key, keys, n=1)
        if close:
            message += f" Did you mean {parent + '.' if parent else ''}{close[0]}?"
        message += (f" Valid keys: {', '.join(map(str, keys))}." if keys
                    else " It has no other keys.")
        message += f" (A key the schema lacks can be added with +{full_key}=VALUE.)"
    if not any(_key_of(o) == full_key for o in overrides):
        message += (f" No override of yours sets {full_key}: a config file does, most likely "
                    "the experiment preset, for the model it was written for. Run without "
                    "the preset (~experiment) or choose another experiment.")
    return message


def compose(overrides=(), *, config_name="config", return_hydra_config=False):
    """Compose a config from the groups shipped in :mod:`skbridge.config.conf`.

    Parameters
    ----------
    overrides : list of str, default=()
        Hydra overrides as on the command line: ``["experiment=kge_umls",
        "model.epochs=5"]``.
    config_name : {"config", "predict"}, default="config"
        The primary config.
    return_hydra_config : bool, default=False
        Keep the ``hydra`` node.

    Returns
    -------
    cfg : omegaconf.DictConfig

    Raises
    ------
    ConfigError
        An unknown key (with the valid ones), option or group, or a malformed
        override.

    Examples
    --------
    >>> from skbridge.config import compose
    >>> cfg = compose(["experiment=fastfood_digits", "model.C=0.5"])
    >>> cfg.model.C, cfg.preprocess.fastfood_sampler.n_components
    (0.5, 1024)
    """
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    register_catalog()
    overrides = [str(o) for o in overrides]
    try:
        return _hydra_compose(config_name, overrides, return_hydra_config)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(explain(exc, config_name, overrides)) from None
    except ValueError as exc:  # Hydra's defaults list: `group=null`
        hint = (" To compose without a group's option, delete it: ~GROUP (e.g. ~experiment)."
                if "NoneType" in str(exc) else "")
        raise ConfigError(f"{exc}.{hint}") from None


def explain(exc, config_name, overrides):
    """A one-paragraph message for a Hydra/OmegaConf composition error."""
    cause = exc
    while cause.__cause__ is not None and not getattr(cause, "full_key", None):
        cause = cause.__cause__
    full_key = getattr(cause, "full_key", None)
    text = str(exc).strip()
    if not full_key:  # errors raised while loading a config file carry it in the text
        found = re.search(r"full_key: (\S+)", text)
        full_key = found.group(1) if found else None
    if full_key and ("not in struct" in text or "not in '" in text
                     or "not in" in str(cause)):
        return valid_keys_message(config_name, overrides, full_key)
    text = text.split("\nConfig search path:")[0].strip()
    if "Available options in" in text:
        head, _, options = text.partition("Available options in")
        group, _, names = options.partition(":")
        return (f"{head.strip()}. Options in {group.strip()}: "
                f"{', '.join(names.split())}.")
    if "Could not find" in text:
        return text + " (`skbridge list` shows the groups and their options.)"
    if cause is not exc and str(cause).strip() and str(cause).strip() not in text:
        text += ": " + str(cause).strip().splitlines()[0]
    return text
