"""The closed-loop gates on hand-made warehouses: they pass on consistent data and, for each kind of
corruption, fail with a message naming the metric, how far off it is and which rows.

Expected numbers are written by hand below; the gates compute theirs from the staged inputs, the
spend model's classification of them and the marts, which these tests fill directly (no dbt), so
each gate is checked on its own."""

from __future__ import annotations

import duckdb
import pytest

from ingest.contracts import quote_ident
from orchestration.closed_loop_checks import invariants_frame, spend_frame, validate_invariants, validate_spend
from orchestration.funnel_definitions import FUNNEL_STAGES
from orchestration.publish import audit_schema

AD_REPORTS = ("stg_spend__google_ads", "stg_spend__linkedin_ads", "stg_spend__meta_ads")


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema staging; create schema intermediate")
    for table in AD_REPORTS:
        connection.execute(f"create table staging.{table} (campaign_id varchar, spend_date date, "
                           "currency_code varchar, cost decimal(18, 2))")
    connection.execute("create table staging.stg_marketo__programs (program_id integer, currency_code varchar, "
                       "cost decimal(18, 2))")
    connection.execute("create table staging.stg_salesforce__campaigns (campaign_id varchar, currency_code varchar, "
                       "actual_cost decimal(18, 2))")
    connection.execute("create table intermediate.int_marketing_cost_inputs (cost_source varchar, "
                       "currency_code varchar, cost decimal(18, 2), is_counted boolean, superseded_by varchar, "
                       "is_undated boolean)")
    connection.execute(f"create schema {quote_ident(audit_schema())}")
    connection.execute(f"use {quote_ident(audit_schema())}")
    yield connection
    connection.close()


def add_input(con, source: str, currency: str, cost: float, verdict: str = "counted", by: str | None = None,
              record: tuple = ()) -> None:
    """One staged input cost and the spend model's verdict on it: counted, superseded (by) or undated.
    ``record``: the values of the row's key columns (campaign and day, campaign, program)."""
    table, column, keys = {
        "google_ads": ("stg_spend__google_ads", "cost", ("campaign_id", "spend_date")),
        "salesforce_campaign": ("stg_salesforce__campaigns", "actual_cost", ("campaign_id",)),
        "marketo_program": ("stg_marketo__programs", "cost", ("program_id",)),
    }[source]
    record = record or (None,) * len(keys)
    con.execute(f"insert into staging.{table} ({', '.join(keys)}, currency_code, {column}) "
                f"values ({', '.join('?' * (len(keys) + 2))})", [*record, currency, cost])
    con.execute("insert into intermediate.int_marketing_cost_inputs values (?, ?, ?, ?, ?, ?)",
                [source, currency, cost, verdict == "counted", by, verdict == "undated"])


def spend_inputs(con) -> None:
    """Google: EUR 100.00 + 50.50 (mapped to campaign C1), USD 20.00 (unmapped). Salesforce: C1 170.50 EUR
    (the ad spend carries it), C2 300.00 EUR. Marketo: a program mirroring C2 (300.00 EUR), program
    'Partner day' 80.00 USD."""
    add_input(con, "google_ads", "EUR", 100.00)
    add_input(con, "google_ads", "EUR", 50.50)
    add_input(con, "google_ads", "USD", 20.00)
    add_input(con, "salesforce_campaign", "EUR", 170.50, "superseded", by="google_ads")
    add_input(con, "salesforce_campaign", "EUR", 300.00)
    add_input(con, "marketo_program", "EUR", 300.00, "superseded", by="salesforce_campaign")
    add_input(con, "marketo_program", "USD", 80.00)


def spend_mart(con, rows=None) -> None:
    rows = rows or [
        ("google_ads", "2025-03-01", "EUR", 100.00, 100.00),
        ("google_ads", "2025-03-02", "EUR", 50.50, 50.50),
        ("google_ads", "2025-03-02", "USD", 20.00, 18.00),
        ("salesforce_campaign", "2025-03-10", "EUR", 100.00, 100.00),
        ("salesforce_campaign", "2025-03-11", "EUR", 100.00, 100.00),
        ("salesforce_campaign", "2025-03-12", "EUR", 100.00, 100.00),
        ("marketo_program", "2025-04-01", "USD", 80.00, 72.00),
    ]
    con.execute("create or replace table fct_marketing_spend (cost_source varchar, cost_date date, "
                "currency_code varchar, cost decimal(18, 6), cost_reporting decimal(18, 2))")
    con.executemany("insert into fct_marketing_spend values (?, ?, ?, ?, ?)", rows)


def test_spend_gate_passes_when_the_mart_holds_every_input_once(con):
    spend_inputs(con)
    spend_mart(con)
    outcome = validate_spend(spend_frame(con))
    assert outcome.passed, outcome.summary
    by_source = {(r["cost_source"], r["currency"]): r for r in outcome.frame.to_dict(orient="records")}
    assert by_source[("salesforce_campaign", "EUR")]["input_cost"] == "470.50"
    assert by_source[("salesforce_campaign", "EUR")]["counted_elsewhere"] == "170.50"
    assert by_source[("marketo_program", "EUR")]["expected_cost"] == "0.00"
    assert by_source[("marketo_program", "USD")]["expected_cost"] == "80.00"


def test_spend_gate_names_the_source_currency_and_difference_of_lost_spend(con):
    spend_inputs(con)
    spend_mart(con, [
        ("google_ads", "2025-03-01", "EUR", 100.00, 100.00),
        ("google_ads", "2025-03-02", "USD", 20.00, 18.00),
        ("salesforce_campaign", "2025-03-10", "EUR", 300.00, 300.00),
        ("marketo_program", "2025-04-01", "USD", 80.00, 72.00),
    ])
    outcome = validate_spend(spend_frame(con))
    assert not outcome.passed
    assert outcome.summary == (
        "spend does not reconcile: google_ads EUR: spend in mart 100.00 vs inputs 150.50 (off by -50.50)\n"
        "fix: compare the google_ads EUR rows of fct_marketing_spend with the counted ones of "
        "intermediate.int_marketing_cost_inputs")


def test_spend_gate_flags_double_counted_campaign_costs(con):
    spend_inputs(con)
    spend_mart(con, [
        ("google_ads", "2025-03-01", "EUR", 100.00, 100.00),
        ("google_ads", "2025-03-02", "EUR", 50.50, 50.50),
        ("google_ads", "2025-03-02", "USD", 20.00, 18.00),
        ("salesforce_campaign", "2025-03-01", "EUR", 470.50, 470.50),
        ("marketo_program", "2025-04-01", "USD", 80.00, 72.00),
    ])
    outcome = validate_spend(spend_frame(con))
    assert not outcome.passed
    assert "salesforce_campaign EUR: spend in mart 470.50 vs inputs 300.00 (off by +170.50)" in outcome.summary


def test_spend_gate_flags_a_negative_input_and_a_day_without_an_fx_rate(con):
    spend_inputs(con)
    add_input(con, "google_ads", "USD", -5.00, record=("2231", "2025-03-03"))
    spend_mart(con, [
        ("google_ads", "2025-03-01", "EUR", 100.00, 100.00),
        ("google_ads", "2025-03-02", "EUR", 50.50, 50.50),
        ("google_ads", "2025-03-02", "USD", 20.00, None),
        ("google_ads", "2025-03-03", "USD", -5.00, None),
        ("salesforce_campaign", "2025-03-10", "EUR", 300.00, 300.00),
        ("marketo_program", "2025-04-01", "USD", 80.00, 72.00),
    ])
    outcome = validate_spend(spend_frame(con))
    assert not outcome.passed
    assert outcome.summary == (
        "spend does not reconcile: google_ads USD: 1 negative input costs (e.g. campaign 2231 on 2025-03-03), "
        "2 spend rows without an FX rate (first on 2025-03-02)\n"
        "fix: correct the negative cost of google_ads campaign 2231 on 2025-03-03 in its export and export it "
        "again; add USD rates against EUR from 2025-03-02 to spend/fx_rates.csv (date,base_currency,currency,rate, "
        "e.g. 2025-03-02,EUR,USD,<rate>), or export DatedConversionRate.csv from Salesforce covering 2025-03-02 "
        "(read when spend/fx_rates.csv is absent)")


def test_spend_gate_flags_a_staged_input_the_spend_model_left_unaccounted(con):
    spend_inputs(con)
    spend_mart(con)
    con.execute("insert into staging.stg_marketo__programs values (1007, 'USD', 25.00)")
    outcome = validate_spend(spend_frame(con))
    assert not outcome.passed
    assert outcome.summary == (
        "spend does not reconcile: marketo_program USD: staged inputs 105.00 vs counted 80.00 + superseded 0.00 "
        "+ undated 0.00 in intermediate.int_marketing_cost_inputs (off by +25.00)\n"
        "fix: compare the marketo_program USD rows of intermediate.int_marketing_cost_inputs with its staged "
        "inputs: every input must be counted, superseded or undated once")


def test_undated_inputs_are_accounted_for_but_not_spent(con):
    spend_inputs(con)
    spend_mart(con)
    add_input(con, "marketo_program", "USD", 25.00, "undated")
    outcome = validate_spend(spend_frame(con))
    assert outcome.passed, outcome.summary


def closed_loop_marts(con) -> None:
    stage_columns = ", ".join(f"became_{s}_at timestamp" for s in FUNNEL_STAGES)
    con.execute(f"create table fct_funnel (person_key varchar, {stage_columns})")
    # Two people of the March 2025 cohort (Madrid), one went on to MQL.
    con.execute("insert into fct_funnel (person_key, became_subscriber_at, became_lead_at, became_mql_at) "
                "values ('a', '2025-03-01 10:00', '2025-03-02 10:00', '2025-03-05 10:00'), "
                "('b', '2025-03-03 10:00', '2025-03-04 10:00', null)")
    con.execute("create table fct_opportunities (opportunity_id varchar, account_key varchar, is_won boolean, "
                "amount decimal(18, 2), currency varchar, amount_reporting decimal(18, 2), close_date date)")
    con.execute("insert into fct_opportunities values ('o1', 'acc1', true, 1000, 'USD', 900, '2025-04-01'), "
                "('o2', 'acc2', false, 500, 'EUR', 500, '2025-05-01')")
    con.execute("create table fct_attribution (opportunity_id varchar, weight double)")
    con.execute("insert into fct_attribution values ('o1', 0.4), ('o1', 0.6)")


def test_closed_loop_gate_passes_on_consistent_marts(con):
    closed_loop_marts(con)
    outcome = validate_invariants(invariants_frame(con))
    assert outcome.passed, outcome.summary


def test_closed_loop_gate_names_each_violation(con):
    closed_loop_marts(con)
    # c and d skip the lead stage. c subscribed at 23:30 UTC on 28 February, 00:30 on 1 March in Madrid:
    # the March cohort then has 4 subscribers, 2 leads and 3 MQLs (by UTC months it would be February).
    con.execute("insert into fct_funnel (person_key, became_subscriber_at, became_mql_at) "
                "values ('c', '2025-02-28 23:30', '2025-03-01 09:00'), ('d', '2025-03-10 09:00', '2025-03-11 09:00')")
    con.execute("update fct_attribution set weight = 1.25 where weight = 0.6")
    con.execute("insert into fct_opportunities values ('o3', null, true, 200, 'EUR', 200, '2025-06-30'), "
                "('o4', 'acc4', false, 300, 'MXN', null, '2025-07-31'), ('o5', 'acc5', true, 300, 'MXN', null, "
                "'2025-08-31')")
    outcome = validate_invariants(invariants_frame(con))
    assert not outcome.passed
    metrics = {row["metric"]: row for row in outcome.failing_rows}
    assert set(metrics) == {
        "stage count increases down the funnel",
        "rate outside [0, 1]: fct_attribution.weight",
        "won opportunity without an account",
        "no FX rate for an open or lost opportunity amount",
    }
    assert metrics["stage count increases down the funnel"]["rows"] == "cohort 2025-03: lead -> mql"
    assert metrics["stage count increases down the funnel"]["off_by"] == 1
    assert "fct_attribution.weight: 1.25 (1.25 vs limit 1, off by +0.25)" in outcome.summary
    assert "won opportunity without an account: o3" in outcome.summary
    # The won MXN deal o5 is the won revenue gate's; the open one is named here.
    assert "no FX rate for an open or lost opportunity amount: MXN: 1 opportunities closing on 1 days from " \
           "2025-07-31 (the first: o4) (1 vs limit 0, off by +1)" in outcome.summary
    first, fix = outcome.summary.split("\n")
    assert fix.startswith("fix: inspect fct_attribution.weight = 1.25: the model that computes it is wrong, not "
                          "the exports; inspect fct_funnel for cohort 2025-03: lead -> mql: ")
    assert "give each won deal an account: AccountId on the Salesforce Opportunity" in fix
    assert "add MXN rates against EUR from 2025-07-31 to spend/fx_rates.csv" in fix


def test_closed_loop_gate_checks_the_account_reports(con):
    closed_loop_marts(con)
    con.execute("create table rpt_account_funnel_conversion (cohort_month date, conversion_rate decimal(18, 4))")
    con.execute("insert into rpt_account_funnel_conversion values ('2025-03-01', 0.5), ('2025-04-01', 1.5)")
    con.execute("create table rpt_closed_loop_by_account_segment (pipeline decimal(18, 2), won_revenue decimal(18, 2))")
    con.execute("insert into rpt_closed_loop_by_account_segment values (100, 0), (-5, 0)")
    outcome = validate_invariants(invariants_frame(con))
    assert not outcome.passed
    assert {row["metric"] for row in outcome.failing_rows} == {
        "rate outside [0, 1]: rpt_account_funnel_conversion.conversion_rate",
        "negative amount: rpt_closed_loop_by_account_segment.pipeline",
    }
