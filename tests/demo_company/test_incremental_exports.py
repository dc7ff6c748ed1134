"""The default demo's older full exports and the incremental exports made since (a Salesforce "Export
All" extract, a Spanish-language HubSpot re-export): what each file holds, how it is written, and that
the latest version of every record across the files is the simulation's final record."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from demo_company import generate
from demo_company.catalog import TEAM
from demo_company.clock import CANONICAL_AS_OF
from demo_company.simulate import simulate
from demo_company.writers import (
    HUBSPOT_SPANISH_LABELS, _sf_lead, _sf_lead_history,
    es_number, es_timestamp, export_day, hubspot_files, hubspot_incremental_files,
)
from demo_records import PRODUCT_FILES
from ingest.contracts import contract_for_file
from ingest.formats import header_locale
from ingest.headers import normalise
from ingest.loader import load_drop

SINCE = "2026-10-25"
# The file names of the pinned day (outside a generation the calendar is the catalog's own).
EXPORT_DAY, HUBSPOT_FILES, HUBSPOT_INCREMENTAL_FILES = export_day(), hubspot_files(), hubspot_incremental_files()
ES_TIMESTAMP = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
ES_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$")


@pytest.fixture(scope="module")
def default_drop(tmp_path_factory):
    root = tmp_path_factory.mktemp("default")
    generate(root, as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    return root, simulate(3000, 42, "salesforce+hubspot").drop


def records(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=delimiter))


def latest_versions(files: list[list[dict[str, str]]], key: str, modified: str, parse=lambda v: v) -> dict:
    """Per key, the row with the latest modified value, then the later file, then the later line."""
    ranked = {}
    for file_order, rows in enumerate(files):
        for line, row in enumerate(rows):
            rank = (parse(row[modified]), file_order, line)
            if row[key] not in ranked or rank > ranked[row[key]][0]:
                ranked[row[key]] = (rank, row)
    return {k: row for k, (_, row) in ranked.items()}


# ------------------------------------------------------------------------------------------------ Salesforce


def test_the_incremental_lead_extract_holds_what_changed_since_the_full_export(default_drop):
    root, drop = default_drop
    full_path, incremental_path = root / "salesforce" / "Lead.csv", root / "salesforce" / EXPORT_DAY / "Lead.csv"
    assert full_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not incremental_path.read_bytes().startswith(b"\xef\xbb\xbf"), "Data Loader writes no byte order mark"
    full, incremental = records(full_path), records(incremental_path)
    assert list(full[0]) == list(incremental[0])
    assert all(r["SystemModstamp"] < SINCE for r in full) and all(r["SystemModstamp"] >= SINCE for r in incremental)
    older = {r["Id"]: r for r in full}
    assert any(r["Id"] not in older for r in incremental), "leads created since the full export"
    changed = [r for r in incremental if r["Id"] in older]
    assert any(older[r["Id"]]["Status"] != r["Status"] for r in changed)
    assert any(older[r["Id"]]["IsConverted"] == "false" and r["IsConverted"] == "true" for r in changed)
    deleted = [r for r in incremental if r["IsDeleted"] == "true"]
    assert len(deleted) >= 2 and all(older[r["Id"]]["IsDeleted"] == "false" for r in deleted)
    in_force = latest_versions([full, incremental], "Id", "SystemModstamp")
    assert in_force == {lead.id: _sf_lead(lead) for lead in drop.sf_leads}
    assert {r["Id"] for r in deleted} == {lead.id for lead in drop.sf_leads if lead.is_deleted}


def test_lead_history_is_split_at_the_full_export(default_drop):
    root, drop = default_drop
    full = records(root / "salesforce" / "LeadHistory.csv")
    incremental = records(root / "salesforce" / EXPORT_DAY / "LeadHistory.csv")
    assert all(r["CreatedDate"] < SINCE for r in full) and all(r["CreatedDate"] >= SINCE for r in incremental)
    assert not {r["Id"] for r in full} & {r["Id"] for r in incremental}
    assert {r["Id"]: r for r in full + incremental} == {h.id: _sf_lead_history(h) for h in drop.sf_lead_history}
    assert any(r["Field"] == "leadMerged" for r in incremental)


# ------------------------------------------------------------------------------------------------ HubSpot


def test_spanish_numbers_and_times():
    assert es_number(Decimal("1234.5")) == "1.234,5"
    assert es_number(Decimal("-1234567.25")) == "-1.234.567,25"
    assert es_number(Decimal("0.50")) == "0,5"
    assert es_number(Decimal("12500000.00")) == "12.500.000"
    assert (es_number(45), es_number(999), es_number(1000), es_number(None)) == ("45", "999", "1.000", "")
    assert es_timestamp(datetime(2026, 3, 4, 9, 5, tzinfo=UTC)) == "04/03/2026 09:05"


def spanish_time(value: str) -> datetime | None:
    return datetime.strptime(value, "%d/%m/%Y %H:%M").replace(tzinfo=UTC) if value else None


def spanish_number(value: str) -> Decimal | None:
    return Decimal(value.replace(".", "").replace(",", ".")) if value else None


@pytest.mark.parametrize("object_name", ["contacts", "companies"])
def test_the_spanish_re_export_is_written_the_way_a_spanish_hubspot_writes_it(default_drop, object_name):
    root, drop = default_drop
    path = root / "hubspot" / HUBSPOT_INCREMENTAL_FILES[object_name]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    labels = HUBSPOT_SPANISH_LABELS[object_name]
    assert header == [label for label in labels.values()]
    assert header_locale([normalise(label) for label in header]) == "es", "the loader must read it as Spanish"
    contract = contract_for_file("hubspot", path.name)
    assert contract.object == object_name
    rows = records(path, ";")
    assert rows and all(len(r) == len(header) for r in rows)
    types = {labels[c.name]: c.type for c in contract.columns if c.name in labels}
    finals = {r.id: r for r in (drop.hs_contacts if object_name == "contacts" else drop.hs_companies)}
    grouped = 0
    for row in rows:
        final = finals[row["ID de registro"]]
        for label, value in row.items():
            if types[label] == "timestamp":
                assert value == "" or ES_TIMESTAMP.match(value), (label, value)
            if types[label] in ("integer", "decimal") and value:
                assert ES_NUMBER.match(value), (label, value)
                grouped += "." in value
        assert spanish_time(row["Fecha de creación"]) == final.created_at
        assert spanish_time(row["Fecha de última modificación"]) == final.modified_at
        if object_name == "contacts":
            assert spanish_number(row["Puntuación de HubSpot"]) == final.score
            for stage, at in final.stage_dates.items():
                label = labels[f"hs_lifecyclestage_{stage}_date"]
                assert spanish_time(row[label]) == at
        else:
            assert spanish_number(row["Número de empleados"]) == final.employees
            assert spanish_number(row["Ingresos anuales"]) == final.annual_revenue
    if object_name == "companies":
        assert grouped, "thousands (employees, revenue) are grouped with '.'"


@pytest.mark.parametrize("object_name", ["contacts", "companies"])
def test_the_latest_version_of_every_hubspot_record_is_its_final_version(default_drop, object_name):
    root, drop = default_drop
    english = records(root / "hubspot" / HUBSPOT_FILES[object_name])
    spanish = records(root / "hubspot" / HUBSPOT_INCREMENTAL_FILES[object_name], ";")
    assert all(spanish_time(r["Fecha de última modificación"]) >= datetime(2026, 10, 25, tzinfo=UTC)
               for r in spanish)
    to_english = {HUBSPOT_SPANISH_LABELS[object_name][c.name]: c.aliases[0]
                  for c in contract_for_file("hubspot", HUBSPOT_FILES[object_name]).columns
                  if c.name in HUBSPOT_SPANISH_LABELS[object_name]}

    def parsed(row: dict[str, str], spanish_row: bool) -> dict:
        out = {}
        for label, value in row.items():
            english_label = to_english.get(label, label) if spanish_row else label
            if spanish_row and ES_TIMESTAMP.match(value):
                value = spanish_time(value).strftime("%Y-%m-%d %H:%M")
            elif spanish_row and english_label in ("HubSpot Score", "Number of Employees", "Annual Revenue") and value:
                value = str(spanish_number(value))
            out[english_label] = value
        return out

    versions = [[parsed(r, False) for r in english], [parsed(r, True) for r in spanish]]
    in_force = latest_versions(versions, "Record ID", "Last Modified Date")
    finals = drop.hs_contacts if object_name == "contacts" else drop.hs_companies
    assert set(in_force) == {r.id for r in finals}
    older = {r["Record ID"]: r for r in versions[0]}
    assert any(r["Record ID"] in older and older[r["Record ID"]] != r for r in versions[1])
    for final in finals:
        row = in_force[final.id]
        assert row["Last Modified Date"] == final.modified_at.strftime("%Y-%m-%d %H:%M")
        owner_label = "Contact owner" if object_name == "contacts" else "Company owner"
        assert row[owner_label] == (final.owner or "")
        if object_name == "contacts":
            assert (row["Lifecycle Stage"], row["Lead Status"], int(row["HubSpot Score"])) == (
                final.lifecycle_stage, final.lead_status or "", final.score)


def test_hubspot_exports_name_owners(default_drop):
    root, _ = default_drop
    names = {f"{m.first_name} {m.last_name}" for m in TEAM}
    owners = {r["Contact owner"] for r in records(root / "hubspot" / HUBSPOT_FILES["contacts"])}
    owners |= {r["Propietario del contacto"]
               for r in records(root / "hubspot" / HUBSPOT_INCREMENTAL_FILES["contacts"], ";")}
    owners |= {r["Company owner"] for r in records(root / "hubspot" / HUBSPOT_FILES["companies"])}
    assert owners - {""} and owners - {""} <= names


# ------------------------------------------------------------------------------------------------ loading


def test_the_loader_takes_every_file_of_the_demo_without_quarantine(default_drop, tmp_path):
    root, _ = default_drop
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        load_drop(con, root)
        ledger = {row[0]: row[1:] for row in con.execute(
            "select file, status, rows_read, rows_loaded, rows_quarantined, delimiter from ingest.load_ledger"
        ).fetchall()}
        spanish = f"hubspot/{HUBSPOT_INCREMENTAL_FILES['contacts']}"
        typed = con.execute(
            "select count(*), count(createdate), count(lastmodifieddate), count(hubspotscore) "
            "from raw_hubspot.contacts where _source_file = ?", [spanish]
        ).fetchall()[0]
    files = {p.relative_to(root).as_posix() for p in root.rglob("*.csv")}
    assert set(ledger) == files
    for file, (status, read, loaded, quarantined, _) in ledger.items():
        assert (status, quarantined) == ("loaded", 0) and read == loaded > 0, file
    assert ledger[spanish][4] == "semicolon"
    assert typed[0] == typed[1] == typed[2] == typed[3] > 0
