"""The published marts: audited marts copied to the ``marts`` schema once every gate passed."""

from collections.abc import Iterator

import dagster as dg

from orchestration.publish import PUBLISHED_SCHEMA, audited_marts, publish
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

PUBLISH_GROUP = "published"


def _spec(schema: str, name: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=[PUBLISHED_SCHEMA, name],
        deps=[dg.AssetKey([schema, name])],
        group_name=PUBLISH_GROUP,
        description=f"Published copy of {schema}.{name}, written only after every gate passed. {description}".strip(),
        kinds={"duckdb"},
    )


@dg.multi_asset(
    specs=[_spec(*mart) for mart in audited_marts()],
    name="published_marts",
    pool=WAREHOUSE_POOL,
    description="Publish the audited marts to the `marts` schema BI tools read, in one transaction.",
)
def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    with warehouse.connect() as con:
        rows = publish(con)
    context.log.info(f"published {len(rows)} marts to schema {PUBLISHED_SCHEMA}")
    for name, count in rows.items():
        yield dg.MaterializeResult(asset_key=[PUBLISHED_SCHEMA, name], metadata={"rows": count})


defs = dg.Definitions(assets=[published_marts])
