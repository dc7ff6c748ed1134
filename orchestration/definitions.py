"""Dagster definitions for Smarketing Warehouse: `dagster dev -m orchestration.definitions`.

Each concern contributes its own definitions (orchestration/defs/); the resources every concern
shares are bound here. Loading needs the prepared dbt manifest (`smarketing prepare`).
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg

from orchestration.defs import automation, checks, dbt, ingest, newsletter, publish, report, what_if
from orchestration.resources import ExportsResource, WarehouseResource, drop_plan_resource


def build_defs(resources: Mapping[str, Any] | None = None) -> dg.Definitions:
    """Every concern's definitions with the shared resources; ``resources`` replaces some of them
    (``smarketing run`` passes its warehouse, its export folder and the drop it planned)."""
    shared = {
        "warehouse": WarehouseResource(),
        "exports": ExportsResource(),
        "drop_plan": drop_plan_resource,
        **(resources or {}),
    }
    return dg.Definitions.merge(
        ingest.defs, dbt.defs, checks.defs, publish.defs, report.defs, newsletter.defs, automation.defs,
        what_if.defs,
        dg.Definitions(resources=shared),
    )


defs = build_defs()
