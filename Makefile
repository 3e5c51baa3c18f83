# The two commands a newcomer needs: `make serve` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install build serve test validate verify dumps ontology-page clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

verify: install          ## every record value at its cited source line
	$(PY) -m mappings.records.verify

build: install           ## records → RDF → SHACL → store (var/store/current) and dumps (var/dumps/current)
	$(PY) -m kgservice build

validate: install        ## SHACL only
	$(PY) -m kgservice validate

serve: install           ## builds the store if there is none, then serves http://127.0.0.1:$(PORT)
	PORT=$(PORT) $(PY) -m kgservice serve

test: install            ## the whole test suite (installs Chromium from Debian for the browser tests)
	bash scripts/chromium.sh
	$(PY) -m pytest

ontology-page: install
	$(PY) -m mappings.build.ontology_page

clean:
	rm -rf var .pytest_cache
