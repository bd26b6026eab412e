"""Sphinx configuration for the scikit-bridge documentation.

Build with ``make docs`` (it changes no tracked file: the figures in
``_static`` are committed, each drawn by its example's ``--output``) or
directly with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network access: no intersphinx, and the theme loads nothing
from outside the repository.
"""

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# Import the checkout's package even when it is not installed in the environment.
sys.path.insert(0, str(DOCS.parent))

import skbridge  # noqa: E402

# -- Project -----------------------------------------------------------------

project = "scikit-bridge"
author = "scikit-bridge developers"
copyright = "scikit-bridge developers"
version = skbridge.__version__
release = skbridge.__version__

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "_static/*.rst", "Thumbs.db", ".DS_Store"]
root_doc = "index"
language = "en"

# Unresolved references (scikit-learn, NumPy and pandas objects named in the
# docstrings cannot be resolved without intersphinx) stay plain text, not warnings.
nitpicky = False
# ``code`` in single backticks renders as inline code, as in the docstrings.
default_role = "literal"

# -- autodoc / autosummary ---------------------------------------------------

# Pages for every object listed in api.rst, written to docs/generated/ (git-ignored).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"

# -- numpydoc ----------------------------------------------------------------

# Methods are documented by the class template, not by numpydoc's member tables.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"scikit-bridge {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"install": [], "benchmarks": [], "contributing": []}
# _static holds the figure that ``make docs`` draws before building.
html_static_path = ["_static"] if (DOCS / "_static").is_dir() else []
html_show_sourcelink = False


# -- Inherited scikit-learn docstrings ---------------------------------------

# Methods inherited from scikit-learn (``set_output``, ``get_metadata_routing``)
# point with :ref: at labels of scikit-learn's own documentation, which do not
# exist here (no intersphinx). Only in docstrings of scikit-learn objects, turn
# those references into plain text; references in skbridge's docstrings stay
# checked.
_REF_ROLE = re.compile(r":ref:`(?:([^`<]+?)\s*<[^`>]+>|([^`<]+))`")


def _plain_ref(match):
    text, label = match.group(1), match.group(2)
    if text:
        return f"{text.strip()} (scikit-learn)"
    if label.startswith("sphx_glr_auto_examples_"):
        return f"scikit-learn's example ``plot_{label.rsplit('_plot_', 1)[-1]}``"
    return f"``{label}`` (scikit-learn)"


def _unlink_sklearn_refs(app, what, name, obj, options, lines):
    if (getattr(obj, "__module__", None) or "").split(".")[0] != "sklearn":
        return
    lines[:] = _REF_ROLE.sub(_plain_ref, "\n".join(lines)).split("\n")


# -- skbridge docstrings: bare ``name_`` in shapes ---------------------------

# In reST a word ending in "_" is a hyperlink reference, so a type such as
# ``ndarray of shape (n_features_in_,)`` fails with 'Unknown target name:
# "n_features_in"'. scikit-learn writes ``(`n_features_in_`,)``. Until the
# docstrings do the same, quote such names inside "of shape (...)"; names that
# are already quoted are left alone, so this is a no-op for fixed docstrings.
_SHAPE = re.compile(r"of shape \([^)]*\)")
_BARE_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![\w`])")


def _quote_shape_names(app, what, name, obj, options, lines):
    if not name.startswith("skbridge."):
        return
    for i, line in enumerate(lines):
        lines[i] = _SHAPE.sub(
            lambda m: _BARE_TRAILING_UNDERSCORE.sub(r"`\1`", m.group(0)), line
        )


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_refs)
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect("autodoc-process-docstring", _quote_shape_names, priority=400)
