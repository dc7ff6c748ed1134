"""End to end through Dagster: demo exports -> warehouse, compared with the generator's ground truth.

The expected numbers come from the demo generator's own simulation (its oracle applies the
definitions file to the simulated events), never from the SQL under test.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.demo import generate
from orchestration.funnel_definitions import FUNNEL_STAGES
from orchestration.pipeline import run_pipeline

STAGE_COLUMNS = [f"became_{stage}_at" for stage in FUNNEL_STAGES]


def ground_truth(drop: Path) -> dict:
    return json.loads((drop / "_ground_truth" / "ground_truth.json").read_text())


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def funnel_rows(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(f"select person_key, {', '.join(STAGE_COLUMNS)} from marts.fct_funnel").fetchall()
    return {row[0]: dict(zip(STAGE_COLUMNS, map(iso, row[1:]))) for row in rows}


def opportunity_rows(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select opportunity_id, person_key, is_closed, is_won, amount, currency, amount_reporting, closed_at "
            "from marts.fct_opportunities"
        ).fetchall()
    return {
        r[0]: {
            "person_key": r[1], "is_closed": r[2], "is_won": r[3],
            "amount": None if r[4] is None else Decimal(r[4]).quantize(Decimal("0.01")),
            "currency": r[5],
            "amount_reporting": None if r[6] is None else Decimal(r[6]).quantize(Decimal("0.01")),
            "closed_at": iso(r[7]),
        }
        for r in rows
    }


def assert_funnel_matches(warehouse: Path, truth: dict) -> None:
    actual = funnel_rows(warehouse)
    expected = {p["person_key"]: {c: p[c] for c in STAGE_COLUMNS} for p in truth["persons"]}
    assert set(actual) == set(expected), "people in marts.fct_funnel differ from the simulation"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, f"{len(mismatches)} people differ, e.g. {next(iter(mismatches.items()))}"
    counts = {stage: sum(1 for row in actual.values() if row[f"became_{stage}_at"]) for stage in FUNNEL_STAGES}
    assert counts == truth["stage_counts"]


def assert_opportunities_match(warehouse: Path, truth: dict) -> None:
    actual = opportunity_rows(warehouse)
    expected = {o["opportunity_id"]: o for o in truth["opportunities"]}
    assert set(actual) == set(expected)
    for opp_id, exp in expected.items():
        got = actual[opp_id]
        assert got["is_won"] == exp["is_won"] and got["is_closed"] == exp["is_closed"], opp_id
        assert got["currency"] == exp["currency"], opp_id
        assert got["amount"] == Decimal(exp["amount"]), opp_id
        assert got["amount_reporting"] == Decimal(exp["amount_reporting"]), opp_id
        assert got["closed_at"] == exp["closed_at"], opp_id
        assert got["person_key"] == exp["person_key"], opp_id
    won = sum((o["amount_reporting"] for o in actual.values() if o["is_won"]), Decimal("0"))
    assert won == Decimal(truth["won_revenue_reporting"])


def assert_spend_matches(warehouse: Path, truth: dict) -> None:
    """Spend per channel and month in the reporting currency, and per source and currency, as the oracle says."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_month = con.execute(
            "select channel, strftime(cost_month, '%Y-%m'), sum(cost_reporting) from marts.fct_marketing_spend "
            "group by all"
        ).fetchall()
        by_currency = con.execute(
            "select cost_source, currency_code, sum(cost) from marts.fct_marketing_spend group by all"
        ).fetchall()
        report_total = con.execute("select sum(spend) from marts.rpt_closed_loop").fetchall()[0][0]
    actual: dict[str, dict[str, Decimal]] = {}
    for channel, month, amount in by_month:
        actual.setdefault(channel, {})[month] = Decimal(amount).quantize(Decimal("0.01"))
    expected = {channel: {month: Decimal(v) for month, v in months.items()}
                for channel, months in truth["spend_by_channel_month"].items()}
    assert actual == expected
    currencies = {(source, currency): Decimal(amount).quantize(Decimal("0.01")) for source, currency, amount in by_currency}
    assert currencies == {(source, currency): Decimal(v) for source, by in truth["spend_by_source_currency"].items()
                          for currency, v in by.items()}
    total = sum((v for months in expected.values() for v in months.values()), Decimal("0"))
    assert Decimal(report_total or 0).quantize(Decimal("0.01")) == total


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    drop, warehouse = root / "exports", root / "warehouse.duckdb"
    generate(drop, people=3000, seed=42)
    outcome = run_pipeline(drop, warehouse)
    return drop, warehouse, outcome


def test_demo_pipeline_succeeds(demo_run):
    _, warehouse, outcome = demo_run
    assert outcome.success, outcome.failures
    assert warehouse.exists()


def test_demo_funnel_matches_ground_truth(demo_run):
    drop, warehouse, outcome = demo_run
    assert outcome.success, outcome.failures
    truth = ground_truth(drop)
    assert truth["stage_counts"]["customer"] > 0 and truth["stage_counts"]["evangelist"] > 0
    assert_funnel_matches(warehouse, truth)


def test_demo_opportunities_and_won_revenue_match_ground_truth(demo_run):
    drop, warehouse, outcome = demo_run
    assert outcome.success, outcome.failures
    truth = ground_truth(drop)
    assert {o["currency"] for o in truth["opportunities"]} == {"EUR", "USD"}
    assert_opportunities_match(warehouse, truth)


def test_demo_spend_matches_ground_truth(demo_run):
    drop, warehouse, outcome = demo_run
    assert outcome.success, outcome.failures
    truth = ground_truth(drop)
    assert {"Paid Search", "Paid Social", "Events", "Content"} <= set(truth["spend_by_channel_month"])
    assert set(truth["spend_by_source_currency"]["google_ads"]) == {"EUR", "USD"}
    assert_spend_matches(warehouse, truth)


def test_demo_attribution_credits_the_simulated_won_revenue_once_per_model(demo_run):
    drop, warehouse, outcome = demo_run
    assert outcome.success, outcome.failures
    truth = ground_truth(drop)
    won = {o["opportunity_id"]: Decimal(o["amount_reporting"]) for o in truth["opportunities"] if o["is_won"]}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_model = con.execute(
            "select attribution_model, sum(attributed_revenue), count(distinct opportunity_id) "
            "from marts.fct_attribution group by 1"
        ).fetchall()
        won_rows = con.execute(
            "select attribution_model, opportunity_id, sum(attributed_revenue), sum(weight) "
            "from marts.fct_attribution where is_won group by 1, 2"
        ).fetchall()
        touched = con.execute("select count(*) from marts.fct_attribution where not is_unattributed").fetchall()[0][0]
    assert len(per_model) >= 8 and touched > 0
    for model, revenue, opportunities in per_model:
        assert Decimal(revenue) == Decimal(truth["won_revenue_reporting"]), model
        assert opportunities == len(truth["opportunities"]), model
    for model, opportunity_id, revenue, weight in won_rows:
        assert Decimal(revenue) == won[opportunity_id], (model, opportunity_id)
        assert weight == pytest.approx(1.0, abs=1e-9), (model, opportunity_id)


def test_marts_hold_no_raw_emails_or_phones(demo_run):
    _, warehouse, _ = demo_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(
            """
            create temp table pii as
            select lower(trim("Email")) as value from raw_salesforce.lead union
            select lower(trim("Email")) from raw_salesforce.contact union
            select lower(trim(email)) from raw_hubspot.contacts union
            select "Phone" from raw_salesforce.lead union
            select "Phone" from raw_salesforce.contact union
            select phone from raw_hubspot.contacts
            """
        )
        assert con.execute("select count(*) from pii where value like '%@%'").fetchall()[0][0] > 1000
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        leaks = [
            (table, column)
            for table, column in columns
            if con.execute(
                f'select count(*) from marts."{table}" where "{column}" like \'%@%\' '
                f'or lower(trim("{column}")) in (select value from pii where value is not null)'
            ).fetchall()[0][0]
        ]
    assert not leaks


@pytest.mark.parametrize("profile", ["salesforce", "hubspot", "salesforce+marketo"])
def test_every_profile_runs_end_to_end_and_matches_ground_truth(tmp_path, profile):
    drop, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    generate(drop, people=600, seed=7, profile=profile)
    outcome = run_pipeline(drop, warehouse)
    assert outcome.success, outcome.failures
    absent = {"salesforce", "hubspot", "marketo", "spend"} - {p.name for p in drop.iterdir()}
    for source in absent:
        assert any(source in note for note in outcome.notes), (source, outcome.notes)
    truth = ground_truth(drop)
    assert_funnel_matches(warehouse, truth)
    assert_opportunities_match(warehouse, truth)
    if (drop / "spend").exists():
        assert_spend_matches(warehouse, truth)
    if profile == "hubspot":
        # Multi-currency through the plain rates file: USD deals converted at its rates.
        assert (drop / "spend" / "fx_rates.csv").is_file()
        assert {o["currency"] for o in truth["opportunities"]} == {"EUR", "USD"}


def test_missing_fx_rate_blocks_the_run_with_the_currency_named(tmp_path):
    drop, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    generate(drop, people=600, seed=11)
    rates = drop / "salesforce" / "DatedConversionRate.csv"
    lines = rates.read_text(encoding="utf-8").splitlines(keepends=True)
    rates.write_text("".join(line for line in lines if ",USD," not in line), encoding="utf-8")
    outcome = run_pipeline(drop, warehouse)
    assert not outcome.success
    # Every gate that sees an amount without a rate says so, naming USD only.
    gates = {message.split(" failed")[0]: message for message in outcome.failures}
    assert set(gates) == {
        "quality gate marts/fct_opportunities:won_revenue_reconciles_to_crm",
        "quality gate marts/fct_marketing_spend:spend_reconciles_to_inputs",
        "quality gate marts/rpt_closed_loop:closed_loop_is_consistent",
    }, outcome.failures
    message = gates["quality gate marts/fct_opportunities:won_revenue_reconciles_to_crm"]
    won_usd = sum(1 for o in ground_truth(drop)["opportunities"] if o["is_won"] and o["currency"] == "USD")
    assert won_usd > 0
    assert "USD:" in message and f"{won_usd} without a reporting-currency amount" in message
    assert "EUR:" not in message
    spend = gates["quality gate marts/fct_marketing_spend:spend_reconciles_to_inputs"]
    assert "google_ads USD:" in spend and "spend rows without an FX rate" in spend and "EUR:" not in spend
    assert "no FX rate for an open or lost opportunity amount: USD on " in gates[
        "quality gate marts/rpt_closed_loop:closed_loop_is_consistent"]


def test_negative_spend_blocks_the_run_with_the_source_and_currency_named(tmp_path):
    drop, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    generate(drop, people=600, seed=11)
    report = drop / "spend" / "google_ads_campaign_report.csv"
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",EUR," in line)
    fields = lines[row].rstrip("\r\n").split(",")
    cost_column = next(i for i, value in enumerate(fields) if value == "EUR") + 1
    fields[cost_column] = "-" + fields[cost_column]
    lines[row] = ",".join(fields) + "\n"
    report.write_text("".join(lines), encoding="utf-8")
    outcome = run_pipeline(drop, warehouse)
    assert not outcome.success
    spend = [m for m in outcome.failures if "spend_reconciles_to_inputs" in m]
    assert len(spend) == 1, outcome.failures
    assert "google_ads EUR: 1 negative input costs" in spend[0]
    assert any("negative amount: fct_marketing_spend.cost" in m for m in outcome.failures), outcome.failures
