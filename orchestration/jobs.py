"""The pipeline job, its daily schedule and the export-drop sensor."""

from __future__ import annotations

import hashlib

import dagster as dg

from ingest.contracts import SOURCES
from orchestration.resources import ExportsResource

PIPELINE_JOB_NAME = "smarketing_pipeline"

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
    """A fingerprint of the files in the source folders (name, size, mtime); None when empty."""
    root = exports.resolved_path()
    entries = []
    for source in SOURCES:
        folder = root / source
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.is_symlink():
                stat = path.stat()
                entries.append(f"{source}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
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
