# 技能贯通助手 — every set-up step lives here so that a clean clone needs only `make run` / `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
VENV  := .venv
PY    := $(VENV)/bin/python
PIP   := $(VENV)/bin/pip
RASA  := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
SPACY := build/spacy_zh/.built
MODEL := models/current.tar.gz
# Everything the trained model depends on: retrain when any of it changes.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
                $(wildcard bot/nlu/*.py) $(wildcard rules_engine/data/*.yaml)
export JINENG_TEST_MODEL := $(abspath $(MODEL))
# No usage telemetry or crash reports to Rasa's servers (there is no internet here, and a
# crash would otherwise hang on retries to sentry.io).
export RASA_TELEMETRY_ENABLED := false

.PHONY: install build train run run-cluster stop-cluster shell test test-fast test-rules sheets bench eval vendor-web review-export wechat-menu clean

install: $(STAMP)

# Re-installs whenever requirements change; fails clearly when no Python 3.10 exists.
$(STAMP): requirements.txt scripts/find_python310.sh
	@py310=$$(scripts/find_python310.sh) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2]!=(3,10))'; then \
	    rm -rf $(VENV); echo "creating $(VENV) with $$py310"; "$$py310" -m venv $(VENV); fi
	$(PIP) install --disable-pip-version-check -q --upgrade "pip<24.1" 2>&1 | grep -v "^WARNING: Location" || true
	$(PIP) install --disable-pip-version-check -q -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import rasa, rasa_sdk, spacy, jieba, cn2an, opencc, wechatpy" # fails here if an install above failed
	touch $(STAMP)

# The spaCy pipeline (blank zh + jieba + entity ruler) and jieba dictionary, generated
# from the rules engine's vocabulary; nothing is downloaded.
# Debian packages the tests use (servers run on loopback only). Installs only what is missing.
APT_PACKAGES := redis-server postgresql nginx-light curl iproute2 chromium fonts-wqy-microhei fonts-noto-color-emoji wrk
APT_STAMP := build/.apt-$(shell echo $(APT_PACKAGES) | md5sum | cut -c1-8)
$(APT_STAMP):
	@mkdir -p build
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages: $$missing"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi
	touch $@

$(SPACY): $(STAMP) $(wildcard bot/nlu/*.py) rules_engine/data/vocabulary.yaml rules_engine/vocabulary.py
	$(PY) -m bot.nlu.build_spacy --out build/spacy_zh --jieba-dir build/jieba
	touch $@

build: $(SPACY)

$(MODEL): $(SPACY) $(TRAIN_INPUTS)
	$(PY) scripts/gen_domain_slots.py
	$(RASA) train --config config.yml --domain domain.yml --data data --out models --fixed-model-name current
	touch $@

train: $(MODEL)

run: $(MODEL)
	scripts/run.sh

# Scale-out profile: PostgreSQL tracker store, Redis lock store, 2 Rasa + 2 action servers behind nginx.
run-cluster: $(MODEL) $(APT_STAMP)
	MODEL=$(MODEL) scripts/cluster.sh start

stop-cluster:
	scripts/cluster.sh stop

shell: $(MODEL)
	@export ACTION_ENDPOINT_URL=$${ACTION_ENDPOINT_URL:-http://localhost:5055/webhook} TRACKER_DB=$${TRACKER_DB:-build/tracker.db}; \
	  $(RASA) run actions --actions actions --port 5055 >build/actions.log 2>&1 & pid=$$!; \
	  trap "kill $$pid" EXIT; $(PY) -m bot.runtime shell -m $(MODEL) --endpoints endpoints.yml

test: $(MODEL) $(APT_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(RASA) data validate --config config.yml --domain domain.yml --data data
	$(PY) -m pytest -q tests

# The quick loop: ruff, then every test except the slow ones (real servers, the cluster, a
# browser: marked `slow` in tests/conftest.py). `make test` still runs everything.
test-fast: $(MODEL)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -m "not slow" tests

test-rules: install
	$(PY) -m pytest -q tests/test_rules_*.py

# The sign-off sheets (docs/answers/): one answer per distinct outcome, per region.
sheets: install
	$(PY) -m rules_engine sheet --region all --write

# Pushes the official account's custom menu (deploy/wechat_menu.json) with wechatpy's menu
# API; needs WECHAT_APPID and WECHAT_APPSECRET (WECHAT_API_BASE: another API host, for tests).
wechat-menu: install
	$(PY) -m bot.channels.wechat.menu deploy/wechat_menu.json

# Figures go to docs/benchmarks.md (never into timed test assertions), all from one run:
# the load part starts its own single instance and its own cluster (free ports, data under
# build/), times `rasa train` and a cold `make run` in a fresh clone, then plain Rasa and ours
# side by side (RASA_PATCHES=off vs on, alternated pairs: scripts/bench_paired.py). ~20 min.
BENCH_ARGS ?= --repeat 6 --two-workers --start-cluster --train --cold-start --paired 6
bench: $(MODEL) $(APT_STAMP)
	$(PY) -m rules_engine.bench --out docs/benchmarks.md
	$(PY) scripts/bench_load.py --out docs/benchmarks.md $(BENCH_ARGS)

eval: $(SPACY)
	$(PY) scripts/eval_nlu.py

# The review console's annotations as Rasa NLU data (data/nlu/reviewed.yml), from the event
# broker's database that endpoints.yml names (the same defaults as `make run`).
review-export: install
	TRACKER_DB=$${TRACKER_DB:-build/tracker.db} ACTION_ENDPOINT_URL=$${ACTION_ENDPOINT_URL:-http://localhost:5055/webhook} \
	  EVENT_BROKER_DB=$${EVENT_BROKER_DB:-build/events.db} $(PY) -m bot.channels.review.export

# Re-vendors the socket.io client and Chart.js into bot/web/static/vendor/ (committed; run/test do not need npm).
vendor-web:
	scripts/vendor_web.sh

clean:
	rm -rf $(VENV) build models results
