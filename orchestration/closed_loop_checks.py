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

from ingest.contracts import quote_ident, sql_string
from orchestration.funnel_definitions import FUNNEL_STAGES, load_definitions
from orchestration.gate_messages import MAX_LISTED, gate_message, listed, missing_rate_fix
from orchestration.gx_suites import GateOutcome, suite_passes
from orchestration.publish import audit_schema, audited_relation

# The staged cost rows, one relation per cost source: (cost source, staging relation, cost column,
# what one row is and the columns that name it). The gate's independent path to what the export
# files hold (latest version of each record).
STAGED_COSTS = (
    ("google_ads", "staging.stg_spend__google_ads", "cost", "campaign", ("campaign_id", "spend_date")),
    ("linkedin_ads", "staging.stg_spend__linkedin_ads", "cost", "campaign", ("campaign_id", "spend_date")),
    ("meta_ads", "staging.stg_spend__meta_ads", "cost", "campaign", ("campaign_id", "spend_date")),
    ("salesforce_campaign", "staging.stg_salesforce__campaigns", "actual_cost", "campaign", ("campaign_id",)),
    ("marketo_program", "staging.stg_marketo__programs", "cost", "program", ("program_id",)),
)


def reporting_currency() -> str:
    return load_definitions()["reporting"]["currency"]


# Every input cost with the precedence's verdict: counted, superseded (and by what) or undated.
COST_INPUTS = "intermediate.int_marketing_cost_inputs"


def spend_frame(con) -> pd.DataFrame:
    """Per cost source and currency: the staged input costs, how int_marketing_cost_inputs classified
    them (counted, superseded, undated), the mart's spend, negative inputs and days without an FX rate."""
    staged = " union all ".join(
        f"select {sql_string(source)} as cost_source, currency_code, {quote_ident(column)} as cost, "
        f"concat_ws(' on ', {', '.join(f'cast({quote_ident(key)} as varchar)' for key in keys)}) as record_id "
        f"from {relation}"
        for source, relation, column, _, keys in STAGED_COSTS
    )
    nouns = " ".join(f"when {sql_string(source)} then {sql_string(noun)}" for source, _, _, noun, _ in STAGED_COSTS)
    sql = f"""
        with staged as ({staged}),
        inputs as (
            select cost_source, coalesce(upper(trim(currency_code)), '(none)') as currency,
                   sum(cost) as input_cost,
                   count(*) filter (where cost < 0) as negative_input_rows,
                   (case cost_source {nouns} end) || ' ' || arg_min(record_id, (cost, record_id))
                       filter (where cost < 0) as negative_example
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
               negative_example,
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
    currencies = con.execute(
        f"select distinct currency_code from {audited_relation('fct_marketing_spend')} "
        "where currency_code is not null order by 1"
    ).fetchall()
    frame.attrs["currencies"] = [c for (c,) in currencies]
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
    problems, fixes = [], []
    for r in rows:
        issues = []
        if r["unclassified_cost"] != "0.00":
            issues.append(f"staged inputs {r['input_cost']} vs counted {r['expected_cost']} + superseded "
                          f"{r['counted_elsewhere']} + undated {r['undated_cost']} in {COST_INPUTS} "
                          f"(off by {pd.to_numeric(r['unclassified_cost']):+.2f})")
            fixes.append(f"compare the {r['cost_source']} {r['currency']} rows of {COST_INPUTS} with its staged "
                         "inputs: every input must be counted, superseded or undated once")
        if r["mart_cost"] != r["expected_cost"]:
            off = pd.to_numeric(r["mart_cost"]) - pd.to_numeric(r["expected_cost"])
            issues.append(f"spend in mart {r['mart_cost']} vs inputs {r['expected_cost']} (off by {off:+.2f})")
            fixes.append(f"compare the {r['cost_source']} {r['currency']} rows of fct_marketing_spend with the "
                         f"counted ones of {COST_INPUTS}")
        if r["negative_input_rows"] > 0:
            issues.append(f"{r['negative_input_rows']} negative input costs (e.g. {r['negative_example']})")
            fixes.append(f"correct the negative cost of {r['cost_source']} {r['negative_example']} in its export "
                         "and export it again")
        if r["rows_without_rate"] > 0:
            issues.append(f"{r['rows_without_rate']} spend rows without an FX rate "
                          f"(first on {r['first_day_without_rate']})")
        problems.append(f"{r['cost_source']} {r['currency']}: " + ", ".join(issues))
    unrated = [r for r in rows if r["rows_without_rate"] > 0]
    if unrated:
        currencies = sorted({r["currency"] for r in unrated})
        fixes.append(missing_rate_fix(currencies, frame.attrs.get("reporting_currency") or reporting_currency(),
                                      min(r["first_day_without_rate"] for r in unrated),
                                      only_currency=frame.attrs.get("currencies") == currencies))
    return GateOutcome(False, gate_message("spend does not reconcile", problems, fixes), rows, frame)


# --------------------------------------------------------------------------------------------
# Closed-loop invariants: one row per violation, a GX suite expecting none.
# --------------------------------------------------------------------------------------------

# Rates and weights in the marts that must lie in [0, 1]: (table, column).
RATE_COLUMNS = (
    ("fct_attribution", "weight"),
    ("rpt_lead_sla_by_owner", "sla_compliance_rate"),
    ("rpt_lead_rejections", "share_of_slice"),
    ("rpt_lead_rejections", "share_of_type"),
    ("rpt_account_funnel_conversion", "conversion_rate"),
)
# Amounts in the marts that are never negative: (table, column).
NON_NEGATIVE_COLUMNS = (
    ("fct_marketing_spend", "cost"),
    ("fct_marketing_spend", "cost_reporting"),
    ("rpt_closed_loop", "spend"),
    ("rpt_closed_loop", "pipeline"),
    ("rpt_closed_loop", "won_revenue"),
    ("rpt_closed_loop_by_account_segment", "pipeline"),
    ("rpt_closed_loop_by_account_segment", "won_revenue"),
    ("fct_opportunities", "amount"),
    ("fct_opportunities", "amount_reporting"),
)


def _existing_columns(con) -> set[tuple[str, str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?", [audit_schema()]
    ).fetchall()
    return {(t, c) for t, c in rows}


def _capped_list(expression: str, order: str) -> str:
    """SQL: the distinct values of ``expression`` in order, at most MAX_LISTED, then "and N more"."""
    return (f"array_to_string(list_slice(list(distinct {expression} order by {order}), 1, {MAX_LISTED}), ', ') "
            f"|| case when count(distinct {expression}) > {MAX_LISTED} "
            f"then ' and ' || (count(distinct {expression}) - {MAX_LISTED}) || ' more' else '' end")


def invariants_frame(con) -> pd.DataFrame:
    """One row per violation: metric, rows (which, at most MAX_LISTED named), value, limit and how far
    off; for a missing FX rate also the currency and the first close date without one."""
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
                   cast({quote_ident(later)} as double) as value, cast({quote_ident(earlier)} as double) as limit_value,
                   cast(null as varchar) as currency, cast(null as varchar) as first_date
            from (select strftime(date_trunc('month', timezone(?, timezone('UTC', {first}))), '%Y-%m') as cohort,
                         {counts}
                  from {audited_relation("fct_funnel")} group by 1) cohorts
            where {quote_ident(later)} > {quote_ident(earlier)}
        """)
    for table, column in RATE_COLUMNS:
        if (table, column) in existing:
            value = f"cast({quote_ident(column)} as varchar)"
            parts.append(f"""
                select 'rate outside [0, 1]: {table}.{column}', {_capped_list(value, value)},
                       cast(max(abs({quote_ident(column)})) as double), 1.0, null, null
                from {audited_relation(table)} where {quote_ident(column)} < 0 or {quote_ident(column)} > 1
                having count(*) > 0
            """)
    for table, column in NON_NEGATIVE_COLUMNS:
        if (table, column) in existing:
            parts.append(f"""
                select 'negative amount: {table}.{column}', count(*) || ' rows',
                       cast(min({quote_ident(column)}) as double), 0.0, null, null
                from {audited_relation(table)} where {quote_ident(column)} < 0
                having count(*) > 0
            """)
    opportunities = audited_relation("fct_opportunities")
    parts.append(f"""
        select 'won opportunity without an account', {_capped_list('opportunity_id', 'opportunity_id')},
               cast(count(*) as double), 0.0, null, null
        from {opportunities} where is_won and account_key is null
        having count(*) > 0
    """)
    # Won deals without a rate are the won revenue gate's (one cause, one failure); open and lost here.
    parts.append(f"""
        select 'no FX rate for an open or lost opportunity amount',
               coalesce(currency, '(none)') || ': ' || format('{{:,}}', count(*)) || ' opportunities closing on '
                   || format('{{:,}}', count(distinct close_date)) || ' days from ' || cast(min(close_date) as varchar)
                   || ' (the first: ' || arg_min(opportunity_id, (close_date, opportunity_id)) || ')',
               cast(count(*) as double), 0.0, coalesce(currency, '(none)'), cast(min(close_date) as varchar)
        from {opportunities}
        where amount is not null and amount_reporting is null and not is_won
        group by currency
    """)
    sql = " union all ".join(f"select * from ({p})" for p in parts)
    params = [time_zone] * (len(FUNNEL_STAGES) - 1)
    frame = con.execute(f"select * from ({sql}) order by 1, 2", params).df()
    frame.columns = ["metric", "rows", "value", "limit", "currency", "first_date"]
    frame["off_by"] = frame["value"] - frame["limit"]
    frame.attrs["reporting_currency"] = currency
    currencies = con.execute(
        f"select distinct currency from {opportunities} where currency is not null and amount is not null order by 1"
    ).fetchall()
    frame.attrs["currencies"] = [c for (c,) in currencies]
    return frame


def _invariant_fix(metric: str, rows: str) -> str:
    """What to do about one kind of violation (a missing FX rate has its own, missing_rate_fix)."""
    example = rows.split(" and ", 1)[0].split(", ")[0]
    if metric == "won opportunity without an account":
        return ("give each won deal an account: AccountId on the Salesforce Opportunity, an associated company "
                "(Associated Company IDs) on the HubSpot deal, then export again")
    if metric.startswith("negative amount"):
        return (f"find the negative rows of {metric.split(': ', 1)[1]}: a negative input cost is named by the "
                "spend gate, a negative deal amount is corrected in the CRM")
    if metric.startswith("rate outside"):
        return (f"inspect {metric.split(': ', 1)[1]} = {example}: the model that computes it is wrong, "
                "not the exports")
    return (f"inspect fct_funnel for {rows}: every later stage is backfilled with the earlier ones, so the "
            "model that builds it is wrong, not the exports")


def validate_invariants(frame: pd.DataFrame) -> GateOutcome:
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "closed_loop_violations", "closed_loop_is_consistent",
                           [gxe.ExpectTableRowCountToEqual(value=0)])
    rows = frame.to_dict(orient="records")
    if passed:
        return GateOutcome(True, "funnel cohorts never grow down the funnel, rates lie in [0, 1], amounts are not "
                                 "negative, every won opportunity has an account and every amount an FX rate",
                           rows, frame)
    problems = [f"{r['metric']}: {r['rows']} ({r['value']:g} vs limit {r['limit']:g}, off by {r['off_by']:+g})"
                for r in rows]
    unrated = [r for r in rows if r["currency"] is not None and not pd.isna(r["currency"])]
    fixes = [_invariant_fix(r["metric"], r["rows"]) for r in rows if r not in unrated]
    if unrated:
        currencies = sorted(r["currency"] for r in unrated)
        fixes.append(missing_rate_fix(currencies, frame.attrs.get("reporting_currency") or reporting_currency(),
                                      min(r["first_date"] for r in unrated),
                                      only_currency=frame.attrs.get("currencies") == currencies))
    return GateOutcome(False, gate_message("closed loop is inconsistent", problems, fixes), rows, frame)
