"""Great Expectations gates on closed-loop revenue, run as blocking Dagster asset checks.

The gates check the marts where dbt wrote them, in the audit schema, before they are published
(orchestration/publish.py). Each gate computes a small aggregate straight from the raw CRM rows (an independent path from the
dbt models) and from the published mart, and validates it with a GX expectation suite on a pandas
batch. A failing gate fails the run: nothing downstream of the checked mart is built, the marts
are not published (BI tools keep seeing the last good ones), and the message says which metric is off, by how much, and for which rows.
"""


import datetime as dt
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from ingest.contracts import Contract, contracts_for, quote_ident
from orchestration.publish import audit_schema, audited_relation
from orchestration.resources import WarehouseResource

FCT_OPPORTUNITIES = dg.AssetKey([audit_schema(), "fct_opportunities"])

# Where each CRM keeps won deals: (raw contract, amount column, currency column, won flag column).
_WON_SOURCES = (
    ("salesforce", "opportunity", "Amount", "CurrencyIsoCode", "IsWon"),
    ("hubspot", "deals", "amount", "deal_currency_code", "hs_is_closed_won"),
)


@dataclass(frozen=True)
class GateOutcome:
    passed: bool
    summary: str
    failing_rows: list[dict]
    frame: pd.DataFrame


def latest_rows_sql(contract: Contract) -> str:
    """The latest version of every record in a raw table, without deleted records."""
    order = [f"{quote_ident(contract.modified_column)} desc nulls last"] if contract.modified_column else []
    order += ["_file_order desc", "_source_line desc"]
    keys = ", ".join(quote_ident(k) for k in contract.primary_key)
    deleted = f"where not coalesce({quote_ident(contract.deleted_column)}, false)" if contract.deleted_column else ""
    return (
        f"select * from (select *, row_number() over (partition by {keys} order by {', '.join(order)}) as _rn "
        f"from {quote_ident(contract.schema)}.{quote_ident(contract.table)}) latest "
        f"{deleted + ' and' if deleted else 'where'} _rn = 1"
    )


def won_revenue_frame(con) -> pd.DataFrame:
    """Won amount per currency in the raw CRM rows and in the audited fct_opportunities."""
    raw_parts = []
    for source, obj, amount, currency, won in _WON_SOURCES:
        contract = next(c for c in contracts_for(source) if c.object == obj)
        raw_parts.append(
            f"select coalesce({quote_ident(currency)}, '(none)') as currency, {quote_ident(amount)} as amount "
            f"from ({latest_rows_sql(contract)}) where {quote_ident(won)}"
        )
    sql = f"""
        with raw_won as ({' union all '.join(raw_parts)}),
        raw as (select currency, sum(amount) as raw_won_amount, count(*) as raw_won_deals from raw_won group by 1),
        mart as (
            select coalesce(currency, '(none)') as currency,
                   sum(amount) as mart_won_amount,
                   count(*) as mart_won_deals,
                   count(*) - count(amount_reporting) as won_deals_without_reporting_amount
            from {audited_relation("fct_opportunities")} where is_won group by 1
        )
        select coalesce(raw.currency, mart.currency) as currency,
               cast(coalesce(raw_won_amount, 0) as decimal(18, 2)) as raw_won_amount,
               cast(coalesce(mart_won_amount, 0) as decimal(18, 2)) as mart_won_amount,
               coalesce(raw_won_deals, 0) as raw_won_deals,
               coalesce(mart_won_deals, 0) as mart_won_deals,
               coalesce(won_deals_without_reporting_amount, 0) as won_deals_without_reporting_amount
        from raw full outer join mart on raw.currency = mart.currency
        order by 1
    """
    frame = con.execute(sql).df()
    for col in ("raw_won_amount", "mart_won_amount"):
        frame[col] = frame[col].astype(str)
    return frame


def validate_won_revenue(frame: pd.DataFrame) -> GateOutcome:
    """GX suite: per currency, mart won amount = raw won amount, same deal count, every won deal converted."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("closed_loop")
        .add_dataframe_asset("won_revenue_by_currency")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(
        name="won_revenue_reconciles",
        expectations=[
            gxe.ExpectColumnPairValuesToBeEqual(column_A="mart_won_amount", column_B="raw_won_amount"),
            gxe.ExpectColumnPairValuesToBeEqual(column_A="mart_won_deals", column_B="raw_won_deals"),
            gxe.ExpectColumnValuesToBeBetween(column="won_deals_without_reporting_amount", max_value=0),
        ],
    )
    result = batch.validate(suite)
    failing = frame[
        (frame.mart_won_amount != frame.raw_won_amount)
        | (frame.mart_won_deals != frame.raw_won_deals)
        | (frame.won_deals_without_reporting_amount > 0)
    ]
    rows = failing.to_dict(orient="records")
    if result.success:
        summary = "won revenue in fct_opportunities equals the raw CRM won amounts in every currency"
    else:
        parts = [
            f"{r['currency']}: mart {r['mart_won_amount']} vs raw {r['raw_won_amount']} "
            f"({r['mart_won_deals']} vs {r['raw_won_deals']} won deals, "
            f"{r['won_deals_without_reporting_amount']} without a reporting-currency amount)"
            for r in rows
        ]
        summary = "won revenue does not reconcile: " + "; ".join(parts)
    return GateOutcome(passed=bool(result.success), summary=summary, failing_rows=rows, frame=frame)


def markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


@dg.asset_check(
    asset=FCT_OPPORTUNITIES,
    name="won_revenue_reconciles_to_crm",
    blocking=True,
    description=(
        "Great Expectations: per currency, closed-won revenue in fct_opportunities equals the sum "
        "of won amounts in the latest raw CRM rows (Salesforce Opportunity, HubSpot deals), and every won "
        "deal has a reporting-currency amount."
    ),
)
def won_revenue_reconciles_to_crm(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        outcome = validate_won_revenue(won_revenue_frame(con))
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary,
        metadata={
            "by_currency": dg.MetadataValue.md(markdown_table(outcome.frame)),
            "failing_currencies": len(outcome.failing_rows),
        },
    )


FCT_ATTRIBUTION = dg.AssetKey([audit_schema(), "fct_attribution"])
_LISTED_OPPORTUNITIES = 5


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
    model_rows = " union all ".join(f"select {_sql_text(m)} as attribution_model" for m in models) or (
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
                   filter (where is_off), 1, {_LISTED_OPPORTUNITIES}), ', '), '') as off_opportunity_ids
        from joined
        group by attribution_model
        order by attribution_model
    """
    frame = con.execute(sql).df()
    for col in ("won_revenue", "attributed_revenue", "difference"):
        frame[col] = frame[col].astype(str)
    return frame


def _sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def validate_attribution(frame: pd.DataFrame) -> GateOutcome:
    """GX suite: per model, attributed revenue = won revenue to the cent and no opportunity off."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("attribution")
        .add_dataframe_asset("attribution_by_model")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(
        name="attribution_reconciles",
        expectations=[
            gxe.ExpectColumnPairValuesToBeEqual(column_A="attributed_revenue", column_B="won_revenue"),
            gxe.ExpectColumnValuesToBeBetween(column="opportunities_off", max_value=0),
        ],
    )
    result = batch.validate(suite)
    failing = frame[(frame.attributed_revenue != frame.won_revenue) | (frame.opportunities_off > 0)]
    rows = failing.to_dict(orient="records")
    if result.success:
        summary = "every attribution model attributes exactly the won revenue, with weights summing to 1"
        unpriced = int(frame.won_without_reporting_amount.max()) if len(frame) else 0
        if unpriced:
            summary += (f" ({unpriced} won opportunities without a reporting-currency amount are left to "
                        "the won revenue gate)")
    else:
        parts = []
        for r in rows:
            shown = r["off_opportunity_ids"]
            more = r["opportunities_off"] - len(shown.split(", ")) if shown else 0
            parts.append(
                f"{r['attribution_model']}: attributed {r['attributed_revenue']} vs won {r['won_revenue']} "
                f"(off by {r['difference']}); {r['opportunities_off']} opportunities off"
                + (f": {shown}" if shown else "") + (f" and {more} more" if more > 0 else "")
            )
        summary = "attribution does not reconcile: " + "; ".join(parts)
    return GateOutcome(passed=bool(result.success), summary=summary, failing_rows=rows, frame=frame)


@dg.asset_check(
    asset=FCT_ATTRIBUTION,
    name="attribution_reconciles_to_won_revenue",
    blocking=True,
    description=(
        "Great Expectations: per attribution model of the definitions in force, the revenue attributed in "
        "marts.fct_attribution equals closed-won revenue in marts.fct_opportunities to the cent, and per "
        "opportunity the weights lie in [0, 1] and sum to 1."
    ),
)
def attribution_reconciles_to_won_revenue(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    models = attribution_models_in_force()
    with warehouse.connect(read_only=True) as con:
        outcome = validate_attribution(attribution_frame(con, models))
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary,
        metadata={
            "by_model": dg.MetadataValue.md(markdown_table(outcome.frame)),
            "failing_models": len(outcome.failing_rows),
        },
    )


quality_checks = [won_revenue_reconciles_to_crm, attribution_reconciles_to_won_revenue]
