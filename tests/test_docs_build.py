"""The documentation: building it changes no tracked file, and the site works offline.

The build test is ``slow``: it runs Sphinx as ``make docs`` does, but builds the
gallery's pages without running the examples (``SKBRIDGE_DOCS_PLOT_GALLERY=0``,
about twenty seconds instead of minutes; CI's ``make docs`` runs them and checks
``git status`` after). Set ``SKBRIDGE_DOCS_PLOT_GALLERY=1`` to run them here too.
"""

import os
import re
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# The extensions docs/conf.py loads (the MathJax one is a distribution with a hyphen).
_EXTENSIONS = ("sphinx", "sphinx_gallery", "sphinx_copybutton", "numpydoc",
               "pydata_sphinx_theme", "sphinx-mathjax-offline")


def _git_status():
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout


def _in_git_checkout():
    if shutil.which("git") is None:
        return False
    out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    return out.returncode == 0 and Path(out.stdout.strip()).resolve() == ROOT


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """Build the HTML site into a temporary folder; returns (folder, status before/after, run)."""
    missing = [name for name in _EXTENSIONS if find_spec(name) is None]
    if missing:
        pytest.skip(f"the docs extra is not installed (missing: {', '.join(missing)})")
    if not _in_git_checkout():
        pytest.skip("not a git checkout: nothing to compare the build against")
    out = tmp_path_factory.mktemp("html")
    before = _git_status()
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
        # The pages only: CI's `make docs` runs the examples (and checks git status after).
        env={**os.environ, "MPLBACKEND": "Agg",
             "SKBRIDGE_DOCS_PLOT_GALLERY": os.environ.get("SKBRIDGE_DOCS_PLOT_GALLERY", "0")},
    )
    return out, before, _git_status(), run


@pytest.mark.slow
def test_docs_build_changes_no_tracked_file(built_site):
    _, before, after, run = built_site
    changed = sorted(set(before.splitlines()) ^ set(after.splitlines()))
    assert changed == [], (
        "`git status --porcelain` differs after building the docs (a file written outside "
        "docs/_build, docs/generated and docs/auto_examples, or edited meanwhile):\n"
        + "\n".join(changed))
    assert run.returncode == 0, (
        "the docs build failed or warned (warnings are errors):\n"
        + (run.stdout + run.stderr)[-4000:])


@pytest.mark.slow
def test_docs_site_works_offline(built_site):
    out = built_site[0]
    pages = sorted(out.rglob("*.html"))
    assert (out / "index.html") in pages and (out / "auto_examples" / "index.html") in pages
    remote_loads = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//")
    math_pages = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not remote_loads.search(html), f"{page.relative_to(out)} loads a remote file"
        # "Hits@10" and "mAP@0.5" are not e-mail addresses
        assert 'href="mailto:' not in html, f"{page.relative_to(out)} has a mailto: link"
        math_pages += "_static/mathjax/tex-chtml.js" in html
    assert math_pages > 0 and (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    copybutton = (out / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert r"'>>> |\\.\\.\\. |\\$ ', true" in copybutton  # prompts are not copied


def test_datasets_page_lists_every_loader():
    import skbridge.datasets

    page = (DOCS / "tools" / "datasets.rst").read_text(encoding="utf-8")
    table = page[page.index("Loaders\n-------"):page.index("The knowledge-graph loaders")]
    listed = set(re.findall(r"^:func:`(\w+)`", table, flags=re.MULTILINE))
    loaders = {name for name in skbridge.datasets.__all__
               if name.startswith(("load_", "make_"))}
    assert loaders - listed == set(), "loaders missing from the table of docs/tools/datasets.rst"
    assert listed <= loaders
    assert {"load_spam", "load_moby_dick"} <= listed
