"""The pipeline job, its daily schedule and the export-drop sensor; the what-if job."""

# No `from __future__ import annotations`: Dagster reads the op's config class from its annotation.
import datetime as dt
import hashlib

import dagster as dg
from pydantic import Field

from ingest import loader
from ingest.contracts import SOURCES
from ingest.source_settings import SETTINGS_FILE
from orchestration.resources import WAREHOUSE_POOL, ExportsResource, WarehouseResource

PIPELINE_JOB_NAME = "smarketing_pipeline"
WHAT_IF_JOB_NAME = "smarketing_what_if"

smarketing_pipeline = dg.define_asset_job(
    name=PIPELINE_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Export drop -> raw tables -> staging -> intermediate -> marts, with every quality gate.",
    executor_def=dg.in_process_executor,
)

daily_pipeline_schedule = dg.ScheduleDefinition(
    name="smarketing_daily",
    job=smarketing_pipeline,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild the funnel every morning from whatever the export folder holds.",
)


def drop_fingerprint(exports: ExportsResource) -> str | None:
    """A fingerprint of what ingest would read from the drop (path, size, mtime); None when empty.

    Derived from the discovery plan itself, so it covers exactly the files a run would load, at any
    depth (``salesforce/2026-11-08/Lead.csv``), the files it would report as not loaded inside the
    source folders, and each source's settings file, which decides how files are recognised.
    Anything outside the source folders is not part of the drop and never starts a run.
    """
    root = exports.resolved_path()
    plan = loader.plan_drop(root)
    paths = {path for files in plan.files.values() for path in files}
    paths |= {root / u.path for u in plan.unrecognised if u.path.split("/", 1)[0] in SOURCES}
    paths |= {root / source / SETTINGS_FILE for source in SOURCES if source not in plan.absent_sources}
    entries = []
    for path in sorted(paths):
        try:
            stat = path.lstat()
        except OSError:
            continue
        entries.append(f"{path.relative_to(root).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}")
    if not entries:
        return None
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


@dg.sensor(
    name="export_drop_sensor",
    job=smarketing_pipeline,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the pipeline when files land in (or change in) the export drop folder.",
)
def export_drop_sensor(context: dg.SensorEvaluationContext, exports: ExportsResource):
    fingerprint = drop_fingerprint(exports)
    if fingerprint is None or fingerprint == context.cursor:
        return dg.SkipReason(f"no new export files in {exports.resolved_path()}")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)


class WhatIfConfig(dg.Config):
    proposed_file: str = Field(
        description="Path of the proposed definitions file (same format as the governed one)."
    )
    as_of: str | None = Field(
        default=None,
        description="Evaluate the version in force on this date (YYYY-MM-DD); default today, or the file's "
                    "latest effective_from when later.",
    )


@dg.op(
    pool=WAREHOUSE_POOL,
    description="Rebuild the funnel on a scratch copy of the warehouse with the proposed definitions and store "
                "the comparison with the published funnel in whatif.comparison.",
)
def evaluate_proposed_definitions(
    context: dg.OpExecutionContext, config: WhatIfConfig, warehouse: WarehouseResource
) -> dg.Output[str]:
    from orchestration.funnel_definitions import DefinitionsError
    from orchestration.what_if import COMPARISON_TABLE, WhatIfError, run_what_if

    try:
        as_of = dt.date.fromisoformat(config.as_of) if config.as_of else None
        result = run_what_if(config.proposed_file, warehouse.resolved_path(), run_id=context.run_id,
                             as_of=as_of, log=context.log.info)
    except DefinitionsError as exc:
        raise dg.Failure(description=f"the proposed definitions are invalid: {exc}") from None
    except (WhatIfError, ValueError) as exc:
        raise dg.Failure(description=str(exc)) from None
    report = result.report()
    context.log.info("\n" + report)
    total = result.rows_for("total")[0]
    return dg.Output(
        report,
        metadata={
            "comparison_table": COMPARISON_TABLE,
            "proposed_file": str(result.proposed_file),
            "proposed_file_sha256": result.proposed_sha256,
            "proposed_version": result.proposed_version,
            "current_version": result.current_version,
            "mqls_delta": int(total["mqls_delta"]),
            "sqls_delta": int(total["sqls_delta"]),
            "report": dg.MetadataValue.md(f"```\n{report}\n```"),
        },
    )


@dg.job(
    name=WHAT_IF_JOB_NAME,
    description="What-if: how a proposed definitions file would change MQLs, SQLs and MQL->SQL conversion by "
                "month, channel, source and region. Publishes nothing; stores the comparison in "
                "whatif.comparison.",
    executor_def=dg.in_process_executor,
)
def smarketing_what_if():
    evaluate_proposed_definitions()
