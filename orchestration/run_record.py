"""Where `smarketing run` records its runs: the Dagster instance `make ui` shows.

That is ``$DAGSTER_HOME`` when set, else the repository root (what `make ui` sets, where
dagster.yaml lives).

Recording costs. Executed directly on the persistent instance, a 300-person demo run stored 1,320
events in SQLite one transaction each (a "planned" event per asset and per dbt test before the
first step starts, then every output, input and log line): 107-125 s against 36-49 s on an
in-memory instance, 50-59 s with the compact record below, on the shared 2-core build machine
(December 2026, load 8-11; the README's "The Dagster UI" has the table). So a CLI run executes on
an in-memory instance and, when it ends, copies into the persistent one the run, its snapshots and
the events the UI tells the story with: run and step events, materializations, the ingest
observations, failed checks, the quality gates, warnings and errors. It leaves out the planned
events, the step input/output bookkeeping, passed dbt tests (the summary counts them) and info
logs. A run's record stays readable in the UI (status, duration, steps, failures, assets it
materialized) for a fraction of the cost.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from orchestration import settings

_BOOKKEEPING = {
    dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    dg.DagsterEventType.STEP_OUTPUT,
    dg.DagsterEventType.HANDLED_OUTPUT,
    dg.DagsterEventType.LOADED_INPUT,
    dg.DagsterEventType.STEP_INPUT,
}


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or settings.REPO_ROOT).expanduser().resolve()


def recorded_instance() -> dg.DagsterInstance:
    """The persistent instance CLI runs are recorded in (the one `make ui` shows)."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.from_config(str(home))


def worth_recording(entry: dg.EventLogEntry, always: Callable[[dg.DagsterEvent], bool] = lambda _: False) -> bool:
    """Whether an event of a CLI run goes into the persistent record (see the module docstring)."""
    event = entry.dagster_event
    if event is None:
        return entry.level >= logging.WARNING
    if event.event_type in _BOOKKEEPING:
        return False
    if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        return always(event) or not event.asset_check_evaluation_data.passed
    return True


def record_run(
    source: dg.DagsterInstance, target: dg.DagsterInstance, run_id: str,
    keep: Callable[[dg.EventLogEntry], bool] = worth_recording,
) -> int:
    """Copy a finished run from ``source`` into ``target``: the run, its snapshots, the events ``keep``
    accepts (in order, so the run's status and times follow them). Returns the events copied."""
    run = source.get_run_by_id(run_id)
    if run is None or target.has_run(run_id):
        return 0
    if run.job_snapshot_id and not target.has_snapshot(run.job_snapshot_id):
        target.add_snapshot(source.get_job_snapshot(run.job_snapshot_id))
    if run.execution_plan_snapshot_id and not target.has_snapshot(run.execution_plan_snapshot_id):
        target.add_snapshot(source.get_execution_plan_snapshot(run.execution_plan_snapshot_id))
    target.add_run(run)
    copied = 0
    for entry in source.all_logs(run_id):
        if keep(entry):
            target.handle_new_event(entry)
            copied += 1
    return copied
