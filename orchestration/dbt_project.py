"""The dbt project as Dagster sees it: its location, its manifest and how it is prepared.

Building the Dagster definitions needs the parsed manifest. Preparing it (``dbt parse``) is an
explicit step: ``smarketing prepare`` (run by ``make install``), and ``smarketing run`` before each
run when dbt files changed since the last parse; both first rewrite the dbt files generated from
product declarations (orchestration/dbt_generated.py). Importing the definitions never parses; without
a manifest it stops with a message that says how to make one.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration import settings
from orchestration.funnel_definitions import dbt_vars, load_definitions

# dbt is installed beside this interpreter, with this package's `smarketing-dbt` entry point that
# starts it in the warehouse's folder (orchestration/dbt_entry.py); the dbt resource starts that one
# by its path, whether or not the virtualenv is activated.
DBT_EXECUTABLE = Path(sys.executable).parent / "smarketing-dbt"

_PARSED_INPUTS = ("dbt_project.yml", "profiles.yml", "definitions", "models", "macros", "seeds", "tests", "snapshots")


class ManifestMissing(RuntimeError):
    """The dbt manifest has not been prepared."""


@cache
def dbt_project() -> DbtProject:
    """The dbt project (locations only: constructing it runs nothing)."""
    return DbtProject(project_dir=settings.DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """``smarketing-dbt`` beside this interpreter: dbt, started in the folder of the file it builds."""
    if not DBT_EXECUTABLE.exists():
        raise RuntimeError(f"{DBT_EXECUTABLE} is missing: install the package (`make install`) to get it")
    return str(DBT_EXECUTABLE)


def funnel_vars() -> str:
    """The governed definitions as dbt's ``--vars`` JSON (the ``funnel_definitions`` variable)."""
    return dbt_vars(load_definitions())


# dbt.log in the invocation's target folder keeps what the console shows (each node's start and
# result, warnings, errors), not the debug lines: those are every statement of every node, about
# 160,000 lines a build, and writing them costs several seconds of a small run.
DBT_FILE_LOG = ("--log-level-file", "info")


def dbt_build_args(*, full_refresh: bool = False) -> list[str]:
    """``dbt build`` with the governed definitions passed as the ``funnel_definitions`` variable.

    Unit tests check the SQL logic on fixed fixtures, not the data; they run in the test suite
    (tests/dbt), not in every pipeline run. ``full_refresh`` rebuilds the incremental models from
    every raw row instead of adding what was loaded since the previous run.
    """
    args = ["build", "--vars", funnel_vars(), "--exclude-resource-type", "unit_test", *DBT_FILE_LOG]
    return args + ["--full-refresh"] if full_refresh else args


def dbt_parse_args() -> list[str]:
    """``dbt parse`` with the same ``--vars`` the runs pass, so runs parse only what changed."""
    return ["parse", "--quiet", "--vars", funnel_vars()]


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any file dbt parses."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _PARSED_INPUTS:
        root = project.project_dir / name
        paths = [root] if root.is_file() else root.rglob("*") if root.exists() else []
        if any(p.is_file() and p.stat().st_mtime > built for p in paths):
            return True
    return False


def prepare_dbt_project(*, only_if_stale: bool = True) -> Path:
    """Parse the dbt project into target/manifest.json (when stale, or always); the manifest path.

    The files dbt reads that are written from product declarations (the definitions macro, the
    sources' contracts) are brought up to date first, so an edited definitions file reaches dbt."""
    from orchestration.dbt_cli import dbt_cli_resource
    from orchestration.dbt_generated import write_generated_files

    write_generated_files()
    project = dbt_project()
    if not only_if_stale or manifest_is_stale(project):
        # Parsed with the profile the runs use (every working file has the same name), so the runs
        # keep this parse instead of parsing again.
        dbt_cli_resource().cli_for_warehouse(settings.working_path(settings.warehouse_path()), dbt_parse_args(),
                                             in_folder=False, target_path=project.target_path).wait()
    return project.manifest_path


def prepared_manifest() -> Path:
    """The manifest the dbt assets are built from; ManifestMissing says how to prepare it."""
    manifest = dbt_project().manifest_path
    if not manifest.exists():
        raise ManifestMissing(
            f"the dbt manifest {manifest} is missing: run `smarketing prepare` (`make install` does) "
            "before loading the Dagster definitions"
        )
    return manifest
