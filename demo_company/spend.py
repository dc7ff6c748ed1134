"""Daily ad spend of the Google Ads and LinkedIn Ads campaigns; the plain exchange rates file."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import catalog, clock
from .clock import days_between, next_month
from .records import AdSpendDay, CampaignMapping, FxRate

CENT = Decimal("0.01")


def simulate_spend(seed: int) -> list[AdSpendDay]:
    rows = []
    last_day = clock.AS_OF.date() - timedelta(days=1)
    for ad in catalog.AD_CAMPAIGNS:
        rng = random.Random(f"{seed}:spend:{ad.key}")
        for day in days_between(ad.start, min(ad.end, last_day)):
            pacing = (0.55 if day.weekday() >= 5 else 1.0) * rng.uniform(0.7, 1.1)
            cost_per_click = ad.cost_per_click * Decimal(str(round(rng.uniform(0.8, 1.25), 3)))
            clicks = int(ad.daily_budget * Decimal(str(round(pacing, 3))) / cost_per_click)
            impressions = int(clicks / (ad.click_through_rate * rng.uniform(0.8, 1.2))) + rng.randint(0, 40)
            if impressions == 0:
                continue
            cost = (cost_per_click * clicks).quantize(CENT, ROUND_HALF_UP)
            rows.append(AdSpendDay(ad.platform, day, ad.name, ad.platform_id, ad.currency, cost, clicks,
                                   impressions))
    return sorted(rows, key=lambda r: (r.platform, r.day, r.campaign))


def spend_by_ad_campaign(rows: list[AdSpendDay]) -> dict[str, Decimal]:
    """Total cost per ad campaign key (each ad campaign has one currency)."""
    key_of = {ad.platform_id: ad.key for ad in catalog.AD_CAMPAIGNS}
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        totals[key_of[row.campaign_id]] += row.cost
    return dict(totals)


def campaign_mapping(crm_campaign_ids: dict[str, str]) -> list[CampaignMapping]:
    """How marketing ties each ad campaign to its CRM campaign and UTM tag."""
    return [CampaignMapping(ad.platform, ad.name, crm_campaign_ids.get(ad.key), ad.utm_campaign, ad.channel)
            for ad in catalog.AD_CAMPAIGNS]


def fx_rates_file(seed: int, base_currency: str = "EUR") -> list[FxRate]:
    """Monthly rates against the base currency, as finance keeps them in a spreadsheet: USD drifts
    around 1.09 per EUR and GBP around 0.85 (GBP is in no deal; finance lists it anyway)."""
    rng = random.Random(f"{seed}:fx_rates_file")
    levels = {"USD": 1.09, "GBP": 0.85}
    bounds = {"USD": (1.04, 1.16), "GBP": (0.82, 0.89)}
    rows = []
    month = clock.HISTORY_START
    while month <= clock.AS_OF.date():
        for currency in sorted(levels):
            low, high = bounds[currency]
            levels[currency] = min(high, max(low, levels[currency] + rng.gauss(0, 0.011)))
            rows.append(FxRate(month, base_currency, currency, Decimal(f"{levels[currency]:.6f}")))
        month = next_month(month)
    return rows
