# `make demo` runs the LR-finder demo, `make test` the test suite; both build .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench bench-upstream

$(VENV)/.installed: setup.py requirements/base.txt requirements/extra.txt requirements/test.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The package needs torch>=2.1; 2.13.0 is the CPU build that lies on disk on our machines.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[extra,test]'
	touch $@

demo: $(VENV)/.installed
	$(PY) examples/lr_find_digits.py

test: $(VENV)/.installed
	$(PY) -m pytest -q -p no:cacheprovider tests

bench: $(VENV)/.installed
	$(PY) -m benchmarks

bench-upstream: $(VENV)/.installed
	$(PY) -m benchmarks.upstream
