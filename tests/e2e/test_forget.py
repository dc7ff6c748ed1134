"""`smarketing forget EMAIL`, then a re-export of the same person: the person is gone from the raw
tables, the quarantine, every built layer and every published mart, stays gone after the re-export
(its records counted as suppressed in the load ledger), and the suppression list holds no email.

The person's keys are computed here with Python's hmac under the tests' secret (tests/conftest.py)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from demo_company import generate
from demo_company.clock import CANONICAL_AS_OF
from orchestration import settings
from orchestration.cli import demo_company_inputs, main
from orchestration.person_keys import SECRET_ENV
from orchestration.pipeline import run_pipeline
from orchestration.publish import kept_publishes


def key_of(email: str) -> str:
    return hmac.new(os.environ[SECRET_ENV].encode(), f"email:{email}".encode(), hashlib.sha256).hexdigest()


def rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(records)


def all_text(con: duckdb.DuckDBPyConnection, schemas: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every text column of every table and view, in ``schemas`` if given."""
    found = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and data_type = 'VARCHAR' and schema_name not in ('information_schema', 'pg_catalog')"
    ).fetchall()
    return [f for f in found if schemas is None or f[0] in schemas]


def holding(con: duckdb.DuckDBPyConnection, needle: str, schemas: list[str] | None = None) -> list[str]:
    """Every table column (in ``schemas``) with a value containing ``needle`` (case-insensitive)."""
    hits = []
    for schema, table, column in all_text(con, schemas):
        relation = f'"{schema}"."{table}"'
        count = con.execute(f'select count(*) from {relation} where lower("{column}") like ?',
                            [f"%{needle.lower()}%"]).fetchall()[0][0]
        if count:
            hits.append(f"{schema}.{table}.{column}: {count}")
    return hits


@pytest.fixture(scope="module")
def forgotten(tmp_path_factory):
    root = tmp_path_factory.mktemp("forget")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    generate(drop, people=300, seed=7, as_of=CANONICAL_AS_OF.date(), **demo_company_inputs())
    # The Salesforce lead whose email the drop names most often (in other systems' exports too), and a
    # second export of that lead with a bad date: quarantined, so the quarantine holds a record of theirs.
    lead_header, leads = rows(drop / "salesforce" / "Lead.csv")
    everything = "\n".join(p.read_text(encoding="utf-8-sig", errors="replace").lower() for p in drop.rglob("*.csv"))
    lead = max((r for r in leads if r["Email"]), key=lambda r: everything.count(r["Email"].strip().lower()))
    email = lead["Email"].strip().lower()
    assert everything.count(email) > 3
    write(drop / "salesforce" / "Lead_2.csv", lead_header, [{**lead, "CreatedDate": "not a date"}])
    first = run_pipeline(drop, warehouse)
    assert first.published, first.failures
    working = settings.working_path(warehouse)
    with duckdb.connect(str(working), read_only=True) as con:
        before_quarantined = con.execute("select count(*) from ingest.quarantine where person_key = ?",
                                         [key_of(email)]).fetchall()[0][0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before_funnel = con.execute("select count(*) from marts.fct_funnel where person_key = ?",
                                    [key_of(email)]).fetchall()[0][0]

    code = main(["forget", f"  {email.upper()} ", "--warehouse", str(warehouse)])
    publishes_after_forget = kept_publishes(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after_forget_funnel = con.execute("select count(*) from marts.fct_funnel where person_key = ?",
                                          [key_of(email)]).fetchall()[0][0]

    # The next export holds the person again: the same lead in a new extract, again with the bad row.
    write(drop / "salesforce" / "2099-01-01" / "Lead.csv", lead_header,
          [{**lead, "LastName": lead["LastName"] + "-again"}, leads[0] if leads[0] is not lead else leads[1]])
    write(drop / "salesforce" / "2099-01-01" / "Lead_2.csv", lead_header, [{**lead, "CreatedDate": "bad again"}])
    second = run_pipeline(drop, warehouse)
    return {"email": email, "lead": lead, "warehouse": warehouse, "working": working, "code": code,
            "before_quarantined": before_quarantined, "before_funnel": before_funnel,
            "after_forget_funnel": after_forget_funnel, "publishes_after_forget": publishes_after_forget,
            "second": second}


def test_the_person_was_there_before_the_forget(forgotten):
    assert forgotten["before_funnel"] == 1
    assert forgotten["before_quarantined"] >= 1


def test_forget_republishes_without_the_person_and_removes_earlier_publishes(forgotten):
    assert forgotten["code"] == 0
    assert forgotten["after_forget_funnel"] == 0
    assert len(forgotten["publishes_after_forget"]) == 1


def test_after_a_re_export_the_person_is_in_no_layer_and_no_mart(forgotten):
    second, email, key = forgotten["second"], forgotten["email"], key_of(forgotten["email"])
    assert second.published, second.failures
    with duckdb.connect(str(forgotten["working"]), read_only=True) as con:
        # raw, quarantine, staging, intermediate and the audited marts of the working file
        assert holding(con, email, [s for (s,) in con.execute(
            "select distinct schema_name from duckdb_tables() where schema_name <> 'ingest'").fetchall()]) == []
        assert holding(con, email, ["ingest"]) == []
        kept = holding(con, key, ["staging", "intermediate", "marts_audit", "ingest"])
        assert "ingest.suppressed_persons.person_key: 1" in kept
        assert all(hit.startswith(("ingest.suppressed_persons.", "ingest.suppressed_records.")) for hit in kept), kept
        assert con.execute("select count(*) from raw_salesforce.lead where Id = ?",
                           [forgotten["lead"]["Id"]]).fetchall()[0][0] == 0
        assert con.execute("select count(*) from ingest.quarantine where person_key = ? or lower(raw_value) = ?",
                           [key, email]).fetchall()[0][0] == 0
        suppressed = con.execute(
            "select file, rows_read, rows_loaded, rows_quarantined, rows_suppressed from ingest.load_ledger "
            "where file like 'salesforce/2099-01-01/%' order by file").fetchall()
    assert suppressed == [("salesforce/2099-01-01/Lead.csv", 2, 1, 0, 1),
                          ("salesforce/2099-01-01/Lead_2.csv", 1, 0, 0, 1)]
    with duckdb.connect(str(forgotten["warehouse"]), read_only=True) as con:
        assert holding(con, email) == []
        assert holding(con, key) == []


def test_the_suppression_list_holds_no_email(forgotten):
    with duckdb.connect(str(forgotten["working"]), read_only=True) as con:
        stored = con.execute("select * from ingest.suppressed_persons").fetchall() + \
            con.execute("select * from ingest.suppressed_records").fetchall()
    assert stored and not any("@" in str(value) for row in stored for value in row)
    assert forgotten["email"] not in repr(stored)


def test_forget_refuses_what_is_not_an_email(tmp_path, capsys):
    assert main(["forget", "not an email", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "email address" in capsys.readouterr().err
