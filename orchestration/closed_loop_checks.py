"""Great Expectations gates on spend and the closed-loop marts, run as blocking Dagster asset checks.

Same pattern as ``quality_checks``: each gate builds a small aggregate with SQL, validates it with a
GX suite (orchestration/gx_suites.py), and says which metric is off, by how much, and for which
rows. The gates check the marts where dbt wrote them, in the audit schema, before they are
published (orchestration/publish.py), as blocking asset checks (orchestration/defs/checks.py): a
failing gate leaves the published marts as they were.

- ``spend_reconciles_to_inputs`` (marts.fct_marketing_spend): per cost source and currency, the
  staged input costs (ad platform exports, Salesforce Campaign ActualCost, Marketo program costs)
  equal what int_marketing_cost_inputs counted, superseded or left undated, and the spend in the
  mart equals the counted part. Which cost supersedes which is that model's rule alone; the gate
  only checks that every input is accounted for once. No input cost is negative; every spend row
  has an FX rate on its day.
- ``closed_loop_is_consistent`` (marts.rpt_closed_loop): within each cohort (people by the month
  they entered the first stage), stage counts never increase down the funnel; rates and weights
  lie in [0, 1]; no won opportunity lacks an account; every open or lost opportunity amount has an
  FX rate on its close date (won ones are the won revenue gate's); no reported amount is negative.
"""

from __future__ import annotations

import pandas as pd

from ingest.contracts import quote_ident
from orchestration.funnel_definitions import FUNNEL_STAGES, load_definitions
from orchestration.gx_suites import GateOutcome, suite_passes
from orchestration.publish import audit_schema, audited_relation

# The staged cost rows, one relation per cost source: (cost source, staging relation, cost column).
# The gate's independent path to what the export files hold (latest version of each record).
STAGED_COSTS = (
    ("google_ads", "staging.stg_spend__google_ads", "cost"),
    ("linkedin_ads", "staging.stg_spend__linkedin_ads", "cost"),
    ("meta_ads", "staging.stg_spend__meta_ads", "cost"),
    ("salesforce_campaign", "staging.stg_salesforce__campaigns", "actual_cost"),
    ("marketo_program", "staging.stg_marketo__programs", "cost"),
)
# Every input cost with the precedence's verdict: counted, superseded (and by what) or undated.
COST_INPUTS = "intermediate.int_marketing_cost_inputs"


def spend_frame(con) -> pd.DataFrame:
    """Per cost source and currency: the staged input costs, how int_marketing_cost_inputs classified
    them (counted, superseded, undated), the mart's spend, negative inputs and days without an FX rate."""
    staged = " union all ".join(
        f"select '{source}' as cost_source, currency_code, {quote_ident(column)} as cost from {relation}"
        for source, relation, column in STAGED_COSTS
    )
    sql = f"""
        with staged as ({staged}),
        inputs as (
            select cost_source, coalesce(upper(trim(currency_code)), '(none)') as currency,
                   sum(cost) as input_cost,
                   count(*) filter (where cost < 0) as negative_input_rows
            from staged group by 1, 2
        ),
        classified as (
            select cost_source, coalesce(upper(trim(currency_code)), '(none)') as currency,
                   coalesce(sum(cost) filter (where is_counted), 0) as counted_cost,
                   coalesce(sum(cost) filter (where superseded_by is not null), 0) as superseded_cost,
                   coalesce(sum(cost) filter (where is_undated), 0) as undated_cost
            from {COST_INPUTS} group by 1, 2
        ),
        mart as (
            select cost_source, coalesce(currency_code, '(none)') as currency,
                   sum(cost) as mart_cost,
                   count(*) - count(cost_reporting) as rows_without_rate,
                   min(cost_date) filter (where cost_reporting is null) as first_day_without_rate
            from {audited_relation("fct_marketing_spend")} group by 1, 2
        ),
        sources as (
            select cost_source, currency from inputs
            union select cost_source, currency from classified
            union select cost_source, currency from mart
        )
        select sources.cost_source, sources.currency,
               cast(coalesce(input_cost, 0) as decimal(18, 2)) as input_cost,
               cast(coalesce(superseded_cost, 0) as decimal(18, 2)) as counted_elsewhere,
               cast(coalesce(undated_cost, 0) as decimal(18, 2)) as undated_cost,
               cast(coalesce(input_cost, 0) - coalesce(counted_cost, 0) - coalesce(superseded_cost, 0)
                    - coalesce(undated_cost, 0) as decimal(18, 2)) as unclassified_cost,
               cast(coalesce(counted_cost, 0) as decimal(18, 2)) as expected_cost,
               cast(coalesce(mart_cost, 0) as decimal(18, 2)) as mart_cost,
               coalesce(negative_input_rows, 0) as negative_input_rows,
               coalesce(rows_without_rate, 0) as rows_without_rate,
               cast(first_day_without_rate as varchar) as first_day_without_rate
        from sources
        left join inputs on inputs.cost_source = sources.cost_source and inputs.currency = sources.currency
        left join classified
            on classified.cost_source = sources.cost_source and classified.currency = sources.currency
        left join mart on mart.cost_source = sources.cost_source and mart.currency = sources.currency
        order by 1, 2
    """
    frame = con.execute(sql).df()
    for col in ("input_cost", "counted_elsewhere", "undated_cost", "unclassified_cost", "expected_cost", "mart_cost"):
        frame[col] = frame[col].map(lambda value: f"{value:.2f}")
    return frame


def validate_spend(frame: pd.DataFrame) -> GateOutcome:
    """GX suite, per source and currency: every staged input cost is counted, superseded or undated
    exactly once; mart spend = the counted inputs; no negative inputs; every day converted."""
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "spend_by_source_and_currency", "spend_reconciles", [
        gxe.ExpectColumnValuesToBeInSet(column="unclassified_cost", value_set=["0.00"]),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="mart_cost", column_B="expected_cost"),
        gxe.ExpectColumnValuesToBeBetween(column="negative_input_rows", max_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="rows_without_rate", max_value=0),
    ])
    failing = frame[(frame.unclassified_cost != "0.00") | (frame.mart_cost != frame.expected_cost)
                    | (frame.negative_input_rows > 0) | (frame.rows_without_rate > 0)]
    rows = failing.to_dict(orient="records")
    if passed:
        return GateOutcome(True, "spend in marts.fct_marketing_spend equals the spend inputs in every source and "
                                 "currency, none negative, every day converted", rows, frame)
    parts = []
    for r in rows:
        issues = []
        if r["unclassified_cost"] != "0.00":
            issues.append(f"staged inputs {r['input_cost']} vs counted {r['expected_cost']} + superseded "
                          f"{r['counted_elsewhere']} + undated {r['undated_cost']} in {COST_INPUTS} "
                          f"(off by {pd.to_numeric(r['unclassified_cost']):+.2f})")
        if r["mart_cost"] != r["expected_cost"]:
            off = pd.to_numeric(r["mart_cost"]) - pd.to_numeric(r["expected_cost"])
            issues.append(f"spend in mart {r['mart_cost']} vs inputs {r['expected_cost']} (off by {off:+.2f})")
        if r["negative_input_rows"] > 0:
            issues.append(f"{r['negative_input_rows']} negative input costs")
        if r["rows_without_rate"] > 0:
            issues.append(f"{r['rows_without_rate']} spend rows without an FX rate "
                          f"(first on {r['first_day_without_rate']})")
        parts.append(f"{r['cost_source']} {r['currency']}: " + ", ".join(issues))
    return GateOutcome(False, "spend does not reconcile: " + "; ".join(parts), rows, frame)


# --------------------------------------------------------------------------------------------
# Closed-loop invariants: one row per violation, a GX suite expecting none.
# --------------------------------------------------------------------------------------------

# Rates and weights in the marts that must lie in [0, 1]: (table, column).
RATE_COLUMNS = (
    ("fct_attribution", "weight"),
    ("rpt_lead_sla_by_owner", "sla_compliance_rate"),
    ("rpt_lead_rejections", "share_of_slice"),
    ("rpt_lead_rejections", "share_of_type"),
)
# Amounts in the marts that are never negative: (table, column).
NON_NEGATIVE_COLUMNS = (
    ("fct_marketing_spend", "cost"),
    ("fct_marketing_spend", "cost_reporting"),
    ("rpt_closed_loop", "spend"),
    ("rpt_closed_loop", "pipeline"),
    ("rpt_closed_loop", "won_revenue"),
    ("fct_opportunities", "amount"),
    ("fct_opportunities", "amount_reporting"),
)


def _existing_columns(con) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?", [audit_schema()]
    ).fetchall()
    return {(t, c) for t, c in rows}


def invariants_frame(con) -> pd.DataFrame:
    """One row per violation: metric, rows (which), value, limit and how far off."""
    reporting = load_definitions()["reporting"]
    time_zone = reporting.get("timezone") or "UTC"
    currency = reporting["currency"]
    existing = _existing_columns(con)
    parts = []
    # Within a cohort (month of the first stage, reporting time zone), counts never increase.
    first = f"became_{FUNNEL_STAGES[0]}_at"
    counts = ", ".join(f"count(became_{s}_at) as {quote_ident(s)}" for s in FUNNEL_STAGES)
    for earlier, later in zip(FUNNEL_STAGES, FUNNEL_STAGES[1:]):
        parts.append(f"""
            select 'stage count increases down the funnel' as metric,
                   'cohort ' || cohort || ': ' || '{earlier} -> {later}' as rows,
                   cast({quote_ident(later)} as double) as value, cast({quote_ident(earlier)} as double) as limit_value
            from (select strftime(date_trunc('month', timezone(?, timezone('UTC', {first}))), '%Y-%m') as cohort,
                         {counts}
                  from {audited_relation("fct_funnel")} group by 1) cohorts
            where {quote_ident(later)} > {quote_ident(earlier)}
        """)
    for table, column in RATE_COLUMNS:
        if (table, column) in existing:
            parts.append(f"""
                select 'rate outside [0, 1]: {table}.{column}', string_agg(distinct cast({quote_ident(column)} as varchar), ', '),
                       cast(max(abs({quote_ident(column)})) as double), 1.0
                from {audited_relation(table)} where {quote_ident(column)} < 0 or {quote_ident(column)} > 1
                having count(*) > 0
            """)
    for table, column in NON_NEGATIVE_COLUMNS:
        if (table, column) in existing:
            parts.append(f"""
                select 'negative amount: {table}.{column}', count(*) || ' rows',
                       cast(min({quote_ident(column)}) as double), 0.0
                from {audited_relation(table)} where {quote_ident(column)} < 0
                having count(*) > 0
            """)
    opportunities = audited_relation("fct_opportunities")
    parts.append(f"""
        select 'won opportunity without an account', string_agg(opportunity_id, ', ' order by opportunity_id),
               cast(count(*) as double), 0.0
        from {opportunities} where is_won and account_key is null
        having count(*) > 0
    """)
    # Won deals without a rate are the won revenue gate's (one cause, one failure); open and lost here.
    parts.append(f"""
        select 'no FX rate for an open or lost opportunity amount',
               coalesce(currency, '(none)') || ' on ' || string_agg(distinct cast(close_date as varchar), ', '
                   order by cast(close_date as varchar)),
               cast(count(*) as double), 0.0
        from {opportunities}
        where amount is not null and amount_reporting is null and not is_won
        group by currency
    """)
    sql = " union all ".join(f"select * from ({p})" for p in parts)
    params = [time_zone] * (len(FUNNEL_STAGES) - 1)
    frame = con.execute(f"select * from ({sql}) order by 1, 2", params).df()
    frame.columns = ["metric", "rows", "value", "limit"]
    frame["off_by"] = frame["value"] - frame["limit"]
    frame.attrs["reporting_currency"] = currency
    return frame


def validate_invariants(frame: pd.DataFrame) -> GateOutcome:
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "closed_loop_violations", "closed_loop_is_consistent",
                           [gxe.ExpectTableRowCountToEqual(value=0)])
    rows = frame.to_dict(orient="records")
    if passed:
        return GateOutcome(True, "funnel cohorts never grow down the funnel, rates lie in [0, 1], amounts are not "
                                 "negative, every won opportunity has an account and every amount an FX rate",
                           rows, frame)
    parts = [f"{r['metric']}: {r['rows']} ({r['value']:g} vs limit {r['limit']:g}, off by {r['off_by']:+g})"
             for r in rows]
    return GateOutcome(False, "closed loop is inconsistent: " + "; ".join(parts), rows, frame)
