# The book's commands. Every target bootstraps .venv from requirements.lock on first use,
# so a fresh clone needs only Python 3.11.2+ and make.  `make help` lists them.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv book instructor variant test print-test-markers print-test-workers pack-browser-test pack-test slow-test pdf pdf-test anatomy lint serve clean clean-venv lock vendor bench data screenshots export lighthouse student-pack

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml tools/bootstrap.py
	@$(PYTHON) tools/bootstrap.py

venv: $(STAMP) ## Create or update the project's virtual environment from the lock file

# A class variant of the data: make book DATA=variants/class-a
ifdef DATA
export PMCJ_DATA := $(abspath $(DATA))
endif

book: $(STAMP) ## Build the student edition of the website into _build/html
	@$(PY) -m pmcj.build book

instructor: $(STAMP) ## Build the instructor edition (worked solutions, teaching notes) into _build/instructor/_build/html
	@$(PY) -m pmcj.build instructor

# An offline bundle: make student-pack WHEELS=1 (wheels for Linux, Windows and macOS, for this
# Python; add WHEELS_PYTHON=3.12 for students with Python 3.12, WHEELS_PLATFORM=windows for one kind).
PACK_FLAGS := $(if $(WHEELS),--wheels) $(if $(WHEELS_PLATFORM),--platform $(WHEELS_PLATFORM)) $(if $(WHEELS_PYTHON),--python-version $(WHEELS_PYTHON))

student-pack: $(STAMP) ## Zip the notebooks without solutions, the data, the helpers and requirements.txt into _build/student-pack.zip (WHEELS=1 adds the packages for Linux, Windows and macOS)
	@$(PY) -m pmcj.build book
	@$(PY) -m pmcj.pack $(PACK_FLAGS)

variant: $(STAMP) ## Everything for one class in variants/seed-N: data, student and instructor sites, answer key, student pack (SEED=N; PDF=1 prints both editions too)
	@test -n "$(SEED)" || { echo "make variant: name the class's seed, e.g. make variant SEED=7"; exit 2; }
	@$(PY) -m pmcj.variant --seed "$(SEED)" $(if $(PDF),--pdf)

# make test runs the tests in two pytest-xdist workers, one per core of the project's machines
# (TEST_WORKERS=0 runs them in one process); tests/conftest.py keeps tests that share a costly or
# unsafe-to-share fixture in one worker.
TEST_WORKERS ?= 2
# The tests make test leaves to the other targets below. tools/bench.py times make test with the
# same selection and workers, read from here (make print-test-markers, print-test-workers), so
# these are their one source.
TEST_MARKERS := not pack_browser and not pack_wheels and not pack_notebooks and not slow and not pdf

test: $(STAMP) ## Run the test suite (builds both editions and the student pack first, then tests on both cores; make slow-test and make pdf-test run what it leaves out)
	@$(PY) -m pmcj.build all
	@$(PY) -m pytest -n $(TEST_WORKERS) -m "$(TEST_MARKERS)"

# For tools/bench.py (not in make help): print make test's marker expression, or its number of
# workers, and nothing else.
print-test-markers:
	@echo "$(TEST_MARKERS)"

print-test-workers:
	@echo "$(TEST_WORKERS)"

pack-browser-test: $(STAMP) ## Open the student pack in JupyterLab, Notebook 7 and the classic Notebook in Chromium, offline, and count the charts drawn (oldest and newest allowed versions; minutes)
	@$(PY) -m pytest -m pack_browser tests/test_pack_install.py

pack-test: $(STAMP) ## The student pack's slow tests: every notebook and worked solution on the oldest and newest versions, charts in the browser (above), the offline bundle (WHEELS=1) installed with its README's line and checked for every platform it names
	@$(PY) -m pmcj.build all
	@$(PY) -m pytest -m "pack_notebooks or pack_wheels" tests/test_pack_install.py
	@$(PY) -m pytest -m pack_browser tests/test_pack_install.py

slow-test: $(STAMP) ## What make test leaves out and CI runs: every pack notebook and worked solution on the oldest and newest allowed versions, and a class variant built end to end (about 10 minutes)
	@$(PY) -m pmcj.build all
	@$(PY) -m pytest -m "pack_notebooks or slow"

pdf: $(STAMP) ## Print both editions to _build/pdf/peer-mentoring-student.pdf and -instructor.pdf (A4, contents, bookmarks; needs chromium; minutes); each site then offers its own
	@$(PY) -m pmcj.pdf

pdf-test: $(STAMP) ## make pdf, then test the two PDFs: bookmarks, page counts, titles, links, no solution in the student PDF
	@$(PY) -m pmcj.pdf
	@$(PY) -m pytest -m pdf tests/test_pdf.py

anatomy: $(STAMP) ## Check every chapter in _toc.yml against CONTRIBUTING.md's rules, and the course plans (seconds; no build)
	@$(PY) -m pytest tests/test_chapters.py tests/test_teaching.py -m "not build" -q

lint: $(STAMP) ## Check the Python code style with ruff
	@$(BIN)/ruff check pmcj tests tools
	@$(BIN)/ruff format --check pmcj tests tools

PORT ?= 8000

serve: $(STAMP) ## Live preview on http://127.0.0.1:8000 (rebuilds on save, reloads the page; PORT=8001 for another port)
	@$(PY) -m pmcj.build serve --port $(PORT)

data: $(STAMP) ## Regenerate data/*.csv from the codebook and excerpt bank (default seed)
	@$(BIN)/pmcj generate --force

export: $(STAMP) ## Write the REFI-QDA codebook (.qdc) and project (.qdpx) into _build/downloads
	@$(BIN)/pmcj export --out _build/downloads

lighthouse: $(STAMP) ## Lighthouse scores of the landing page and a chapter, phone and desktop (needs Node 20+ and npm)
	@$(PY) -m pmcj.build book
	@$(PY) tools/lighthouse/run.py

bench: $(STAMP) ## Measure clean build, prose and code rebuilds, make test, and page weights
	@$(PY) tools/bench.py

screenshots: $(STAMP) ## Save every page at 390 px and 1280 px into _build/screenshots (needs chromium)
	@$(PY) -m pmcj.build book
	@$(PY) tools/screenshots.py

vendor: $(STAMP) ## Refresh the pinned vega JavaScript (needs npm and the network; writes checksums)
	@$(PY) tools/vendor_js.py

lock: ## Regenerate requirements.lock from pyproject.toml's pins, keeping the rest (use the oldest Python: PYTHON=/usr/bin/python3; FRESH=1 re-resolves all)
	@PYTHON=$(PYTHON) bash tools/make_lock.sh

clean: ## Remove the built site and the execution cache
	rm -rf _build

clean-venv: ## Remove the virtual environment (the next command recreates it)
	rm -rf $(VENV)
