"""dbt assets: raw tables -> staging -> intermediate -> marts, with dbt tests as asset checks.

Built from the prepared manifest (orchestration/dbt_project.py); importing this module parses
nothing. The dbt step writes the working file of the run's ``warehouse`` resource (never the
published file BI tools read; orchestration/publish.py).
"""

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from pydantic import Field

from orchestration import person_keys, run_lock
from orchestration.dbt_cli import WarehouseDbtCliResource, dbt_cli_resource
from orchestration.dbt_project import dbt_build_args, dbt_project, prepared_manifest
from orchestration.gate_warm_up import warm_up_quality_gates
from orchestration.pipeline import DBT_LOG_TAG
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource
from orchestration.verdict import NO_USABLE_INPUT


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


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False, description="rebuild the incremental models from every raw row (dbt --full-refresh)")


@dbt_assets(
    manifest=prepared_manifest(),
    project=dbt_project(),
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_POOL,
)
def smarketing_dbt_assets(
    context: dg.AssetExecutionContext, dbt: WarehouseDbtCliResource, warehouse: WarehouseResource,
    config: DbtBuildConfig,
) -> Iterator[Any]:
    run_lock.set_phase(warehouse.published_path(), "dbt")
    refused = every_file_refused(warehouse, context.run.run_id)
    if refused:
        raise dg.Failure(description=refused)
    write_person_key_pads(context, warehouse)
    # dbt colours its log only for a terminal reader (piped, captured by the UI or --verbose into a file: plain).
    colours = [] if sys.stdout.isatty() else ["--no-use-colors"]
    args = [*dbt_build_args(full_refresh=config.full_refresh), *colours]
    invocation = dbt.cli_for_warehouse(warehouse.working_path(), args, context=context)
    run_lock.add_child(warehouse.published_path(), invocation.process.pid)  # stopped by the next run if this one is killed
    warm_up_quality_gates()
    if context.run.tags.get(DBT_LOG_TAG) == "quiet":
        # dagster-dbt echoes dbt's log to stdout; dbt writes it to dbt.log in its target folder anyway.
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            yield from invocation.stream()
    else:
        yield from invocation.stream()
    run_lock.set_phase(warehouse.published_path(), "gates")  # the quality gates run next


def write_person_key_pads(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> None:
    """Put the pads of the warehouse's person-key secret where dbt's keyed_hash reads them; the secret
    itself stays out of SQL and of dbt's logs (orchestration/person_keys.py)."""
    with warehouse.connect() as con:
        person_keys.write_warehouse_pads(con, warehouse.published_path(), context.log.warning)


def every_file_refused(warehouse: WarehouseResource, run_id: str) -> str | None:
    """Why there is nothing to build when this run's ingest refused every file of the drop; else None.

    Decided from the load ledger before dbt starts, so neither the marts nor the publish change
    (`smarketing run` exits 4). A run that loaded nothing (only dbt selected) builds as usual.
    """
    if not warehouse.working_path().exists():
        return None
    with warehouse.connect(read_only=True) as con:
        try:
            usable, refused = con.execute(
                "select count(*) filter (where status <> 'refused'), count(*) filter (where status = 'refused')"
                " from ingest.load_ledger where load_id = ?",
                [run_id],
            ).fetchall()[0]
        except duckdb.CatalogException:
            return None
    if usable or not refused:
        return None
    return f"{NO_USABLE_INPUT}: every file of the drop was refused ({refused}); nothing was built or published"


defs = dg.Definitions(assets=[smarketing_dbt_assets], resources={"dbt": dbt_cli_resource()})
