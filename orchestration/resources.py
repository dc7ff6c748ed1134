"""Dagster resources shared by every concern: the DuckDB warehouse, the export drop and its plan.

Paths are resource fields, so the CLI passes them into a run explicitly and the UI shows them in
the launchpad; an unset ``path`` falls back to SMARKETING_WAREHOUSE / SMARKETING_EXPORTS, then the
defaults in orchestration/settings.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingest import loader
from ingest.discovery import DropPlan
from orchestration import settings

# Ingest and dbt both write the one DuckDB file; DuckDB allows a single writing process, so every
# asset that writes it runs in this pool, limited to one slot in dagster.yaml.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. ``path`` defaults to SMARKETING_WAREHOUSE, then warehouse/smarketing.duckdb."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return settings.warehouse_path(self.path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.resolved_path()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class ExportsResource(dg.ConfigurableResource):
    """The export drop folder. ``path`` defaults to SMARKETING_EXPORTS, then ./exports."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return settings.exports_dir(self.path)


@dg.resource(
    required_resource_keys={"exports"},
    description="Which file of the export drop belongs to which contract, planned once per run.",
)
def drop_plan_resource(context: dg.InitResourceContext) -> DropPlan:
    # Resources are initialised once per run by the in-process executor the jobs use, so every
    # ingest step reads this one plan. `smarketing run` plans the drop itself and passes the plan in.
    return loader.plan_drop(context.resources.exports.resolved_path())
