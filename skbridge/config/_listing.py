"""``skbridge list``: the config groups, their options and what each one is."""

from importlib import resources

from ._api import CONFIG_MODULE, hydra_session
from ._catalog import register_catalog

__all__ = ["group_options", "list_options"]

GROUPS = ("experiment", "data", "preprocess", "model", "search", "hydra/launcher")


def _yaml_description(group, name):
    try:
        text = (resources.files(CONFIG_MODULE) / group / f"{name}.yaml").read_text()
    except (FileNotFoundError, OSError):
        return ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#") and not line.startswith("# @package"):
            return line.lstrip("# ").strip()
    return ""


def group_options(group):
    """The options of a config group, as Hydra sees them (YAML files and the catalog).

    Parameters
    ----------
    group : str
        ``"model"``, ``"data"``, ``"hydra/launcher"``, ...

    Returns
    -------
    options : list of str
    """
    register_catalog()
    with hydra_session() as hydra:
        return hydra.config_loader().get_group_options(group)


def list_options(group=None):
    """The text ``skbridge list [group]`` prints.

    Parameters
    ----------
    group : str, default=None
        One group; None lists every group.

    Returns
    -------
    text : str
    """
    catalog = register_catalog()
    groups = GROUPS if group is None else (group,)
    if group is not None and group not in GROUPS:
        raise SystemExit(f"skbridge list: no group {group!r}; the groups are "
                         f"{', '.join(GROUPS)}.")
    lines = []
    for g in groups:
        options = group_options(g)
        lines.append(f"{g} ({len(options)} options)")
        width = max((len(o) for o in options), default=0)
        for name in options:
            entry = catalog["options"].get(name) if g in ("model", "preprocess") else None
            doc = (f"{entry['target']}: {entry['doc']}" if entry
                   else _yaml_description(g, name))
            lines.append(f"  {name:<{width}}  {doc}".rstrip())
        lines.append("")
    lines.append("Choose with GROUP=OPTION (skbridge run data=titanic model=svc); "
                 "`skbridge run --help` shows the composed config.")
    return "\n".join(lines)
