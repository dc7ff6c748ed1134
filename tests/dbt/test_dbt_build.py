"""The dbt project on its own: parses, compiles and documents without hand-passed flags (the
definitions file is read through a macro, a passed var wins), builds green on empty raw tables,
and reproduces the demo generator's ground truth.

Every dbt run writes its target/ and logs/ into a temporary directory, so the project's own
manifest (used by the orchestration) is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from demo_company.oracle import DEMO_KEY_SECRET
from ingest.contracts import CONTRACTS, quote_ident, raw_table_ddl
from orchestration.dbt_cli import dbt_environment
from orchestration.dbt_project import funnel_vars
from orchestration.person_keys import write_pads_to

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).parent / "smarketing-dbt"   # dbt, started in the warehouse's folder as runs start it
DEFINITIONS = PROJECT / "definitions" / "funnel_definitions.yml"
PARTIAL_PARSE = "partial_parse.msgpack"
DEMO_INPUTS = {"definitions_file": DEFINITIONS, "seeds_dir": PROJECT / "seeds"}   # what the demo's oracle reads
STAGES = yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))["stages"]


def definitions_vars() -> str:
    """Exactly what the orchestration passes: the whole parsed file under `funnel_definitions`."""
    return funnel_vars()


def run_dbt(args: list[str], warehouse: Path, work: Path, *, with_definitions: bool = True,
            key_secret: bytes | None = DEMO_KEY_SECRET.encode()):
    """dbt with ``args`` on the DuckDB file ``warehouse``. As the pipeline does before dbt starts, the
    person-key pads of ``key_secret`` are written first (default: the demo company's secret, which the
    ground truth's keys are hashed with; None leaves the pads as they are)."""
    if args[0] != "parse" and key_secret is not None:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        write_pads_to(warehouse, key_secret)
    target = work / "target"
    command = [str(DBT), *args, "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
               "--target-path", str(target), "--log-path", str(work / "logs")]
    if with_definitions:
        command += ["--vars", definitions_vars()]
    # As dagster-dbt does for the runs: start from the prepared parse, so dbt re-parses only when the
    # vars or the profile differ (a warehouse file not named as the runs' working file, no --vars).
    prepared = PROJECT / "target" / PARTIAL_PARSE
    if prepared.exists() and not (target / PARTIAL_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepared, target / PARTIAL_PARSE)
    env = {**os.environ, **dbt_environment(warehouse.resolve()), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)


def create_empty_raw_tables(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for contract in CONTRACTS:
            con.execute(f"create schema if not exists {quote_ident(contract.schema)}")
            con.execute(raw_table_ddl(contract))


def test_parse_without_definitions_has_no_deprecations(tmp_path):
    result = run_dbt(["parse", "--warn-error-options", '{"error": ["Deprecations"]}'],
                     tmp_path / "warehouse.duckdb", tmp_path, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Deprecat" not in result.stdout


def compiled_sql(work: Path, model_path: str) -> str:
    return (work / "target" / "compiled" / "smarketing" / "models" / model_path).read_text(encoding="utf-8")


def test_without_the_var_dbt_reads_the_definitions_file(tmp_path):
    """`dbt docs generate` (which compiles every model) works with no flags: the rules come from
    the definitions file (macro funnel_definitions_file)."""
    warehouse = tmp_path / "warehouse.duckdb"
    create_empty_raw_tables(warehouse)
    result = run_dbt(["docs", "generate"], warehouse, tmp_path, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]
    latest = yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))["versions"][-1]["version"]
    assert f"'{latest}'" in compiled_sql(tmp_path, "intermediate/definitions/int_definition_versions.sql")


def test_the_var_wins_over_the_definitions_file(tmp_path):
    """The pipeline and `smarketing what-if` pass the definitions as a var; it replaces the file."""
    warehouse = tmp_path / "warehouse.duckdb"
    create_empty_raw_tables(warehouse)
    proposed = json.loads(definitions_vars())
    proposed["funnel_definitions"]["versions"][-1]["version"] = "proposed-by-what-if"
    command = ["compile", "--select", "int_definition_versions", "--vars", json.dumps(proposed)]
    result = run_dbt(command, warehouse, tmp_path, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "'proposed-by-what-if'" in compiled_sql(tmp_path, "intermediate/definitions/int_definition_versions.sql")


def test_build_is_green_on_empty_raw_tables(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    create_empty_raw_tables(warehouse)
    result = run_dbt(["build"], warehouse, tmp_path)
    assert result.returncode == 0, result.stdout[-5000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {row[0] for row in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
        assert {"staging", "intermediate", "marts_audit"} <= schemas
        assert con.execute("select count(*) from marts_audit.fct_funnel").fetchall() == [(0,)]
        assert con.execute("select count(*) from marts_audit.fct_opportunities").fetchall() == [(0,)]
        assert con.execute(
            "select definition_version from intermediate.int_definition_versions where is_in_force"
        ).fetchall() == [(yaml.safe_load(DEFINITIONS.read_text())["versions"][-1]["version"],)]


# ------------------------------------------------------------------------------------------------
# Demo drop against the generator's ground truth (the oracle applies definitions/README.md in
# plain Python to the simulated records; it never sees this SQL).
# The `demo_build` fixture (conftest.py) builds the demo drop once per session.
# ------------------------------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def cents(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def test_demo_build_is_green(demo_build):
    result, _, _ = demo_build
    assert result.returncode == 0, result.stdout[-5000:]


def test_demo_funnel_equals_ground_truth(demo_build):
    result, warehouse, truth = demo_build
    assert result.returncode == 0, result.stdout[-5000:]
    columns = [f"became_{stage}_at" for stage in STAGES]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(f"select person_key, {', '.join(columns)} from marts_audit.fct_funnel").fetchall()
    actual = {row[0]: dict(zip(columns, map(iso, row[1:]))) for row in rows}
    expected = {p["person_key"]: {c: p[c] for c in columns} for p in truth["persons"]}
    assert set(actual) == set(expected)
    differing = {key: (actual[key], expected[key]) for key in expected if actual[key] != expected[key]}
    assert not differing, f"{len(differing)} people differ, e.g. {next(iter(differing.items()))}"


def test_demo_opportunities_equal_ground_truth(demo_build):
    result, warehouse, truth = demo_build
    assert result.returncode == 0, result.stdout[-5000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select opportunity_id, person_key, created_at, closed_at, is_closed, is_won, amount, currency, "
            "amount_reporting from marts_audit.fct_opportunities"
        ).fetchall()
    actual = {
        r[0]: {"person_key": r[1], "created_at": iso(r[2]), "closed_at": iso(r[3]), "is_closed": r[4],
               "is_won": r[5], "amount": cents(r[6]), "currency": r[7], "amount_reporting": cents(r[8])}
        for r in rows
    }
    expected = {
        o["opportunity_id"]: {"person_key": o["person_key"], "created_at": o["created_at"],
                              "closed_at": o["closed_at"], "is_closed": o["is_closed"], "is_won": o["is_won"],
                              "amount": cents(o["amount"]), "currency": o["currency"],
                              "amount_reporting": cents(o["amount_reporting"])}
        for o in truth["opportunities"]
    }
    assert set(actual) == set(expected)
    differing = {key: (actual[key], expected[key]) for key in expected if actual[key] != expected[key]}
    assert not differing, f"{len(differing)} opportunities differ, e.g. {next(iter(differing.items()))}"


def test_not_null_columns_names_each_required_column_holding_nulls_and_how_many(demo_build, tmp_path):
    """fct_funnel declares channel, segment and person_key not null (column constraints); nulls put
    into two of them are reported per column, and a column without the constraint is not checked."""
    result, warehouse, _ = demo_build
    assert result.returncode == 0, result.stdout[-5000:]
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(broken)) as con:
        keys = [row[0] for row in con.execute(
            "select person_key from marts_audit.fct_funnel order by person_key limit 3").fetchall()]
        con.execute("update marts_audit.fct_funnel set channel = null where person_key in (?, ?, ?)", keys)
        con.execute("update marts_audit.fct_funnel set segment = null where person_key = ?", keys[:1])
        con.execute("update marts_audit.fct_funnel set owner = null")  # not declared not null
    failed = run_dbt(["test", "--select", "fct_funnel,test_name:not_null_columns", "--store-failures"],
                     broken, tmp_path)
    assert failed.returncode != 0 and "not_null_columns_fct_funnel" in failed.stdout, failed.stdout[-3000:]
    with duckdb.connect(str(broken), read_only=True) as con:
        (schema,) = con.execute(
            "select distinct table_schema from information_schema.tables"
            " where table_name = 'not_null_columns_fct_funnel_'").fetchall()[0]
        rows = con.execute(
            f"select column_name, null_rows from {quote_ident(schema)}.not_null_columns_fct_funnel_"
            " order by column_name").fetchall()
    assert rows == [("channel", 3), ("segment", 1)]


def test_demo_content_impact_reaches_everyone_who_filled_an_assets_form(demo_build):
    """The simulation's own form fills of each content calendar asset (ground truth) are touches of the
    asset: in every month the mart reaches at least those people with at least those touches."""
    result, warehouse, truth = demo_build
    assert result.returncode == 0, result.stdout[-3000:]
    fills = truth["content_form_fills"]
    assert len({f["asset_name"] for f in fills}) >= 10 and sum(f["people"] for f in fills) > 100
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reached = {(name, str(month)): (touches, people) for name, month, touches, people in con.execute(
            "select asset_name, impact_month, touches, people_reached from marts_audit.rpt_content_impact").fetchall()}
    touches_and_people = {f["asset_name"]: None for f in fills}  # every asset with fills is in the mart
    short = []
    for f in fills:
        touches, people = reached.get((f["asset_name"], f["month"]), (0, 0))
        if touches < f["submissions"] or people < f["people"]:
            short.append((f, touches, people))
    assert short == []
    assert set(touches_and_people) <= {name for name, _ in reached}
