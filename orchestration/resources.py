"""Dagster resources: the DuckDB warehouse file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings

# Ingest and dbt both write the one DuckDB file; DuckDB allows a single writing process, so every
# asset that writes it runs in this pool, limited to one slot in dagster.yaml.
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. ``path`` defaults to SMARKETING_WAREHOUSE, then warehouse/smarketing.duckdb."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return Path(self.path).expanduser().resolve() if self.path else settings.warehouse_path()

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
        return Path(self.path).expanduser().resolve() if self.path else settings.exports_dir()
