"""Several files per object, raw -> staging -> identity: columns a later export did not carry, and
HubSpot merges.

Expected values are written by hand from the fixture files below; person keys are computed here
with hashlib as definitions/README.md fixes them (md5('email:' || normalised email)).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.loader import load_drop

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DEFINITIONS = PROJECT / "definitions" / "funnel_definitions.yml"


def person_key(email: str) -> str:
    return hashlib.md5(f"email:{email}".encode()).hexdigest()


def run_dbt(args: list[str], warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    document = json.loads(json.dumps(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")), default=str))
    command = [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir", str(PROJECT),
               "--profiles-dir", str(PROJECT), "--target-path", str(work / "target"),
               "--log-path", str(work / "logs"), "--vars", json.dumps({"funnel_definitions": document})]
    env = {**os.environ, "SMARKETING_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


SF_HEADER = "Id,LastName,Email,Company,Status,Disqualification_Reason__c,CreatedDate,IsDeleted,SystemModstamp\n"
CREATED = "2026-01-05T09:00:00.000Z"

# Salesforce leads: a full export, then an incremental extract without Email, Company and the
# custom Disqualification_Reason__c, where L2's Status is blank (a real blank: the file carried the column).
SF_FILES = {
    "salesforce/Lead.csv": SF_HEADER
    + f"00Q000000000001,Ames,ann@acme.com,Acme,Open,Too small,{CREATED},false,2026-01-10T00:00:00.000Z\n"
    + f"00Q000000000002,Bell,bo@initech.com,Initech,Working,No budget,{CREATED},false,2026-01-10T00:00:00.000Z\n"
    + f"00Q000000000003,Cole,cy@globex.com,Globex,Open,,{CREATED},false,2026-01-10T00:00:00.000Z\n"
    # L4: the February file holds an older version; L5: deleted in February; L6: same modstamp
    # in both files.
    + f"00Q000000000004,Dunn,di@hooli.com,Hooli,Open,,{CREATED},false,2026-01-20T00:00:00.000Z\n"
    + f"00Q000000000005,Eyre,ed@umbrella.com,Umbrella,Open,,{CREATED},false,2026-01-10T00:00:00.000Z\n"
    + f"00Q000000000006,Ford,fi@soylent.com,Soylent,Open,,{CREATED},false,2026-01-10T00:00:00.000Z\n",
    "salesforce/2026-02-01/Lead.csv": "Id,LastName,Status,CreatedDate,IsDeleted,SystemModstamp\n"
    + f"00Q000000000001,Ames-Ray,Qualified,{CREATED},false,2026-02-01T00:00:00.000Z\n"
    + f"00Q000000000002,Bell,,{CREATED},false,2026-02-01T00:00:00.000Z\n"
    + f"00Q000000000004,Dunn,Working,{CREATED},false,2026-01-15T00:00:00.000Z\n"
    + f"00Q000000000005,Eyre,Open,{CREATED},true,2026-02-01T00:00:00.000Z\n"
    + f"00Q000000000006,Ford-Hale,Working,{CREATED},false,2026-01-10T00:00:00.000Z\n",
    # A later full export that carries Email again, blank for L1: blank wins, Company still from file 1.
    "salesforce/2026-03-01/Lead.csv": "Id,LastName,Email,Status,CreatedDate,IsDeleted,SystemModstamp\n"
    + f"00Q000000000001,Ames-Ray,,Qualified,{CREATED},false,2026-03-01T00:00:00.000Z\n",
}

HS_FULL = ("Record ID,First Name,Email,Create Date,Last Modified Date,Merged Record IDs\n")
HS_VIEW = "Record ID,First Name,Email,Create Date,Last Modified Date\n"

# HubSpot contacts. January: 100 and 200 are the same person under two addresses; 400 is Dan.
# February: the merge of 100 and 200 produced contact 300, which lists both old ids; 400 was merged
# into 800. March: 800 was merged into 900 (a chain: 400 -> 800 -> 900); 999 lists itself and an
# id no export ever held (777). April: a saved view without "Merged Record IDs" that holds 300 with
# a newer modification date: the merge link it did not carry must survive.
HS_FILES = {
    "hubspot/hubspot-crm-exports-all-contacts-2026-01-15.csv": HS_FULL
    + "100,Ann,ann@old-mail.com,2025-06-01 10:00,2026-01-15 10:00,\n"
    + "200,Ann,ann@acme.com,2025-09-01 10:00,2026-01-15 10:00,\n"
    + "400,Dan,dan@hooli.com,2025-07-01 10:00,2026-01-15 10:00,\n"
    + "500,Eve,eve@umbrella.com,2025-07-01 10:00,2026-01-15 10:00,\n",
    "hubspot/hubspot-crm-exports-all-contacts-2026-02-15.csv": HS_FULL
    + "300,Ann,ann@acme.com,2026-02-10 10:00,2026-02-10 10:00,100;200\n"
    + "800,Dan,dan@hooli.io,2026-02-11 10:00,2026-02-11 10:00,400\n"
    + "500,Eve,eve@umbrella.com,2025-07-01 10:00,2026-02-15 10:00,\n",
    "hubspot/hubspot-crm-exports-all-contacts-2026-03-15.csv": HS_FULL
    + "900,Daniel,daniel@hooli.io,2026-03-10 10:00,2026-03-10 10:00,800\n"
    + "999,Zed,zed@initech.com,2026-03-10 10:00,2026-03-10 10:00,999; 777\n",
    "hubspot/hubspot-crm-exports-ann-view-2026-04-15.csv": HS_VIEW
    + "300,Annie,ann@acme.com,2026-02-10 10:00,2026-04-15 10:00\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    for relative, text in {**SF_FILES, **HS_FILES}.items():
        write(drop, relative, text)
    with duckdb.connect(str(warehouse)) as con:
        report = load_drop(con, drop, load_id="load-1")
    result = run_dbt(["build", "--select", "+int_person_identity_links"], warehouse, root)
    return report, result, warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_file_loads(built):
    report, result, _ = built
    assert [(r.file, r.status, r.rows_read, r.rows_loaded) for r in report.results] == [
        ("salesforce/Lead.csv", "loaded", 6, 6),
        ("salesforce/2026-02-01/Lead.csv", "loaded", 5, 5),
        ("salesforce/2026-03-01/Lead.csv", "loaded", 1, 1),
        ("hubspot/hubspot-crm-exports-all-contacts-2026-01-15.csv", "loaded", 4, 4),
        ("hubspot/hubspot-crm-exports-all-contacts-2026-02-15.csv", "loaded", 3, 3),
        ("hubspot/hubspot-crm-exports-all-contacts-2026-03-15.csv", "loaded", 2, 2),
        ("hubspot/hubspot-crm-exports-ann-view-2026-04-15.csv", "loaded", 1, 1),
    ]
    assert result.returncode == 0, result.stdout[-5000:]


def test_the_loader_records_the_columns_each_file_carried(built):
    _, _, warehouse = built
    assert query(warehouse, """
        select column_name, header_label, file_position from ingest.file_columns
        where file = 'salesforce/2026-02-01/Lead.csv' order by file_position""") == [
        ("Id", "Id", 1), ("LastName", "LastName", 2), ("Status", "Status", 3), ("CreatedDate", "CreatedDate", 4),
        ("IsDeleted", "IsDeleted", 5), ("SystemModstamp", "SystemModstamp", 6),
    ]
    assert query(warehouse, """
        select file_order, count(*) from ingest.file_columns where source = 'hubspot' group by 1 order by 1""") == [
        (4, 6), (5, 6), (6, 6), (7, 5),
    ]


def test_a_column_keeps_the_value_of_the_latest_file_that_carried_it(built):
    _, result, warehouse = built
    assert result.returncode == 0, result.stdout[-5000:]
    assert query(warehouse, """
        select lead_id, last_name, email, company_name, lead_status, system_modified_at::varchar
        from staging.stg_salesforce__leads order by lead_id""") == [
        # Email: blank in the March file, which carried it; Company: only file 1 carried it.
        ("00Q000000000001", "Ames-Ray", None, "Acme", "Qualified", "2026-03-01 00:00:00"),
        # Status: blank in the February file, which carried it; Email and Company from file 1.
        ("00Q000000000002", "Bell", "bo@initech.com", "Initech", None, "2026-02-01 00:00:00"),
        # Only in file 1.
        ("00Q000000000003", "Cole", "cy@globex.com", "Globex", "Open", "2026-01-10 00:00:00"),
        # A later file with an older SystemModstamp does not win.
        ("00Q000000000004", "Dunn", "di@hooli.com", "Hooli", "Open", "2026-01-20 00:00:00"),
        # L5 was deleted (IsDeleted in its latest version). With equal modstamps the later file wins.
        ("00Q000000000006", "Ford-Hale", "fi@soylent.com", "Soylent", "Working", "2026-01-10 00:00:00"),
    ]
    # A custom column follows the same rule.
    assert query(warehouse, "select lead_id, disqualification_reason from staging.stg_salesforce__leads order by 1") == [
        ("00Q000000000001", "Too small"), ("00Q000000000002", "No budget"), ("00Q000000000003", None),
        ("00Q000000000004", None), ("00Q000000000006", None),
    ]


def test_a_merge_link_survives_an_export_without_the_merged_ids_column(built):
    _, result, warehouse = built
    assert result.returncode == 0, result.stdout[-5000:]
    assert query(warehouse, """
        select contact_id, first_name, email, merged_contact_ids from staging.stg_hubspot__contacts
        order by contact_id""") == [
        ("100", "Ann", "ann@old-mail.com", None),
        ("200", "Ann", "ann@acme.com", None),
        ("300", "Annie", "ann@acme.com", "100;200"),
        ("400", "Dan", "dan@hooli.com", None),
        ("500", "Eve", "eve@umbrella.com", None),
        ("800", "Dan", "dan@hooli.io", "400"),
        ("900", "Daniel", "daniel@hooli.io", "800"),
        ("999", "Zed", "zed@initech.com", "999; 777"),
    ]


def test_merged_record_ids_resolve_to_the_surviving_contact(built):
    _, result, warehouse = built
    assert result.returncode == 0, result.stdout[-5000:]
    ann, dan = person_key("ann@acme.com"), person_key("daniel@hooli.io")
    assert query(warehouse, """
        select source_record_id, person_key, identity_rule, is_merged_record, merged_into_record_id
        from intermediate.int_person_identity_links
        where source_system = 'hubspot' order by source_record_id""") == [
        # The old records an earlier export still holds belong to the survivor's person.
        ("100", ann, "hubspot_merge", True, "300"),
        ("200", ann, "hubspot_merge", True, "300"),
        ("300", ann, "email", False, None),
        # A chain of merges is followed to the last survivor.
        ("400", dan, "hubspot_merge", True, "900"),
        ("500", person_key("eve@umbrella.com"), "email", False, None),
        # An id no export holds still resolves; a contact listing itself is not merged away.
        ("777", person_key("zed@initech.com"), "hubspot_merge", True, "999"),
        ("800", dan, "hubspot_merge", True, "900"),
        ("900", dan, "email", False, None),
        ("999", person_key("zed@initech.com"), "email", False, None),
    ]
    # The merged-away addresses are not people of their own.
    persons = {row[0] for row in query(warehouse, "select distinct person_key from intermediate.int_person_identity_links")}
    assert person_key("ann@old-mail.com") not in persons
    assert person_key("dan@hooli.com") not in persons and person_key("dan@hooli.io") not in persons
