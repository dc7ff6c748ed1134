"""dbt assets: raw tables -> staging -> intermediate -> marts, with dbt tests as asset checks.

Built from the prepared manifest (orchestration/dbt_project.py); importing this module parses
nothing. The dbt step writes the warehouse the run's ``warehouse`` resource names.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from pydantic import Field

from orchestration.dbt_cli import WarehouseDbtCliResource, dbt_cli_resource
from orchestration.dbt_project import dbt_build_args, dbt_project, prepared_manifest
from orchestration.gate_warm_up import warm_up_quality_gates
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource


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
    args = dbt_build_args(full_refresh=config.full_refresh)
    invocation = dbt.cli_for_warehouse(warehouse.resolved_path(), args, context=context)
    warm_up_quality_gates()
    yield from invocation.stream()


defs = dg.Definitions(assets=[smarketing_dbt_assets], resources={"dbt": dbt_cli_resource()})
