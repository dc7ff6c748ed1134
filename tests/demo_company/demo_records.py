"""Small builders for hand-made vendor records, so oracle tests read like the scenario they check."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

from demo_company.oracle import load_channel_vocabulary
from demo_company.records import (
    ExportDrop, HsContact, HsDeal, HsEmailEvent, HsFormSubmission, MkActivity, MkLead, SfContact, SfContactRole,
    SfConversionRate, SfLead, SfLeadHistory, SfOpportunity, SfOpportunityHistory,
)

from orchestration.cli import demo_company_inputs

PRODUCT_FILES = demo_company_inputs()       # the product's definitions file and seeds folder, as the CLI passes them
CHANNELS = load_channel_vocabulary(PRODUCT_FILES["seeds_dir"])

DEFINITIONS_DOCUMENT = {
    "reporting": {"currency": "EUR", "timezone": "Europe/Madrid"},
    "stages": ["subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist"],
    "engagement_events": {
        "form_event_types": [
            {"pattern": "%demo%", "event_type": "demo_request"},
            {"pattern": "%contact sales%", "event_type": "demo_request"},
            {"pattern": "%webinar%", "event_type": "webinar_registration"},
            {"pattern": "%ebook%", "event_type": "content_download"},
            {"pattern": "%whitepaper%", "event_type": "content_download"},
            {"pattern": "%", "event_type": "form_submission"},
        ],
        "email_event_types": {"OPEN": "email_open", "CLICK": "email_click"},
        "marketo_activity_types": {1: "web_visit", 10: "email_open", 11: "email_click"},
    },
    "versions": [{
        "version": "2025.1",
        "effective_from": "2020-01-01",
        "lead": {"conversion_event_types": ["form_submission", "content_download", "webinar_registration",
                                            "demo_request"],
                 "crm_lead_record_counts": True},
        "mql": {"score_threshold": 40,
                "engagement_weights": {"email_open": 0, "email_click": 5, "web_visit": 2, "form_submission": 10,
                                       "content_download": 15, "webinar_registration": 10, "demo_request": 40},
                "hand_raiser_event_types": ["demo_request"],
                "exclusions": {"personal_email_domains": ["gmail.com"], "competitor_domains": ["rivalmetrics.io"],
                               "internal_domains": ["smarketing-demo.com"]}},
        "sql": {"qualifying_lead_statuses": ["Sales Qualified"], "opportunity_created_qualifies": True},
        "evangelist": {"advocacy_form_names": ["Customer referral", "Case study participation"]},
        "handoff": {"sla_hours": 24, "sla_clock": "calendar", "disqualified_lead_statuses": ["Disqualified"],
                    "recycled_lead_statuses": ["Recycled"]},
        "recycle": {"reentry_stage": "mql"},
    }],
}


def definitions_document(**mql_overrides) -> dict:
    """The definitions above, with some `mql` parameters replaced (e.g. a demo weight below the threshold)."""
    document = copy.deepcopy(DEFINITIONS_DOCUMENT)
    document["versions"][0]["mql"].update(mql_overrides)
    return document


def at(text: str) -> datetime:
    """'2026-03-04 10:15' -> an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def drop(**records) -> ExportDrop:
    return ExportDrop(profile="test", systems=(), **records)


def hs_contact(contact_id: str, email: str | None, created: str) -> HsContact:
    return HsContact(id=contact_id, first_name="Ana", last_name="García", email=email, phone=None, company=None,
                     job_title=None, country=None, lifecycle_stage="lead", lead_status=None, score=0, source="OFFLINE",
                     source_drill_1=None, source_drill_2=None, owner=None, company_id=None,
                     created_at=at(created), modified_at=at(created))


def form(contact_id: str, email: str, name: str, when: str) -> HsFormSubmission:
    return HsFormSubmission(conversion_id=f"{contact_id}-{when}-{name}", contact_id=contact_id, email=email,
                            form_name=name, page_url="https://www.smarketing-demo.com/", submitted_at=at(when))


def email_event(recipient: str, event_type: str, when: str) -> HsEmailEvent:
    return HsEmailEvent(event_id=f"{recipient}-{when}-{event_type}", recipient=recipient,
                        email_campaign="Newsletter", event_type=event_type, occurred_at=at(when), url=None)


def sf_lead(lead_id: str, email: str | None, created: str, *, converted_contact: str | None = None,
            converted_opportunity: str | None = None, deleted: bool = False) -> SfLead:
    return SfLead(id=lead_id, first_name="Ana", last_name="García", email=email, phone=None, company="Acme",
                  title=None, country="Spain", industry=None, employees=None, lead_source="Web",
                  status="Open - Not Contacted", rating=None, owner_id="0055g0000000001AAA", created_at=at(created),
                  modified_at=at(created), is_converted=converted_contact is not None,
                  converted_contact_id=converted_contact, converted_opportunity_id=converted_opportunity,
                  is_deleted=deleted)


def status(lead_id: str, old: str, new: str, when: str, field: str = "Status") -> SfLeadHistory:
    return SfLeadHistory(id=f"017{lead_id}{when}{new}", lead_id=lead_id, field=field, data_type="DynamicEnum",
                         old_value=old, new_value=new, created_by_id="0055g0000000001AAA", created_at=at(when))


def sf_contact(contact_id: str, email: str | None, created: str) -> SfContact:
    return SfContact(id=contact_id, account_id="0015g0000000001AAA", first_name="Ana", last_name="García",
                     email=email, phone=None, title=None, mailing_country="Spain", lead_source=None,
                     owner_id="0055g0000000001AAA", created_at=at(created), modified_at=at(created))


def opportunity(opportunity_id: str, created: str, stage: str, close_date: str, amount: str, currency: str = "EUR",
                *, deleted: bool = False) -> SfOpportunity:
    closed = stage in ("Closed Won", "Closed Lost")
    return SfOpportunity(id=opportunity_id, account_id="0015g0000000001AAA", name="Acme - Suite", stage_name=stage,
                         amount=Decimal(amount), currency=currency, probability=0, close_date=date.fromisoformat(close_date),
                         is_closed=closed, is_won=stage == "Closed Won", type="New Business", lead_source=None,
                         campaign_id=None, owner_id="0055g0000000001AAA", forecast_category="Closed",
                         created_at=at(created), modified_at=at(created), is_deleted=deleted)


def stage(opportunity_id: str, name: str, when: str) -> SfOpportunityHistory:
    return SfOpportunityHistory(id=f"008{opportunity_id}{when}", opportunity_id=opportunity_id, stage_name=name,
                                amount=Decimal("0"), close_date=at(when).date(), probability=0,
                                forecast_category="Pipeline", created_by_id="0055g0000000001AAA", created_at=at(when))


def role(opportunity_id: str, contact_id: str, when: str, *, primary: bool = True,
         deleted: bool = False) -> SfContactRole:
    return SfContactRole(id=f"00K{opportunity_id}{contact_id}", opportunity_id=opportunity_id, contact_id=contact_id,
                         role="Decision Maker", is_primary=primary, created_at=at(when), is_deleted=deleted)


def rate(iso_code: str, value: str, start: str, next_start: str | None) -> SfConversionRate:
    return SfConversionRate(id=f"04w{iso_code}{start}", iso_code=iso_code, rate=Decimal(value),
                            start_date=date.fromisoformat(start),
                            next_start_date=date.fromisoformat(next_start) if next_start else None)


def hs_deal(deal_id: str, contact_ids: tuple[str, ...], created: str, close: str | None, *, won: bool,
            amount: str = "1000.00") -> HsDeal:
    return HsDeal(id=deal_id, name="Deal", pipeline="default", stage="closedwon" if won else "closedlost",
                  amount=Decimal(amount), currency="EUR", close_at=at(close) if close else None,
                  created_at=at(created), is_closed=close is not None, is_won=won, owner=None,
                  contact_ids=contact_ids, company_ids=(), modified_at=at(created))


def mk_lead(lead_id: str, email: str | None, created: str) -> MkLead:
    return MkLead(id=lead_id, email=email, first_name="Ana", last_name="García", company=None, title=None,
                  country=None, lead_source="Website", lead_status="Inquiry", lead_score=0, sfdc_lead_id=None,
                  sfdc_contact_id=None, created_at=at(created), updated_at=at(created))


def mk_activity(lead_id: str, type_id: int, when: str, value: str | None = None) -> MkActivity:
    return MkActivity(guid=f"{lead_id}-{type_id}-{when}-{value}", lead_id=lead_id, occurred_at=at(when),
                      type_id=type_id, type_name="", campaign_id=None, primary_attribute_value_id=None,
                      primary_attribute_value=value, attributes={})
