"""One simulation run: the market, marketing's handoffs, sales' work, then each system's records."""

from __future__ import annotations

from dataclasses import dataclass

from . import clock
from .content import content_calendar
from .hubspot import render_hubspot
from .marketing import HUBSPOT_SCORING, MARKETO_SCORING, automation_handoffs, web_to_lead_handoffs
from .marketo import render_marketo
from .population import World, build_world
from .profiles import PROFILES
from .records import ExportDrop
from .sales import SalesBook, outbound_handoffs, simulate_sales
from .salesforce import SalesforceRenderer
from .spend import campaign_mapping, fx_rates_file, simulate_spend, spend_by_ad_campaign
from .targets import mql_plan


@dataclass
class Simulation:
    world: World
    book: SalesBook
    drop: ExportDrop


def simulate(people: int, seed: int, profile: str) -> Simulation:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    spec = PROFILES[profile]
    world = build_world(people, seed)
    if spec.marketing == "hubspot":
        handoffs = automation_handoffs(world.people, HUBSPOT_SCORING, seed, "hubspot")
    elif spec.marketing == "marketo":
        handoffs = automation_handoffs(world.people, MARKETO_SCORING, seed, "marketo")
    else:
        handoffs = web_to_lead_handoffs(world.people)
    handoffs += outbound_handoffs(world.people, seed)
    book = simulate_sales(seed, world.people, handoffs)
    spend = simulate_spend(seed)

    drop = ExportDrop(profile=profile, systems=spec.systems)
    drop.previous.taken_at = clock.PREVIOUS_EXPORT_AT
    campaign_ids: dict[str, str] = {}
    if "salesforce" in spec.systems:
        salesforce = SalesforceRenderer(world, book, drop, seed, spec.marketing, spend_by_ad_campaign(spend))
        salesforce.render()
        campaign_ids = salesforce.campaign_ids
    if "hubspot" in spec.systems:
        render_hubspot(world, book, drop, seed, sales_in_hubspot=spec.sales == "hubspot")
    if "marketo" in spec.systems:
        render_marketo(world, book, drop, seed, salesforce.lead_ids, salesforce.contact_ids, spend)
    if "spend" in spec.systems:
        drop.ad_spend = spend
        drop.campaign_mapping = campaign_mapping(campaign_ids)
        if "salesforce" not in spec.systems:
            drop.fx_rates = fx_rates_file(seed)
    if "targets" in spec.systems:
        drop.mql_targets = mql_plan()
    if "content" in spec.systems:
        drop.content_calendar = content_calendar(seed)
    return Simulation(world, book, drop)
