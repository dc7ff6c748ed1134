"""One verdict per run: exit codes and the summary block, for the drops that stop before dbt.

The runs here never reach dbt (nothing usable in the drop, a missing folder, a bad argument, a
warehouse another process holds), so each costs a few seconds. The verdicts of runs that build
and publish are asserted on the real runs in tests/e2e/test_demo_pipeline.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.pipeline import FileOutcome, PipelineOutcome, run_steps
from orchestration.verdict import (
    EXIT_CODES_HELP,
    ExitCode,
    environment_problem,
    exit_code,
    failure_lines,
    summary_lines,
)

REPO = Path(__file__).resolve().parents[2]
SMARKETING = Path(sys.executable).parent / "smarketing"
ANSI = "\x1b["
TOOK = re.compile(r"^  took       \d+\.\d+s$")


def smarketing(*args: str, home: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, stdout and stderr pipes, recording into the instance at ``home``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SMARKETING_")}
    environment.update(DAGSTER_HOME=str(home), **(env or {}))
    environment.pop("NO_COLOR", None)
    return subprocess.run([str(SMARKETING), *args], capture_output=True, text=True, env=environment, timeout=300)


@pytest.fixture
def home(tmp_path):
    """A Dagster home like the repository root `make ui` uses (its dagster.yaml, so its pool)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    return home


def checks_not_run() -> tuple[int, int]:
    steps = run_steps()
    return steps.dbt_tests, len(steps.gate_checks)


def unpublished_summary(warehouse: Path, result: str, files: str = "0 loaded, 0 skipped, 0 refused",
                        rows: str = "0 loaded, 0 quarantined") -> list[str]:
    tests, gates = checks_not_run()
    return [
        "Summary",
        f"  files      {files}",
        f"  rows       {rows}",
        f"  dbt tests  0 passed, 0 failed, {tests} not run",
        f"  gates      0 passed, 0 failed, {gates} not run",
        f"  published  no: the marts in {warehouse} stay as they were",
        f"  result     {result}",
    ]


def summary_block(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    block = lines[lines.index("Summary"):]
    assert TOOK.match(block[-1]), block[-1]
    return block[:-1]


def test_an_empty_drop_exits_4_without_colour_when_piped_and_is_recorded_for_the_ui(tmp_path, home):
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    drop.mkdir()
    done = smarketing("run", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert done.returncode == 4, done.stdout + done.stderr
    assert ANSI not in done.stdout and ANSI not in done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"drop       {drop}: 0 files planned"
    assert re.fullmatch(
        rf"ingest     failed: no usable input: the export folder {re.escape(str(drop))} holds no export files;"
        r" nothing was loaded or published  \d+\.\d+s", lines[1]), lines[1]
    assert summary_block(done.stdout) == unpublished_summary(
        warehouse, f"exit 4: no usable input (the export folder {drop} holds no export files); nothing published")
    assert not warehouse.exists()

    # The run is in the instance `make ui` reads, failed, like a run started there.
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
    assert [(r.job_name, r.status) for r in runs] == [("smarketing_pipeline", dg.DagsterRunStatus.FAILURE)]


def test_a_drop_with_only_files_ingest_does_not_recognise_exits_4(tmp_path, home):
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    (drop / "salesforce").mkdir(parents=True)
    (drop / "report.csv").write_text("a;b\n1;2\n")
    (drop / "salesforce" / "garbage.csv").write_text("x,y\n1,2\n")
    done = smarketing("run", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert done.returncode == 4, done.stdout + done.stderr
    result = summary_block(done.stdout)[-1]
    assert result.startswith(f"  result     exit 4: no usable input (no file in {drop} is an export ingest recognises: ")
    assert "report.csv: outside the source folders" in result and result.endswith("); nothing published")


def test_a_lead_file_missing_a_required_column_is_refused_and_the_run_exits_4_before_dbt(tmp_path, home):
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    (drop / "salesforce").mkdir(parents=True)
    (drop / "salesforce" / "Lead.csv").write_text("Id,FirstName\n00Q1,Ada\n")
    done = smarketing("run", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert done.returncode == 4, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"drop       {drop}: 1 files planned"
    assert re.fullmatch(r"ingest     1 files: 0 loaded, 0 skipped, 1 refused; 0 rows loaded, 0 quarantined  \d+\.\d+s",
                        lines[1]), lines[1]
    assert lines[2].startswith("  salesforce/Lead.csv -> raw_salesforce.lead: REFUSED: ")
    # The dbt step refuses before dbt starts: no dbt line, no gates, no publish.
    assert re.fullmatch(r"dbt        failed: no usable input: every file of the drop was refused \(1\); nothing was "
                        r"built or published  \d+\.\d+s", lines[lines.index(lines[2]) + 1 + sum(
                            1 for line in lines if line.startswith("  note: "))]), lines
    assert summary_block(done.stdout) == unpublished_summary(
        warehouse, "exit 4: no usable input (every file refused: 1 of 1); nothing published",
        files="0 loaded, 0 skipped, 1 refused")


def test_a_missing_export_folder_is_one_line_and_exit_2(tmp_path, home):
    missing = tmp_path / "nowhere"
    done = smarketing("run", "--exports", str(missing), "--warehouse", str(tmp_path / "w.duckdb"), home=home)
    assert done.returncode == 2
    assert done.stderr == (f"error: the export folder {missing} does not exist; put the export files there, or name "
                           "the folder with --exports or $SMARKETING_EXPORTS\n")
    assert summary_block(done.stdout)[-1] == f"  result     exit 2: not run: {done.stderr[7:].strip()}"


def test_a_bad_argument_exits_2_and_help_documents_every_exit_code(tmp_path, home):
    assert smarketing("run", "--no-such-flag", home=home).returncode == 2
    shown = smarketing("run", "--help", home=home)
    assert shown.returncode == 0 and EXIT_CODES_HELP in shown.stdout and "--verbose" in shown.stdout
    readme = (REPO / "README.md").read_text()
    for code in ExitCode:
        assert f"| {int(code)} |" in readme, code


def test_a_warehouse_another_process_holds_is_one_line_naming_it_and_exit_2(tmp_path, home):
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    (drop / "salesforce").mkdir(parents=True)
    (drop / "salesforce" / "Lead.csv").write_text("Id,Status,CreatedDate\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; con = duckdb.connect({str(warehouse)!r}); print('open', flush=True); "
                               "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        done = smarketing("run", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert done.returncode == 2, done.stdout + done.stderr
    assert re.fullmatch(
        rf"error: the warehouse {re.escape(str(warehouse))} is open in another process \(.*python.*, PID {holder.pid}\);"
        r" close it or let it finish, then run again\n", done.stderr), done.stderr


def outcome(**fields) -> PipelineOutcome:
    base = dict(success=True, warehouse=Path("/w.duckdb"), planned_files=2, dbt_tests_expected=3, gates_expected=4,
                dbt_tests_passed=3, gates_passed=4)
    base.update(fields)
    return PipelineOutcome(**base)


LOADED = FileOutcome("salesforce/Lead.csv", "loaded", 10, 10, 0, "salesforce/Lead.csv -> raw_salesforce.lead: ...")
QUARANTINED = FileOutcome("salesforce/Opportunity.csv", "loaded", 5, 5, 2, "...")
REFUSED = FileOutcome("salesforce/Contact.csv", "refused", 0, 0, 0, "...")
EMPTIED = FileOutcome("hubspot/contacts.csv", "loaded", 3, 3, 0, "...", values_emptied=1)


@pytest.mark.parametrize(("fields", "code", "result"), [
    (dict(files=[LOADED], published=True), 0, "exit 0: published"),
    (dict(files=[LOADED, QUARANTINED, REFUSED], published=True), 3,
     "exit 3: published, but 1 file refused and 2 rows quarantined"),
    # A step failing after the publish never turns a published run into a failure.
    (dict(files=[LOADED], published=True, success=False, failures=["step later failed: x"]), 0, "exit 0: published"),
    (dict(files=[LOADED], success=False, gates_passed=3, gates_failed=1, failures=["quality gate a:b failed: c"]),
     1, "exit 1: not published: quality gate a:b failed: c"),
    # A gate's message is two lines: the verdict keeps the first, the failure list shows both.
    (dict(files=[LOADED], success=False, gates_passed=3, gates_failed=1,
          failures=["quality gate a:b failed: c is off\nfix: do d", "step e failed: f"]),
     1, "exit 1: not published: quality gate a:b failed: c is off (and 1 more)"),
    (dict(files=[REFUSED], success=False), 4, "exit 4: no usable input (every file refused: 1 of 1); nothing published"),
    (dict(files=[], planned_files=0, success=False), 4,
     "exit 4: no usable input (no export file in the drop); nothing published"),
    (dict(success=False, environment_problem="another run holds the warehouse /w.duckdb"), 2,
     "exit 2: not run: another run holds the warehouse /w.duckdb"),
    (dict(files=[LOADED, QUARANTINED], ingest_only=True), 3, "exit 3: loaded, but 2 rows quarantined"),
    # A cell-level value that did not parse loads as empty: the record is in, the value is not.
    (dict(files=[LOADED, EMPTIED], ingest_only=True), 3, "exit 3: loaded, but 1 value emptied"),
])
def test_exit_code_and_verdict_line(fields, code, result):
    run = outcome(**fields)
    assert exit_code(run) == code
    assert summary_lines(run)[-1] == f"  result     {result}"


def test_the_failure_list_keeps_each_gates_fix_under_its_failure():
    assert failure_lines(["quality gate a:b failed: c is off\nfix: do d", "step e failed: f"]) == [
        "  - quality gate a:b failed: c is off",
        "    fix: do d",
        "  - step e failed: f",
    ]


def test_summary_block_of_a_published_run_with_input_problems():
    run = outcome(files=[LOADED, QUARANTINED, REFUSED], published=True, published_to="/p/marts.duckdb",
                  publish_id="20261206T080000Z", dbt_tests_passed=2, dbt_tests_warned=1)
    assert summary_lines(run) == [
        "Summary",
        "  files      2 loaded, 0 skipped, 1 refused",
        "  rows       15 loaded, 2 quarantined",
        "  dbt tests  2 passed, 0 failed, 1 warned",
        "  gates      4 passed, 0 failed",
        "  published  yes: schema marts in /p/marts.duckdb (publish 20261206T080000Z)",
        "  result     exit 3: published, but 1 file refused and 2 rows quarantined",
    ]


def test_the_summary_names_the_report_or_warns_that_it_was_not_written_and_the_exit_code_stays():
    written = outcome(files=[LOADED], published=True, published_to="/p/marts.duckdb", publish_id="p1",
                      report_path="/p/reports/funnel-report.html")
    assert summary_lines(written)[-3:] == [
        "  published  yes: schema marts in /p/marts.duckdb (publish p1)",
        "  report     /p/reports/funnel-report.html",
        "  result     exit 0: published",
    ]
    unwritten = outcome(files=[LOADED], published=True, published_to="/p/marts.duckdb", publish_id="p1",
                        report_warning="the published marts hold no funnel activity yet")
    assert summary_lines(unwritten)[-2:] == [
        "  report     warning: not written (the published marts hold no funnel activity yet); the marts are published",
        "  result     exit 0: published",
    ]
    assert exit_code(unwritten) == exit_code(written) == 0


def test_environment_problems_are_recognised_by_class_name_or_duckdb_lock_message():
    assert environment_problem("WarehouseBusy", "another run (pid 7) holds /w.duckdb; wait for it\nmore") == (
        "another run (pid 7) holds /w.duckdb; wait for it")
    assert environment_problem(
        "IOException", 'IO Error: Could not set lock on file "/w.duckdb": Conflicting lock is held in /usr/bin/python3 '
                       "(PID 42). See also https://duckdb.org/docs") == (
        "the warehouse /w.duckdb is open in another process (/usr/bin/python3, PID 42); close it or let it finish, "
        "then run again")
    assert environment_problem("ValueError", "bad value") is None


def test_ingest_only_exits_3_on_a_quarantined_row_then_0_when_the_same_drop_is_skipped(tmp_path, home):
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    (drop / "salesforce").mkdir(parents=True)
    (drop / "salesforce" / "Lead.csv").write_text(
        "Id,Status,CreatedDate\n00Q5g0000ABCDEFGHI,Open,2026-11-08T10:15:00.000Z\n00Q5g0000ABCDEFGHJ,Open,not a date\n")
    first = smarketing("ingest", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert first.returncode == 3, first.stdout + first.stderr
    assert summary_block(first.stdout) == [
        "Summary",
        "  files      1 loaded, 0 skipped, 0 refused",
        "  rows       1 loaded, 1 quarantined",
        f"  warehouse  {warehouse} (raw tables only; nothing published)",
        "  result     exit 3: loaded, but 1 row quarantined",
    ]
    again = smarketing("ingest", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert summary_block(again.stdout)[1:3] == ["  files      0 loaded, 1 skipped, 0 refused",
                                                "  rows       0 loaded, 0 quarantined"]
    assert summary_block(again.stdout)[-1] == "  result     exit 0: loaded"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert [r.status for r in instance.get_runs()] == [dg.DagsterRunStatus.SUCCESS] * 2


def test_no_raw_record_reaches_the_cli_output_or_the_run_logs(tmp_path, home):
    email = "jane.doe@example.com"
    drop, warehouse = tmp_path / "exports", tmp_path / "w.duckdb"
    (drop / "salesforce").mkdir(parents=True)
    stamp = "2026-11-08T10:15:00.000Z"
    # A value beyond the header's columns, and an unterminated quote: both records hold an email.
    (drop / "salesforce" / "Lead.csv").write_text(
        f"Id,LastName,Status,CreatedDate\n00Q5g0000ABCDEFGHI,A,Open,{stamp}\n00Q5g0000ABCDEFGHJ,Doe,Open,{stamp},{email}\n")
    (drop / "salesforce" / "Contact.csv").write_text(
        f'Id,LastName,CreatedDate\n0035g0000ABCDEFGHI,"Doe {email},{stamp}\n0035g0000ABCDEFGHJ,B,{stamp}\n')
    done = smarketing("ingest", "--exports", str(drop), "--warehouse", str(warehouse), home=home)
    assert "salesforce/Lead.csv -> raw_salesforce.lead" in done.stdout, done.stdout + done.stderr
    assert "salesforce/Contact.csv -> raw_salesforce.contact" in done.stdout, done.stdout + done.stderr
    assert email not in done.stdout + done.stderr
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        logged = repr(instance.all_logs(run.run_id))
    assert "raw_salesforce.contact" in logged and email not in logged


def test_another_run_holding_the_warehouse_is_exit_2_with_its_one_line_and_the_summary(tmp_path, monkeypatch, capsys):
    from orchestration import pipeline
    from orchestration.cli import main

    class WarehouseBusy(RuntimeError):  # orchestration/run_lock.py's, recognised by its name
        pass

    warehouse = tmp_path / "w.duckdb"
    message = f"another smarketing run (PID 77) holds {warehouse}; wait for it to finish, then run again"

    def busy(*args, **kwargs):
        raise WarehouseBusy(message)

    monkeypatch.setattr(pipeline, "run_pipeline", busy)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "exports").mkdir()
    assert main(["run", "--exports", str(tmp_path / "exports"), "--warehouse", str(warehouse)]) == 2
    out, err = capsys.readouterr()
    assert err == f"error: {message}\n"
    assert summary_block(out)[-1] == f"  result     exit 2: not run: {message}"


def test_on_a_terminal_the_phases_show_live_progress_in_colour(tmp_path, monkeypatch):
    import io

    from rich.console import Console

    from orchestration import progress
    from orchestration.cli import main

    screen = io.StringIO()
    monkeypatch.setattr(progress, "make_console", lambda: Console(
        file=screen, force_terminal=True, width=120, highlight=False, markup=False, soft_wrap=True))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    drop = tmp_path / "exports"
    (drop / "salesforce").mkdir(parents=True)
    (drop / "salesforce" / "Lead.csv").write_text("Id,FirstName\n00Q1,Ada\n")
    assert main(["run", "--exports", str(drop), "--warehouse", str(tmp_path / "w.duckdb")]) == 4
    shown = screen.getvalue()
    assert "ingest: file" in shown and "1/1" in shown  # the bar: ingest file n of N
    assert "\x1b[31m" in shown  # the failed phase in red
    assert "\x1b[1m  result     exit 4: no usable input (every file refused: 1 of 1); nothing published" in shown


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    from orchestration import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_run", interrupted)
    assert cli.main(["run", "--exports", "anywhere"]) == ExitCode.INTERRUPTED == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["interrupted: smarketing run was stopped; the published marts are the last complete publish "
                   "(marts.publish_log) and the next run recovers on its own"]
