"""Great Expectations gates on closed-loop revenue: won revenue and attribution.

The gates check the marts where dbt wrote them, in the audit schema, before they are published
(orchestration/publish.py). The won revenue gate computes its aggregate from the latest version of
each CRM deal as staging holds it (an independent path from the intermediate models and marts),
the attribution gate from the audited marts; each validates it with a GX suite
(orchestration/gx_suites.py). They run as blocking asset checks (orchestration/defs/checks.py): a
failing gate fails the run, the marts are not published (BI tools keep seeing the last good ones),
and the message says which metric is off, by how much, and for which rows.
"""


import datetime as dt
import json
from decimal import Decimal

import pandas as pd

from ingest.contracts import quote_ident, sql_string
from ingest.source_settings import ANY_PIPELINE, SETTINGS_FILE, deal_stage_outcomes
from orchestration.funnel_definitions import load_definitions
from orchestration.gate_messages import MAX_LISTED, gate_message, listed, missing_rate_fix
from orchestration.gx_suites import GateOutcome, suite_passes
from orchestration.publish import audited_relation

# The latest version of every CRM deal, without deleted ones: the staging relations, which apply
# the product's one "latest version of a record" rule (dbt macro latest_versions), with their id column.
# HubSpot deals through the one classification of their stages (open, won, lost), which the
# deal stage gate below checks is complete.
WON_DEAL_SOURCES = (
    ("staging.stg_salesforce__opportunities", "opportunity_id"),
    ("intermediate.int_hubspot_deals_classified", "deal_id"),
)
HUBSPOT_DEALS_CLASSIFIED = WON_DEAL_SOURCES[1][0]


def won_revenue_frame(con) -> pd.DataFrame:
    """Per currency: the won amount and deals in the latest CRM deals (staging) and in the audited
    fct_opportunities, the won deals without a reporting-currency amount (count, amount, first close
    date, an example) and an example deal that differs between the two."""
    raw_parts = [
        f"select {quote_ident(id_column)} as deal_id, coalesce(currency_code, '(none)') as currency, amount "
        f"from {relation} where is_won"
        for relation, id_column in WON_DEAL_SOURCES
    ]
    sql = f"""
        with raw_won as ({' union all '.join(raw_parts)}),
        mart_won as (
            select opportunity_id as deal_id, coalesce(currency, '(none)') as currency, amount,
                   amount_reporting, close_date
            from {audited_relation("fct_opportunities")} where is_won
        ),
        raw as (select currency, sum(amount) as raw_won_amount, count(*) as raw_won_deals from raw_won group by 1),
        mart as (
            select currency,
                   sum(amount) as mart_won_amount,
                   count(*) as mart_won_deals,
                   count(*) - count(amount_reporting) as won_deals_without_reporting_amount,
                   sum(amount) filter (where amount_reporting is null) as amount_without_reporting_amount,
                   min(close_date) filter (where amount_reporting is null) as first_close_without_rate,
                   arg_min(deal_id, (close_date, deal_id)) filter (where amount_reporting is null)
                       as example_without_rate
            from mart_won group by 1
        ),
        differing as (
            select coalesce(raw_won.currency, mart_won.currency) as currency,
                   min(coalesce(raw_won.deal_id, mart_won.deal_id)) as example_differing
            from raw_won full outer join mart_won on mart_won.deal_id = raw_won.deal_id
            where raw_won.deal_id is null or mart_won.deal_id is null
                or raw_won.amount is distinct from mart_won.amount
                or raw_won.currency <> mart_won.currency
            group by 1
        ),
        currencies as (select currency from raw union select currency from mart)
        select currencies.currency,
               cast(coalesce(raw_won_amount, 0) as decimal(18, 2)) as raw_won_amount,
               cast(coalesce(mart_won_amount, 0) as decimal(18, 2)) as mart_won_amount,
               coalesce(raw_won_deals, 0) as raw_won_deals,
               coalesce(mart_won_deals, 0) as mart_won_deals,
               coalesce(won_deals_without_reporting_amount, 0) as won_deals_without_reporting_amount,
               cast(coalesce(amount_without_reporting_amount, 0) as decimal(18, 2)) as amount_without_reporting_amount,
               cast(first_close_without_rate as varchar) as first_close_without_rate,
               example_without_rate,
               example_differing
        from currencies
        left join raw on raw.currency = currencies.currency
        left join mart on mart.currency = currencies.currency
        left join differing on differing.currency = currencies.currency
        order by 1
    """
    frame = con.execute(sql).df()
    for col in ("raw_won_amount", "mart_won_amount", "amount_without_reporting_amount"):
        frame[col] = frame[col].astype(str)
    currencies = con.execute(
        f"select distinct currency from {audited_relation('fct_opportunities')} "
        "where currency is not null and amount is not null order by 1"
    ).fetchall()
    frame.attrs["currencies"] = [c for (c,) in currencies]
    return frame


def validate_won_revenue(frame: pd.DataFrame, reporting_currency: str | None = None) -> GateOutcome:
    """GX suite: per currency, mart won amount = raw won amount, same deal count, every won deal converted."""
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "won_revenue_by_currency", "won_revenue_reconciles", [
        gxe.ExpectColumnPairValuesToBeEqual(column_A="mart_won_amount", column_B="raw_won_amount"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="mart_won_deals", column_B="raw_won_deals"),
        gxe.ExpectColumnValuesToBeBetween(column="won_deals_without_reporting_amount", max_value=0),
    ])
    differs = (frame.mart_won_amount != frame.raw_won_amount) | (frame.mart_won_deals != frame.raw_won_deals)
    unpriced = frame.won_deals_without_reporting_amount > 0
    rows = frame[differs | unpriced].to_dict(orient="records")
    if passed:
        summary = "won revenue in fct_opportunities equals the raw CRM won amounts in every currency"
        return GateOutcome(passed=passed, summary=summary, failing_rows=rows, frame=frame)
    reporting_currency = reporting_currency or load_definitions()["reporting"]["currency"]
    problems, fixes = [], []
    for r in frame[differs].to_dict(orient="records"):
        off = pd.to_numeric(r["mart_won_amount"]) - pd.to_numeric(r["raw_won_amount"])
        problems.append(
            f"{r['currency']}: fct_opportunities "
            f"{Decimal(r['mart_won_amount']):,.2f} in {r['mart_won_deals']:,} won deals vs CRM "
            f"{Decimal(r['raw_won_amount']):,.2f} in {r['raw_won_deals']:,} "
            f"(off by {off:+.2f}; e.g. deal {r['example_differing']})")
        fixes.append(f"compare deal {r['example_differing']} in "
                     f"{' and '.join(relation for relation, _ in WON_DEAL_SOURCES)} with fct_opportunities: "
                     "a model lost, duplicated or changed it")
    missing = frame[unpriced & ~differs].to_dict(orient="records")
    if missing:
        for r in missing:
            problems.append(
                f"{r['won_deals_without_reporting_amount']:,} won deals in {r['currency']} "
                f"({Decimal(r['amount_without_reporting_amount']):,.2f} {r['currency']}) have no rate to "
                f"{reporting_currency} on their close date (the first, deal {r['example_without_rate']}, "
                f"closed {r['first_close_without_rate']})")
        currencies = [r["currency"] for r in missing]
        fixes.append(missing_rate_fix(currencies, reporting_currency,
                                      min(r["first_close_without_rate"] for r in missing),
                                      only_currency=frame.attrs.get("currencies") == currencies))
    summary = gate_message("won revenue does not reconcile", problems, fixes)
    return GateOutcome(passed=passed, summary=summary, failing_rows=rows, frame=frame)


def deal_stages_frame(con, now: dt.datetime | None = None) -> pd.DataFrame:
    """Per pipeline and stage nothing classifies (int_hubspot_deals_classified): the deals whose close
    date has passed by ``now`` (UTC; default: the current time), an example and the first close date."""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    sql = f"""
        select pipeline, deal_stage,
               count(*) as deals,
               arg_min(deal_id, (close_at, deal_id)) as example_deal_id,
               cast(cast(min(close_at) as date) as varchar) as first_close_date
        from {HUBSPOT_DEALS_CLASSIFIED}
        where not is_stage_classified and close_at < ?
        group by pipeline, deal_stage
        order by deals desc, pipeline nulls first, deal_stage
    """
    return con.execute(sql, [now]).df()


def _yaml_key(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML): export values are untrusted."""
    return json.dumps(value, ensure_ascii=False)


def validate_deal_stages(frame: pd.DataFrame) -> GateOutcome:
    """GX suite: no deal whose close date has passed sits in a stage nothing classifies as open, won
    or lost. The fix names the _source.yml lines that classify them."""
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "unclassified_deal_stages", "deal_stages_are_classified",
                          [gxe.ExpectTableRowCountToEqual(value=0)])
    rows = frame.to_dict(orient="records")
    if passed:
        return GateOutcome(True, "every HubSpot deal whose close date has passed is in a stage known to be open, "
                                 "won or lost", rows, frame)

    def pipeline_key(r: dict) -> str:
        """The deal's pipeline as _source.yml names it; a deal without one is matched by "*"."""
        blank = r["pipeline"] is None or pd.isna(r["pipeline"]) or not str(r["pipeline"]).strip()
        return ANY_PIPELINE if blank else str(r["pipeline"])

    total = int(frame.deals.sum())
    problems = [f"{pipeline_key(r)} / {r['deal_stage']}: {r['deals']:,} deals (e.g. deal {r['example_deal_id']}, "
                f"closing {r['first_close_date']})" for r in rows]
    by_pipeline: dict[str, list[str]] = {}
    for r in rows[:MAX_LISTED]:
        by_pipeline.setdefault(pipeline_key(r), []).append(
            f"{_yaml_key(str(r['deal_stage']))}: {'|'.join(deal_stage_outcomes())}")
    lines = ", ".join(f"{_yaml_key(p)}: {{{', '.join(stages)}}}" for p, stages in by_pipeline.items())
    more = f" (and {len(rows) - MAX_LISTED} more stages)" if len(rows) > MAX_LISTED else ""
    fix = (f"say what each stage means in hubspot/{SETTINGS_FILE}, keeping one of "
           f"{', '.join(deal_stage_outcomes())} per stage: deal_stages: {{{lines}}}{more}")
    headline = (f"deal stages are not classified: {total:,} HubSpot deals whose close date has passed are in "
                f"{len(rows):,} stages that are neither a default pipeline stage nor in hubspot/{SETTINGS_FILE}")
    return GateOutcome(False, gate_message(headline, problems, [fix]), rows, frame)


def attribution_models_in_force(on: dt.date | None = None) -> list[str]:
    """The attribution models of the definitions version in force (today in the reporting time zone)."""
    from zoneinfo import ZoneInfo

    from orchestration.funnel_definitions import load_definitions, version_in_force

    definitions = load_definitions()
    if on is None:
        on = dt.datetime.now(ZoneInfo(definitions["reporting"]["timezone"])).date()
    return list(version_in_force(definitions, on)["attribution"]["models"])


def attribution_frame(con, models: list[str]) -> pd.DataFrame:
    """Per attribution model: won revenue of marts.fct_opportunities against the revenue attributed in
    marts.fct_attribution, and the opportunities whose attribution is off (weights outside [0, 1] or not
    summing to 1, attributed revenue not equal to the won amount to the cent, or no rows at all).

    A won opportunity without a reporting-currency amount (a missing FX rate) has no revenue to
    attribute: it is counted apart (won_without_reporting_amount) and left to the revenue gate,
    won_revenue_reconciles_to_crm, which blocks the run for it."""
    model_rows = " union all ".join(f"select {sql_string(m)} as attribution_model" for m in models) or (
        "select cast(null as varchar) as attribution_model where false"
    )
    sql = f"""
        with models as ({model_rows}),
        opportunities as (
            select opportunity_id,
                   case when is_won then amount_reporting else 0 end as won_amount,
                   is_won,
                   is_won and amount_reporting is null as is_unpriced
            from {audited_relation("fct_opportunities")}
        ),
        expected as (
            select models.attribution_model, opportunities.opportunity_id, opportunities.won_amount,
                   opportunities.is_won, opportunities.is_unpriced
            from models cross join opportunities
        ),
        attributed as (
            select attribution_model, opportunity_id,
                   sum(weight) as weight_total,
                   count(*) filter (where weight < 0 or weight > 1 or weight is null) as weights_out_of_range,
                   sum(attributed_revenue) as attributed_revenue,
                   count(*) - count(attributed_revenue) as rows_without_revenue
            from {audited_relation("fct_attribution")}
            group by attribution_model, opportunity_id
        ),
        joined as (
            select coalesce(expected.attribution_model, attributed.attribution_model) as attribution_model,
                   coalesce(expected.opportunity_id, attributed.opportunity_id) as opportunity_id,
                   coalesce(expected.is_won, false) as is_won,
                   coalesce(expected.is_unpriced, false) as is_unpriced,
                   expected.won_amount,
                   attributed.attributed_revenue,
                   not coalesce(expected.is_unpriced, false) and (
                   attributed.opportunity_id is null
                       or expected.opportunity_id is null
                       or attributed.weights_out_of_range > 0
                       or abs(attributed.weight_total - 1) > 1e-9
                       or attributed.rows_without_revenue > 0
                       or expected.won_amount is null
                       or attributed.attributed_revenue <> expected.won_amount) as is_off
            from expected
            full outer join attributed
                on attributed.attribution_model = expected.attribution_model
                and attributed.opportunity_id = expected.opportunity_id
        )
        select attribution_model,
               count(*) filter (where is_won) as won_opportunities,
               count(*) filter (where is_unpriced) as won_without_reporting_amount,
               cast(coalesce(sum(won_amount), 0) as decimal(18, 2)) as won_revenue,
               cast(coalesce(sum(attributed_revenue) filter (where not is_unpriced), 0) as decimal(18, 2))
                   as attributed_revenue,
               cast(coalesce(sum(attributed_revenue) filter (where not is_unpriced), 0)
                   - coalesce(sum(won_amount), 0) as decimal(18, 2)) as difference,
               count(*) filter (where is_off) as opportunities_off,
               coalesce(array_to_string(list_slice(list(opportunity_id order by opportunity_id)
                   filter (where is_off), 1, {MAX_LISTED}), ', '), '') as off_opportunity_ids
        from joined
        group by attribution_model
        order by attribution_model
    """
    frame = con.execute(sql).df()
    for col in ("won_revenue", "attributed_revenue", "difference"):
        frame[col] = frame[col].astype(str)
    return frame


def validate_attribution(frame: pd.DataFrame) -> GateOutcome:
    """GX suite: per model, attributed revenue = won revenue to the cent and no opportunity off."""
    import great_expectations.expectations as gxe

    passed = suite_passes(frame, "attribution_by_model", "attribution_reconciles", [
        gxe.ExpectColumnPairValuesToBeEqual(column_A="attributed_revenue", column_B="won_revenue"),
        gxe.ExpectColumnValuesToBeBetween(column="opportunities_off", max_value=0),
    ])
    failing = frame[(frame.attributed_revenue != frame.won_revenue) | (frame.opportunities_off > 0)]
    rows = failing.to_dict(orient="records")
    if passed:
        summary = "every attribution model attributes exactly the won revenue, with weights summing to 1"
        unpriced = int(frame.won_without_reporting_amount.max()) if len(frame) else 0
        if unpriced:
            summary += (f" ({unpriced} won opportunities without a reporting-currency amount are left to "
                        "the won revenue gate)")
    else:
        problems, fixes = [], []
        for r in rows:
            shown = r["off_opportunity_ids"].split(", ") if r["off_opportunity_ids"] else []
            problems.append(
                f"{r['attribution_model']}: attributed "
                f"{r['attributed_revenue']} vs won {r['won_revenue']} (off by {r['difference']}); "
                f"{r['opportunities_off']:,} opportunities off" + (f": {listed(shown, r['opportunities_off'])}"
                                                                   if shown else ""))
            if shown:
                fixes.append(f"inspect fct_attribution for opportunity {shown[0]} (model {r['attribution_model']}): "
                             "its weights must sum to 1 and its attributed revenue equal its won amount")
        summary = gate_message("attribution does not reconcile", problems, fixes or [
            "inspect fct_attribution against fct_opportunities model by model"])
    return GateOutcome(passed=passed, summary=summary, failing_rows=rows, frame=frame)
