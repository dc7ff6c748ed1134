"""Where things live: the dbt project, the warehouse file and the export drop folder.

The warehouse and exports paths are chosen in this order: an explicit path (a CLI flag, a
resource's ``path`` in Dagster run config), then the environment (``SMARKETING_WAREHOUSE``,
``SMARKETING_EXPORTS``), then the defaults below. Nothing here writes the environment: the paths
reach the run as Dagster resources (orchestration/resources.py) and the dbt process through its
own invocation (orchestration/dbt_cli.py).
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


def exports_dir(explicit: Path | str | None = None) -> Path:
    """The export drop folder (absolute): ``explicit``, else SMARKETING_EXPORTS, else the default."""
    return _resolve(explicit, EXPORTS_ENV, DEFAULT_EXPORTS)
