"""The same input gives the same marts, row for row: two builds of one loaded drop, as-of dates pinned,
hold equal ordered rows in every mart (the builds start some seconds apart, so a mart holding the time
of its build would differ); weights and other floating-point fractions are rounded to 1e-12, so the
order in which a parallel sum adds its terms cannot show in them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from test_dbt_build import DEMO_INPUTS, definitions_vars, run_dbt

PINNED = {"funnel_definitions_as_of": "2026-11-01", "reporting_as_of": "2026-11-01",
          "lead_sla_as_of": "2026-11-01 00:00:00"}
MART_SCHEMAS = ("marts_audit",)
# Fractions of a whole: computed by division or as parts of a sum, stored rounded to this many places.
ROUNDED_PLACES = 12


def build(warehouse: Path, work: Path) -> None:
    variables = {**json.loads(definitions_vars()), **PINNED}
    result = run_dbt(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
                      "--vars", json.dumps(variables)], warehouse, work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    demo = pytest.importorskip("demo_company")
    from demo_company.clock import CANONICAL_AS_OF
    from ingest.loader import load_drop

    root = tmp_path_factory.mktemp("reproducible")
    drop, raw = root / "exports", root / "raw.duckdb"
    demo.generate(drop, people=400, seed=23, as_of=CANONICAL_AS_OF.date(), **DEMO_INPUTS)
    with duckdb.connect(str(raw)) as con:
        load_drop(con, drop)
    builds = []
    for n in (1, 2):
        warehouse = root / f"build{n}.duckdb"
        shutil.copyfile(raw, warehouse)
        build(warehouse, root / f"work{n}")
        builds.append(warehouse)
    return builds


def mart_tables(con, catalog: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = ? "
        "and table_schema in ? and table_type = 'BASE TABLE' order by all", [catalog, list(MART_SCHEMAS)]
    ).fetchall()]


def test_two_builds_of_one_drop_hold_the_same_ordered_rows_in_every_mart(two_builds):
    first, second = two_builds
    with duckdb.connect() as con:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        tables = mart_tables(con, "a")
        assert tables == mart_tables(con, "b") and len(tables) > 15
        differing = {}
        for schema, name in tables:
            relation = f'"{schema}"."{name}"'
            left = con.execute(f"select * from a.{relation} order by all").fetchall()
            right = con.execute(f"select * from b.{relation} order by all").fetchall()
            if left != right:
                differing[name] = sum(1 for x, y in zip(left, right) if x != y) + abs(len(left) - len(right))
        assert differing == {}
        assert con.execute("select count(*) from a.marts_audit.fct_attribution").fetchall()[0][0] > 100


def test_fractions_in_marts_are_rounded_so_summation_order_cannot_show(two_builds):
    with duckdb.connect(str(two_builds[0]), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ? and data_type in ('DOUBLE', 'FLOAT') order by all", [list(MART_SCHEMAS)]
        ).fetchall()
        assert ("marts_audit", "fct_attribution", "weight") in columns
        unrounded = {
            f"{table}.{column}": n for schema, table, column in columns
            for n in [con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" is not null'
                f' and "{column}" <> round("{column}", {ROUNDED_PLACES})'
            ).fetchall()[0][0]] if n
        }
    assert unrounded == {}
