"""The quality gates as blocking asset checks on the audited marts.

A failing gate fails the run: nothing downstream of the checked mart is built and the marts are
not published. The gates' logic (SQL aggregates, GX suites, messages) is plain Python in
orchestration/quality_checks.py and orchestration/closed_loop_checks.py.
"""

import dagster as dg

from orchestration.closed_loop_checks import invariants_frame, spend_frame, validate_invariants, validate_spend
from orchestration.gx_suites import GateOutcome, markdown_table
from orchestration.publish import audit_schema
from orchestration.quality_checks import (
    attribution_frame,
    attribution_models_in_force,
    validate_attribution,
    validate_won_revenue,
    won_revenue_frame,
)
from orchestration.resources import WarehouseResource


def audited(mart: str) -> dg.AssetKey:
    return dg.AssetKey([audit_schema(), mart])


def check_result(outcome: GateOutcome, table_label: str, count_label: str) -> dg.AssetCheckResult:
    """A blocking result with the gate's summary, its frame as a table and how many rows fail."""
    table = dg.MetadataValue.md(markdown_table(outcome.frame)) if len(outcome.frame) else dg.MetadataValue.text("none")
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.summary,
        metadata={table_label: table, count_label: len(outcome.failing_rows)},
    )


@dg.asset_check(
    asset=audited("fct_opportunities"),
    name="won_revenue_reconciles_to_crm",
    blocking=True,
    description=(
        "Great Expectations: per currency, closed-won revenue in fct_opportunities equals the sum "
        "of won amounts in the latest CRM records (Salesforce Opportunity, HubSpot deals, as staged), and every "
        "won deal has a reporting-currency amount."
    ),
)
def won_revenue_reconciles_to_crm(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        outcome = validate_won_revenue(won_revenue_frame(con))
    return check_result(outcome, "by_currency", "failing_currencies")


@dg.asset_check(
    asset=audited("fct_attribution"),
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
    return check_result(outcome, "by_model", "failing_models")


@dg.asset_check(
    asset=audited("fct_marketing_spend"),
    name="spend_reconciles_to_inputs",
    blocking=True,
    description=(
        "Great Expectations: per cost source and currency, the staged spend inputs (ad platform exports, "
        "Salesforce Campaign ActualCost, Marketo program costs) equal the costs int_marketing_cost_inputs counted, "
        "superseded or left undated, and spend in marts.fct_marketing_spend equals the counted ones; no negative "
        "input; an FX rate on every spend day."
    ),
)
def spend_reconciles_to_inputs(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        outcome = validate_spend(spend_frame(con))
    return check_result(outcome, "by_source_and_currency", "failing_rows")


@dg.asset_check(
    asset=audited("rpt_closed_loop"),
    name="closed_loop_is_consistent",
    blocking=True,
    description=(
        "Great Expectations: within each cohort stage counts never increase down the funnel; rates and weights "
        "lie in [0, 1]; no negative amounts; no won opportunity without an account; an FX rate for every "
        "open or lost opportunity amount on its close date (won ones: won_revenue_reconciles_to_crm)."
    ),
)
def closed_loop_is_consistent(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        outcome = validate_invariants(invariants_frame(con))
    return check_result(outcome, "violations", "violation_count")


defs = dg.Definitions(
    asset_checks=[
        won_revenue_reconciles_to_crm,
        attribution_reconciles_to_won_revenue,
        spend_reconciles_to_inputs,
        closed_loop_is_consistent,
    ]
)
