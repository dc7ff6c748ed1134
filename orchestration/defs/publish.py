"""The published marts: once every gate passed, the audited marts become a new published file."""

import json
from collections.abc import Iterator

import dagster as dg

from orchestration import run_lock
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


def gate_results(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """Every asset check (dbt test or quality gate) the run evaluated: "asset:check" -> passed/failed."""
    results = {}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        name = "/".join(evaluation.asset_key.path) + ":" + evaluation.check_name
        results[name] = "passed" if evaluation.passed else "failed"
    return results


def input_files(con, run_id: str) -> list[dict]:
    """The export files the run read, from the load ledger of the working file."""
    try:
        rows = con.execute(
            "select file, source, object, status, rows_loaded from ingest.load_ledger where load_id = ? "
            "order by file_order", [run_id]).fetchall()
    except Exception:  # an ingest-less warehouse (tests that build dbt only) has no ledger
        return []
    return [dict(zip(("file", "source", "object", "status", "rows_loaded"), row)) for row in rows]


@dg.multi_asset(
    specs=[_spec(*mart) for mart in audited_marts()],
    name="published_marts",
    pool=WAREHOUSE_POOL,
    description="Publish the audited marts: a new DuckDB file with schema `marts` put in place of the one BI "
                "tools read, atomically (orchestration/publish.py).",
)
def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    published = warehouse.published_path()
    run_lock.set_phase(published, "publish")
    with warehouse.connect() as con:
        result = publish(con, published, run_id=context.run_id, input_files=input_files(con, context.run_id),
                         gate_results=gate_results(context.instance, context.run_id))
    context.log.info(f"published {len(result.rows)} marts as publish {result.publish_id} to {published} "
                     f"in {result.seconds:.2f}s")
    for name, count in result.rows.items():
        yield dg.MaterializeResult(
            asset_key=[PUBLISHED_SCHEMA, name],
            metadata={
                "rows": count,
                "publish_id": result.publish_id,
                "published_path": str(published),
                "publish_seconds": round(result.seconds, 3),
                "mart_rows": dg.MetadataValue.json(json.loads(json.dumps(result.rows))),
            },
        )


defs = dg.Definitions(assets=[published_marts])
