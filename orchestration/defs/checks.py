"""The quality gates as blocking asset checks on the audited marts.

A failing gate fails the run: nothing downstream of the checked mart is built and the marts are
not published. The gates' logic (SQL aggregates, GX suites, messages) is plain Python in
orchestration/quality_checks.py and orchestration/closed_loop_checks.py.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg

from orchestration.closed_loop_checks import invariants_frame, spend_frame, validate_invariants, validate_spend
from orchestration.gx_suites import GateOutcome, markdown_table
from orchestration.publish import audit_schema
from orchestration.quality_checks import (
    attribution_frame,
    attribution_models_in_force,
    deal_stages_frame,
    validate_attribution,
    validate_deal_stages,
    validate_won_revenue,
    won_revenue_frame,
)
from orchestration.resources import WarehouseResource


def audited(mart: str) -> dg.AssetKey:
    return dg.AssetKey([audit_schema(), mart])


def gate(
    mart: str, name: str, description: str, evaluate: Callable[[Any], GateOutcome], table_label: str, count_label: str
) -> dg.AssetChecksDefinition:
    """A blocking check on an audited mart: ``evaluate`` gets a read-only warehouse connection, and the
    result carries the gate's summary, its frame as a table and how many rows fail."""

    @dg.asset_check(asset=audited(mart), name=name, blocking=True, description=description)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            outcome = evaluate(con)
        table = outcome.frame
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome.summary,
            metadata={
                table_label: dg.MetadataValue.md(markdown_table(table)) if len(table) else dg.MetadataValue.text("none"),
                count_label: len(outcome.failing_rows),
            },
        )

    return _check


quality_gates = [
    gate(
        "fct_opportunities",
        "won_revenue_reconciles_to_crm",
        "Great Expectations: per currency, closed-won revenue in fct_opportunities equals the sum of won amounts in "
        "the latest CRM records (Salesforce Opportunity, HubSpot deals, as staged), and every won deal has a "
        "reporting-currency amount.",
        lambda con: validate_won_revenue(won_revenue_frame(con)),
        "by_currency",
        "failing_currencies",
    ),
    gate(
        "fct_opportunities",
        "deal_stages_are_classified",
        "Great Expectations: no HubSpot deal whose close date has passed sits in a stage that is neither a "
        "default pipeline stage (by id, English or Spanish label) nor classified open, won or lost in "
        "hubspot/_source.yml (int_hubspot_deals_classified); else its revenue could be lost unseen.",
        lambda con: validate_deal_stages(deal_stages_frame(con)),
        "unclassified_stages",
        "unclassified_stage_count",
    ),
    gate(
        "fct_attribution",
        "attribution_reconciles_to_won_revenue",
        "Great Expectations: per attribution model of the definitions in force, the revenue attributed in "
        "marts.fct_attribution equals closed-won revenue in marts.fct_opportunities to the cent, and per "
        "opportunity the weights lie in [0, 1] and sum to 1.",
        lambda con: validate_attribution(attribution_frame(con, attribution_models_in_force())),
        "by_model",
        "failing_models",
    ),
    gate(
        "fct_marketing_spend",
        "spend_reconciles_to_inputs",
        "Great Expectations: per cost source and currency, the staged spend inputs (ad platform exports, "
        "Salesforce Campaign ActualCost, Marketo program costs) equal the costs int_marketing_cost_inputs counted, "
        "superseded or left undated, and spend in marts.fct_marketing_spend equals the counted ones; no negative "
        "input; an FX rate on every spend day.",
        lambda con: validate_spend(spend_frame(con)),
        "by_source_and_currency",
        "failing_rows",
    ),
    gate(
        "rpt_closed_loop",
        "closed_loop_is_consistent",
        "Great Expectations: within each cohort stage counts never increase down the funnel; rates and weights "
        "lie in [0, 1]; no negative amounts; no won opportunity without an account; an FX rate for every "
        "open or lost opportunity amount on its close date (won ones: won_revenue_reconciles_to_crm).",
        lambda con: validate_invariants(invariants_frame(con)),
        "violations",
        "violation_count",
    ),
]

defs = dg.Definitions(asset_checks=quality_gates)
