"""Where things live: the dbt project, the warehouse files and the export drop folder.

The warehouse and exports paths are chosen in this order: an explicit path (a CLI flag, a
resource's ``path`` in Dagster run config), then the environment (``SMARKETING_WAREHOUSE``,
``SMARKETING_EXPORTS``), then the defaults below. Nothing here writes the environment: the paths
reach the run as Dagster resources (orchestration/resources.py) and the dbt process through its
own invocation (orchestration/dbt_cli.py).

The warehouse path names the *published* file, the one BI tools open. Everything a run writes
lives beside it, under names derived here and nowhere else (orchestration/publish.py says why):

- ``.work/<name>/warehouse.duckdb``: the working file that ingest, dbt, the gates and the load ledger use;
- ``.work/<name>.lock``: the run lock (orchestration/run_lock.py);
- ``.work/<name>.key``: the secret person keys are hashed with (orchestration/person_keys.py);
- ``.publishes/<stem>/<publish id>.duckdb``: the last few published files, for rollback.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFINITIONS_FILE = DBT_PROJECT_DIR / "definitions" / "funnel_definitions.yml"

WAREHOUSE_ENV = "SMARKETING_WAREHOUSE"
EXPORTS_ENV = "SMARKETING_EXPORTS"
DEFAULT_WAREHOUSE = Path("warehouse") / "smarketing.duckdb"
DEFAULT_EXPORTS = Path("exports")


def _resolve(explicit: Path | str | None, env: str, default: Path) -> Path:
    return Path(explicit or os.environ.get(env) or default).expanduser().resolve()


def warehouse_path(explicit: Path | str | None = None) -> Path:
    """The DuckDB warehouse file (absolute): ``explicit``, else SMARKETING_WAREHOUSE, else the default."""
    return _resolve(explicit, WAREHOUSE_ENV, DEFAULT_WAREHOUSE)


MEMORY_LIMIT_ENV = "SMARKETING_MEMORY_LIMIT"
# DuckDB's own default memory limit is 80 % of the machine's memory; a warehouse build needs far
# less (it spills to disk beyond the limit), and the machine keeps room for BI tools and the UI.
MEMORY_LIMIT_CAP_MIB = 3 * 1024


def duckdb_memory_limit() -> str:
    """The DuckDB memory limit of every connection the pipeline opens (loader, dbt, gates, publish).

    ``SMARKETING_MEMORY_LIMIT`` (DuckDB syntax, e.g. ``8GB``) overrides; otherwise half the machine's
    memory, at most MEMORY_LIMIT_CAP_MIB. Threads stay DuckDB's default: the machine's cores."""
    if os.environ.get(MEMORY_LIMIT_ENV):
        return os.environ[MEMORY_LIMIT_ENV]
    total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return f"{min(MEMORY_LIMIT_CAP_MIB, total_mib // 2)}MiB"


def exports_dir(explicit: Path | str | None = None) -> Path:
    """The export drop folder (absolute): ``explicit``, else SMARKETING_EXPORTS, else the default."""
    return _resolve(explicit, EXPORTS_ENV, DEFAULT_EXPORTS)


WORK_DIR = ".work"
PUBLISHES_DIR = ".publishes"


# Every working file has this name, in a folder named after its published file: dbt names the file
# relative to that folder (orchestration/dbt_entry.py), so its profile, and the parse it caches,
# are the same for every warehouse.
WORKING_FILE_NAME = "warehouse.duckdb"


def working_path(published: Path) -> Path:
    """The working file beside the published warehouse ``published``: what every run writes."""
    return published.parent / WORK_DIR / published.name / WORKING_FILE_NAME


def run_lock_path(published: Path) -> Path:
    """The run lock of the warehouse ``published`` (one run at a time writes its working file)."""
    return published.parent / WORK_DIR / f"{published.name}.lock"


def key_path(published: Path) -> Path:
    """The person-key secret of the warehouse ``published`` (never inside a DuckDB file)."""
    return published.parent / WORK_DIR / f"{published.name}.key"


def publishes_dir(published: Path) -> Path:
    """Where the publishes of ``published`` are kept (each a complete DuckDB file named by its id)."""
    return published.parent / PUBLISHES_DIR / published.stem
