"""One verdict per run: what was loaded, checked and published, and the exit code that says so.

Every `smarketing run` / `ingest` / `demo` ends with the summary block ``summary_lines`` writes and
exits with one of ``ExitCode``. The rule, in order:

- the marts were published: 0, or 3 when a file was refused, rows were quarantined or values
  emptied. A step that fails after the publish (or the CLI failing to read the result back) becomes
  a note; it never turns a published run into a failure;
- an environment problem stopped the run (folder missing, warehouse held by another run or
  process): 2, with one line naming the file, the process and what to do;
- nothing usable in the drop (no file ingest recognises, or every file refused): 4;
- otherwise a step or a gate failed and nothing was published: 1.

For `smarketing ingest` "published" reads "loaded": nothing is ever published by it.
Pure functions of a ``PipelineOutcome`` (orchestration/pipeline.py), testable without a run.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestration.pipeline import PipelineOutcome


class ExitCode(IntEnum):
    PUBLISHED = 0
    NOT_PUBLISHED = 1
    ENVIRONMENT = 2
    PUBLISHED_WITH_INPUT_PROBLEMS = 3
    NO_USABLE_INPUT = 4
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it); the CLI prints one line


# The --help epilog; the README's "Exit codes" table says the same.
EXIT_CODES_HELP = """\
exit codes:
  0  published; no input problems
  1  not published: a step or a quality gate failed (the published marts stay as they were)
  2  usage or environment problem: bad argument, export folder missing, warehouse held by another run
  3  published, but a file was refused, rows were quarantined or values emptied
  4  no usable input: nothing ingest recognises in the drop, or every file refused; nothing published
  130  interrupted (Ctrl-C); the published file is the last complete publish"""

EXIT_CODES_HELP_INGEST = """\
exit codes:
  0  loaded; no input problems
  1  an ingest step failed
  2  usage or environment problem: bad argument, export folder missing, warehouse held by another run
  3  loaded, but a file was refused, rows were quarantined or values emptied
  4  no usable input: nothing ingest recognises in the drop, or every file refused
  130  interrupted (Ctrl-C)"""

# Every ingest step and the dbt step fail with a message starting with this when the drop holds
# nothing usable, so a run started from the UI stops like the CLI does.
NO_USABLE_INPUT = "no usable input"

_DUCKDB_LOCK = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)": Conflicting lock is held in (?P<process>.+?) \(PID (?P<pid>\d+)\)'
)
# orchestration/run_lock.py raises this (by name, so this module works without it): one line already.
WAREHOUSE_BUSY = "WarehouseBusy"


def environment_problem(error_class: str, message: str) -> str | None:
    """One line for an error that is the machine's, not the data's; None for any other error.

    ``error_class`` is the exception's class name (a Dagster step failure keeps only the name).
    """
    if error_class == WAREHOUSE_BUSY:
        return message.strip().splitlines()[0] if message.strip() else "another run holds the warehouse"
    match = _DUCKDB_LOCK.search(message)
    if match:
        return (
            f"the warehouse {match['file']} is open in another process ({match['process']}, PID {match['pid']}); "
            "close it or let it finish, then run again"
        )
    return None


def exit_code(outcome: PipelineOutcome) -> ExitCode:
    if outcome.published:
        return ExitCode.PUBLISHED_WITH_INPUT_PROBLEMS if input_problems(outcome) else ExitCode.PUBLISHED
    if outcome.environment_problem:
        return ExitCode.ENVIRONMENT
    if outcome.no_usable_input:
        return ExitCode.NO_USABLE_INPUT
    if outcome.ingest_only and outcome.success:
        return ExitCode.PUBLISHED_WITH_INPUT_PROBLEMS if input_problems(outcome) else ExitCode.PUBLISHED
    return ExitCode.NOT_PUBLISHED


def input_problems(outcome: PipelineOutcome) -> list[str]:
    """What was wrong with the input of a run that went through: refused files, quarantined rows."""
    problems = []
    refused = outcome.files_with("refused")
    if refused:
        problems.append(f"{_plural(len(refused), 'file')} refused")
    if outcome.rows_quarantined:
        problems.append(f"{_plural(outcome.rows_quarantined, 'row')} quarantined")
    if outcome.values_emptied:
        problems.append(f"{_plural(outcome.values_emptied, 'value')} emptied")
    return problems


def no_usable_input_reason(outcome: PipelineOutcome) -> str:
    """Why a drop had nothing to load, as the ingest step said it, else from the files' statuses."""
    if outcome.files and all(f.status == "refused" for f in outcome.files):
        return f"every file refused: {len(outcome.files)} of {len(outcome.files)}"
    for failure in outcome.failures:
        _, found, reason = failure.partition(f"{NO_USABLE_INPUT}: ")
        if found:
            return reason.split("; nothing was", 1)[0]
    return "no export file in the drop"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _checks(passed: int, failed: int, warned: int, expected: int) -> str:
    text = f"{passed} passed, {failed} failed"
    if warned:
        text += f", {warned} warned"
    not_run = expected - passed - failed - warned
    if not_run > 0:
        text += f", {not_run} not run"
    return text


def verdict_line(outcome: PipelineOutcome) -> str:
    code = exit_code(outcome)
    if code is ExitCode.PUBLISHED:
        what = "loaded" if outcome.ingest_only else "published"
    elif code is ExitCode.PUBLISHED_WITH_INPUT_PROBLEMS:
        what = ("loaded" if outcome.ingest_only else "published") + ", but " + " and ".join(input_problems(outcome))
    elif code is ExitCode.ENVIRONMENT:
        what = f"not run: {outcome.environment_problem}"
    elif code is ExitCode.NO_USABLE_INPUT:
        what = f"no usable input ({no_usable_input_reason(outcome)}); nothing " + (
            "loaded" if outcome.ingest_only else "published")
    else:
        # A gate's message is two lines, the second its fix; the verdict is one line, the list above it has both.
        what = "not published: " + (outcome.failures[0].splitlines()[0] if outcome.failures else "the run failed")
        if len(outcome.failures) > 1:
            what += f" (and {len(outcome.failures) - 1} more)"
    return f"exit {int(code)}: {what}"


def failure_lines(failures: list[str]) -> list[str]:
    """The failures of a run that was stopped, one item each; a gate's second line (its fix) stays
    under its first, indented."""
    return [line for failure in failures
            for line in [f"  - {failure.splitlines()[0]}", *(f"    {more}" for more in failure.splitlines()[1:])]]


def summary_lines(outcome: PipelineOutcome) -> list[str]:
    """The block every run ends with: files, rows, checks, where the marts went, and the exit code."""
    count = {status: len(outcome.files_with(status)) for status in ("loaded", "skipped_duplicate", "empty", "refused")}
    files = (
        f"{count['loaded']} loaded, {count['skipped_duplicate']} skipped, {count['refused']} refused"
        + (f", {count['empty']} empty" if count["empty"] else "")
    )
    lines = [
        "Summary",
        f"  files      {files}",
        f"  rows       {outcome.rows_loaded:,} loaded, {outcome.rows_quarantined:,} quarantined",
    ]
    if not outcome.ingest_only:
        lines.append("  dbt tests  " + _checks(outcome.dbt_tests_passed, outcome.dbt_tests_failed,
                                                outcome.dbt_tests_warned, outcome.dbt_tests_expected))
        lines.append("  gates      " + _checks(outcome.gates_passed, outcome.gates_failed, 0, outcome.gates_expected))
        if outcome.published:
            where = f"schema marts in {outcome.published_to or outcome.warehouse}"
            if outcome.publish_id:
                where += f" (publish {outcome.publish_id})"
            lines.append(f"  published  yes: {where}")
            if outcome.report_path:
                lines.append(f"  report     {outcome.report_path}")
            elif outcome.report_warning:
                lines.append(f"  report     warning: not written ({outcome.report_warning}); the marts are published")
        else:
            lines.append(f"  published  no: the marts in {outcome.warehouse} stay as they were")
    else:
        lines.append(f"  warehouse  {outcome.warehouse} (raw tables only; nothing published)")
    lines.append(f"  result     {verdict_line(outcome)}")
    return lines
