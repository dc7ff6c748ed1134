"""``<source>/_source.yml``: non-standard file names mapped to objects, the source time zone, and
clear refusals when the settings are wrong."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from ingest.contracts import contracts_for
from ingest.discovery import plan_drop
from ingest.loader import load_drop
from ingest.source_settings import SettingsError, SourceSettings, load_source_settings

LEAD_HEADER = "Id,LastName,Status,CreatedDate"
LEAD = f"{LEAD_HEADER}\n00Q000000000000001,A,Open,2026-03-04T10:15:00.000Z\n"
CONTACT = "Id,LastName,CreatedDate\n003000000000000001,B,2026-03-04T10:15:00.000Z\n"
HUBSPOT_CONTACTS = "hubspot/hubspot-crm-exports-all-contacts-2026-11-01.csv"


def relative(plan, paths):
    return [p.relative_to(plan.exports_dir).as_posix() for p in paths]


def contract(source, obj):
    return next(c for c in contracts_for(source) if c.object == obj)


def test_without_a_settings_file_the_defaults_apply(drop):
    assert load_source_settings(drop, "hubspot") == SourceSettings("hubspot", "UTC", ())


def test_an_empty_settings_file_is_the_defaults(drop, write):
    write("hubspot/_source.yml", "# nothing set yet\n")
    assert load_source_settings(drop, "hubspot") == SourceSettings("hubspot", "UTC", ())


def test_file_patterns_map_non_standard_names_by_name_or_by_path_case_insensitively(con, drop, write):
    write(
        "salesforce/_source.yml",
        'timezone: UTC\nfiles:\n  "weekly leads *.csv": lead\n  "crm/*/people.csv": contact\n',
    )
    write("salesforce/Weekly Leads 2026-11-02.CSV", LEAD)
    write("salesforce/crm/2026/people.csv", CONTACT)
    write("salesforce/people.csv", CONTACT)
    plan = plan_drop(drop)

    assert relative(plan, plan.files_for(contract("salesforce", "lead"))) == ["salesforce/Weekly Leads 2026-11-02.CSV"]
    assert relative(plan, plan.files_for(contract("salesforce", "contact"))) == ["salesforce/crm/2026/people.csv"]
    assert [u.path for u in plan.unrecognised] == ["salesforce/people.csv"]

    report = load_drop(con, drop)
    assert [(r.file, r.status, r.rows_loaded, r.message) for r in report.results] == [
        ("salesforce/Weekly Leads 2026-11-02.CSV", "loaded", 1, "_source.yml maps 'weekly leads *.csv' to lead"),
        ("salesforce/crm/2026/people.csv", "loaded", 1, "_source.yml maps 'crm/*/people.csv' to contact"),
    ]


def test_a_mapping_wins_over_the_vendor_name(drop, write):
    write("salesforce/_source.yml", 'files:\n  "lead_2.csv": contact\n')
    write("salesforce/Lead_2.csv", CONTACT)
    write("salesforce/Lead.csv", LEAD)
    plan = plan_drop(drop)

    assert relative(plan, plan.files_for(contract("salesforce", "lead"))) == ["salesforce/Lead.csv"]
    assert relative(plan, plan.files_for(contract("salesforce", "contact"))) == ["salesforce/Lead_2.csv"]


@pytest.mark.parametrize("text, message", [
    ("timezone: Europe/Madird\n",
     "hubspot/_source.yml: timezone: unknown time zone 'Europe/Madird' (use an IANA name such as Europe/Madrid "
     "or UTC)"),
    ("timezone: europe/madrid\n",
     "hubspot/_source.yml: timezone: unknown time zone 'europe/madrid'; did you mean 'Europe/Madrid'?"),
    ("timezone: 5\n",
     "hubspot/_source.yml: timezone: expected a time zone name such as Europe/Madrid, got 5"),
    ('files:\n  "ytd *.csv": leads\n',
     "hubspot/_source.yml: files: 'ytd *.csv': unknown hubspot object 'leads' (known: contacts, companies, deals, "
     "form_submissions, email_events)"),
    ("files:\n  - ytd.csv\n",
     "hubspot/_source.yml: files: expected 'file name pattern: object' lines"),
    ("timzone: UTC\n",
     "hubspot/_source.yml: unknown setting 'timzone' (known settings: files, timezone, deal_stages)"),
    ("- timezone\n",
     "hubspot/_source.yml: expected settings as 'key: value' lines (files, timezone, deal_stages)"),
    ('deal_stages:\n  "Partner pipeline":\n    Signed: closed\n',
     "hubspot/_source.yml: deal_stages: 'Partner pipeline': 'Signed': expected open, won, lost, got 'closed'"),
    ("deal_stages:\n  - Signed\n",
     "hubspot/_source.yml: deal_stages: expected 'pipeline:' lines, each with 'stage: outcome' lines below "
     "(open, won, lost)"),
    ('deal_stages:\n  "*":\n    Signed: won\n    signed: lost\n',
     "hubspot/_source.yml: deal_stages: '*': 'signed' is listed twice (case is ignored)"),
    ("files:\n  a.csv: contacts\n b.csv: deals\n",
     "hubspot/_source.yml: not valid YAML on line 3: expected <block end>, but found '<block mapping start>'"),
])
def test_invalid_settings_name_the_file_and_the_key(drop, write, text, message):
    write("hubspot/_source.yml", text)
    with pytest.raises(SettingsError) as error:
        load_source_settings(drop, "hubspot")
    assert str(error.value) == message


def test_deal_stages_are_only_a_hubspot_setting(drop, write):
    write("salesforce/_source.yml", "deal_stages:\n  default:\n    Signed: won\n")
    with pytest.raises(SettingsError) as error:
        load_source_settings(drop, "salesforce")
    assert str(error.value) == "salesforce/_source.yml: deal_stages: only for hubspot (Salesforce says IsWon)"


DEALS = "Record ID,Deal Stage,Create Date\n1,Signed,2026-03-04 10:15\n"


def test_deal_stages_reach_the_warehouse_and_a_changed_mapping_counts_without_new_exports(con, drop, write):
    write("hubspot/_source.yml", 'deal_stages:\n  "Partner pipeline":\n    Signed: won\n    1234567: lost\n'
                                 '  "*":\n    Verbal yes: open\n')
    write("hubspot/hubspot-crm-exports-all-deals-2026-11-01.csv", DEALS)
    load_drop(con, drop)
    assert con.execute("select source, pipeline, stage, outcome, is_any_pipeline, settings_file "
                       "from ingest.deal_stage_settings order by pipeline, stage").fetchall() == [
        ("hubspot", "*", "Verbal yes", "open", True, "hubspot/_source.yml"),
        ("hubspot", "Partner pipeline", "1234567", "lost", False, "hubspot/_source.yml"),
        ("hubspot", "Partner pipeline", "Signed", "won", False, "hubspot/_source.yml"),
    ]
    # The export is already loaded: the next run skips it, and still reads the new mapping.
    write("hubspot/_source.yml", 'deal_stages:\n  "Partner pipeline":\n    Signed: lost\n')
    report = load_drop(con, drop)
    assert [r.status for r in report.results] == ["skipped_duplicate"]
    assert con.execute("select pipeline, stage, outcome from ingest.deal_stage_settings").fetchall() == [
        ("Partner pipeline", "Signed", "lost")]
    # Invalid settings refuse the deals and leave no stale mapping behind.
    write("hubspot/_source.yml", 'deal_stages:\n  "Partner pipeline":\n    Signed: maybe\n')
    load_drop(con, drop)
    assert con.execute("select count(*) from ingest.deal_stage_settings").fetchall() == [(0,)]


def test_invalid_settings_refuse_that_source_and_the_others_still_load(con, drop, write):
    write("hubspot/_source.yml", "timezone: Mars/Olympus_Mons\nfiles:\n  \"ytd *.csv\": contacts\n")
    write(HUBSPOT_CONTACTS, "Record ID,Create Date\n1,2026-03-04 10:15\n")
    write("hubspot/ytd mqls.csv", "Record ID,Create Date\n2,2026-03-04 10:15\n")
    write("salesforce/Lead.csv", LEAD)
    report = load_drop(con, drop)

    problem = ("hubspot/_source.yml: timezone: unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as "
               "Europe/Madrid or UTC)")
    assert [(r.file, r.status, r.rows_read, r.message) for r in report.results] == [
        ("salesforce/Lead.csv", "loaded", 1, ""),
        (HUBSPOT_CONTACTS, "refused", 0,
         f"{HUBSPOT_CONTACTS}: not loaded, the source's settings are invalid: {problem}"),
    ]
    assert f"source hubspot: every file refused: {problem}" in report.notes
    assert [(u.path, u.reason.split("; ")[-1]) for u in report.unrecognised] == [
        ("hubspot/ytd mqls.csv", "hubspot/_source.yml is invalid, so its file mapping is not applied"),
    ]
    assert con.execute("select count(*) from raw_hubspot.contacts").fetchall() == [(0,)]
    assert con.execute("select count(*) from raw_salesforce.lead").fetchall() == [(1,)]


def test_a_linked_settings_file_is_not_followed(con, drop, write, tmp_path):
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("timezone: Europe/Madrid\n")
    write("salesforce/Lead.csv", LEAD)
    os.symlink(outside, drop / "salesforce" / "_source.yml")
    report = load_drop(con, drop)

    assert [(r.status, r.message) for r in report.results] == [(
        "refused", "salesforce/Lead.csv: not loaded, the source's settings are invalid: "
                   "salesforce/_source.yml: symbolic link: not followed",
    )]


def test_settings_in_a_subfolder_are_not_read(drop, write):
    write("salesforce/2026-11/_source.yml", "timezone: Europe/Madrid\n")
    write("salesforce/2026-11/Lead.csv", LEAD)
    plan = plan_drop(drop)

    assert relative(plan, plan.files_for(contract("salesforce", "lead"))) == ["salesforce/2026-11/Lead.csv"]
    assert [(u.path, u.reason) for u in plan.unrecognised] == [
        ("salesforce/2026-11/_source.yml", "settings are read only from salesforce/_source.yml"),
    ]
    assert plan.refused_sources == {}


def test_the_time_zone_applies_to_the_mapped_file_too(con, drop, write):
    write("hubspot/_source.yml", 'timezone: America/New_York\nfiles:\n  "ytd *.csv": contacts\n')
    write("hubspot/YTD MQLs 2026.csv", "Record ID,Create Date\n1,2026-03-04 10:15\n")
    report = load_drop(con, drop)

    assert [(r.file, r.rows_loaded, r.message) for r in report.results] == [(
        "hubspot/YTD MQLs 2026.csv", 1,
        "_source.yml maps 'ytd *.csv' to contacts; timestamps without a zone read as America/New_York time",
    )]
    assert con.execute("select createdate from raw_hubspot.contacts").fetchall() == [(dt.datetime(2026, 3, 4, 15, 15),)]
