"""The oracle's spend and plain-rates-file conversion on hand-computed scenarios."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from demo_company.oracle import amount_in_reporting_currency, definitions_from_document, marketing_spend
from demo_company.records import AdSpendDay, CampaignMapping, ExportDrop, FxRate, MkProgram, SfCampaign

from demo_records import CHANNELS, DEFINITIONS_DOCUMENT

DEFINITIONS = definitions_from_document(DEFINITIONS_DOCUMENT, date(2025, 6, 1), CHANNELS)


def campaign(campaign_id: str, name: str, type_: str, start: str, end: str, cost: str, currency: str = "EUR"):
    return SfCampaign(campaign_id, name, type_, "Completed", date.fromisoformat(start), date.fromisoformat(end),
                      Decimal(cost), Decimal(cost), None, False, currency, datetime(2025, 1, 1, tzinfo=UTC))


def rates_drop() -> ExportDrop:
    drop = ExportDrop(profile="hubspot", systems=("hubspot", "spend"))
    drop.fx_rates = [FxRate(date(2025, 1, 1), "EUR", "USD", Decimal("1.25")),
                     FxRate(date(2025, 2, 1), "EUR", "USD", Decimal("1.60"))]
    return drop


def test_plain_rates_file_rate_in_force_on_the_day_and_base_at_one():
    drop = rates_drop()
    assert amount_in_reporting_currency(Decimal("1000"), "USD", date(2025, 1, 31), drop, "EUR") == Decimal("800.00")
    assert amount_in_reporting_currency(Decimal("1000"), "USD", date(2025, 2, 1), drop, "EUR") == Decimal("625.00")
    assert amount_in_reporting_currency(Decimal("1000"), "USD", date(2024, 12, 31), drop, "EUR") is None
    # Reporting in USD: EUR is the file's base, 1 EUR = 1.60 USD in February.
    assert amount_in_reporting_currency(Decimal("100"), "EUR", date(2025, 2, 10), drop, "USD") == Decimal("160.00")


def test_each_cost_counts_once_with_campaign_costs_split_in_whole_cents():
    drop = rates_drop()
    drop.sf_campaigns = [
        campaign("C1", "Paid Search - Brand", "Paid Search", "2025-01-01", "2025-12-31", "9999.99"),
        campaign("C2", "Webinar - SLAs", "Webinar", "2025-01-30", "2025-02-01", "100.00", "USD"),
    ]
    drop.ad_spend = [
        AdSpendDay("google_ads", date(2025, 1, 31), "ES_Brand", "111", "EUR", Decimal("40.00"), 10, 100),
        AdSpendDay("linkedin_ads", date(2025, 2, 3), "Unknown LI", "999", "USD", Decimal("16.00"), 1, 50),
    ]
    drop.campaign_mapping = [CampaignMapping("google_ads", "ES_Brand", "C1", "es-brand", "paid_search")]
    drop.mk_programs = [
        MkProgram("7", "Webinar - SLAs", "Event with Webinar", "Webinar", date(2025, 1, 1), Decimal("100.00"), "",
                  "USD", datetime(2025, 1, 1, tzinfo=UTC)),
        MkProgram("8", "Partner day", "Event", "Tradeshow", date(2025, 2, 1), Decimal("80.00"), "", "USD",
                  datetime(2025, 1, 1, tzinfo=UTC)),
    ]
    rows = sorted((d.cost_source, d.day.isoformat(), d.channel, d.cost, d.cost_reporting)
                  for d in marketing_spend(drop, DEFINITIONS))
    assert rows == [
        ("google_ads", "2025-01-31", "Paid Search", Decimal("40.00"), Decimal("40.00")),
        ("linkedin_ads", "2025-02-03", "Unmapped", Decimal("16.00"), Decimal("10.00")),
        ("marketo_program", "2025-02-01", "Events", Decimal("80.00"), Decimal("50.00")),
        # 100.00 USD over 3 days: 33.33, 33.33 and the remainder 33.34; January at 1.25, February at 1.60.
        ("salesforce_campaign", "2025-01-30", "Events", Decimal("33.33"), Decimal("26.66")),
        ("salesforce_campaign", "2025-01-31", "Events", Decimal("33.33"), Decimal("26.66")),
        ("salesforce_campaign", "2025-02-01", "Events", Decimal("33.34"), Decimal("20.84")),
    ]
