# Two commands for a fresh machine: `make run` and `make test`.
PY := .venv/bin/python
STAMP := .venv/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
DEB_PACKAGES := chromium libharfbuzz-subset0 fonts-dejavu-core poppler-utils wrk valgrind libnss3-tools tesseract-ocr tesseract-ocr-ind
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install sysdeps shell manage bench reliability backup restore stop-services lint schema

install: sysdeps $(STAMP)

$(STAMP): requirements.txt
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -r requirements.txt
	rm -f .venv/.installed-*; touch $@

sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

run: install
	$(PY) -m kasn_cases.run

# Tests run a test build over plain HTTP (live_server): no HTTPS redirect or secure-only cookies.
# Two test processes (pytest-xdist), a test file to each at a time: each has its own test database, cache prefix and
# Celery queue (tests/xdist_names.py). `make test PYTEST_XDIST=-n0` runs in one process; PYTEST_ARGS picks tests.
# Bytecode is cached for the tests: each process (the two, and every worker or server a test starts) would otherwise
# compile the project and rewrite the test modules' asserts again, about 9 s of CPU each.
PYTEST_XDIST ?= -n 2 --dist loadfile
test: export DEBUG ?= true
test: export PYTHONDONTWRITEBYTECODE :=
test: install
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

shell: install
	$(PY) manage.py shell

manage: install
	$(PY) manage.py $(ARGS)

bench: install
	$(PY) -m bench.run_all

reliability: install
	$(PY) -m pytest -m reliability $(PYTEST_ARGS)

schema: install
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate

backup: install
	$(PY) manage.py backup $(ARGS)

restore: install
	$(PY) manage.py restore $(ARGS)

stop-services:
	$(PY) -m kasn_cases.embedded stop

lint: install
	.venv/bin/ruff check .
