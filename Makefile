# Every target sets up the virtual environment itself when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
CORPUS ?= $(CURDIR)/seeds
BUILD ?= $(CURDIR)/build
# Where the user typed the command: a relative CORPUS or BUILD is resolved from there, also under
# `make -C`. (make's own PWD is the caller's; paths may contain spaces, so they are left to the shell.)
HERE := $(or $(PWD),$(CURDIR))
SCALE ?= 10000
export PATH := $(abspath $(BIN)):$(PATH)
# Notebooks, papermill and nbval run with notebooks/ as the working folder: make `analysis` importable.
export PYTHONPATH := $(CURDIR)

.PHONY: all venv test check report notebooks lab bench lint clean

all: report

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $@

venv: $(STAMP)

## Unit tests, then strict nbval on the stored notebooks.
test: $(STAMP)
	$(BIN)/ruff check analysis tests scripts conftest.py
	$(BIN)/python -m pytest

## Slow end-to-end checks, not part of `test`: the seed reports in headless Chromium (no network, no
## console errors, images with alt text, links and evidence anchors that resolve, headings, table headers;
## screenshots in $(BUILD)/check/seeds/screenshots/) and two builds that must be byte-identical.
check: $(STAMP)
	cd "$(HERE)" && build="$$(realpath -m -- "$(BUILD)")" && cd "$(CURDIR)" && \
	  CHECK_BUILD="$$build/check" $(BIN)/python -m pytest -o addopts="" -p no:cacheprovider tests/e2e

## Run every notebook on CORPUS (copies in $(BUILD)/) and render shareable HTML.
report: $(STAMP)
	cd "$(HERE)" && "$(CURDIR)/$(BIN)/python" "$(CURDIR)/scripts/report.py" --corpus "$(CORPUS)" --build "$(BUILD)"

## Rewrite the stored notebooks and figures/ (only when a finding is meant to change).
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False notebooks/[0-9]*.ipynb
	$(BIN)/nbstripout --keep-output --keep-count --extra-keys "metadata.language_info.version" notebooks/*.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## Speed and memory on generated corpora: load, tokenize, TF-IDF + keyness, figures (vs quantulum3), reuse and
## alignment; then the whole analysis stage by stage, on one core and on a 2-worker LocalCluster, at 1,000, 10,000 and SCALE.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py --scale $(SCALE)
	$(BIN)/python scripts/bench_pipeline.py --workers 2 --sizes 1000 10000 $(filter-out 1000 10000,$(SCALE))

lint: $(STAMP)
	$(BIN)/ruff check analysis tests scripts conftest.py

clean:
	rm -rf $(BUILD)
