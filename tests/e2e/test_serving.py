"""Serving: BI readers never block a run and only ever see a complete publish; crash safety.

Real `smarketing run` processes on small demo drops, shared by the tests of this module in order:

1. a first run publishes publish A;
2. runs on the next day's drop are killed with SIGKILL in each phase (ingest, dbt, gates,
   publish), each next run recovering from the previous kill;
3. the run after the last kill recovers and publishes B (one more person) while a reader holds a
   read-only connection to the published file for the whole run, a reader connects, reads and
   disconnects every 0.2 s, a reader does so without pause from the moment the run starts
   publishing, and a `smarketing run` started meanwhile is refused;
4. `smarketing rollback` makes the previous publish current again; `smarketing export` writes
   every mart; MetricFlow and SQLAlchemy read the published file.

Every state a reader sees is checked against the publish log inside the file it read: the marts
present are exactly the published set and each holds the rows its publish recorded.
"""

from __future__ import annotations

import csv
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from demo_company import generate
from demo_company.clock import CANONICAL_AS_OF
from orchestration import run_lock, settings
from orchestration.cli import demo_company_inputs, main
from orchestration.dbt_cli import KEEP_RUN_DIRS, RUN_DIR_GLOB
from orchestration.publish import KEEP_PUBLISHES, PARTIAL_SUFFIX, SCRATCH_PREFIX, audited_marts, published_models

SMARKETING = Path(sys.executable).parent / "smarketing"
PEOPLE = 300
RUN_TIMEOUT = 600


def published_tables() -> set[str]:
    return {name for name, _, _ in published_models()} | {"publish_log"}


def read_state(con: duckdb.DuckDBPyConnection) -> dict:
    """What a BI reader sees: the publish id, the tables of `marts` and each mart's rows, with the
    rows that publish recorded for itself."""
    publish_id, mart_rows = con.execute(
        "select publish_id, mart_rows from marts.publish_log order by published_at desc limit 1").fetchall()[0]
    tables = sorted(r[0] for r in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall())
    recorded = json.loads(mart_rows)
    rows = {name: con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0] for name in recorded}
    return {"publish_id": publish_id, "tables": tables, "rows": rows, "recorded": recorded}


def state_of(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return read_state(con)


# A reader in its own process (DuckDB shares one database instance per file within a process).
READER_IMPORTS = "import json, sys, time\nfrom pathlib import Path\nimport duckdb\n"
READER = textwrap.dedent('''
    mode, warehouse, stop = sys.argv[1:4]
    interval = float(sys.argv[4])
    out = []
    def done():
        return Path(stop).exists()
    if mode == "hold":
        con = duckdb.connect(warehouse, read_only=True)
        print(json.dumps({"ready": True}), flush=True)
        while True:
            last = done()
            try:
                out.append(read_state(con))
            except Exception as exc:
                out.append({"error": repr(exc)})
            if last:
                break
            time.sleep(interval)
        con.close()
    else:
        print(json.dumps({"ready": True}), flush=True)
        while True:
            last = done()
            try:
                con = duckdb.connect(warehouse, read_only=True)
                try:
                    out.append(read_state(con))
                finally:
                    con.close()
            except Exception as exc:
                out.append({"error": repr(exc)})
            if last:
                break
            time.sleep(interval)
    print(json.dumps(out), flush=True)
''')


class Reader:
    def __init__(self, mode: str, warehouse: Path, stop: Path, interval: float):
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER_IMPORTS + inspect.getsource(read_state) + READER, mode, str(warehouse), str(stop),
             str(interval)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self.process.stdout.readline()
        assert ready.strip() == json.dumps({"ready": True}), self.process.stderr.read()

    def states(self) -> list[dict]:
        out, err = self.process.communicate(timeout=120)
        assert self.process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])


def start_run(drop: Path, warehouse: Path, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen([str(SMARKETING), "run", "--exports", str(drop), "--warehouse", str(warehouse)],
                            stdout=handle, stderr=subprocess.STDOUT, text=True)


def wait_for_phase(warehouse: Path, run: subprocess.Popen, phase: str) -> None:
    """Until the lock file says the run ``run`` is in ``phase`` (polled every 5 ms)."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        holder = run_lock.read_holder(warehouse)
        if holder and holder.get("pid") == run.pid and holder.get("phase") == phase:
            return
        assert run.poll() is None, f"the run ended (exit {run.returncode}) before phase {phase}"
        time.sleep(0.005)
    raise AssertionError(f"the run never reached phase {phase}")


def finish(run: subprocess.Popen, log: Path) -> str:
    run.wait(timeout=RUN_TIMEOUT)
    return log.read_text()


def demo_drops(root: Path) -> tuple[Path, Path]:
    """The demo company's drop, and the same drop with the next day's incremental Lead export: one
    new lead, so the second publish differs from the first by one person."""
    first, second = root / "drop", root / "drop_next_day"
    generate(first, people=PEOPLE, seed=1, as_of=CANONICAL_AS_OF.date(), **demo_company_inputs())
    shutil.copytree(first, second)
    with (first / "salesforce" / "Lead.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header, lead = reader.fieldnames, next(reader)
    lead.update(Id="00Q5g0000ZZZZZZAAA", Email="new.lead@example-new-lead.com", LastName="Newlead",
                CreatedDate="2026-11-25T09:00:00.000Z", LastModifiedDate="2026-11-25T09:00:00.000Z",
                SystemModstamp="2026-11-25T09:00:00.000Z", IsConverted="false", ConvertedDate="",
                ConvertedContactId="", ConvertedAccountId="", ConvertedOpportunityId="")
    incremental = second / "salesforce" / "2026-11-25"
    incremental.mkdir()
    with (incremental / "Lead.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerow(lead)
    return first, second


def kill_in(phase: str, drop: Path, warehouse: Path, log: Path) -> int:
    """Start a run and SIGKILL it when the lock file says it entered ``phase``; its exit code."""
    run = start_run(drop, warehouse, log)
    wait_for_phase(warehouse, run, phase)
    run.send_signal(signal.SIGKILL)
    return run.wait(timeout=60)


def leftovers(warehouse: Path) -> list[str]:
    """Temporary files a run or a publish may leave: partial publishes, swap links, scratch copies."""
    found = [p.name for p in warehouse.parent.iterdir() if p.name.endswith(".swap")]
    found += [p.name for p in settings.publishes_dir(warehouse).iterdir() if PARTIAL_SUFFIX in p.name]
    found += [p.name for p in settings.working_path(warehouse).parent.iterdir() if p.name.startswith(SCRATCH_PREFIX)]
    return found


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving")
    warehouse = root / "bi" / "smarketing.duckdb"
    first, second = demo_drops(root)

    run = start_run(first, warehouse, root / "run_a.log")
    output = finish(run, root / "run_a.log")
    assert run.returncode == 0, output
    publish_a = state_of(warehouse)

    killed = [(phase, kill_in(phase, second, warehouse, root / f"killed_in_{phase}.log"), state_of(warehouse))
              for phase in ("ingest", "dbt", "gates", "publish")]
    before = state_of(warehouse)

    stop = root / "stop"
    held = Reader("hold", warehouse, stop, 0.5)
    loop = Reader("loop", warehouse, stop, 0.2)
    run = start_run(second, warehouse, root / "run_b.log")
    wait_for_phase(warehouse, run, "dbt")
    refused = subprocess.run([str(SMARKETING), "run", "--exports", str(second), "--warehouse", str(warehouse)],
                             capture_output=True, text=True, timeout=120)
    wait_for_phase(warehouse, run, "publish")
    late = Reader("loop", warehouse, stop, 0.0)
    output = finish(run, root / "run_b.log")
    stop.touch()
    work = settings.working_path(warehouse).parent
    after_b = {
        "leftovers": leftovers(warehouse),
        "holder": run_lock.read_holder(warehouse),
        "kept": sorted(p.stem for p in settings.publishes_dir(warehouse).glob("*.duckdb")),
        "run_dirs": len(list((settings.DBT_PROJECT_DIR / "target").glob(RUN_DIR_GLOB))),
        "work": sorted(os.listdir(work)),
    }
    return {
        "root": root, "warehouse": warehouse, "drops": (first, second), "a": publish_a, "killed": killed,
        "before": before, "b": state_of(warehouse), "run_b": (run.returncode, output), "refused": refused,
        "held": held.states(), "loop": loop.states(), "late": late.states(), "after_b": after_b,
    }


def assert_complete(state: dict) -> None:
    assert "error" not in state, state
    assert set(state["tables"]) == published_tables()
    assert state["rows"] == state["recorded"]
    assert set(state["recorded"]) == {name for _, name, _ in audited_marts()}


def test_two_runs_publish_two_complete_publishes(serving):
    code, output = serving["run_b"]
    assert code == 0, output
    assert "Traceback" not in output
    a, before, b = serving["a"], serving["before"], serving["b"]
    assert_complete(a)
    assert_complete(b)
    assert a["publish_id"] != b["publish_id"]
    assert b["rows"]["fct_funnel"] == a["rows"]["fct_funnel"] + 1 > PEOPLE / 2
    with duckdb.connect(str(serving["warehouse"]), read_only=True) as con:
        log = con.execute("select publish_id, dagster_run_id, input_files, gate_results from marts.publish_log "
                          "order by published_at").fetchall()
    # A, the publish of the run killed while publishing when its rename had happened, then B.
    expected = [a["publish_id"]] + ([before["publish_id"]] if before["publish_id"] != a["publish_id"] else [])
    assert [row[0] for row in log] == expected + [b["publish_id"]]
    for publish_id, run_id, files, gates in log:
        assert publish_id.endswith(run_id.replace("-", "")[:8])
        assert json.loads(files) and all(f["status"] in ("loaded", "skipped_duplicate") for f in json.loads(files))
        gates = json.loads(gates)
        assert set(gates.values()) == {"passed"}
        assert "marts_audit/fct_opportunities:won_revenue_reconciles_to_crm" in gates


def test_a_reader_holding_the_published_file_for_a_whole_run_neither_fails_nor_blocks_it(serving):
    assert serving["run_b"][0] == 0
    states = serving["held"]
    assert len(states) >= 2
    for state in states:
        assert_complete(state)
        # It keeps reading the file it opened, unchanged, before, during and after the run.
        assert state["publish_id"] == serving["before"]["publish_id"]


def test_a_reader_connecting_every_0_2_s_sees_no_error_and_only_complete_publishes(serving):
    states = serving["loop"]
    for state in states:
        assert_complete(state)
    ids = [state["publish_id"] for state in states]
    a, b = serving["before"]["publish_id"], serving["b"]["publish_id"]
    # The previous publish until the publish, B from then on: never a mix, never back.
    assert ids[0] == a and ids[-1] == b
    assert ids == [a] * ids.index(b) + [b] * (len(ids) - ids.index(b))
    for state in states:
        expected = serving["before"] if state["publish_id"] == a else serving["b"]
        assert state["rows"] == expected["rows"]


def test_a_reader_opening_the_file_right_as_it_is_published_does_not_fail_the_run(serving):
    code, output = serving["run_b"]
    assert code == 0, output
    assert "Funnel (" in output and "Traceback" not in output
    states = serving["late"]
    assert states
    for state in states:
        assert_complete(state)
    assert states[-1]["publish_id"] == serving["b"]["publish_id"]


def test_a_second_run_refuses_at_once_with_one_line_naming_the_running_one(serving):
    refused = serving["refused"]
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    line = lines[0]
    assert line.startswith(f"error: warehouse {serving['warehouse']} is busy: `smarketing run --exports ")
    assert "(pid " in line and " is in phase " in line and "wait for it to finish" in line
    assert "Traceback" not in refused.stderr + refused.stdout
    # The verdict block every command ends with says the same: nothing ran, nothing was published.
    verdict = refused.stdout.splitlines()
    assert "Summary" in verdict and any(v.startswith("  published  no") for v in verdict)
    assert f"  result     exit 2: not run: {line[len('error: '):]}" in verdict


def test_the_published_file_holds_only_the_marts_with_their_dbt_descriptions(serving):
    with duckdb.connect(str(serving["warehouse"]), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchall()[0][0]
        table_comments = dict(con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall())
        column_comments = {(t, c): comment for t, c, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'").fetchall()}
    assert schemas == {"marts"} and views == 0
    for name, description, columns in published_models():
        assert table_comments[name] == description and description, name
        documented = dict(columns)
        for (table, column), comment in column_comments.items():
            if table == name:
                assert comment == documented[column] and comment, (name, column)


def test_rollback_makes_the_previous_publish_current_again(serving, capsys):
    warehouse = serving["warehouse"]
    a, b = serving["before"], serving["b"]
    assert main(["rollback", "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.strip() == (f"Rolled back publish {b['publish_id']}; publish {a['publish_id']} "
                                               f"is current again at {warehouse}")
    state = state_of(warehouse)
    assert_complete(state)
    assert state["publish_id"] == a["publish_id"] and state["rows"] == a["rows"]
    if a["publish_id"] != serving["a"]["publish_id"]:  # the killed run's publish: one more step back
        assert main(["rollback", "--warehouse", str(warehouse)]) == 0
        assert state_of(warehouse)["publish_id"] == serving["a"]["publish_id"]
    capsys.readouterr()
    # Nothing before the first publish: a further rollback refuses and changes nothing.
    assert main(["rollback", "--warehouse", str(warehouse)]) == 2
    assert "no earlier publish" in capsys.readouterr().err
    assert state_of(warehouse)["publish_id"] == serving["a"]["publish_id"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_published_mart(serving, fmt, tmp_path):
    warehouse = serving["warehouse"]
    assert main(["export", "--format", fmt, "--out", str(tmp_path / fmt), "--warehouse", str(warehouse)]) == 0
    state = state_of(warehouse)
    assert {p.name for p in (tmp_path / fmt).iterdir()} == {f"{name}.{fmt}" for name in published_tables()}
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    with duckdb.connect() as con:
        for name, rows in state["rows"].items():
            assert con.execute(f"select count(*) from {reader}(?)", [str(tmp_path / fmt / f"{name}.{fmt}")]
                               ).fetchall()[0][0] == rows, name


def test_runs_killed_in_every_phase_leave_a_complete_publish_and_the_next_run_recovers(serving):
    """Each run was killed with SIGKILL when the lock file said it entered the phase; each next run
    started from what the killed one left (a dbt process still writing, a half-written working file,
    a partial publish) with no manual step, and the run after the last kill published."""
    a, b = serving["a"], serving["b"]
    for phase, code, state in serving["killed"]:
        assert code == -signal.SIGKILL, phase
        assert_complete(state)
        if phase == "publish" and state["publish_id"] != a["publish_id"]:
            assert state["rows"] == b["rows"]  # killed after its rename: its own complete publish
        else:
            assert state["publish_id"] == a["publish_id"] and state["rows"] == a["rows"], phase
    code, output = serving["run_b"]
    assert code == 0, output
    after = serving["after_b"]
    assert after["leftovers"] == []
    assert after["holder"] is None  # released cleanly: the lock file names nobody
    assert len(after["kept"]) <= KEEP_PUBLISHES and b["publish_id"] in after["kept"]
    assert 1 <= after["run_dirs"] <= KEEP_RUN_DIRS + 1  # pruned when the run started, plus its own
    working = settings.working_path(serving["warehouse"])
    assert set(after["work"]) <= {working.name, working.name + ".wal", settings.run_lock_path(serving["warehouse"]).name}


def test_superset_s_sqlalchemy_driver_reflects_a_published_mart_with_its_comments(serving):
    """Superset reads DuckDB through SQLAlchemy and duckdb-engine, at the versions the `bi` extra pins."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("duckdb_engine")
    warehouse = serving["warehouse"]
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    try:
        table = sqlalchemy.Table("fct_funnel", sqlalchemy.MetaData(), schema="marts", autoload_with=engine)
        inspector = sqlalchemy.inspect(engine)
        assert "fct_funnel" in inspector.get_table_names(schema="marts")
        comment = inspector.get_table_comment("fct_funnel", schema="marts")["text"]
        with engine.connect() as con:
            rows = con.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_funnel' "
            "order by column_index").fetchall()]
    assert [column.name for column in table.columns] == columns
    description = dict((name, text) for name, text, _ in published_models())["fct_funnel"]
    assert comment == description
    assert rows == state_of(warehouse)["rows"]["fct_funnel"]


def test_metricflow_queries_the_published_marts(serving, tmp_path):
    """`smarketing metrics` runs mf on the `published` dbt target: the published file, read-only."""
    warehouse = serving["warehouse"]
    out = tmp_path / "mqls.csv"
    result = subprocess.run([str(SMARKETING), "metrics", "--warehouse", str(warehouse), "query",
                             "--metrics", "mqls,sqls", "--csv", str(out), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = con.execute("select count(became_mql_at), count(became_sql_at) from marts.fct_funnel").fetchall()[0]
    assert (int(row["mqls"]), int(row["sqls"])) == expected
