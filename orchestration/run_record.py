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

The copy streams: a thread copies each second what the run has added (RunRecorder), so the record is
written while dbt builds, the UI shows the run under way, and what is left when the run ends is a
few events (a 100-person run spent 2.7-5.4 s copying 230 events after it ended).
"""

from __future__ import annotations

import logging
import os
import threading
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


class RunRecorder:
    """Copies the run executing on ``source`` (an in-memory instance holding that one run) into
    ``target`` as it goes: the run and its snapshots once it exists, then, every ``interval`` seconds,
    the events ``keep`` accepts, in order (so the run's status and times follow them). ``finish``
    copies what is left and returns the number of events copied."""

    def __init__(self, source: dg.DagsterInstance, target: dg.DagsterInstance,
                 keep: Callable[[dg.EventLogEntry], bool] = worth_recording, interval: float = 1.0) -> None:
        self.source, self.target, self.keep, self.interval = source, target, keep, interval
        self.run_id: str | None = None
        self.copied = 0
        self._cursor: str | None = None
        self._skip = False  # the target already holds this run: leave it as it is
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="smarketing-run-recorder", daemon=True)

    def start(self) -> RunRecorder:
        self._thread.start()
        return self

    def finish(self) -> int:
        """Stop streaming, copy the rest, and return the events copied; raises what a copy raised."""
        self._stop.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._copy_new()
        return self.copied

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._copy_new()
            except Exception as exc:  # finish() reports it; the run goes on
                self._error = exc
                return

    def _copy_new(self) -> None:
        # One caller at a time: the thread, then finish() once the thread has ended.
        if self.run_id is None and not self._start_run():
            return
        if self._skip:
            return
        while True:
            batch = self.source.get_records_for_run(self.run_id, cursor=self._cursor, limit=500)
            for record in batch.records:
                if self.keep(record.event_log_entry):
                    self.target.handle_new_event(record.event_log_entry)
                    self.copied += 1
            if batch.records:
                self._cursor = batch.cursor
            if not batch.has_more:
                return

    def _start_run(self) -> bool:
        runs = self.source.get_runs(limit=1)
        if not runs:
            return False
        run = runs[0]
        self.run_id = run.run_id
        if self.target.has_run(run.run_id):
            self._skip = True
            return True
        if run.job_snapshot_id and not self.target.has_snapshot(run.job_snapshot_id):
            self.target.add_snapshot(self.source.get_job_snapshot(run.job_snapshot_id))
        if run.execution_plan_snapshot_id and not self.target.has_snapshot(run.execution_plan_snapshot_id):
            self.target.add_snapshot(self.source.get_execution_plan_snapshot(run.execution_plan_snapshot_id))
        self.target.add_run(run)
        return True
