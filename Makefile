# scikit-bridge: every target creates .venv when it is missing and installs what it needs.
# torch 2.13.0 goes in first: the CPU build on these machines' local disk. Any other
# spec would pull a multi-GB CUDA build.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# pip shows its progress (the full set of extras is several GB). TORCH_INDEX_URL, empty
# here, names an index for torch on machines whose default index would give a CUDA
# build: make test TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
PIPI   := $(PIP) install --progress-bar on --constraint constraints.txt
TORCH_INDEX_URL ?=
TORCH_INDEX := $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL),)

.PHONY: demo test test-fast lint test-numpy2 bench docs clean

$(PY):
	@echo "== creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras, redone when the dependency lists change.
$(VENV)/.installed-%: pyproject.toml constraints.txt | $(PY)
	@echo "== installing torch 2.13.0 (CPU build) into $(VENV)"
	$(PIPI) $(TORCH_INDEX) torch==2.13.0
	@echo "== installing scikit-bridge with extras [$(subst +,$(comma),$*)] (pinned by constraints.txt)"
	$(PIPI) -e ".[$(subst +,$(comma),$*)]"
	touch $@

comma := ,

# The default experiment (Fastfood + LinearSVC on digits): metrics, model and figure go to
# outputs/fastfood_digits/<date>/ (git-ignored).
demo: $(VENV)/.installed-all+test
	MPLBACKEND=Agg $(VENV)/bin/skbridge run

test: $(VENV)/.installed-all+test
	$(PY) -m pytest -q

# The suite without the long quality runs (marked ``slow``).
test-fast: $(VENV)/.installed-all+test
	$(PY) -m pytest -q -m "not slow"

# ruff: pyflakes, pycodestyle, isort and numpy-style docstrings (pyproject.toml).
lint: $(VENV)/.installed-lint
	$(PY) -m ruff check .

# Every benchmark script, one after the other (never beside a test run).
bench: $(VENV)/.installed-all+bench
	set -e; for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script; done

# The figures in docs/_static are committed; each example redraws its own with --output.
docs: $(VENV)/.installed-all+docs+test
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

# The core (kernels, datasets, harness) on numpy 2.x, where larq is not installed.
test-numpy2:
	test -x .venv-np2/bin/python || $(PYTHON) -m venv .venv-np2
	@echo "== installing the core with numpy 2 into .venv-np2"
	.venv-np2/bin/python -m pip install --progress-bar on "numpy>=2" -e ".[test]"
	.venv-np2/bin/python -m pytest -q tests/transformers/test_kernels.py tests/test_common.py \
		tests/compat/test_optional.py tests/compat/test_sklearn.py tests/compat/test_memory.py \
		tests/datasets/test_base.py tests/datasets/test_kg.py tests/datasets/test_tabular.py \
		tests/utils tests/test_layout.py skbridge/transformers/kernels.py skbridge/datasets \
		skbridge/compat skbridge/utils

clean:
	rm -rf $(VENV) .venv-np2 docs/_build docs/generated
