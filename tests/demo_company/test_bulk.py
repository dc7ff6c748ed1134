"""The set-based engine: every profile's drop loads with nothing quarantined or refused, the loaded rows agree
with the simulation's own ground truth, and a seed gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import demo_company
from demo_company import PROFILES, generate
from demo_company.clock import CANONICAL_AS_OF
from test_generate import drop_bytes
from demo_records import PRODUCT_FILES
from ingest.loader import load_drop

PEOPLE = 2000


def bulk(root: Path, profile: str, seed: int = 11, people: int = PEOPLE) -> dict:
    generate(root, people=people, seed=seed, profile=profile, engine="bulk",
             as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    return json.loads((root / "_ground_truth" / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=list(PROFILES))
def loaded(request, tmp_path_factory):
    """(profile, ground truth, load report, warehouse connection) for a bulk drop of each profile."""
    profile = request.param
    root = tmp_path_factory.mktemp(profile.replace("+", "_"))
    truth = bulk(root / "exports", profile)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    report = load_drop(con, root / "exports")
    yield profile, truth, report, con
    con.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchall()[0][0]


def test_every_file_loads_whole(loaded):
    _, truth, report, _ = loaded
    assert report.unrecognised == []
    assert [(r.file, r.status, r.message) for r in report.results if r.status != "loaded"] == []
    assert [(r.file, r.rows_quarantined) for r in report.results if r.rows_quarantined] == []
    written = {name: rows for name, rows in truth["files"].items() if not name.startswith("_")}
    assert {r.file: r.rows_loaded for r in report.results} == written


def test_opportunities_and_won_revenue_match_the_simulation(loaded):
    profile, truth, _, con = loaded
    if PROFILES[profile].sales == "salesforce":
        table, won, currency, amount = "raw_salesforce.opportunity", '"IsWon"', '"CurrencyIsoCode"', '"Amount"'
    else:
        table, won, currency, amount = "raw_hubspot.deals", "hs_is_closed_won", "deal_currency_code", "amount"
    assert scalar(con, f"select count(*) from {table}") == truth["opportunities"]["total"]
    rows = con.execute(f"select {currency}, count(*), sum({amount})::bigint from {table} where {won} "
                       f"group by 1 order by 1").fetchall()
    assert {c: {"deals": n, "amount": a} for c, n, a in rows} == truth["won_by_currency"]
    assert truth["opportunities"]["total"] == sum(v for k, v in truth["opportunities"].items() if k != "total")
    assert 0.15 * PEOPLE < truth["opportunities"]["total"] < 0.25 * PEOPLE


def test_people_and_stages_match_the_simulation(loaded):
    profile, truth, _, con = loaded
    stages = truth["stage_counts"]
    assert stages["subscriber"] == PEOPLE
    assert list(stages.values()) == sorted(stages.values(), reverse=True)
    people_table = {"hubspot": "raw_hubspot.contacts", "marketo": "raw_marketo.leads"}.get(PROFILES[profile].marketing)
    if people_table:
        email = "email"
        assert scalar(con, f"select count(distinct lower({email})) from {people_table}") == PEOPLE
    if people_table == "raw_hubspot.contacts":
        lifecycle = {"subscriber": "subscriber", "lead": "lead", "mql": "marketingqualifiedlead",
                     "sql": "salesqualifiedlead", "opportunity": "opportunity", "customer": "customer",
                     "evangelist": "evangelist"}
        counted = {stage: scalar(con, f"select count(hs_lifecyclestage_{name}_date) from {people_table}")
                   for stage, name in lifecycle.items()}
        assert counted == stages
    if "salesforce" in PROFILES[profile].systems:
        # Marketing hands MQLs to Salesforce (every lead without marketing automation); 2 % come in twice.
        handed = stages["mql"] if PROFILES[profile].marketing else stages["lead"]
        assert scalar(con, 'select count(distinct lower("Email")) from raw_salesforce.lead') == handed
        assert scalar(con, "select count(*) from raw_salesforce.lead") > handed
        assert scalar(con, 'select count(*) from raw_salesforce.lead where "IsConverted"') == stages["opportunity"]


def test_about_twenty_activities_per_person(loaded):
    profile, _, _, con = loaded
    tables = ["raw_hubspot.email_events", "raw_hubspot.form_submissions", "raw_marketo.activities",
              "raw_salesforce.task", "raw_salesforce.campaign_member", "raw_salesforce.event"]
    activities = sum(scalar(con, f"select count(*) from {table}") for table in tables)
    assert 15 * PEOPLE < activities < 25 * PEOPLE, profile


def test_a_seed_gives_the_same_bytes(tmp_path):
    bulk(tmp_path / "a", "salesforce+hubspot", seed=5, people=300)
    bulk(tmp_path / "b", "salesforce+hubspot", seed=5, people=300)
    bulk(tmp_path / "c", "salesforce+hubspot", seed=6, people=300)
    first, second, other = (drop_bytes(tmp_path / name) for name in "abc")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert first["hubspot/hubspot-crm-exports-all-contacts-2026-10-25.csv"] != \
        other["hubspot/hubspot-crm-exports-all-contacts-2026-10-25.csv"]


def test_large_companies_use_the_bulk_engine(tmp_path, monkeypatch):
    monkeypatch.setattr(demo_company, "BULK_THRESHOLD", 40)
    summary = generate(tmp_path, people=50, seed=1, profile="salesforce", as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    assert summary["engine"] == "bulk"
    summary = generate(tmp_path, people=30, seed=1, profile="salesforce", as_of=CANONICAL_AS_OF.date(), **PRODUCT_FILES)
    assert "engine" not in summary and not list(tmp_path.glob("_spill-*"))
