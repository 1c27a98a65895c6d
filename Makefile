# 技能贯通助手 — every set-up step lives here so that a clean clone needs only `make run` / `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV  := .venv
PY    := $(VENV)/bin/python
PIP   := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install test run bench eval clean

install: $(STAMP)

# Re-installs whenever requirements change; fails clearly when no Python 3.10 exists.
$(STAMP): requirements.txt scripts/find_python310.sh
	@py310=$$(scripts/find_python310.sh) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2]!=(3,10))'; then \
	    rm -rf $(VENV); echo "creating $(VENV) with $$py310"; "$$py310" -m venv $(VENV); fi
	$(PIP) install --disable-pip-version-check -q --upgrade "pip<24.1"
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	touch $(STAMP)

test: install
	$(PY) -m pytest -q tests

run: install
	@echo "rules engine ready: try  echo '{\"skill_grade\":\"技师\",\"skill_years\":3}' | $(PY) -m rules_engine explain"

bench: install
	$(PY) -m rules_engine.bench --out docs/benchmarks.md

eval: install
	@echo "make eval: NLU evaluation arrives with the conversational core (issue 3)"

clean:
	rm -rf $(VENV)
