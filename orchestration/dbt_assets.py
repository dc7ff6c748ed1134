"""dbt assets: raw tables -> staging -> intermediate -> marts, with dbt tests as asset checks."""


import os
import sys
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import dagster as dg
from packaging import version
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration import settings
from orchestration.funnel_definitions import dbt_vars, load_definitions
from orchestration.gate_warm_up import warm_up_quality_gates
from orchestration.resources import WAREHOUSE_POOL

# dbt is installed beside this interpreter; make sure it is the one dagster-dbt starts, whether or
# not the virtualenv is activated.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
if Path(DBT_EXECUTABLE).exists():
    os.environ["PATH"] = str(Path(DBT_EXECUTABLE).parent) + os.pathsep + os.environ.get("PATH", "")

_PARSED_INPUTS = ("dbt_project.yml", "profiles.yml", "definitions", "models", "macros", "seeds", "tests", "snapshots")


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


@cache
def dbt_project() -> DbtProject:
    """The dbt project, with a manifest parsed once (and again only when dbt files changed)."""
    # Parse with the same --vars and the same warehouse path the runs use, so dbt's partial parsing
    # stays valid at run time (dbt re-parses the whole project when a connection value changes).
    settings.use_paths(warehouse=settings.warehouse_path())
    project = DbtProject(
        project_dir=settings.DBT_PROJECT_DIR, prepare_project_cli_args=["parse", "--quiet", "--vars", _vars()]
    )
    if manifest_is_stale(project):
        project.preparer.prepare(project)
    return project


class WarehouseDbtCliResource(DbtCliResource):
    """dbt Core beside this interpreter, started without two probes the assets have no use for.

    Before each invocation dagster-dbt runs ``dbt --version`` in a subprocess and opens a dbt
    adapter in this process. The version is the installed dbt-core's, and the adapter only serves
    ``fetch_row_counts()`` / ``fetch_column_metadata()``, which these assets do not call (the
    warehouse file is written by the dbt process). Together they cost several seconds of every run.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCliResource(project_dir=dbt_project(), dbt_executable=DBT_EXECUTABLE)


class SmarketingDbtTranslator(DagsterDbtTranslator):
    """Keys dbt nodes as <schema>/<name> and groups them by layer (staging / intermediate / marts)."""

    def get_asset_key(self, dbt_resource_props: dict[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: dict[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            fqn = dbt_resource_props.get("fqn", [])
            return fqn[1] if len(fqn) > 2 else "dbt_" + dbt_resource_props["resource_type"]
        return super().get_group_name(dbt_resource_props)


translator = SmarketingDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _vars() -> str:
    return dbt_vars(load_definitions())


def dbt_build_args() -> list[str]:
    """``dbt build`` with the governed definitions passed as the ``funnel_definitions`` variable.

    Unit tests check the SQL logic on fixed fixtures, not the data; they run in the test suite
    (tests/dbt), not in every pipeline run.
    """
    return ["build", "--vars", _vars(), "--exclude-resource-type", "unit_test"]


@dbt_assets(
    manifest=dbt_project().manifest_path,
    project=dbt_project(),
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def smarketing_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    invocation = dbt.cli(dbt_build_args(), context=context)  # starts the dbt process
    warm_up_quality_gates()
    yield from invocation.stream()
