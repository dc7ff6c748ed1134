"""Run the Dagster pipeline job in-process and say, in plain words, what happened.

The CLI (`smarketing run`, `smarketing ingest`, `smarketing demo`) and the tests call this; it runs
the same job the daily schedule and the export-drop sensor start. What the run did is read from
its own structured events (one observation per ingested file, the dbt tests and gates as check
evaluations, the published marts as materializations), never from the warehouse while another
process may be writing it; orchestration/verdict.py turns that into the exit code and summary.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb

from orchestration import settings
from orchestration.gate_warm_up import gates_run_in_this_process

if TYPE_CHECKING:
    from orchestration.progress import RunProgress
    from orchestration.run_record import RunRecorder

# A run tag the dbt step reads: "quiet" keeps dbt's own log off the console (dbt still writes
# dbt.log in its target folder). Runs started from the UI carry no tag, so the step's captured
# stdout shows dbt's log there.
DBT_LOG_TAG = "smarketing/dbt_log"


@dataclass(frozen=True)
class FileOutcome:
    """One file of the drop, as its ingest step observed it (ingest.loader statuses)."""

    file: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    line: str
    # Cell-level values that did not parse: the records loaded with them empty.
    values_emptied: int = 0


@dataclass
class PipelineOutcome:
    success: bool
    warehouse: Path
    failures: list[str] = field(default_factory=list)
    ingest_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the run did, from its events (orchestration/verdict.py reads these).
    ingest_only: bool = False
    run_id: str | None = None
    planned_files: int | None = None
    files: list[FileOutcome] = field(default_factory=list)
    dbt_tests_passed: int = 0
    dbt_tests_failed: int = 0
    dbt_tests_warned: int = 0
    dbt_tests_expected: int = 0
    gates_passed: int = 0
    gates_failed: int = 0
    gates_expected: int = 0
    published: bool = False
    published_to: str | None = None
    publish_id: str | None = None
    environment_problem: str | None = None
    # The funnel report written after the publish (orchestration/defs/report.py), or why it was not.
    report_path: str | None = None
    report_warning: str | None = None

    def files_with(self, status: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    @property
    def values_emptied(self) -> int:
        return sum(f.values_emptied for f in self.files)

    @property
    def no_usable_input(self) -> bool:
        """Nothing in the drop ingest recognises, or every file in it refused."""
        if self.planned_files == 0:
            return True
        return bool(self.files) and all(f.status == "refused" for f in self.files)

    @property
    def exit_code(self) -> int:
        from orchestration.verdict import exit_code

        return int(exit_code(self))


@dataclass(frozen=True)
class RunSteps:
    """Which step of the pipeline job belongs to which phase, and how many checks each phase runs."""

    ingest: frozenset[str]
    dbt: str
    gates: frozenset[str]
    publish: str
    report: str
    dbt_assets: int
    dbt_tests: int
    gate_checks: frozenset[dg.AssetCheckKey]

    def phase(self, step_key: str | None) -> str | None:
        if step_key in self.ingest:
            return "ingest"
        if step_key == self.dbt:
            return "dbt"
        if step_key in self.gates:
            return "gates"
        if step_key == self.publish:
            return "publish"
        if step_key == self.report:
            return "report"
        return None


def run_steps() -> RunSteps:
    from orchestration.defs import checks, dbt, ingest, publish, report

    return RunSteps(
        ingest=frozenset(a.op.name for a in ingest.ingest_assets),
        dbt=dbt.smarketing_dbt_assets.op.name,
        gates=frozenset(c.node_def.name for c in checks.quality_gates),
        publish=publish.published_marts.op.name,
        report=report.funnel_report.op.name,
        dbt_assets=len(dbt.smarketing_dbt_assets.keys),
        dbt_tests=len(list(dbt.smarketing_dbt_assets.check_keys)),
        gate_checks=frozenset(k for c in checks.quality_gates for k in c.check_keys),
    )


def file_outcome(metadata: dict[str, Any]) -> FileOutcome | None:
    """The file an ingest step's observation describes; None for any other observation."""
    values = {k: getattr(v, "value", v) for k, v in metadata.items()}
    if "status" not in values or "file" not in values:
        return None
    return FileOutcome(
        file=str(values["file"]), status=str(values["status"]), rows_read=int(values.get("rows_read", 0)),
        rows_loaded=int(values.get("rows_loaded", 0)), rows_quarantined=int(values.get("rows_quarantined", 0)),
        line=str(values.get("report", values["file"])), values_emptied=int(values.get("cells_quarantined", 0)),
    )


def is_published_mart(key: dg.AssetKey | None) -> bool:
    from orchestration.publish import PUBLISHED_SCHEMA

    return key is not None and len(key.path) == 2 and key.path[0] == PUBLISHED_SCHEMA


def _report_key() -> dg.AssetKey:
    from orchestration.defs.report import REPORT_KEY

    return REPORT_KEY


def _error_chain(error) -> Iterable:
    seen = 0
    while error is not None and seen < 5:
        yield error
        error = error.cause or error.context
        seen += 1


def failure_message(error) -> str:
    """The user-facing message of a step failure: a dg.Failure's description, else the error's first line."""
    message = (error.message or "").strip() if error else ""
    for prefix in ("dagster._core.definitions.events.Failure: ", "Failure: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message or "step failed"


def collect_outcome(outcome: PipelineOutcome, events: Iterable[dg.DagsterEvent], steps: RunSteps) -> None:
    """Fill ``outcome`` from a finished run's events."""
    from orchestration.verdict import environment_problem

    failures: list[str] = []
    for event in events:
        if event.is_asset_observation and steps.phase(event.step_key) == "ingest":
            observed = file_outcome(dict(event.asset_observation_data.asset_observation.metadata))
            if observed:
                outcome.files.append(observed)
        elif event.is_step_materialization and is_published_mart(event.asset_key):
            outcome.published = True
            published = event.step_materialization_data.materialization.metadata
            metadata = {k: getattr(v, "value", v) for k, v in published.items()}
            if "publish_id" in metadata and not outcome.publish_id:
                outcome.publish_id = str(metadata["publish_id"])
            for key in ("published_path", "path"):
                if key in metadata and not outcome.published_to:
                    outcome.published_to = str(metadata[key])
        elif event.is_step_materialization and event.asset_key == _report_key():
            metadata = {k: getattr(v, "value", v) for k, v in
                        event.step_materialization_data.materialization.metadata.items()}
            if metadata.get("written"):
                outcome.report_path = str(metadata.get("path"))
            else:
                outcome.report_warning = str(metadata.get("warning") or "the report was not written")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            key = dg.AssetCheckKey(evaluation.asset_key, evaluation.check_name)
            if key in steps.gate_checks:
                if evaluation.passed:
                    outcome.gates_passed += 1
                else:
                    outcome.gates_failed += 1
            elif event.step_key == steps.dbt:
                if evaluation.passed:
                    outcome.dbt_tests_passed += 1
                elif evaluation.severity == dg.AssetCheckSeverity.WARN:
                    outcome.dbt_tests_warned += 1
                else:
                    outcome.dbt_tests_failed += 1
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                name = "/".join(evaluation.asset_key.path) + ":" + evaluation.check_name
                detail = evaluation.description or ""
                failures.append(f"quality gate {name} failed" + (f": {detail}" if detail else ""))
        elif event.is_step_failure:
            error = event.step_failure_data.error
            if error and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # reported with the check's own explanation
            for link in _error_chain(error):
                problem = environment_problem(link.cls_name or "", link.message or "")
                if problem:
                    outcome.environment_problem = outcome.environment_problem or problem
                    break
            failures.append(f"step {event.step_key} failed: {failure_message(error)}")
    # Every ingest step fails with the same message on an unusable drop: say it once.
    outcome.failures = _dedup_by_message(failures)
    outcome.ingest_lines = [f.line for f in outcome.files]


def _dedup_by_message(failures: list[str]) -> list[str]:
    seen, kept = set(), []
    for failure in failures:
        message = failure.split(" failed: ", 1)[-1] if failure.startswith("step ") else failure
        if message not in seen:
            seen.add(message)
            kept.append(failure)
    return kept


def _instance(instance: dg.DagsterInstance | None) -> dg.DagsterInstance:
    if instance is not None:
        return instance
    # With DAGSTER_HOME set (as `make ui` does) runs land in the instance the UI shows.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def run_pipeline(
    exports: Path | None,
    warehouse: Path,
    *,
    ingest_only: bool = False,
    rebuild_only: bool = False,
    log_level: str = "WARNING",
    instance: dg.DagsterInstance | None = None,
    progress: RunProgress | None = None,
    dbt_log: bool = True,
    tags: dict[str, str] | None = None,
    record_in: dg.DagsterInstance | None = None,
    full_refresh: bool = False,
) -> PipelineOutcome:
    """Ingest the drop at ``exports`` into ``warehouse`` and (unless ingest_only) build every model.

    The paths reach the run as its resources, with the drop planned once, here: the plan's notes
    are printed and every ingest step loads the files it lists. ``instance`` records the run (default:
    DAGSTER_HOME's instance when set, else an ephemeral one); ``progress`` receives every event as it
    happens; ``dbt_log=False`` keeps dbt's own log off stdout. With ``record_in`` the run executes on an
    in-memory instance and is then recorded in ``record_in`` (orchestration/run_record.py says why).
    The run holds the warehouse's run lock throughout; ``orchestration.run_lock.WarehouseBusy`` (one
    line naming the running one) is raised at once when another run holds it. ``rebuild_only`` builds,
    checks and publishes what is already loaded, reading no export (``smarketing forget`` does).
    """
    exports_root, warehouse_file = settings.exports_dir(exports), settings.warehouse_path(warehouse)
    if not rebuild_only and not exports_root.is_dir():
        what = "is not a folder" if exports_root.exists() else "does not exist"
        problem = (f"the export folder {exports_root} {what}; put the export files there, or name the folder with "
                   f"--exports or ${settings.EXPORTS_ENV}")
        return PipelineOutcome(False, warehouse_file, [f"export folder {exports_root} {what}"],
                               ingest_only=ingest_only, environment_problem=problem)

    from orchestration import run_lock

    # One run at a time per warehouse: a second one raises WarehouseBusy here, before any work.
    with run_lock.hold(warehouse_file):
        return _run_locked(exports_root, warehouse_file, ingest_only=ingest_only, rebuild_only=rebuild_only,
                           log_level=log_level,
                           instance=instance, progress=progress, dbt_log=dbt_log, tags=tags, record_in=record_in,
                           full_refresh=full_refresh and not ingest_only)


def _run_locked(
    exports_root: Path,
    warehouse_file: Path,
    *,
    ingest_only: bool,
    rebuild_only: bool = False,
    log_level: str,
    instance: dg.DagsterInstance | None,
    progress: RunProgress | None,
    dbt_log: bool,
    tags: dict[str, str] | None,
    record_in: dg.DagsterInstance | None,
    full_refresh: bool,
) -> PipelineOutcome:
    from ingest import loader
    from orchestration.dbt_project import prepare_dbt_project

    if progress is not None:
        from orchestration.dbt_project import dbt_project, manifest_is_stale

        if manifest_is_stale(dbt_project()):
            progress.line("prepare", "dbt files changed: parsing the dbt project (20-40 s here) ...")
    prepare_dbt_project(only_if_stale=True)  # before the definitions load: they are built from its manifest

    from orchestration.publish import start_of_run

    start_of_run(warehouse_file)

    from orchestration.definitions import build_defs
    from orchestration.defs.automation import PIPELINE_JOB_NAME
    from orchestration.resources import ExportsResource, WarehouseResource

    from ingest.discovery import DropPlan

    plan = DropPlan(exports_dir=exports_root) if rebuild_only else loader.plan_drop(exports_root)
    steps = run_steps()
    planned = sum(len(files) for files in plan.files.values())
    defs = build_defs({
        "exports": ExportsResource(path=str(exports_root)),
        "warehouse": WarehouseResource(path=str(warehouse_file)),
        "drop_plan": plan,
    })
    loggers: dict[str, Any] = {"console": {"config": {"log_level": log_level}}}
    if progress is not None:
        defs = dg.Definitions.merge(defs, dg.Definitions(loggers={"smarketing_progress": progress.logger_def()}))
        loggers = {"smarketing_progress": {}}
        progress.begin(steps, drop=exports_root, planned_files=planned, notes=plan.notes(), ingest_only=ingest_only)
    job = defs.resolve_job_def(PIPELINE_JOB_NAME)
    selection = None
    if ingest_only:
        selection = [key for key in defs.resolve_all_asset_keys() if key.path[0].startswith("raw_")]
    elif rebuild_only:
        selection = [key for key in defs.resolve_asset_graph().materializable_asset_keys
                     if not key.path[0].startswith("raw_")]
    run_tags = dict(tags or {})
    if not dbt_log:
        run_tags[DBT_LOG_TAG] = "quiet"
    # An ingest-only run has no dbt step, so nothing warms up.
    execute_on = dg.DagsterInstance.ephemeral() if record_in is not None else _instance(instance)
    with gates_run_in_this_process(), execute_on as run_instance:
        recorder = _recorder(run_instance, record_in, steps) if record_in is not None else None
        try:
            result = job.execute_in_process(
                instance=run_instance,
                raise_on_error=False,
                asset_selection=selection,
                run_config=pipeline_run_config(loggers=loggers, full_refresh=full_refresh),
                tags=run_tags,
            )
        finally:  # an interrupted run is recorded too, as far as it got
            if recorder is not None:
                _finish_record(recorder, progress)

    outcome = PipelineOutcome(success=result.success, warehouse=warehouse_file, ingest_only=ingest_only,
                              run_id=result.run_id, planned_files=planned, notes=[] if rebuild_only else plan.notes(),
                              dbt_tests_expected=0 if ingest_only else steps.dbt_tests,
                              gates_expected=0 if ingest_only else len(steps.gate_checks))
    collect_outcome(outcome, result.all_events, steps)
    return outcome


def pipeline_run_config(log_level: str = "WARNING", *, full_refresh: bool = False,
                        loggers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The pipeline job's run config: its loggers (default: the console at ``log_level``), and dbt's
    full refresh when asked for."""
    config: dict[str, Any] = {"loggers": loggers or {"console": {"config": {"log_level": log_level}}}}
    if full_refresh:
        config["ops"] = {"smarketing_dbt_assets": {"config": {"full_refresh": True}}}
    return config


def _recorder(source: dg.DagsterInstance, target: dg.DagsterInstance, steps: RunSteps) -> RunRecorder:
    """Starts streaming the run about to execute on ``source`` into ``target`` (run_record.py)."""
    from orchestration.run_record import RunRecorder, worth_recording

    def keep(entry: dg.EventLogEntry) -> bool:
        return worth_recording(entry, always=lambda event: event.step_key in steps.gates)

    return RunRecorder(source, target, keep).start()


def _finish_record(recorder: RunRecorder, progress: RunProgress | None) -> None:
    """Copies what the run added since the recorder's last pass; one `record` line says where to."""
    import time

    target = recorder.target
    started = time.perf_counter()
    try:
        copied = recorder.finish()
        if recorder.run_id is None:  # the run never started: nothing to record
            return
        text = f"run {recorder.run_id} ({copied} events) in the Dagster instance at {target.root_directory}"
    except Exception as exc:  # the run itself is done (maybe published): failing to record it is only a note
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        text = f"failed: the run could not be recorded in the Dagster instance at {target.root_directory}: {first}"
        logging.getLogger(__name__).warning(text, exc_info=progress is None)
    if progress is not None:
        progress.end_phase()
        progress.line("record", text, time.perf_counter() - started)


def funnel_summary(warehouse: Path) -> str:
    """A short table of people per governed stage, opportunities and won revenue."""
    from orchestration.funnel_definitions import FUNNEL_STAGES, load_definitions

    currency = load_definitions()["reporting"]["currency"]
    stage_counts = ", ".join(f"count(became_{stage}_at)" for stage in FUNNEL_STAGES)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = con.execute(f"select count(*), {stage_counts} from marts.fct_funnel").fetchall()[0]
        opps, won, won_revenue = con.execute(
            "select count(*), count(*) filter (where is_won), "
            "coalesce(sum(amount_reporting) filter (where is_won), 0) from marts.fct_opportunities"
        ).fetchall()[0]
    people, *per_stage = counts
    lines = [f"Funnel ({people} people)"]
    previous = None
    for stage, count in zip(FUNNEL_STAGES, per_stage):
        rate = f"  ({count / previous:.1%} of previous stage)" if previous else ""
        lines.append(f"  {stage:<12} {count:>7}{rate}")
        previous = count
    lines.append(f"Opportunities: {opps}, won: {won}, won revenue: {won_revenue:,.2f} {currency}")
    return "\n".join(lines)
