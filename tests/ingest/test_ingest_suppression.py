"""The suppression list at load: a forgotten person's records, and rows that refer to them, are
removed by ``forget`` and left out of later loads (neither loaded nor quarantined), and counted.

Person keys here are Python's hmac under the test's own secret, independent of the SQL under test."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb

from ingest import personal_data
from ingest.loader import ensure_warehouse, load_drop
from orchestration.person_keys import write_pads

SECRET = b"suppression test secret"
ANN = hmac.new(SECRET, b"email:ann@acme.com", hashlib.sha256).hexdigest()


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_forget_then_a_re_export_leaves_the_person_out_and_counts_them(tmp_path):
    drop = tmp_path / "exports"
    write(drop, "salesforce/Lead.csv", "Id,Email,Status,CreatedDate\n"
          "00Q000000000001,Ann@Acme.com ,Open,2026-01-05T10:00:00Z\n"
          "00Q000000000002,bob@globex.com,Open,2026-01-06T10:00:00Z\n"
          "00Q000000000009,ann@acme.com,Open,not a date\n")
    write(drop, "salesforce/CampaignMember.csv", "Id,CampaignId,LeadId,CreatedDate\n"
          "00v000000000001,701000000000001,00Q000000000001,2026-01-07T10:00:00Z\n"
          "00v000000000002,701000000000001,00Q000000000002,2026-01-07T10:00:00Z\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_warehouse(con)
        write_pads(con, SECRET)
        load_drop(con, drop)
        assert rows(con, "select person_key from ingest.quarantine") == [(ANN,)]  # found by forget below

        removed = personal_data.forget(con, ANN)

        assert {k: v for k, v in removed.items() if v} == {
            "raw_salesforce.lead": 1, "raw_salesforce.campaign_member": 1, "ingest.quarantine": 1}
        assert rows(con, "select Id from raw_salesforce.lead") == [("00Q000000000002",)]
        assert rows(con, "select Id from raw_salesforce.campaign_member") == [("00v000000000002",)]
        assert rows(con, "select * from ingest.quarantine") == []
        assert rows(con, "select person_key from ingest.suppressed_persons") == [(ANN,)]
        assert rows(con, "select source, object, record_id, person_key from ingest.suppressed_records") == [
            ("salesforce", "lead", "00Q000000000001", ANN)]

        # The next export holds Ann again: her lead (changed), a new bad record of hers, a member row
        # for her lead, and Carl.
        write(drop, "salesforce/Lead_2.csv", "Id,Email,Status,CreatedDate\n"
              "00Q000000000001,ann@acme.com,Working,2026-01-05T10:00:00Z\n"
              "00Q000000000003,ANN@acme.com,Open,bad again\n"
              "00Q000000000004,carl@initech.com,Open,2026-02-01T10:00:00Z\n")
        write(drop, "salesforce/CampaignMember_2.csv", "Id,CampaignId,LeadId,CreatedDate\n"
              "00v000000000003,701000000000001,00Q000000000001,2026-02-07T10:00:00Z\n"
              "00v000000000004,701000000000001,00Q000000000004,2026-02-07T10:00:00Z\n")
        load_drop(con, drop)

        assert rows(con, "select file, rows_read, rows_loaded, rows_quarantined, rows_suppressed, status "
                         "from ingest.load_ledger where file like '%\\_2.csv' escape '\\' order by file") == [
            ("salesforce/CampaignMember_2.csv", 2, 1, 0, 1, "loaded"),
            ("salesforce/Lead_2.csv", 3, 1, 0, 2, "loaded"),
        ]
        assert rows(con, "select Id from raw_salesforce.lead order by Id") == [("00Q000000000002",), ("00Q000000000004",)]
        assert rows(con, "select Id from raw_salesforce.campaign_member order by Id") == [("00v000000000002",), ("00v000000000004",)]
        assert rows(con, "select * from ingest.quarantine") == []


def test_without_a_suppression_list_the_loader_needs_no_pads(tmp_path):
    drop = tmp_path / "exports"
    write(drop, "salesforce/Lead.csv", "Id,Email,Status,CreatedDate\n00Q000000000001,ann@acme.com,Open,2026-01-05T10:00:00Z\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        report = load_drop(con, drop)
        assert [(r.rows_loaded, r.rows_suppressed) for r in report.results if r.object == "lead"] == [(1, 0)]


def test_forget_removes_quarantine_rows_that_point_to_the_person_or_hold_their_email(tmp_path):
    """A task quarantined for a bad date refers to the person's lead by WhoId; an unreadable record is
    kept as raw text holding the email: both go with the person, another person's stay."""
    drop = tmp_path / "exports"
    write(drop, "salesforce/Lead.csv", "Id,Email,Status,CreatedDate\n"
          "00Q000000000001,ann@acme.com,Open,2026-01-05T10:00:00Z\n"
          "00Q000000000002,bob@globex.com,Open,2026-01-06T10:00:00Z\n"
          "00Q000000000005,Ann@ACME.com,Open,2026-01-05T10:00:00Z,extra value\n"
          "00Q000000000006,bob@globex.com,Open,2026-01-05T10:00:00Z,extra value\n")
    write(drop, "salesforce/Task.csv", "Id,WhoId,Subject,ActivityDate,CreatedDate\n"
          "00T000000000001,00Q000000000001,Call,not a date,2026-01-08T10:00:00Z\n"
          "00T000000000002,00Q000000000002,Call,not a date,2026-01-08T10:00:00Z\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_warehouse(con)
        write_pads(con, SECRET)
        load_drop(con, drop)
        assert rows(con, "select object, line, person_records from ingest.quarantine order by object, line") == [
            ("lead", 4, None), ("lead", 5, None),
            ("task", 2, ["lead:00Q000000000001", "contact:00Q000000000001"]),
            ("task", 3, ["lead:00Q000000000002", "contact:00Q000000000002"]),
        ]

        removed = personal_data.forget(con, ANN, "ann@acme.com")

        assert removed["ingest.quarantine"] == 2
        assert rows(con, "select object, line from ingest.quarantine order by object, line") == [
            ("lead", 5), ("task", 3),
        ]


def test_forget_follows_hubspot_merged_contact_ids_and_a_forgotten_record_stays_out_under_a_new_email(tmp_path):
    """Ann's contact 201 lists 150 and 160 as merged into it: contact 150 (her old address) and the form
    submissions of 150 and 160 go with her, and contact 150 stays out when exported again with
    another email. Bob's records stay."""
    drop = tmp_path / "exports"
    contacts = "hubspot/hubspot-crm-exports-all-contacts-{}.csv"
    write(drop, contacts.format("2026-11-01"), "Record ID,Email,Create Date,Merged Contact IDs\n"
          "201,ann@acme.com,2026-01-05 10:00,150;160\n"
          "150,ann.old@acme.com,2025-06-01 10:00,\n"
          "300,bob@globex.com,2026-01-06 10:00,\n")
    write(drop, "hubspot/hubspot-form-submissions-2026-11-01.csv",
          "Conversion ID,Contact ID,Email,Form name,Conversion Date\n"
          "c1,150,,Demo request,2025-06-02 10:00\n"
          "c2,160,,Newsletter,2025-07-02 10:00\n"
          "c3,300,,Newsletter,2026-01-07 10:00\n")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_warehouse(con)
        write_pads(con, SECRET)
        load_drop(con, drop)

        removed = personal_data.forget(con, ANN, "ann@acme.com")

        assert {k: v for k, v in removed.items() if v} == {
            "raw_hubspot.contacts": 2, "raw_hubspot.form_submissions": 2}
        assert rows(con, "select hs_object_id from raw_hubspot.contacts") == [("300",)]
        assert rows(con, "select conversion_id from raw_hubspot.form_submissions") == [("c3",)]
        assert rows(con, "select object, record_id from ingest.suppressed_records order by all") == [
            ("contacts", "150"), ("contacts", "160"), ("contacts", "201")]

        write(drop, contacts.format("2026-11-02"), "Record ID,Email,Create Date,Merged Contact IDs\n"
              "150,ann.new@example.org,2025-06-01 10:00,\n"
              "301,carl@initech.com,2026-02-01 10:00,\n")
        load_drop(con, drop)

        assert rows(con, "select rows_read, rows_loaded, rows_suppressed from ingest.load_ledger "
                         "where file like '%2026-11-02.csv'") == [(2, 1, 1)]
        assert rows(con, "select hs_object_id from raw_hubspot.contacts order by 1") == [("300",), ("301",)]
