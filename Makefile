# Smarketing Warehouse: two commands on a fresh clone.
#   make demo   install, generate the demo company's exports, run the whole pipeline
#   make test   install with dev dependencies (and Debian's chromium for the report tests), run the full test suite
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
# Compile every installed module to bytecode once, at install time: imports then never compile
# from source, even where PYTHONDONTWRITEBYTECODE keeps Python from caching bytecode itself.
export UV_COMPILE_BYTECODE := 1
export UV_PYTHON := $(PYTHON)

.PHONY: demo test install install-dev browser clean

$(UV):
	@echo "Installing uv $(UV_VERSION) into $(TOOLS) (once) ..."
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

install: $(UV)
	@echo "Installing into $(VENV) from uv.lock ..."
	$(UV) sync --frozen --quiet
	$(VENV)/bin/smarketing prepare

install-dev: $(UV)
	@echo "Installing into $(VENV) from uv.lock, with the dev tools ..."
	$(UV) sync --frozen --quiet --extra dev
	$(VENV)/bin/smarketing prepare

demo: install
	$(VENV)/bin/smarketing demo

# The report tests render the pages in a real browser: Debian's chromium package (about 40 s and
# 300 MB the first time, nothing once it is there). Needs root or sudo where it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the report tests (once) ..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test: install-dev browser
	$(VENV)/bin/python -m pytest

clean:
	rm -rf $(VENV) $(TOOLS) warehouse demo_exports dbt_project/target dbt_project/logs

.PHONY: ui
ui: install
	DAGSTER_HOME=$(CURDIR) $(VENV)/bin/dagster dev -m orchestration.definitions
