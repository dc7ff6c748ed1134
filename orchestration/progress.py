"""What a run prints while it runs: one line per phase, live progress inside the long ones.

A Dagster logger (``RunProgress.logger_def``) receives every structured event of the run as it
happens during ``execute_in_process``; this module turns them into

    drop       /path/to/exports: 26 files planned
    ingest     26 files: 25 loaded, 0 skipped, 1 refused; 12,345 rows loaded, 2 quarantined   3.1s
    dbt        89 models and seeds, 275 tests: 275 passed, 0 failed                          25.0s
    gates      5 of 5 passed                                                                   4.2s
    publish    22 marts to schema marts                                                        0.4s

and, on a terminal, a transient progress bar (ingest file n of N, dbt node n of N, gates n of N,
publish). Output goes through a rich ``Console``: colour and the live bar only when stdout is a
terminal (and NO_COLOR is unset), plain lines when it is piped or redirected.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from orchestration.pipeline import RunSteps, failure_message, file_outcome, is_published_mart

PHASES = ("ingest", "dbt", "gates", "publish")
LABEL_WIDTH = 10


def make_console() -> Console:
    """A console on this process's stdout as it is now (not as a step may redirect it later)."""
    return Console(file=sys.stdout, highlight=False, markup=False, soft_wrap=True)


@dataclass
class _Phase:
    name: str
    total: int = 0
    done: int = 0
    started: float | None = None
    last_step_end: float | None = None
    ended: float | None = None
    failed: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # What the phase's last materialization said, for phases that report one thing (the report).
    said: str = ""

    def add(self, key: str, value: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + value


class RunProgress:
    def __init__(self, console: Console | None = None, *, verbose: bool = False):
        self.console = console or make_console()
        self.verbose = verbose
        self.steps: RunSteps | None = None
        self.phases: dict[str, _Phase] = {}
        self.current: _Phase | None = None
        self.file_lines: list[str] = []
        self.notes: list[str] = []
        self._bar: Progress | None = None
        self._task = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def line(self, label: str, text: str, seconds: float | None = None, style: str | None = None) -> None:
        timing = f"  {seconds:.1f}s" if seconds is not None else ""
        self.console.print(f"{label:<{LABEL_WIDTH}} {text}{timing}", style=style)

    def begin(self, steps: RunSteps, *, drop: Path, planned_files: int, notes: list[str], ingest_only: bool) -> None:
        self.steps, self.notes = steps, notes
        self.line("drop", f"{drop}: {planned_files} files planned")
        self.phases = {
            "ingest": _Phase("ingest", total=planned_files),
            "dbt": _Phase("dbt", total=steps.dbt_assets + steps.dbt_tests),
            "gates": _Phase("gates", total=len(steps.gate_checks)),
            "publish": _Phase("publish"),
            "report": _Phase("report"),
        }
        if ingest_only:
            for name in ("dbt", "gates", "publish", "report"):
                del self.phases[name]
        if self.console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=self.console, transient=True, redirect_stdout=self.verbose,
                redirect_stderr=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None)

    def end_phase(self) -> None:
        """Print the line of the phase running now (the run ended, or something else starts)."""
        self._finish_current()

    def close(self) -> None:
        self._finish_current()
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- events ------------------------------------------------------------------------------------

    def logger_def(self) -> dg.LoggerDefinition:
        progress = self

        class _Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                try:
                    progress.handle(record)
                except Exception:  # progress must never break a run
                    logging.getLogger(__name__).debug("progress handler failed", exc_info=True)

        def _build(_init_context) -> logging.Logger:
            logger = logging.Logger("smarketing_progress", level=logging.DEBUG)
            logger.addHandler(_Handler())
            return logger

        return dg.LoggerDefinition(_build, description="Phase lines and live progress for the smarketing CLI.")

    def handle(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event: dg.DagsterEvent | None = meta.get("dagster_event")
        step_key = meta.get("step_key")
        if event is None:  # a step's own log line; the summary says what matters
            if self.verbose:
                self.console.print(meta.get("orig_message") or record.getMessage(), style="dim")
            return
        phase = self.steps.phase(step_key) if self.steps else None
        if phase is None or phase not in self.phases:
            return
        state = self.phases[phase]
        if event.is_step_start:
            if self.current is not state:
                self._finish_current()
                self.current = state
                state.started = time.monotonic()
            self._show(state)
        elif event.is_asset_observation and phase == "ingest":
            observed = file_outcome(dict(event.asset_observation_data.asset_observation.metadata))
            if observed:
                state.done += 1
                state.add(observed.status)
                state.add("rows_loaded", observed.rows_loaded)
                state.add("rows_quarantined", observed.rows_quarantined)
                self.file_lines.append(observed.line)
                self._show(state)
        elif event.is_step_materialization:
            if phase == "dbt":
                state.done += 1
                state.add("nodes")
            elif phase == "publish" and is_published_mart(event.asset_key):
                state.add("marts")
            elif phase == "report":
                metadata = {k: getattr(v, "value", v)
                            for k, v in event.step_materialization_data.materialization.metadata.items()}
                state.said = (f"funnel report of {metadata.get('month')}: {metadata.get('path')}"
                              if metadata.get("written") else f"warning: not written ({metadata.get('warning')})")
            self._show(state)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if evaluation.passed:
                outcome = "passed"
            elif evaluation.severity == dg.AssetCheckSeverity.WARN:
                outcome = "warned"
            else:
                outcome = "failed"
            state.done += 1
            state.add(outcome)
            self._show(state)
        if event.is_step_success or event.is_step_failure:
            state.last_step_end = time.monotonic()
        if event.is_step_failure:
            error = event.step_failure_data.error
            if not (error and error.cls_name == "DagsterAssetCheckFailedError"):
                message = failure_message(error)
                if message not in state.failed:
                    state.failed.append(message)

    # -- rendering ---------------------------------------------------------------------------------

    def _show(self, state: _Phase) -> None:
        if self._bar is None or self._task is None:
            return
        description = {
            "ingest": "ingest: file", "dbt": "dbt: node", "gates": "gates:", "publish": "publish",
            "report": "report",
        }[state.name]
        total = state.total or None
        self._bar.update(self._task, description=description, completed=state.done, total=total, refresh=True)

    def _finish_current(self) -> None:
        state, self.current = self.current, None
        if state is None or state.ended is not None:
            return
        state.ended = time.monotonic()
        # From its first step's start to its last step's end: not the run's own wrap-up after it.
        elapsed = (state.last_step_end or state.ended) - (state.started or state.ended)
        style = "red" if state.failed else "green"
        self.line(state.name, self.phase_text(state), elapsed, style=style)
        if state.name == "ingest":
            for text in self.file_lines:
                self.console.print(f"  {text}", style="yellow" if "REFUSED" in text else None)
            for note in self.notes:
                self.console.print(f"  note: {note}", style="dim")

    def phase_text(self, state: _Phase) -> str:
        if state.failed and not state.done:
            return "failed: " + state.failed[0]
        c = state.counts
        failed = f" (failed: {state.failed[0]})" if state.failed else ""
        if state.name == "ingest":
            loaded, skipped, refused, empty = (c.get(k, 0) for k in ("loaded", "skipped_duplicate", "refused", "empty"))
            files = f"{state.done} of {state.total} files" if state.done != state.total else f"{state.total} files"
            text = f"{files}: {loaded} loaded, {skipped} skipped, {refused} refused"
            if empty:
                text += f", {empty} empty"
            return (f"{text}; {c.get('rows_loaded', 0):,} rows loaded, {c.get('rows_quarantined', 0):,} quarantined"
                    + failed)
        if state.name == "dbt":
            tests = c.get("passed", 0) + c.get("failed", 0) + c.get("warned", 0)
            text = (f"{c.get('nodes', 0)} models and seeds, {tests} tests: {c.get('passed', 0)} passed, "
                    f"{c.get('failed', 0)} failed")
            if c.get("warned"):
                text += f", {c['warned']} warned"
            return text + failed
        if state.name == "gates":
            return f"{c.get('passed', 0)} of {state.total} passed" + (
                f", {c['failed']} failed" if c.get("failed") else "") + failed
        if state.name == "report":
            return (state.said or "not written") + failed
        return f"{c.get('marts', 0)} marts to schema marts" + failed
