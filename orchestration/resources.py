"""Dagster resources shared by every concern: the DuckDB warehouse, the export drop and its plan.

Paths are resource fields, so the CLI passes them into a run explicitly and the UI shows them in
the launchpad; an unset ``path`` falls back to SMARKETING_WAREHOUSE / SMARKETING_EXPORTS, then the
defaults in orchestration/settings.py.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingest import loader
from ingest.discovery import DropPlan
from orchestration import run_lock, settings

# Ingest and dbt both write the one working file; DuckDB allows a single writing process, so every
# asset that writes it runs in this pool, limited to one slot in dagster.yaml.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. ``path`` (the published file BI tools read) defaults to
    SMARKETING_WAREHOUSE, then warehouse/smarketing.duckdb.

    Runs write the working file beside it (``working_path()``); only the publish step puts a new
    published file in place (orchestration/publish.py). A run that uses this resource holds the
    warehouse's run lock for its whole duration, wherever it was started (CLI, UI, schedule, sensor).
    """

    path: str | None = None

    def resolved_path(self) -> Path:
        """The published file (what ``--warehouse`` names)."""
        return settings.warehouse_path(self.path)

    def published_path(self) -> Path:
        return self.resolved_path()

    def working_path(self) -> Path:
        """The working file every step of a run reads and writes."""
        return settings.working_path(self.published_path())

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Generator["WarehouseResource", None, None]:
        run = getattr(context, "run", None)
        run_id = run.run_id if run is not None else None
        command = run_lock.this_command() if run_lock.is_held_here(self.published_path()) or not run_id \
            else f"dagster run {run_id}"
        first = not run_lock.is_held_here(self.published_path())
        with run_lock.hold(self.published_path(), command=command):
            if first:  # a run started from the UI, the schedule or the sensor: `smarketing run` did this already
                from orchestration.publish import start_of_run

                start_of_run(self.published_path())
            yield self

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the working file (never the published one)."""
        path = self.working_path()
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": settings.duckdb_memory_limit()})
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
