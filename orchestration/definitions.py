"""Dagster definitions for Smarketing Warehouse: `dagster dev -m orchestration.definitions`."""

import dagster as dg

from orchestration.closed_loop_checks import closed_loop_checks
from orchestration.dbt_assets import dbt_resource, smarketing_dbt_assets
from orchestration.ingest_assets import export_file_specs, ingest_assets
from orchestration.jobs import daily_pipeline_schedule, export_drop_sensor, smarketing_pipeline, smarketing_what_if
from orchestration.publish import published_marts
from orchestration.quality_checks import quality_checks
from orchestration.resources import ExportsResource, WarehouseResource

defs = dg.Definitions(
    assets=[*export_file_specs, *ingest_assets, smarketing_dbt_assets, published_marts],
    asset_checks=[*quality_checks, *closed_loop_checks],
    jobs=[smarketing_pipeline, smarketing_what_if],
    schedules=[daily_pipeline_schedule],
    sensors=[export_drop_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "exports": ExportsResource(),
        "dbt": dbt_resource(),
    },
)
