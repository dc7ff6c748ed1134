"""Drop planning: which files belong to which contract, what is unrecognised, what is refused."""

from __future__ import annotations

import os

import pytest

from ingest.contracts import CONTRACTS, LINEAGE_COLUMNS, contract_for_file, contracts_for, raw_table_ddl
from ingest.discovery import load_order_key, natural_key, plan_drop
from ingest.loader import ensure_warehouse, load_drop, load_files

LEAD_ROWS = "Id,LastName,Status,CreatedDate\n00Q000000000000001,A,Open,2026-03-04T10:15:00.000Z\n"
LEAD = next(c for c in contracts_for("salesforce") if c.object == "lead")


def relative(plan, paths):
    return [p.relative_to(plan.exports_dir).as_posix() for p in paths]


def test_files_are_matched_by_vendor_names_case_insensitively_in_natural_order(drop, write):
    for name in ("Lead_10.csv", "lead.csv", "Lead_2.csv", "LEADHISTORY.CSV", "2026-11/Lead.csv"):
        write(f"salesforce/{name}", LEAD_ROWS)
    write("hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv", "x")
    write("spend/google_ads_campaign_report.csv", "x")
    plan = plan_drop(drop)

    lead_history = next(c for c in contracts_for("salesforce") if c.object == "lead_history")
    contacts = next(c for c in contracts_for("hubspot") if c.object == "contacts")
    assert relative(plan, plan.files_for(LEAD)) == [
        "salesforce/lead.csv", "salesforce/Lead_2.csv", "salesforce/Lead_10.csv", "salesforce/2026-11/Lead.csv",
    ]
    assert relative(plan, plan.files_for(lead_history)) == ["salesforce/LEADHISTORY.CSV"]
    assert relative(plan, plan.files_for(contacts)) == ["hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv"]
    assert plan.unrecognised == []
    assert [(c.source, c.object) for c, _ in plan.planned()] == [(c.source, c.object) for c in CONTRACTS]


def test_unknown_files_and_folders_are_listed_with_a_reason_and_ground_truth_is_ignored(drop, write):
    write("salesforce/Lead.csv", LEAD_ROWS)
    write("salesforce/Quote.csv", "Id\n1\n")
    write("notes.txt", "hello")
    write("pipedrive/deals.csv", "x")
    write("_ground_truth/ground_truth.json", "{}")
    plan = plan_drop(drop)

    assert [(u.path, u.reason.split(" (")[0]) for u in plan.unrecognised] == [
        ("notes.txt", "outside the source folders"),
        ("pipedrive", "outside the source folders"),
        ("salesforce/Quote.csv", "not a known salesforce export name"),
    ]
    assert any("Quote.csv" in note for note in plan.notes())


def test_folders_named_with_a_leading_underscore_or_dot_are_never_read(drop, write, tmp_path):
    # The operator's own material, at the top of the drop or inside a source folder, even when its
    # files carry vendor export names; a linked one is still reported, as every link is.
    write("salesforce/Lead.csv", LEAD_ROWS)
    write("salesforce/_archive/Lead.csv", LEAD_ROWS)
    write("salesforce/2026-11/.tmp/Lead.csv", LEAD_ROWS)
    write("hubspot/.git/config", "x")
    write("_answers/ground_truth.json", "{}")
    write(".cache/Lead.csv", LEAD_ROWS)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, drop / "_linked")
    plan = plan_drop(drop)

    assert relative(plan, plan.files_for(LEAD)) == ["salesforce/Lead.csv"]
    assert [u.path for u in plan.unrecognised] == ["_linked"]


def test_absent_sources_and_objects_are_notes(drop, write):
    write("salesforce/Lead.csv", LEAD_ROWS)
    plan = plan_drop(drop)
    notes = plan.notes()

    assert plan.absent_sources == ["hubspot", "marketo", "spend", "targets", "content"]
    assert [n for n in notes if n.startswith("source ")] == [
        f"source {s}: no {s}/ folder in the drop; its raw tables stay empty"
        for s in ("hubspot", "marketo", "spend", "targets", "content")
    ]
    assert len([n for n in notes if n.startswith("salesforce/")]) == len(contracts_for("salesforce")) - 1
    assert not any(n.startswith("salesforce/lead:") for n in notes)


def test_absent_sources_leave_every_raw_table_empty_but_present(con, drop, write):
    write("marketo/leads.csv", "id,createdAt\n7,2026-03-04T10:15:00Z\n")
    report = load_drop(con, drop)

    assert [(r.object, r.rows_loaded) for r in report.results] == [("leads", 1)]
    for contract in CONTRACTS:
        count = con.execute(f'select count(*) from "{contract.schema}"."{contract.table}"').fetchall()[0][0]
        assert count == (1 if contract.object == "leads" else 0), contract.object
    assert any(n.startswith("source salesforce:") for n in report.notes)
    assert "source hubspot" in report.summary


def test_ensure_warehouse_creates_every_table_even_for_a_missing_drop(con, tmp_path):
    report = load_drop(con, tmp_path / "no-such-folder")

    assert report.results == []
    assert report.notes[0].startswith("export folder ") and report.notes[0].endswith("does not exist")
    assert report.notes[1:7] == [f"source {s}: no {s}/ folder in the drop; its raw tables stay empty"
                                for s in ("salesforce", "hubspot", "marketo", "spend", "targets", "content")]
    tables = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
    assert {(c.schema, c.table) for c in CONTRACTS} | {("ingest", "load_ledger"), ("ingest", "quarantine")} <= tables
    ensure_warehouse(con)  # idempotent
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw_salesforce' "
        "and table_name = 'lead' order by ordinal_position").fetchall()]
    assert columns == [c.name for c in LEAD.columns] + list(LINEAGE_COLUMNS)
    assert raw_table_ddl(LEAD).startswith('create table if not exists "raw_salesforce"."lead"')


def test_symlink_escaping_the_drop_is_refused_and_not_read(con, drop, write, tmp_path):
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(LEAD_ROWS)
    (drop / "salesforce").mkdir()
    os.symlink(secret, drop / "salesforce" / "Lead.csv")
    os.symlink(secret, drop / "salesforce" / "passwords.txt")
    write("salesforce/Contact.csv", "Id,CreatedDate\n003000000000000001,2026-03-04T10:15:00.000Z\n")
    report = load_drop(con, drop)

    assert [(r.file, r.status, r.rows_read) for r in report.results] == [
        ("salesforce/Lead.csv", "refused", 0), ("salesforce/Contact.csv", "loaded", 1),
    ]
    assert report.results[0].content_hash is None
    assert "symbolic link" in report.results[0].message and "salesforce/Lead.csv" in report.results[0].message
    assert [(u.path, u.reason) for u in report.unrecognised] == [
        ("salesforce/passwords.txt", "symbolic link: not followed"),
    ]
    assert con.execute("select count(*) from raw_salesforce.lead").fetchall() == [(0,)]
    ledger = con.execute("select file, status from ingest.load_ledger order by file_order").fetchall()
    assert ledger == [("salesforce/Lead.csv", "refused"), ("salesforce/Contact.csv", "loaded")]


def test_symlinked_source_folder_is_not_followed(drop, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "Lead.csv").write_text(LEAD_ROWS)
    os.symlink(elsewhere, drop / "salesforce")
    plan = plan_drop(drop)

    assert plan.files_for(LEAD) == []
    assert [(u.path, u.reason) for u in plan.unrecognised] == [("salesforce", "symbolic link: not followed")]
    assert "salesforce" in plan.absent_sources


def test_load_files_refuses_paths_outside_the_export_root(con, drop, tmp_path):
    outside = tmp_path / "Lead.csv"
    outside.write_text(LEAD_ROWS)
    ensure_warehouse(con)
    (result,) = load_files(con, LEAD, [outside], drop, "run")

    assert (result.status, result.rows_read) == ("refused", 0)
    assert "outside the export folder" in result.message


def test_a_folders_own_files_load_before_its_subfolders_in_natural_order():
    paths = ["salesforce/2026-11-15/Lead.csv", "salesforce/Lead_2.csv", "salesforce/2026-11-08/Lead_1.csv",
             "salesforce/2026-11-08/Lead.csv", "salesforce/Lead.csv", "salesforce/2026-11-08/late/Lead.csv"]
    assert sorted(paths, key=load_order_key) == [
        "salesforce/Lead.csv", "salesforce/Lead_2.csv", "salesforce/2026-11-08/Lead.csv",
        "salesforce/2026-11-08/Lead_1.csv", "salesforce/2026-11-08/late/Lead.csv", "salesforce/2026-11-15/Lead.csv",
    ]


def test_natural_key_orders_numbered_parts_and_copies_after_their_original():
    names = ["Lead_10.csv", "Lead (1).csv", "Lead_2.csv", "Lead.csv", "lead_1.csv", "Lead (2).csv"]
    assert sorted(names, key=natural_key) == [
        "Lead.csv", "Lead (1).csv", "Lead (2).csv", "lead_1.csv", "Lead_2.csv", "Lead_10.csv",
    ]


SALESFORCE_OBJECTS = [
    ("Lead", "lead"), ("Contact", "contact"), ("Account", "account"), ("Opportunity", "opportunity"),
    ("OpportunityHistory", "opportunity_history"), ("OpportunityContactRole", "opportunity_contact_role"),
    ("Campaign", "campaign"), ("CampaignMember", "campaign_member"), ("Task", "task"), ("Event", "event"),
    ("User", "user"), ("LeadHistory", "lead_history"), ("DatedConversionRate", "dated_conversion_rate"),
]


@pytest.mark.parametrize("name, expected", [
    ("Lead.csv", "lead"), ("lead.CSV", "lead"), ("Lead_1.csv", "lead"), ("Lead_12.csv", "lead"),
    ("Lead (1).csv", "lead"), ("Lead(2).csv", "lead"),
    ("LeadHistory.csv", "lead_history"), ("LeadHistory_2.csv", "lead_history"), ("LeadHistory (1).csv", "lead_history"),
    ("OpportunityHistory.csv", "opportunity_history"), ("OpportunityContactRole_1.csv", "opportunity_contact_role"),
    ("CampaignMember (3).csv", "campaign_member"), ("Opportunity_2.csv", "opportunity"),
    ("Lead_Score__c.csv", None), ("Event_Registration__c.csv", None), ("Task_Extension__c.csv", None),
    ("Lead_2__c.csv", None), ("Opportunity__History.csv", None), ("Lead_copy.csv", None), ("Lead 2.csv", None),
    ("Leads.csv", None), ("LeadShare.csv", None), ("Campaign Influence.csv", None),
])
def test_salesforce_names_match_only_their_object_never_custom_objects(name, expected):
    found = contract_for_file("salesforce", name)
    assert (found.object if found else None) == expected


@pytest.mark.parametrize("suffix", [".csv", "_1.csv", "_10.csv", " (1).csv", "(2).csv"])
def test_every_salesforce_export_name_matches_exactly_one_object(suffix):
    for api_name, table in SALESFORCE_OBJECTS:
        matching = [c.object for c in contracts_for("salesforce") if c.matches(api_name + suffix)]
        assert matching == [table], api_name + suffix


CONTACTS_VIEW = (
    "Record ID,First Name,Last Name,Email,Lifecycle Stage,Create Date,Became a Marketing Qualified Lead Date,Persona\n"
    "101,Ana,García,ana@acme.com,marketingqualifiedlead,2026-01-02 09:00,2026-01-10 12:00,Ops\n"
)
DEALS_VIEW = (
    "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\n"
    "9001,Safari,closedwon,1200,2024-07-01,2024-06-01 10:00,Sam Sales\n"
)


def test_hubspot_views_named_after_the_view_are_recognised_by_their_header(con, drop, write):
    write("hubspot/hubspot-crm-exports-ytd-mqls-2026-01-15.csv", CONTACTS_VIEW)
    write("hubspot/hubspot-crm-exports-safari-enquiries-2024-07-05.csv", DEALS_VIEW)
    write("hubspot/hubspot-crm-exports-minimal-2026-01-15.csv", "Record ID,Create Date\n1,2026-01-02 09:00\n")
    write("hubspot/notes.csv", "Note,Author\nhello,Sam\n")
    write("hubspot/readme.txt", "Record ID,Create Date\n")
    write("spend/Campaign report.csv", "Campaign report\nDay,Campaign,Campaign ID,Currency code,Cost\n"
                                       "2026-03-01,Brand,111,EUR,1.00\n")
    plan = plan_drop(drop)

    contacts = next(c for c in contracts_for("hubspot") if c.object == "contacts")
    deals = next(c for c in contracts_for("hubspot") if c.object == "deals")
    google = next(c for c in contracts_for("spend") if c.object == "google_ads")
    assert relative(plan, plan.files_for(contacts)) == ["hubspot/hubspot-crm-exports-ytd-mqls-2026-01-15.csv"]
    assert relative(plan, plan.files_for(deals)) == ["hubspot/hubspot-crm-exports-safari-enquiries-2024-07-05.csv"]
    assert relative(plan, plan.files_for(google)) == ["spend/Campaign report.csv"]
    not_named = (
        "not a known hubspot export name (expected one of: hubspot-crm-exports-*contacts*.csv, "
        "hubspot-crm-exports-*compan*.csv, hubspot-crm-exports-*deals*.csv, hubspot-*form-submissions*.csv, "
        "hubspot-*email-events*.csv)"
    )
    assert [(u.path, u.reason) for u in plan.unrecognised] == [
        ("hubspot/hubspot-crm-exports-minimal-2026-01-15.csv",
         f"{not_named}, and its header fits contacts and companies equally (2 of 2 labels known): ambiguous; "
         "map it in hubspot/_source.yml"),
        ("hubspot/notes.csv", f"{not_named}, and its header has the required columns of no hubspot object"),
        ("hubspot/readme.txt", not_named),
    ]

    report = load_drop(con, drop)
    assert [(r.file, r.object, r.status, r.rows_loaded, r.message) for r in report.results] == [
        ("hubspot/hubspot-crm-exports-ytd-mqls-2026-01-15.csv", "contacts", "loaded", 1,
         "recognised as contacts by its header (7 of 8 labels known)"),
        ("hubspot/hubspot-crm-exports-safari-enquiries-2024-07-05.csv", "deals", "loaded", 1,
         "recognised as deals by its header (7 of 7 labels known)"),
        ("spend/Campaign report.csv", "google_ads", "loaded", 1,
         "recognised as google_ads by its header (5 of 5 labels known)"),
    ]
    assert con.execute("select hs_object_id, lifecyclestage, Persona from raw_hubspot.contacts").fetchall() == [
        ("101", "marketingqualifiedlead", "Ops"),
    ]


def test_salesforce_files_are_never_recognised_by_their_header(drop, write):
    write("salesforce/Quote.csv", LEAD_ROWS)
    plan = plan_drop(drop)

    assert plan.files_for(LEAD) == []
    assert [u.path for u in plan.unrecognised] == ["salesforce/Quote.csv"]
