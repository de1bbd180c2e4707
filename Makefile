# ServPlan: `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: run worker scheduler dev test setup install system-deps lint messages bench clean cluster

$(BIN)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ServPlan needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

# Debian/Ubuntu packages the tests and exports use; installed only when missing and when we can (root + apt).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui libreoffice-calc-nogui"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) || echo "Could not install$$missing; the tests that need them will say so."; \
	  else echo "Missing system packages:$$missing (install them with your package manager; tests needing them will skip outside CI)."; fi; \
	fi

setup: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py prepare_fonts -v0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py generate_service_data --tickets 2400 --months 6 --seed 1 --skip-existing

# The background worker (imports, reports, reminders) and the scheduler that enqueues the reminder jobs run
# alongside gunicorn, each under a supervisor that restarts it when it dies (docs/operations.md, "Background
# workers", "Reminders"); Ctrl+C stops gunicorn, and the supervisors and their children with it. They share one
# folder of metrics (PROMETHEUS_MULTIPROC_DIR, emptied at start) that /metrics adds up ("Metrics").
run: setup
	@echo ""
	@echo "  ServPlan is serving at http://$(HOST):$(PORT)/   (Ctrl+C to stop)"
	@echo ""
	export SERVPLAN_SITE_URL=$${SERVPLAN_SITE_URL:-http://$(HOST):$(PORT)}; \
	export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$${SERVPLAN_VAR_DIR:-var}/prometheus}; \
	mkdir -p "$$PROMETHEUS_MULTIPROC_DIR" && rm -f "$$PROMETHEUS_MULTIPROC_DIR"/*.db; \
	$(BIN)/python manage.py db_worker --supervise & worker=$$!; \
	$(BIN)/python manage.py run_scheduler --supervise & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler' EXIT INT TERM; \
	$(BIN)/gunicorn servplan.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --threads 4 --access-logfile - --log-level warning

worker: setup
	$(BIN)/python manage.py db_worker --supervise

scheduler: setup
	$(BIN)/python manage.py run_scheduler --supervise

# The scaled-out topology on this machine (docs/deployment.md): PostgreSQL (running), Redis, moto's S3 server,
# 2 gunicorn instances behind nginx, 2 RQ workers, 2 schedulers. Foreground: Ctrl+C stops everything.
# `$(BIN)/python deploy/cluster.py up --detach` / `down` / `status` for the same in the background.
cluster: install system-deps
	$(BIN)/python deploy/cluster.py up $(CLUSTER_ARGS)

dev: setup
	SERVPLAN_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Page and load benchmarks (docs/performance.md): table sizes, timed requests per page, users and seconds of load.
BENCH_PAGES ?= 100000,1000000
BENCH_REPEAT ?= 20
BENCH_LOAD_TICKETS ?= 1000000
BENCH_USERS ?= 10
BENCH_SECONDS ?= 60

bench: install
	$(BIN)/python bench/sla_engine.py
	$(BIN)/python bench/import.py --rows $(or $(BENCH_ROWS),1000000)
	$(BIN)/python bench/report.py --tickets $(or $(BENCH_ROWS),1000000)
	$(BIN)/python bench/pages.py --reuse --tickets $(BENCH_PAGES) --repeat $(BENCH_REPEAT)
	$(BIN)/python bench/load.py --tickets $(BENCH_LOAD_TICKETS) --users $(BENCH_USERS) --time $(BENCH_SECONDS)

clean:
	rm -rf var/static
