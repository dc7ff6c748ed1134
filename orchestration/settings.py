"""Where things live: the dbt project, the warehouse file and the export drop folder.

The warehouse and exports paths come from the environment (``SMARKETING_WAREHOUSE``,
``SMARKETING_EXPORTS``) so the CLI, the Dagster UI, the schedule and the sensor all agree; the CLI's
``--warehouse``/``--exports`` flags simply set those variables for the run.
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


def warehouse_path() -> Path:
    """The DuckDB warehouse file (absolute), from SMARKETING_WAREHOUSE or the default."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def exports_dir() -> Path:
    """The export drop folder (absolute), from SMARKETING_EXPORTS or the default."""
    return Path(os.environ.get(EXPORTS_ENV) or DEFAULT_EXPORTS).expanduser().resolve()


def use_paths(*, warehouse: Path | str | None = None, exports: Path | str | None = None) -> None:
    """Point this process (and the dbt subprocesses it starts) at a warehouse and an export drop."""
    if warehouse is not None:
        os.environ[WAREHOUSE_ENV] = str(Path(warehouse).expanduser().resolve())
    if exports is not None:
        os.environ[EXPORTS_ENV] = str(Path(exports).expanduser().resolve())
