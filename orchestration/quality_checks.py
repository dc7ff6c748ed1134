"""Great Expectations gates on closed-loop revenue, run as blocking Dagster asset checks.

The gates check the marts where dbt wrote them, in the audit schema, before they are published
(orchestration/publish.py). Each gate computes a small aggregate straight from the raw CRM rows (an independent path from the
dbt models) and from the published mart, and validates it with a GX expectation suite on a pandas
batch. A failing gate fails the run: nothing downstream of the checked mart is built, the marts
are not published (BI tools keep seeing the last good ones), and the message says which metric is off, by how much, and for which rows.
"""


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


quality_checks = [won_revenue_reconciles_to_crm]
