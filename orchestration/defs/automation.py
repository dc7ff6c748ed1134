"""The pipeline job and what starts it: the daily schedule and the export-drop sensor.

All three read the export folder by the CLI's rule (orchestration/settings.py, through the
``exports`` resource): its ``path``, else $SMARKETING_EXPORTS, else ./exports, resolved when the
run or the sensor tick happens, not when the definitions load. A run on a missing or empty folder
fails in its ingest steps with the CLI's ``no usable input`` message (orchestration/defs/ingest.py).
"""

import hashlib

import dagster as dg

from ingest import loader
from ingest.contracts import SOURCES
from ingest.source_settings import SETTINGS_FILE
from orchestration import settings
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
    folder = exports.resolved_path()
    if not folder.is_dir():
        return dg.SkipReason(f"the export folder {folder} does not exist (set the exports resource's path or "
                             f"${settings.EXPORTS_ENV})")
    fingerprint = drop_fingerprint(exports)
    if fingerprint is None or fingerprint == context.cursor:
        return dg.SkipReason(f"no new export files in {folder}")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)


defs = dg.Definitions(jobs=[smarketing_pipeline], schedules=[daily_pipeline_schedule], sensors=[export_drop_sensor])
