"""Dagster definitions for Smarketing Warehouse: `dagster dev -m orchestration.definitions`.

Each concern contributes its own definitions (orchestration/defs/); the resources every concern
shares are bound here. Loading needs the prepared dbt manifest (`smarketing prepare`).
"""

import dagster as dg

from orchestration.defs import automation, checks, dbt, ingest, publish, what_if
from orchestration.resources import ExportsResource, WarehouseResource, drop_plan_resource

defs = dg.Definitions.merge(
    ingest.defs,
    dbt.defs,
    checks.defs,
    publish.defs,
    automation.defs,
    what_if.defs,
    dg.Definitions(
        resources={
            "warehouse": WarehouseResource(),
            "exports": ExportsResource(),
            "drop_plan": drop_plan_resource,
        }
    ),
)
