"""Several files per object, raw -> staging -> identity: columns a later export did not carry, and
HubSpot and Marketo merges.

Expected values are written by hand from the fixture files below; person keys are computed here
with Python's hmac as definitions/README.md fixes them (HMAC-SHA256 of 'email:' || normalised email under
the warehouse's secret; here a secret of the test's own).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from ingest.loader import load_drop
from orchestration.person_keys import write_pads_to

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DEFINITIONS = PROJECT / "definitions" / "funnel_definitions.yml"


SECRET = b"a secret of these tests"


def person_key(email: str) -> str:
    return hmac.new(SECRET, f"email:{email}".encode(), hashlib.sha256).hexdigest()


def run_dbt(args: list[str], warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    write_pads_to(warehouse, SECRET)  # as the pipeline does before dbt starts
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


# Marketo. January leads export: 5001 and 5002 are Mia under two addresses; 6001, 6002, 6003 are
# Noah; 7001 is Zoe. The bulk activity extract (the real extract columns, no activityTypeName; an
# empty field is the text null) holds "Merge Leads" activities (type 32) on the winning lead,
# whose "Merge IDs" attribute lists the losing leads: 5001 into 5002; a chain 6001 -> 6002 -> 6003
# (the second one spelled "Merge Ids"); 7001 lists itself and 7002, an id no export holds. The
# March leads export no longer holds the merged leads. Web visits (type 1) were logged on 5001 and
# 6001 before they were merged away.
MKTO_LEADS = "id,email,firstName,lastName,createdAt,updatedAt\n"
MKTO_ACTIVITIES = ("marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
                   "primaryAttributeValue,attributes\n")
MERGE_ATTRIBUTES = '"{{""{key}"":{ids},""Merge Source"":""Web"",""Merged in Sales"":false,""Master Updated"":true}}"'
MKTO_FILES = {
    "marketo/leads-2026-01-15.csv": MKTO_LEADS
    + "5001,mia@old-mail.com,Mia,Ames,2025-05-01T10:00:00Z,2026-01-15T10:00:00Z\n"
    + "5002,Mia@Acme.com,Mia,Ames,2025-08-01T10:00:00Z,2026-01-15T10:00:00Z\n"
    + "6001,noah@hooli.com,Noah,Bell,2025-05-01T10:00:00Z,2026-01-15T10:00:00Z\n"
    + "6002,noah@hooli.io,Noah,Bell,2025-06-01T10:00:00Z,2026-01-15T10:00:00Z\n"
    + "6003,noah@hooli.net,Noah,Bell,2025-07-01T10:00:00Z,2026-01-15T10:00:00Z\n"
    + "7001,zoe@initech.com,Zoe,Cole,2025-05-01T10:00:00Z,2026-01-15T10:00:00Z\n",
    "marketo/leads-2026-03-15.csv": MKTO_LEADS
    + "5002,mia@acme.com,Mia,Ames,2025-08-01T10:00:00Z,2026-02-01T10:00:00Z\n"
    + "6003,noah@hooli.net,Noah,Bell,2025-07-01T10:00:00Z,2026-03-05T10:00:00Z\n"
    + "7001,zoe@initech.com,Zoe,Cole,2025-05-01T10:00:00Z,2026-03-06T10:00:00Z\n",
    "marketo/activities-2026-03-20.csv": MKTO_ACTIVITIES
    + "g1,5001,2026-01-10T10:00:00Z,1,null,null,www.example.com/pricing,"
    + '"{""Client IP Address"":""10.0.0.1"",""Referrer URL"":""https://www.google.com/""}"\n'
    + "g2,5002,2026-02-01T10:00:00Z,32,null,5002,Mia Ames," + MERGE_ATTRIBUTES.format(key="Merge IDs", ids="[5001]") + "\n"
    + "g3,6002,2026-02-05T10:00:00Z,32,null,6002,Noah Bell," + MERGE_ATTRIBUTES.format(key="Merge IDs", ids="[6001]") + "\n"
    + "g4,6003,2026-03-05T10:00:00Z,32,null,6003,Noah Bell," + MERGE_ATTRIBUTES.format(key="Merge Ids", ids="[6002]") + "\n"
    + "g5,7001,2026-03-06T10:00:00Z,32,null,7001,Zoe Cole," + MERGE_ATTRIBUTES.format(key="Merge IDs", ids="[7001, 7002]") + "\n"
    + "g6,6001,2026-01-11T10:00:00Z,1,null,null,www.example.com/docs,null\n",
}


@pytest.fixture(scope="module")
def built_marketo(tmp_path_factory):
    root = tmp_path_factory.mktemp("marketo_merges")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    for relative, text in MKTO_FILES.items():
        write(drop, relative, text)
    with duckdb.connect(str(warehouse)) as con:
        report = load_drop(con, drop, load_id="load-1")
    result = run_dbt(["build", "--select", "+int_person_identity_links", "+int_engagement_events",
                      "+int_definition_event_types"], warehouse, root)
    return report, result, warehouse


def test_marketo_merge_leads_activities_stage_their_merge_ids(built_marketo):
    report, result, warehouse = built_marketo
    assert [(r.file, r.status, r.rows_loaded) for r in report.results] == [
        ("marketo/leads-2026-01-15.csv", "loaded", 6),
        ("marketo/leads-2026-03-15.csv", "loaded", 3),
        ("marketo/activities-2026-03-20.csv", "loaded", 6),
    ]
    assert result.returncode == 0, result.stdout[-5000:]
    assert query(warehouse, """
        select activity_id, lead_id, is_lead_merge, merged_lead_ids, campaign_id
        from staging.stg_marketo__activities order by activity_id""") == [
        ("g1", "5001", False, None, None),
        ("g2", "5002", True, "5001", None),
        ("g3", "6002", True, "6001", None),
        ("g4", "6003", True, "6002", None),
        ("g5", "7001", True, "7001,7002", None),
        ("g6", "6001", False, None, None),
    ]


def test_merged_marketo_leads_resolve_to_the_winning_lead(built_marketo):
    _, result, warehouse = built_marketo
    assert result.returncode == 0, result.stdout[-5000:]
    mia, noah, zoe = person_key("mia@acme.com"), person_key("noah@hooli.net"), person_key("zoe@initech.com")
    assert query(warehouse, """
        select source_record_id, person_key, identity_rule, is_merged_record, merged_into_record_id
        from intermediate.int_person_identity_links
        where source_system = 'marketo' order by source_record_id""") == [
        # The losing lead the January export still holds belongs to the winner's person.
        ("5001", mia, "marketo_merge", True, "5002"),
        ("5002", mia, "email", False, None),
        # A chain of merges is followed to the last winner.
        ("6001", noah, "marketo_merge", True, "6003"),
        ("6002", noah, "marketo_merge", True, "6003"),
        ("6003", noah, "email", False, None),
        # A lead listing itself keeps its own record; an id no export holds still resolves.
        ("7001", zoe, "email", False, None),
        ("7002", zoe, "marketo_merge", True, "7001"),
    ]
    persons = {row[0] for row in query(warehouse, "select distinct person_key from intermediate.int_person_identity_links")}
    assert person_key("mia@old-mail.com") not in persons
    assert person_key("noah@hooli.com") not in persons and person_key("noah@hooli.io") not in persons


def test_activities_of_a_merged_marketo_lead_count_for_the_winners_person(built_marketo):
    _, result, warehouse = built_marketo
    assert result.returncode == 0, result.stdout[-5000:]
    web_visit = yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))["engagement_events"]["marketo_activity_types"][1]
    assert query(warehouse, """
        select source_record_id, person_key, event_type from intermediate.int_engagement_events
        where source_system = 'marketo' order by source_record_id""") == [
        ("g1", person_key("mia@acme.com"), web_visit),
        ("g6", person_key("noah@hooli.net"), web_visit),
    ]
