"""The dbt CLI resource: the dbt beside this interpreter, started against the run's warehouse.

Two things dagster-dbt's ``DbtCliResource`` has no parameter for live here, each with its reason:

- The warehouse path. profiles.yml reads ``env_var('SMARKETING_WAREHOUSE')``, and dagster-dbt
  starts dbt with a copy of this process's environment and no way to add to it.
  ``cli_for_warehouse`` sets the variables only while it starts the dbt process, under a lock,
  and puts the previous values back before returning: the run's warehouse resource decides where
  dbt writes, and the process keeps no trace of it. dbt runs as ``smarketing-dbt``
  (orchestration/dbt_entry.py) in the DuckDB file's folder and the profile names the file
  relative to it, so dbt's parse cache holds for every warehouse whose file has the same name.
- Two probes, by overriding private members (the only private API this project uses). Before
  every invocation dagster-dbt runs ``dbt --version`` in a subprocess (``_cli_version``) and opens
  a dbt adapter in this process (``_initialize_dbt_core_adapter``). The version is the installed
  dbt-core's, and the adapter only serves ``fetch_row_counts()`` / ``fetch_column_metadata()``,
  which these assets do not call. Measured in December 2026 on this project (dagster-dbt 0.29.27,
  dbt-core 1.11, 2 shared cores): the probes cost 3-4 s and 3-6 s per invocation, and a
  300-person demo run took 68 s and 75 s with the overrides, 76 s and 105 s without.
  tests/orchestration/test_dbt_cli.py fails when dagster-dbt renames them, changes their
  signatures or stops calling them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from packaging import version

from orchestration import settings
from orchestration.dbt_entry import FOLDER_ENV
from orchestration.dbt_project import dbt_executable, dbt_project

_environment_lock = threading.Lock()


@contextmanager
def _variables_while_starting(values: dict[str, str]) -> Iterator[None]:
    with _environment_lock:
        previous = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, value in previous.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value


def dbt_environment(warehouse: Path, *, in_folder: bool = True) -> dict[str, str]:
    """The variables that make dbt (run as ``smarketing-dbt``) build the DuckDB file ``warehouse``.

    ``in_folder=False`` only names the file, for commands that never open it (``dbt parse``): the
    profile is the same, and the folder need not exist yet."""
    return {
        settings.WAREHOUSE_ENV: warehouse.name,
        settings.MEMORY_LIMIT_ENV: settings.duckdb_memory_limit(),
        **({FOLDER_ENV: str(warehouse.parent)} if in_folder else {}),
    }


class WarehouseDbtCliResource(DbtCliResource):
    """dbt Core beside this interpreter, started without two probes the assets have no use for."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    def cli_for_warehouse(
        self, warehouse: Path, args: Sequence[str], *, in_folder: bool = True, **kwargs: Any
    ) -> DbtCliInvocation:
        """``cli(args, **kwargs)`` with dbt writing the DuckDB file at ``warehouse``."""
        with _variables_while_starting(dbt_environment(warehouse, in_folder=in_folder)):
            return self.cli(args, **kwargs)  # returns once the dbt process has started


def dbt_cli_resource() -> WarehouseDbtCliResource:
    return WarehouseDbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


# dagster-dbt gives every dbt invocation its own target folder, `<op>-<run>-<uuid>` (about 19 MB
# at the demo size: run results, compiled SQL, logs) and never removes it. The last few are kept
# for debugging a recent run; older ones are pruned when a run starts.
KEEP_RUN_DIRS = 3
RUN_DIR_GLOB = "smarketing_dbt_assets-*"


def prune_run_dirs(keep: int = KEEP_RUN_DIRS, target: Path | None = None) -> list[Path]:
    """Remove all but the ``keep`` newest per-run dbt target folders; the removed folders."""
    import shutil

    target = target or settings.DBT_PROJECT_DIR / "target"
    runs = sorted((p for p in target.glob(RUN_DIR_GLOB) if p.is_dir()), key=lambda p: p.stat().st_mtime_ns)
    removed = runs[:-keep] if keep else runs
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
