"""Run the Dagster pipeline job in-process and say, in plain words, what happened.

The CLI (`smarketing run`, `smarketing ingest`, `smarketing demo`) and the tests call this; it runs
the same job the daily schedule and the export-drop sensor start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings
from orchestration.gate_warm_up import gates_run_in_this_process


@dataclass
class PipelineOutcome:
    success: bool
    warehouse: Path
    failures: list[str] = field(default_factory=list)
    ingest_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set (as `make ui` does) runs land in the instance the UI shows.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def run_pipeline(
    exports: Path, warehouse: Path, *, ingest_only: bool = False, log_level: str = "WARNING",
    full_refresh: bool = False,
) -> PipelineOutcome:
    """Ingest the drop at ``exports`` into ``warehouse`` and (unless ingest_only) build every model.

    The paths reach the run as its resources, with the drop planned once, here: the plan's notes
    are printed and every ingest step loads the files it lists.
    """
    exports_root, warehouse_file = settings.exports_dir(exports), settings.warehouse_path(warehouse)
    if not exports_root.is_dir():
        return PipelineOutcome(False, warehouse_file, [f"export folder {exports_root} does not exist"])

    from ingest import loader
    from orchestration.dbt_project import prepare_dbt_project

    prepare_dbt_project(only_if_stale=True)  # before the definitions load: they are built from its manifest

    from orchestration.definitions import build_defs
    from orchestration.defs.automation import PIPELINE_JOB_NAME
    from orchestration.resources import ExportsResource, WarehouseResource

    plan = loader.plan_drop(exports_root)
    defs = build_defs({
        "exports": ExportsResource(path=str(exports_root)),
        "warehouse": WarehouseResource(path=str(warehouse_file)),
        "drop_plan": plan,
    })
    job = defs.resolve_job_def(PIPELINE_JOB_NAME)
    selection = None
    if ingest_only:
        selection = [key for key in defs.resolve_all_asset_keys() if key.path[0].startswith("raw_")]
    # An ingest-only run has no dbt step, so nothing warms up.
    with gates_run_in_this_process(), _instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            asset_selection=selection,
            run_config=pipeline_run_config(log_level, full_refresh=full_refresh and not ingest_only),
        )

    outcome = PipelineOutcome(success=result.success, warehouse=warehouse_file)
    outcome.notes = plan.notes()
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            if error and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # reported below, with the check's own explanation
            message = error.message.strip() if error else "step failed"
            outcome.failures.append(f"step {event.step_key} failed: {message}")
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
            name = "/".join(evaluation.asset_key.path) + ":" + evaluation.check_name
            detail = evaluation.description or ""
            outcome.failures.append(f"quality gate {name} failed" + (f": {detail}" if detail else ""))
    if outcome.warehouse.exists():
        outcome.ingest_lines = ingest_report_lines(outcome.warehouse, load_id=result.run_id)
    return outcome


def pipeline_run_config(log_level: str, *, full_refresh: bool = False) -> dict:
    """The pipeline job's run config: console log level, and dbt's full refresh when asked for."""
    config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if full_refresh:
        config["ops"] = {"smarketing_dbt_assets": {"config": {"full_refresh": True}}}
    return config


def ingest_report_lines(warehouse: Path, load_id: str) -> list[str]:
    from ingest import loader

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return loader.ledger_lines(con, load_id)


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
