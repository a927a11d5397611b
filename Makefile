# TMS patient-education assistant. `make help` lists the commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: take the first python3.10 that runs.
PYTHON ?= $(shell for p in python3.10 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SPACY_PIPELINE := build/spacy_tms
# The pre-trained sentence encoder's files (all-MiniLM-L6-v2, from PyPI, checked).
ENCODER := build/encoder/model.safetensors
# The widget's socket.io client, from the npm registry (served by the assistant).
SOCKETIO_CLIENT := node_modules/socket.io-client/dist/socket.io.min.js
# Debian's Chromium, for the widget's browser tests.
CHROMIUM ?= /usr/bin/chromium
# Debian's HAProxy, for several servers behind one address (make cluster, make chaos).
HAPROXY ?= /usr/sbin/haproxy
N ?= 2
MODEL := models/tms-assistant.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') \
	$(wildcard knowledge/answers/*.yml) $(SPACY_PIPELINE)/meta.json $(ENCODER) \
	addons/message_guard.py addons/semantic_nlu.py tms/input_screen.py \
	tms/encoder.py tms/intent_model.py tms/safety_model.py tms/safety_descriptions.yml
# The list itself, rewritten only when it changes: a deleted training file retrains too.
TRAINING_LIST := var/training-inputs.txt
$(shell mkdir -p var; echo '$(TRAINING_INPUTS)' | cmp -s - $(TRAINING_LIST) \
	|| echo '$(TRAINING_INPUTS)' > $(TRAINING_LIST))

export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
# No telemetry or crash reports leave the machine (conversations are health data).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install staff-install browser haproxy cluster chaos purge delete run train test test-fast security validate check-knowledge coverage preview report evaluate evaluate-safety clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(VENV)/.installed $(SPACY_PIPELINE)/meta.json $(ENCODER) $(SOCKETIO_CLIENT) ## Set up the venv, dependencies, spaCy pipeline, sentence encoder and widget

$(ENCODER): scripts/build_encoder.py | $(VENV)/.installed
	@$(BIN)/python scripts/build_encoder.py $(dir $@) 2>&1 | grep -v "is ignored: it is neither"
	@test -f $@ && touch $@

$(SOCKETIO_CLIENT): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the chat widget's socket.io client (apt-get install npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@test -f $@ && touch $@

# $(call apt_install,PACKAGE,WHAT FOR,VARIABLE): a Debian package, as root or with sudo.
define apt_install
	@echo "Installing Debian's $(1) package ($(2))..."
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get install -y --no-install-recommends $(1) >/dev/null \
		|| { $$SUDO apt-get update -qq && $$SUDO apt-get install -y --no-install-recommends $(1) >/dev/null; } \
		|| { echo "Could not install $(1). Install it (apt-get install $(1)) or set $(3)=/path/to/$(1)."; exit 1; }
endef

browser: $(CHROMIUM) ## Install Debian's Chromium for the widget's browser tests

$(CHROMIUM):
	$(call apt_install,chromium,browser tests of the chat widget,CHROMIUM)

haproxy: $(HAPROXY) ## Install Debian's HAProxy (make cluster, make chaos)

$(HAPROXY):
	$(call apt_install,haproxy,several servers behind one address,HAPROXY)

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.10 is required (Rasa 3.6 supports 3.8 to 3.10) but no python3.10 was found."; \
		echo "Install it (e.g. 'pyenv install 3.10' or 'apt-get install python3.10'), or run: make PYTHON=/path/to/python3.10 install"; \
		exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<25"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(SPACY_PIPELINE)/meta.json: scripts/build_spacy_pipeline.py tms/conditions.py $(VENV)/.installed
	$(BIN)/python scripts/build_spacy_pipeline.py $(SPACY_PIPELINE)

train: $(MODEL) ## Train the model (only when training data or config changed)

$(MODEL): $(TRAINING_INPUTS) $(TRAINING_LIST) | install
	@mkdir -p var
	@echo "Training (a minute or two; log in var/train.log)..."
	@# --force: make already decides when to retrain; Rasa's own cache would keep a
	@# component trained by older code (it fingerprints data and config, not code).
	@$(BIN)/rasa train --force --fixed-model-name tms-assistant --out models > var/train.log 2>&1 \
		|| { tail -n 40 var/train.log; exit 1; }
	@test -f $@ && touch $@

run: install $(MODEL) ## Set up on first use, then start the assistant (Ctrl-C stops it)
	$(BIN)/python scripts/serve.py

validate: install ## Check the training data and domain with Rasa's validator
	$(BIN)/rasa data validate --fail-on-warnings

# Staff tools run in a small environment of their own: PyYAML and SQLAlchemy, no Rasa.
STAFF_VENV := .venv-staff
STAFF := $(STAFF_VENV)/bin/python -m tms.staff

staff-install: $(STAFF_VENV)/.installed ## The staff tools' own small environment (seconds, no Rasa)

$(STAFF_VENV)/.installed: requirements-staff.txt
	@$(or $(PYTHON),python3) -m venv $(STAFF_VENV)
	@$(STAFF_VENV)/bin/python -m pip install --quiet -r requirements-staff.txt 2>&1 | grep -v "is ignored: it is neither" || true
	@$(STAFF_VENV)/bin/python -c "import yaml, sqlalchemy"
	@touch $@

check-knowledge: staff-install ## Check the answers and sources in knowledge/ (for staff)
	$(STAFF) check

coverage: staff-install ## Which topics have answers, for which condition
	$(STAFF) coverage

preview: staff-install ## What a patient sees: make preview TOPIC=cost CONDITION=stroke [MORE=1]
	@test -n "$(TOPIC)" || { echo "usage: make preview TOPIC=cost CONDITION=phantom_limb_pain"; exit 2; }
	$(STAFF) preview $(TOPIC) $(CONDITION) $(if $(MORE),--more)

report: staff-install ## Questions the assistant could not answer: make report [SINCE=2026-11-01] [UNTIL=...] [CSV=file.csv]
	$(STAFF) report $(if $(SINCE),--since $(SINCE)) $(if $(UNTIL),--until $(UNTIL)) $(if $(CSV),--csv $(CSV))

purge: staff-install ## Delete conversations idle for more than DAYS days: make purge [DAYS=90]
	$(STAFF) purge $(if $(DAYS),--days $(DAYS))

delete: staff-install ## Delete one conversation: make delete CONVERSATION=conv-1a2b3c4d5e (code from make report)
	@test -n "$(CONVERSATION)" || { echo "Which conversation? make delete CONVERSATION=conv-... (make report shows the codes)"; exit 2; }
	$(STAFF) delete $(CONVERSATION)

evaluate: install $(MODEL) ## Blind questions through the running assistant, TF-IDF baseline, 5-fold cross-validation
	$(BIN)/python scripts/evaluate.py
	$(BIN)/python scripts/evaluate.py --v2 --no-cross-validation
	$(BIN)/python scripts/evaluate.py --v3 --no-cross-validation

evaluate-safety: install $(MODEL) ## Emergency and urgent recall, false alarms, mid-conversation (blind and dev sets)
	$(BIN)/python scripts/evaluate_safety.py

cluster: install haproxy $(MODEL) ## N assistants behind HAProxy sharing PostgreSQL and Redis: make cluster [N=2]
	HAPROXY=$(HAPROXY) $(BIN)/python scripts/cluster.py --nodes $(N)

chaos: install haproxy $(MODEL) ## 100 conversations x 20 turns through HAProxy while servers, database and Redis fail
	HAPROXY=$(HAPROXY) $(BIN)/python scripts/chaos.py --nodes $(N)

SECURITY_TESTS = tests/test_identity.py tests/test_payload_guard.py tests/test_hostile_input.py \
	tests/test_private_logs.py tests/test_log_privacy.py tests/test_door.py \
	tests/test_retention.py tests/test_report.py

security: install $(MODEL) ## Impersonation, typed payloads, 10,000 hostile inputs, logs, purge/delete, CSV (loopback only)
	HOSTILE_INPUTS=10000 $(BIN)/python -m pytest -s $(SECURITY_TESTS)

test-fast: install ## Run the quick tests (no training, no servers of ours; uses the local PostgreSQL and Redis)
	$(BIN)/python -m pytest -m "not slow"

test: install browser haproxy $(MODEL) ## Run every test (trains first if needed)
	CHROMIUM=$(CHROMIUM) HAPROXY=$(HAPROXY) $(BIN)/python -m pytest

clean: ## Remove the trained model, built pipeline and test output (keeps var/ conversations)
	rm -rf models build results .pytest_cache
