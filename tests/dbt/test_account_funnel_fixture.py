"""Accounts on a hand-made scenario: raw CRM rows whose account links, account funnel and buying
groups are worked out by hand below, then built with dbt.

The segments and the personal email domains are pinned here (same shape as the definitions file),
so the expected answers do not move when the governed lists are tuned.

Accounts (Salesforce accounts A1-A3, HubSpot company HC1):
    A1  "Acme Iberia S.L."  acme.example      50 employees, Spain     -> SMB, Europe
    A2  "Nordwind GmbH"     nordwind.example  5000 employees, Germany -> Enterprise, Europe
    A3  "Globex Corp."      globex.example    (no employees)          -> Unknown
    HC1 "Globex, Inc."      globex-labs.example (HubSpot)             -> a second account named 'globex'

People and how they find their account:
    Ana   lead L1, ana@gmail.com, company "ACME Ibéria, SL"        personal domain -> A1 by company_name
    Bob   HubSpot contact HB1, no email, company "Nordwind AG"     unknown domain  -> A2 by company_name
    Carl  lead L3, carl@acme-partner.example, company "Acme Iberia" corporate domain: not matched by name
    Dora  lead L4, dora@yahoo.com, company "Globex"               two accounts named 'globex': unlinked, reported
    Gus   lead L7, gus@outlook.com, company "Initech"             no account of that name: unlinked, not reported
    Eve   contact C5 on A1, eve@acme.example                      salesforce_contact_account
    Finn  contact C6 on A1, finn@acme.example                     salesforce_contact_account
    Ivy   contact C9 on A2 and lead L9, ivy@gmail.com, lead company "Acme Iberia"
                                                                  the contact's account wins: A2

Opportunities: O1 (A1) created 2025-03-10 09:00, won, closed 2025-04-15 12:00; O2 (A1) created
2025-05-01 10:00, open; O3 (A2) created 2025-02-01 10:00, open, nobody on it.
Contact roles: O1 Eve Decision Maker (primary), Finn Evaluator; O2 Eve Economic Buyer, Finn Evaluator,
Ivy Influencer.

A1's funnel: Ana's lead (created 2025-01-20 08:00) is its first subscriber and lead (Carl's earlier
lead, 2025-01-05, is not A1's); nobody has an MQL of their own, so MQL is backfilled from the SQL;
Eve and Finn become SQL and opportunity at O1's creation, customers at its close.
A2's funnel: Ivy's contact (created 2025-01-10) is its first subscriber; O3's creation
(2025-02-01 10:00) is its opportunity, and lead, MQL and SQL are backfilled from it; Bob's contact
(2025-03-01) changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from test_attribution_fixture import insert_rows
from test_dbt_build import DEFINITIONS, create_empty_raw_tables, run_dbt

SEGMENTS = [{"name": "SMB", "max_employees": 199}, {"name": "Mid-Market", "max_employees": 999},
            {"name": "Enterprise", "max_employees": None}]
PERSONAL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com"]


def account_key(domain: str) -> str:
    return hashlib.md5(f"domain:{domain}".encode()).hexdigest()


A1, A2, A3, HC1 = (account_key(d) for d in ("acme.example", "nordwind.example", "globex.example",
                                            "globex-labs.example"))

RAW_ROWS = {
    ("raw_salesforce", "account"): [
        {"Id": "A1", "Name": "Acme Iberia S.L.", "Website": "https://www.acme.example", "NumberOfEmployees": 50,
         "BillingCountry": "Spain", "Industry": "Software", "CreatedDate": "2024-01-01 00:00"},
        {"Id": "A2", "Name": "Nordwind GmbH", "Website": "nordwind.example", "NumberOfEmployees": 5000,
         "BillingCountry": "Germany", "Industry": "Logistics", "CreatedDate": "2024-01-01 00:00"},
        {"Id": "A3", "Name": "Globex Corp.", "Website": "globex.example", "CreatedDate": "2024-01-01 00:00"},
    ],
    ("raw_hubspot", "companies"): [
        {"hs_object_id": "HC1", "name": "Globex, Inc.", "domain": "globex-labs.example",
         "createdate": "2024-01-01 00:00"},
    ],
    ("raw_hubspot", "contacts"): [
        {"hs_object_id": "HB1", "lastname": "Bob", "company": "Nordwind AG", "createdate": "2025-03-01 00:00",
         "lastmodifieddate": "2025-03-01 00:00"},
    ],
    ("raw_salesforce", "lead"): [
        {"Id": "L1", "LastName": "Ana", "Email": "ana@gmail.com", "Company": "ACME Ibéria, SL", "LeadSource": "Web",
         "Status": "Open", "IsConverted": False, "CreatedDate": "2025-01-20 08:00"},
        {"Id": "L3", "LastName": "Carl", "Email": "carl@acme-partner.example", "Company": "Acme Iberia",
         "Status": "Open", "IsConverted": False, "CreatedDate": "2025-01-05 00:00"},
        {"Id": "L4", "LastName": "Dora", "Email": "dora@yahoo.com", "Company": "Globex",
         "Status": "Open", "IsConverted": False, "CreatedDate": "2025-01-01 00:00"},
        {"Id": "L7", "LastName": "Gus", "Email": "gus@outlook.com", "Company": "Initech",
         "Status": "Open", "IsConverted": False, "CreatedDate": "2025-01-02 00:00"},
        {"Id": "L9", "LastName": "Ivy", "Email": "ivy@gmail.com", "Company": "Acme Iberia",
         "Status": "Open", "IsConverted": False, "CreatedDate": "2025-06-01 00:00"},
    ],
    ("raw_salesforce", "contact"): [
        {"Id": "C5", "AccountId": "A1", "LastName": "Eve", "Email": "eve@acme.example", "LeadSource": "Cold Call",
         "CreatedDate": "2025-02-01 00:00"},
        {"Id": "C6", "AccountId": "A1", "LastName": "Finn", "Email": "finn@acme.example",
         "CreatedDate": "2025-02-15 00:00"},
        {"Id": "C9", "AccountId": "A2", "LastName": "Ivy", "Email": "ivy@gmail.com",
         "CreatedDate": "2025-01-10 00:00"},
    ],
    ("raw_salesforce", "opportunity"): [
        {"Id": "O1", "AccountId": "A1", "Name": "Acme deal", "StageName": "Closed Won", "Amount": 1000,
         "CurrencyIsoCode": "EUR", "CloseDate": "2025-04-15", "IsClosed": True, "IsWon": True,
         "CreatedDate": "2025-03-10 09:00"},
        {"Id": "O2", "AccountId": "A1", "Name": "Acme add-on", "StageName": "Prospecting", "Amount": 200,
         "CurrencyIsoCode": "EUR", "CloseDate": "2025-09-30", "IsClosed": False, "IsWon": False,
         "CreatedDate": "2025-05-01 10:00"},
        {"Id": "O3", "AccountId": "A2", "Name": "Nordwind deal", "StageName": "Prospecting", "Amount": 300,
         "CurrencyIsoCode": "EUR", "CloseDate": "2025-09-30", "IsClosed": False, "IsWon": False,
         "CreatedDate": "2025-02-01 10:00"},
    ],
    ("raw_salesforce", "opportunity_history"): [
        {"Id": "H1", "OpportunityId": "O1", "StageName": "Closed Won", "CreatedDate": "2025-04-15 12:00"},
    ],
    ("raw_salesforce", "opportunity_contact_role"): [
        {"Id": "R1", "OpportunityId": "O1", "ContactId": "C5", "Role": "Decision Maker", "IsPrimary": True,
         "CreatedDate": "2025-03-10 09:00"},
        {"Id": "R2", "OpportunityId": "O1", "ContactId": "C6", "Role": "Evaluator", "IsPrimary": False,
         "CreatedDate": "2025-03-10 09:00"},
        {"Id": "R3", "OpportunityId": "O2", "ContactId": "C5", "Role": "Economic Buyer", "IsPrimary": True,
         "CreatedDate": "2025-05-01 10:00"},
        {"Id": "R4", "OpportunityId": "O2", "ContactId": "C6", "Role": "Evaluator", "IsPrimary": False,
         "CreatedDate": "2025-05-01 10:00"},
        {"Id": "R5", "OpportunityId": "O2", "ContactId": "C9", "Role": "Influencer", "IsPrimary": False,
         "CreatedDate": "2025-05-01 10:00"},
    ],
    ("raw_salesforce", "dated_conversion_rate"): [
        {"Id": "X1", "IsoCode": "EUR", "ConversionRate": 1, "StartDate": "2024-01-01"},
    ],
    ("raw_salesforce", "campaign"): [
        {"Id": "CW", "Name": "Webinar - Pipeline reviews", "Type": "Webinar", "Status": "Completed"},
        {"Id": "CE", "Name": "Ebook - Benchmarks", "Type": "Content", "Status": "Completed"},
    ],
    ("raw_salesforce", "campaign_member"): [
        # memberships only (not responded): first campaign touches, but no touches
        {"Id": "CM1", "CampaignId": "CE", "ContactId": "C5", "Status": "Sent", "HasResponded": False,
         "CreatedDate": "2025-02-25 00:00"},
        {"Id": "CM2", "CampaignId": "CW", "ContactId": "C6", "Status": "Sent", "HasResponded": False,
         "CreatedDate": "2025-02-20 00:00"},
    ],
    ("raw_salesforce", "task"): [
        {"Id": "TK1", "WhoId": "C5", "Subject": "Call", "Type": "Call", "TaskSubtype": "Call",
         "Status": "Completed", "CompletedDateTime": "2025-03-01 00:00", "CreatedDate": "2025-03-01 00:00"},
    ],
}


def fixture_vars() -> str:
    definitions = json.loads(json.dumps(yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8")), default=str))
    definitions["segments"] = SEGMENTS
    for version in definitions["versions"]:
        version.setdefault("mql", {}).setdefault("exclusions", {})["personal_email_domains"] = PERSONAL_DOMAINS
    return json.dumps({"funnel_definitions": definitions})


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("accounts")
    path = work / "warehouse.duckdb"
    create_empty_raw_tables(path)
    with duckdb.connect(str(path)) as con:
        for (schema, table), rows in RAW_ROWS.items():
            insert_rows(con, schema, table, rows)
    result = run_dbt(["build", "--select", "+fct_account_funnel", "+fct_account_buying_group",
                      "+rpt_account_name_ambiguities", "+rpt_account_funnel_conversion",
                      "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious",
                      "--vars", fixture_vars()],
                     path, work, with_definitions=False)
    assert result.returncode == 0, result.stdout[-5000:]
    return path


def test_people_find_their_account_by_record_domain_or_company_name(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select coalesce(email, 'no email'), account_key, account_link_rule "
            "from intermediate.int_persons_unified").fetchall()
    assert {email: (key, rule) for email, key, rule in rows} == {
        "ana@gmail.com": (A1, "company_name"),                # "ACME Ibéria, SL" = "Acme Iberia S.L."
        "no email": (A2, "company_name"),                     # Bob: "Nordwind AG" = "Nordwind GmbH"
        "carl@acme-partner.example": (None, None),            # a corporate domain is not matched by name
        "dora@yahoo.com": (None, None),                       # 'globex' names two accounts
        "gus@outlook.com": (None, None),                      # no account named 'initech'
        "eve@acme.example": (A1, "salesforce_contact_account"),
        "finn@acme.example": (A1, "salesforce_contact_account"),
        "ivy@gmail.com": (A2, "salesforce_contact_account"),  # the record link wins over the lead's company
    }


def test_ambiguous_names_are_reported_and_left_unlinked(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select company_name_key, accounts_with_name, account_key, account_name, domain, unlinked_people "
            "from marts_audit.rpt_account_name_ambiguities").fetchall()
    assert sorted(rows) == sorted([
        ("globex", 2, A3, "Globex Corp.", "globex.example", 1),
        ("globex", 2, HC1, "Globex, Inc.", "globex-labs.example", 1),
    ])


def test_the_account_funnel(warehouse):
    at = datetime.fromisoformat
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("select * from marts_audit.fct_account_funnel")
        columns = [d[0] for d in cursor.description]
        rows = {r[0]: dict(zip(columns, r)) for r in cursor.fetchall()}
    assert set(rows) == {A1, A2, A3, HC1}
    stages = ["subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist"]

    def funnel(row):
        return {stage: row[f"became_{stage}_at"] for stage in stages}

    assert funnel(rows[A1]) == {
        "subscriber": at("2025-01-20 08:00"), "lead": at("2025-01-20 08:00"),   # Ana's lead, not Carl's
        "mql": at("2025-03-10 09:00"), "sql": at("2025-03-10 09:00"), "opportunity": at("2025-03-10 09:00"),
        "customer": at("2025-04-15 12:00"), "evangelist": None}
    assert funnel(rows[A2]) == {
        "subscriber": at("2025-01-10 00:00"), "lead": at("2025-02-01 10:00"), "mql": at("2025-02-01 10:00"),
        "sql": at("2025-02-01 10:00"), "opportunity": at("2025-02-01 10:00"), "customer": None,
        "evangelist": None}
    assert funnel(rows[A3]) == dict.fromkeys(stages)

    def facts(row):
        return {k: row[k] for k in ("account_name", "segment", "region", "country", "original_source", "channel",
                                    "first_touch_campaign_id", "people", "engaged_contacts", "buying_group_size",
                                    "opportunities", "won_opportunities")}

    assert facts(rows[A1]) == {
        "account_name": "Acme Iberia S.L.", "segment": "SMB", "region": "Europe", "country": "Spain",
        "original_source": "Web", "channel": "Direct",        # Ana, the earliest subscriber
        "first_touch_campaign_id": "CW",                      # Finn's membership (02-20) before Eve's (02-25)
        "people": 3, "engaged_contacts": 1,                   # Ana, Eve, Finn; only Eve has a touch
        "buying_group_size": 3,                               # Eve, Finn and Ivy (of A2) have roles on O1/O2
        "opportunities": 2, "won_opportunities": 1}
    assert facts(rows[A2]) == {
        "account_name": "Nordwind GmbH", "segment": "Enterprise", "region": "Europe", "country": "Germany",
        "original_source": None, "channel": "Unknown", "first_touch_campaign_id": None,
        "people": 2, "engaged_contacts": 0, "buying_group_size": 0, "opportunities": 1, "won_opportunities": 0}
    assert rows[A3]["segment"] == "Unknown" and rows[A3]["people"] == 0


def test_buying_groups_by_role(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select account_key, contact_role, people from marts_audit.fct_account_buying_group").fetchall()
    assert sorted(rows) == sorted([
        (A1, "Decision Maker", 1), (A1, "Economic Buyer", 1), (A1, "Evaluator", 1), (A1, "Influencer", 1)])


def test_account_cohort_conversion(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select strftime(cohort_month, '%Y-%m'), from_stage, entered_from, converted, median_days_to_convert "
            "from marts_audit.rpt_account_funnel_conversion where dimension_name = 'all'").fetchall()
    # Months in Europe/Madrid. A1: subscriber and lead 2025-01-20 08:00, MQL/SQL/opportunity
    # 2025-03-10 09:00, customer 2025-04-15 12:00. A2: subscriber 2025-01-10 00:00, lead to
    # opportunity 2025-02-01 10:00 (backfilled from O3), no customer.
    expected = {
        # A1 after 0 days, A2 after 22 d 10 h: median 11 d 5 h = 11.2083 -> 11.21
        ("2025-01", "subscriber"): (2, 2, 11.21),
        # A1: 2025-01-20 08:00 -> 2025-03-10 09:00 = 49 d 1 h = 49.0417 -> 49.04
        ("2025-01", "lead"): (1, 1, 49.04),
        ("2025-02", "lead"): (1, 1, 0.0),
        ("2025-02", "mql"): (1, 1, 0.0),
        ("2025-02", "sql"): (1, 1, 0.0),
        ("2025-02", "opportunity"): (1, 0, None),
        ("2025-03", "mql"): (1, 1, 0.0),
        ("2025-03", "sql"): (1, 1, 0.0),
        # 2025-03-10 09:00 -> 2025-04-15 12:00 = 36 d 3 h = 36.125 -> 36.13
        ("2025-03", "opportunity"): (1, 1, 36.13),
        ("2025-04", "customer"): (1, 0, None),
    }
    actual = {(month, stage): (entered, converted, None if median is None else float(median))
              for month, stage, entered, converted, median in rows}
    assert actual == expected
