"""Sphinx configuration for the scikit-bridge documentation.

Build with ``make docs`` (it changes no tracked file: the figures in
``_static`` are committed, each drawn by its example's ``--output``) or
directly with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build runs every script of ``examples/`` (sphinx-gallery) into
``docs/auto_examples/`` (git-ignored); an example whose source is unchanged since
the last build is not run again. ``SKBRIDGE_DOCS_PLOT_GALLERY=0`` in the
environment (or ``-D plot_gallery=0``) builds the gallery pages without running
anything.

The site works offline: no intersphinx, MathJax is copied into the build
(sphinx-mathjax-offline), and the theme loads nothing from outside the repository.
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# Import the checkout's package even when it is not installed in the environment,
# and this file as the module ``conf`` (sphinx-gallery imports ``gallery_argv`` by name).
sys.path.insert(0, str(DOCS.parent))
if str(DOCS) not in sys.path:
    sys.path.insert(1, str(DOCS))
# TensorFlow's C++ start-up notes would flood the build log while the examples run.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

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
    # MathJax from the build's own _static folder, not from a CDN.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build", "_templates", "_static/*.rst", "Thumbs.db", ".DS_Store",
    # sphinx-gallery's copies of the scripts and its notebooks are downloads, not pages.
    "auto_examples/*.ipynb", "auto_examples/*.py",
]
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

# -- sphinx-gallery ----------------------------------------------------------

# Command-line arguments the gallery gives an example whose full run takes more than
# about half a minute on the 2-core CI machine; the text of the example says so.
GALLERY_ARGV = {
    "shapes_segmentation_detection.py": ["--n-train", "300"],
    "kge_umls.py": ["--epochs", "40"],
}


def gallery_argv(gallery_conf, script_vars):
    """``sys.argv[1:]`` for one example run by sphinx-gallery (its ``reset_argv``)."""
    return list(GALLERY_ARGV.get(Path(script_vars["src_file"]).name, []))


# Examples left out of the gallery (none today): a script joins it once it has a
# reST title (the first paragraph of its docstring, underlined) and does not use
# ``__doc__`` (sphinx-gallery runs each script with ``__doc__ = ""``).
GALLERY_LEFT_OUT = ()
exclude_patterns += [f"auto_examples/{Path(name).stem}.rst" for name in GALLERY_LEFT_OUT]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every example, not only the plot_*.py ones.
    "filename_pattern": re.escape(os.sep) + r"\w+\.py$",
    "ignore_pattern": "|".join([r"__init__\.py", *map(re.escape, GALLERY_LEFT_OUT)]),
    "within_subsection_order": "FileNameSortKey",
    "reset_argv": "conf.gallery_argv",
    # SKBRIDGE_DOCS_PLOT_GALLERY=0 (or ``-D plot_gallery=0``): pages without running
    # the examples, for a quick build (tests/test_docs_build.py honours it too).
    "plot_gallery": os.environ.get("SKBRIDGE_DOCS_PLOT_GALLERY", "1").strip().lower()
    not in {"0", "false", "no", "off"},
    # A failing example fails the build (it is reported at the end of it).
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    # sg_execution_times.rst would be written into docs/ itself.
    "write_computation_times": False,
    "download_all_examples": False,
    "show_signature": False,
    "capture_repr": (),
    "matplotlib_animations": False,
    "remove_config_comments": True,
}

# -- Copy buttons --------------------------------------------------------------

# The prompts of console (``$ ``) and doctest (``>>> ``, ``... ``) blocks are not
# copied; in a block with prompts only the prompted lines are.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True

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
# _static holds the committed figures of the tool pages (each drawn by its example).
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


# -- "Hits@10" is not an e-mail address ---------------------------------------

# docutils turns any standalone ``name@domain`` into a mailto: link, so "Hits@10"
# and "mAP@0.5" became links. This site has no e-mail addresses to link: such a
# link whose domain does not end in a name of letters (".org", ".com") goes back to
# plain text, wherever it was written (pages, docstrings, gallery text).
_EMAIL_DOMAIN = re.compile(r"\.[A-Za-z]{2,}$")


def _unlink_non_emails(app, doctree, docname):
    from docutils import nodes

    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if not uri.startswith("mailto:") or ref.astext() != uri[len("mailto:"):]:
            continue
        if not _EMAIL_DOMAIN.search(uri.rsplit("@", 1)[-1]):
            ref.replace_self(nodes.Text(ref.astext()))


def setup(app):
    app.connect("doctree-resolved", _unlink_non_emails)
    app.connect("autodoc-process-docstring", _unlink_sklearn_refs)
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect("autodoc-process-docstring", _quote_shape_names, priority=400)
