"""Every blocking gate's failure message is two lines: what is wrong, how much and an example row by id,
then the fix; inline lists stop at ten items.

The case that drove it: a Salesforce org in USD without DatedConversionRate.csv, run with reporting
currency EUR. Its deals and spend are built by hand in a small DuckDB file (no dbt) and the expected
messages are written out here in full."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import yaml

from ingest.contracts import quote_ident
from orchestration.closed_loop_checks import invariants_frame, spend_frame, validate_invariants, validate_spend
from orchestration.funnel_definitions import FUNNEL_STAGES
from orchestration.gate_messages import MAX_LISTED, listed
from orchestration.publish import audit_schema
from orchestration.quality_checks import (
    deal_stages_frame,
    validate_deal_stages,
    validate_won_revenue,
    won_revenue_frame,
)

DEFINITIONS = "dbt_project/definitions/funnel_definitions.yml"


@pytest.fixture
def con(tmp_path):
    """The CRM deals (Salesforce staged, HubSpot classified), spend inputs and audited marts the gates
    read, all empty."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema staging; create schema intermediate")
    connection.execute("create table staging.stg_salesforce__opportunities (opportunity_id varchar, "
                       "currency_code varchar, amount decimal(18, 2), is_won boolean)")
    connection.execute("create table intermediate.int_hubspot_deals_classified (deal_id varchar, pipeline varchar, "
                       "deal_stage varchar, is_stage_classified boolean, close_at timestamp, "
                       "currency_code varchar, amount decimal(18, 2), is_won boolean)")
    for table in ("stg_spend__google_ads", "stg_spend__linkedin_ads", "stg_spend__meta_ads"):
        connection.execute(f"create table staging.{table} (campaign_id varchar, spend_date date, "
                           "currency_code varchar, cost decimal(18, 2))")
    connection.execute("create table staging.stg_salesforce__campaigns (campaign_id varchar, currency_code varchar, "
                       "actual_cost decimal(18, 2))")
    connection.execute("create table staging.stg_marketo__programs (program_id integer, currency_code varchar, "
                       "cost decimal(18, 2))")
    connection.execute("create table intermediate.int_marketing_cost_inputs (cost_source varchar, "
                       "currency_code varchar, cost decimal(18, 2), is_counted boolean, superseded_by varchar, "
                       "is_undated boolean)")
    connection.execute(f"create schema {quote_ident(audit_schema())}")
    connection.execute(f"use {quote_ident(audit_schema())}")
    connection.execute("create table fct_opportunities (opportunity_id varchar, account_key varchar, is_won boolean, "
                       "amount decimal(18, 2), currency varchar, amount_reporting decimal(18, 2), close_date date)")
    connection.execute("create table fct_marketing_spend (cost_source varchar, cost_date date, "
                       "currency_code varchar, cost decimal(18, 6), cost_reporting decimal(18, 2))")
    stage_columns = ", ".join(f"became_{s}_at timestamp" for s in FUNNEL_STAGES)
    connection.execute(f"create table fct_funnel (person_key varchar, {stage_columns})")
    connection.execute("create table fct_attribution (opportunity_id varchar, weight double)")
    yield connection
    connection.close()


def opportunity(con, opportunity_id, *, won, amount, close_date, currency="USD", rate=None, account="acc1"):
    """One Salesforce opportunity, staged and in the audited mart (amount_reporting = amount * rate)."""
    con.execute("insert into staging.stg_salesforce__opportunities values (?, ?, ?, ?)",
                [opportunity_id, currency, amount, won])
    con.execute("insert into fct_opportunities values (?, ?, ?, ?, ?, ?, ?)",
                [opportunity_id, account, won, amount, currency, None if rate is None else amount * rate,
                 close_date])


def usd_org(con) -> None:
    """A USD-only org without rates: three won deals (1,000.00 + 2,500.50 + 300.00 = 3,800.50 USD, the
    first closed on 2024-01-05, deal 0061) and 1,434 open deals closing on 1,434 days from 2020-01-01,
    the first being deal 1000; one Google Ads spend day of 80.00 USD on 2024-02-01 (campaign 77)."""
    opportunity(con, "0062", won=True, amount=2500.50, close_date="2024-02-10")
    opportunity(con, "0061", won=True, amount=1000.00, close_date="2024-01-05")
    opportunity(con, "0063", won=True, amount=300.00, close_date="2024-03-15")
    con.execute("insert into fct_opportunities select (1000 + i)::varchar, 'acc1', false, 10, 'USD', null, "
                "date '2020-01-01' + i::integer from range(1434) t(i)")
    con.execute("insert into staging.stg_spend__google_ads values ('77', '2024-02-01', 'USD', 80.00)")
    con.execute("insert into intermediate.int_marketing_cost_inputs values "
                "('google_ads', 'USD', 80.00, true, null, false)")
    con.execute("insert into fct_marketing_spend values ('google_ads', '2024-02-01', 'USD', 80.00, null)")


USD_FIX = (
    f"fix: set `reporting.currency: USD` in {DEFINITIONS}, or add USD rates against EUR from {{day}} to "
    "spend/fx_rates.csv (date,base_currency,currency,rate, e.g. {day},EUR,USD,<rate>), or export "
    "DatedConversionRate.csv from Salesforce covering {day} (read when spend/fx_rates.csv is absent)"
)


def test_a_usd_org_without_rates_is_told_what_is_missing_and_the_three_fixes(con):
    usd_org(con)
    won = validate_won_revenue(won_revenue_frame(con))
    assert not won.passed
    assert won.summary.split("\n") == [
        "won revenue does not reconcile: 3 won deals in USD (3,800.50 USD) have no rate to EUR on their close "
        "date (the first, deal 0061, closed 2024-01-05)",
        USD_FIX.format(day="2024-01-05"),
    ]

    loop = validate_invariants(invariants_frame(con))
    assert not loop.passed
    # 1,434 close dates are counted, not listed.
    assert loop.summary.split("\n") == [
        "closed loop is inconsistent: no FX rate for an open or lost opportunity amount: USD: 1,434 opportunities "
        "closing on 1,434 days from 2020-01-01 (the first: 1000) (1434 vs limit 0, off by +1434)",
        USD_FIX.format(day="2020-01-01"),
    ]

    spend = validate_spend(spend_frame(con))
    assert not spend.passed
    assert spend.summary.split("\n") == [
        "spend does not reconcile: google_ads USD: 1 spend rows without an FX rate (first on 2024-02-01)",
        USD_FIX.format(day="2024-02-01"),
    ]


def test_reporting_in_the_missing_currency_is_no_fix_when_the_org_has_other_currencies(con):
    usd_org(con)
    opportunity(con, "0070", won=True, amount=50.00, close_date="2024-01-02", currency="EUR", rate=1)
    won = validate_won_revenue(won_revenue_frame(con))
    problem, fix = won.summary.split("\n")
    assert problem.startswith("won revenue does not reconcile: 3 won deals in USD ")
    assert fix == ("fix: add USD rates against EUR from 2024-01-05 to spend/fx_rates.csv (date,base_currency,"
                   "currency,rate, e.g. 2024-01-05,EUR,USD,<rate>), or export DatedConversionRate.csv from "
                   "Salesforce covering 2024-01-05 (read when spend/fx_rates.csv is absent)")


def test_a_won_deal_lost_between_staging_and_the_mart_is_named(con):
    opportunity(con, "0061", won=True, amount=1000.00, close_date="2024-01-05", currency="EUR", rate=1)
    opportunity(con, "0062", won=True, amount=250.00, close_date="2024-01-06", currency="EUR", rate=1)
    con.execute("delete from fct_opportunities where opportunity_id = '0062'")
    outcome = validate_won_revenue(won_revenue_frame(con))
    assert outcome.summary.split("\n") == [
        "won revenue does not reconcile: EUR: fct_opportunities 1,000.00 in 1 won deals vs CRM 1,250.00 in 2 "
        "(off by -250.00; e.g. deal 0062)",
        "fix: compare deal 0062 in staging.stg_salesforce__opportunities and "
        "intermediate.int_hubspot_deals_classified with fct_opportunities: a model lost, duplicated or changed it",
    ]


def test_a_list_of_won_deals_without_an_account_stops_at_ten(con):
    for n in range(1, 13):
        opportunity(con, f"W{n:02d}", won=True, amount=10.00, close_date="2024-01-05", currency="EUR", rate=1,
                    account=None)
    outcome = validate_invariants(invariants_frame(con))
    assert MAX_LISTED == 10
    assert outcome.summary.split("\n") == [
        "closed loop is inconsistent: won opportunity without an account: W01, W02, W03, W04, W05, W06, W07, "
        "W08, W09, W10 and 2 more (12 vs limit 0, off by +12)",
        "fix: give each won deal an account: AccountId on the Salesforce Opportunity, an associated company "
        "(Associated Company IDs) on the HubSpot deal, then export again",
    ]


def test_more_than_ten_failing_rows_are_counted_not_listed(con):
    # Spend in 12 currencies, none with a rate: 12 failing rows, 10 named.
    currencies = [f"C{n:02d}" for n in range(12)]
    for currency in currencies:
        con.execute("insert into staging.stg_spend__google_ads values ('1', '2024-02-01', ?, 5.00)", [currency])
        con.execute("insert into intermediate.int_marketing_cost_inputs values ('google_ads', ?, 5.00, true, "
                    "null, false)", [currency])
        con.execute("insert into fct_marketing_spend values ('google_ads', ?, ?, 5.00, null)",
                    [dt.date(2024, 2, 1), currency])
    outcome = validate_spend(spend_frame(con))
    problem, fix = outcome.summary.split("\n")
    assert problem == "spend does not reconcile: " + "; ".join(
        f"google_ads {c}: 1 spend rows without an FX rate (first on 2024-02-01)" for c in currencies[:10]
    ) + "; and 2 more"
    assert fix.startswith("fix: add C00, C01, C02, C03, C04, C05, C06, C07, C08, C09 and 2 more rates against EUR ")


def test_listed_names_at_most_ten_and_counts_the_rest():
    assert listed([]) == ""
    assert listed(["a", "b"]) == "a, b"
    assert listed([str(n) for n in range(10)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9"
    assert listed([str(n) for n in range(11)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 1 more"
    assert listed(["x"], total=1435) == "x and 1,434 more"


def unclassified_deal(con, deal_id, pipeline, stage, close_at, classified=False):
    con.execute("insert into intermediate.int_hubspot_deals_classified (deal_id, pipeline, deal_stage, "
                "is_stage_classified, close_at) values (?, ?, ?, ?, ?)", [deal_id, pipeline, stage, classified, close_at])


def test_unclassified_deal_stages_name_ten_stages_and_the_yaml_to_add(con):
    """Pipeline P: stage S01 holds 3 past deals, S02-S12 one each; deals without a pipeline sit in
    'Verbal "yes"' (2). 16 deals in 13 stages; a future deal and a classified one do not count."""
    for n in (1, 2, 3):
        unclassified_deal(con, f"a{n}", "P", "S01", f"2025-01-0{n}")
    for n in range(2, 13):
        unclassified_deal(con, f"s{n:02d}", "P", f"S{n:02d}", "2025-02-01")
    unclassified_deal(con, "v2", None, 'Verbal "yes"', "2025-03-05")
    unclassified_deal(con, "v1", None, 'Verbal "yes"', "2025-03-04")
    unclassified_deal(con, "future", "P", "S01", "2031-01-01")
    unclassified_deal(con, "known", "P", "Won it", "2025-01-01", classified=True)
    outcome = validate_deal_stages(deal_stages_frame(con, now=dt.datetime(2026, 1, 1)))
    assert not outcome.passed
    problem, fix = outcome.summary.split("\n")
    assert problem == (
        "deal stages are not classified: 16 HubSpot deals whose close date has passed are in 13 stages that are "
        "neither a default pipeline stage nor in hubspot/_source.yml: "
        "P / S01: 3 deals (e.g. deal a1, closing 2025-01-01); "
        '* / Verbal "yes": 2 deals (e.g. deal v1, closing 2025-03-04); '
        + "; ".join(f"P / S{n:02d}: 1 deals (e.g. deal s{n:02d}, closing 2025-02-01)" for n in range(2, 10))
        + "; and 3 more")
    prefix = "fix: say what each stage means in hubspot/_source.yml, keeping one of open, won, lost per stage: "
    assert fix.startswith(prefix) and fix.endswith(" (and 3 more stages)")
    lines = yaml.safe_load(fix[len(prefix):-len(" (and 3 more stages)")])
    assert lines == {"deal_stages": {
        "P": {f"S{n:02d}": "open|won|lost" for n in range(1, 10)},
        "*": {'Verbal "yes"': "open|won|lost"},
    }}
