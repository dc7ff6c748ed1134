"""Ingest assets: export files in the drop folder -> raw tables in DuckDB.

One external asset per export object (the files a vendor writes, which Dagster observes but does
not produce) and one raw-table asset per object, grouped by source system. The loading itself is
``ingest.loader``: plain functions, testable without Dagster. Every step reads the run's one drop
plan (the ``drop_plan`` resource).
"""


from collections.abc import Iterator

import dagster as dg

from ingest import loader
from ingest.contracts import CONTRACTS, SOURCES, Contract, contracts_for
from ingest.discovery import DropPlan
from orchestration import person_keys
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource
from orchestration.verdict import NO_USABLE_INPUT


def export_key(contract: Contract) -> dg.AssetKey:
    return dg.AssetKey(["exports", contract.source, contract.object])


def raw_key(contract: Contract) -> dg.AssetKey:
    return dg.AssetKey([contract.schema, contract.table])


export_file_specs = [
    dg.AssetSpec(
        key=export_key(contract),
        description=(
            f"{contract.source} export files for {contract.object}, recognised by name: "
            + ", ".join(contract.file_patterns)
        ),
        group_name="exports",
        kinds={"csv", contract.source},
        metadata={"folder": contract.source, "file_patterns": ", ".join(contract.file_patterns)},
    )
    for contract in CONTRACTS
]


def _raw_spec(contract: Contract) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=raw_key(contract),
        deps=[export_key(contract)],
        description=contract.description
        or f"Every loaded row version of {contract.source} {contract.object}, typed by its contract.",
        group_name=f"raw_{contract.source}",
        kinds={"duckdb"},
        metadata={
            "primary_key": ", ".join(contract.primary_key),
            "required_columns": ", ".join(c.name for c in contract.columns if c.required),
        },
        skippable=True,
    )


def file_metadata(result: loader.FileResult, line: str) -> dict[str, str | int]:
    """What one file's observation carries (``line``: the file's report line, as the CLI prints it and
    the Dagster UI shows it); orchestration/pipeline.py reads it back into the run's verdict."""
    return {
        "file": result.file,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "cells_quarantined": result.cells_quarantined,
        "rows_suppressed": result.rows_suppressed,
        "report": line,
    }


def unusable_drop(plan: DropPlan) -> str | None:
    """Why the drop holds nothing to load (folder missing, empty, or no file ingest recognises); else None.

    Every ingest step fails with this message, so a run from the UI, the schedule or the sensor stops
    before anything is built or published, as `smarketing run` does (exit 4).
    """
    if any(plan.files.values()):
        return None
    folder = plan.exports_dir
    if not folder.is_dir():
        reason = f"the export folder {folder} does not exist"
    elif plan.unrecognised:
        shown = "; ".join(u.describe() for u in plan.unrecognised[:3])
        more = f" (and {len(plan.unrecognised) - 3} more)" if len(plan.unrecognised) > 3 else ""
        reason = f"no file in {folder} is an export ingest recognises: {shown}{more}"
    else:
        reason = f"the export folder {folder} holds no export files"
    return f"{NO_USABLE_INPUT}: {reason}; nothing was loaded or published"


def _build_source_assets(source: str) -> dg.AssetsDefinition:
    contracts = contracts_for(source)

    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[_raw_spec(c) for c in contracts],
        can_subset=True,
        pool=WAREHOUSE_POOL,
    )
    def _ingest(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, drop_plan: dg.ResourceParam[DropPlan]
    ) -> Iterator[dg.MaterializeResult]:
        plan, exports_root = drop_plan, drop_plan.exports_dir
        unusable = unusable_drop(plan)
        if unusable:
            raise dg.Failure(description=unusable)
        with warehouse.connect() as con:
            # The secret's pads let the loader match records against the suppression list.
            person_keys.write_warehouse_pads(con, warehouse.published_path(), context.log.warning)
            loader.ensure_warehouse(con)
            for contract in contracts:
                if raw_key(contract) not in context.selected_asset_keys:
                    continue
                files = plan.files_for(contract)
                results, lines = [], []
                for path in files:  # file by file, so progress is reported as each one is loaded
                    (result,) = loader.load_files(con, contract, [path], exports_root, context.run.run_id)
                    line = loader.describe_result(result)
                    results.append(result)
                    lines.append(line)
                    (context.log.warning if result.status == "refused" else context.log.info)(line)
                    context.log_event(dg.AssetObservation(asset_key=raw_key(contract),
                                                          metadata=file_metadata(result, line)))
                table_rows = con.execute(
                    f"select count(*) from {contract.schema}.{contract.table}"  # names from contracts
                ).fetchall()[0][0]
                yield dg.MaterializeResult(
                    asset_key=raw_key(contract),
                    metadata={
                        "files": len(files),
                        "rows_read": sum(r.rows_read for r in results),
                        "rows_loaded": sum(r.rows_loaded for r in results),
                        "rows_quarantined": sum(r.rows_quarantined for r in results),
                        "values_emptied": sum(r.cells_quarantined for r in results),
                        "rows_suppressed": sum(r.rows_suppressed for r in results),
                        "files_refused": sum(r.status == "refused" for r in results),
                        "table_rows": table_rows,
                        "files_report": dg.MetadataValue.md(
                            "\n".join(f"- {line}" for line in lines) or "_no files for this object in the drop_"
                        ),
                    },
                )

    return _ingest


ingest_assets = [_build_source_assets(source) for source in SOURCES]

defs = dg.Definitions(assets=[*export_file_specs, *ingest_assets])
