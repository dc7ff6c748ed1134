"""Vendor records as each system holds them, with Python types.

The writers format these into export files; the oracle computes the governed funnel from the
same records. Times are timezone-aware UTC datetimes on whole minutes; money is Decimal.
The lists of an ExportDrop are the final records (deleted ones flagged); ``ExportDrop.previous``
holds older versions that only the full exports of a week earlier show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# --------------------------------------------------------------------------------------------
# Salesforce
# --------------------------------------------------------------------------------------------


@dataclass
class SfUser:
    id: str
    username: str
    first_name: str
    last_name: str
    email: str
    title: str
    department: str
    role_id: str
    time_zone: str
    is_active: bool
    created_at: datetime


@dataclass
class SfAccount:
    id: str
    name: str
    website: str | None
    industry: str | None
    type: str
    billing_country: str
    employees: int | None
    annual_revenue: Decimal | None
    owner_id: str
    created_at: datetime
    modified_at: datetime


@dataclass
class SfLead:
    id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    company: str
    title: str | None
    country: str
    industry: str | None
    employees: int | None
    lead_source: str
    status: str
    rating: str | None
    owner_id: str
    created_at: datetime
    modified_at: datetime
    disqualification_reason: str | None = None
    is_converted: bool = False
    converted_date: date | None = None
    converted_contact_id: str | None = None
    converted_account_id: str | None = None
    converted_opportunity_id: str | None = None
    is_deleted: bool = False


@dataclass
class SfContact:
    id: str
    account_id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    title: str | None
    mailing_country: str
    lead_source: str | None
    owner_id: str
    created_at: datetime
    modified_at: datetime


@dataclass
class SfOpportunity:
    id: str
    account_id: str
    name: str
    stage_name: str
    amount: Decimal
    currency: str
    probability: int
    close_date: date
    is_closed: bool
    is_won: bool
    type: str
    lead_source: str | None
    campaign_id: str | None
    owner_id: str
    forecast_category: str
    created_at: datetime
    modified_at: datetime
    is_deleted: bool = False


@dataclass
class SfOpportunityHistory:
    id: str
    opportunity_id: str
    stage_name: str
    amount: Decimal
    close_date: date
    probability: int
    forecast_category: str
    created_by_id: str
    created_at: datetime
    is_deleted: bool = False


@dataclass
class SfContactRole:
    id: str
    opportunity_id: str
    contact_id: str
    role: str
    is_primary: bool
    created_at: datetime
    is_deleted: bool = False


@dataclass
class SfCampaign:
    id: str
    name: str
    type: str
    status: str
    start_date: date
    end_date: date
    budgeted_cost: Decimal
    actual_cost: Decimal
    parent_id: str | None
    is_active: bool
    currency: str
    created_at: datetime


@dataclass
class SfCampaignMember:
    id: str
    campaign_id: str
    lead_id: str | None
    contact_id: str | None
    status: str
    has_responded: bool
    first_responded_date: date | None
    created_at: datetime


@dataclass
class SfTask:
    id: str
    who_id: str
    what_id: str | None
    owner_id: str
    subject: str
    type: str
    subtype: str
    status: str
    activity_date: date
    completed_at: datetime | None
    created_at: datetime


@dataclass
class SfEvent:
    id: str
    who_id: str
    what_id: str | None
    owner_id: str
    subject: str
    type: str
    start: datetime
    end: datetime
    created_at: datetime


@dataclass
class SfLeadHistory:
    id: str
    lead_id: str
    field: str
    data_type: str | None
    old_value: str | None
    new_value: str | None
    created_by_id: str
    created_at: datetime


@dataclass
class SfConversionRate:
    id: str
    iso_code: str
    rate: Decimal
    start_date: date
    next_start_date: date | None


# --------------------------------------------------------------------------------------------
# HubSpot
# --------------------------------------------------------------------------------------------


@dataclass
class HsContact:
    id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    company: str | None
    job_title: str | None
    country: str | None
    lifecycle_stage: str
    lead_status: str | None
    score: int
    source: str
    source_drill_1: str | None
    source_drill_2: str | None
    owner: str | None                # the owner's name, as HubSpot exports it ("Contact owner")
    company_id: str | None
    created_at: datetime
    modified_at: datetime
    stage_dates: dict[str, datetime] = field(default_factory=dict)   # lifecycle stage -> "became" date
    merged_ids: tuple[str, ...] = ()


@dataclass
class HsCompany:
    id: str
    name: str
    domain: str
    country: str | None
    industry: str | None
    employees: int | None
    annual_revenue: Decimal | None
    owner: str | None
    created_at: datetime
    modified_at: datetime


@dataclass
class HsDeal:
    id: str
    name: str
    pipeline: str
    stage: str
    amount: Decimal
    currency: str
    close_at: datetime | None
    created_at: datetime
    is_closed: bool
    is_won: bool
    owner: str | None
    contact_ids: tuple[str, ...]
    company_ids: tuple[str, ...]
    modified_at: datetime


@dataclass
class HsFormSubmission:
    conversion_id: str
    contact_id: str
    email: str
    form_name: str
    page_url: str
    submitted_at: datetime


@dataclass
class HsEmailEvent:
    event_id: str
    recipient: str
    email_campaign: str
    event_type: str
    occurred_at: datetime
    url: str | None


# --------------------------------------------------------------------------------------------
# Marketo
# --------------------------------------------------------------------------------------------


@dataclass
class MkLead:
    id: str
    email: str | None
    first_name: str
    last_name: str
    company: str | None
    title: str | None
    country: str | None
    lead_source: str
    lead_status: str
    lead_score: int
    sfdc_lead_id: str | None
    sfdc_contact_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class MkActivity:
    guid: str
    lead_id: str
    occurred_at: datetime
    type_id: int
    type_name: str
    campaign_id: str | None
    primary_attribute_value_id: str | None
    primary_attribute_value: str | None
    attributes: dict


@dataclass
class MkProgram:
    id: str
    name: str
    type: str
    channel: str
    cost_start_date: date
    cost: Decimal
    cost_note: str
    currency: str
    created_at: datetime


# --------------------------------------------------------------------------------------------
# Ad spend
# --------------------------------------------------------------------------------------------


@dataclass
class AdSpendDay:
    platform: str
    day: date
    campaign: str
    campaign_id: str
    currency: str
    cost: Decimal
    clicks: int
    impressions: int


@dataclass
class CampaignMapping:
    platform: str
    ad_campaign: str
    crm_campaign_id: str | None
    utm_campaign: str
    channel: str


@dataclass
class FxRate:
    """A row of the plain rates file: one unit of base_currency buys `rate` units of currency from
    valid_from until the next date of the same pair."""
    valid_from: date
    base_currency: str
    currency: str
    rate: Decimal


# --------------------------------------------------------------------------------------------
# One export drop: everything the profile's systems hold.
# --------------------------------------------------------------------------------------------


@dataclass
class PreviousExport:
    """The records as the weekly full exports of `taken_at` showed them: leads, HubSpot contacts and
    companies that existed then, with the values they had then. Everything created, changed or deleted
    since arrives in the incremental exports, which hold the final records of the drop."""
    taken_at: datetime | None = None
    sf_leads: list[SfLead] = field(default_factory=list)
    hs_contacts: list[HsContact] = field(default_factory=list)
    hs_companies: list[HsCompany] = field(default_factory=list)


@dataclass
class MqlTarget:
    month: date
    region: str | None                # None = all regions
    target_mqls: int


@dataclass(frozen=True)
class ContentAsset:
    """A row of the content calendar (content/content_calendar.csv), the company's own file."""
    asset_name: str                   # as the asset's form shows it
    campaign_name: str                # the CRM campaign / marketing program
    asset_type: str
    url: str
    published_date: date
    author: str
    author_team: str                  # Marketing | Sales
    marketing_helpers: tuple[str, ...]
    sales_helpers: tuple[str, ...]


@dataclass
class ExportDrop:
    profile: str
    systems: tuple[str, ...]
    sf_users: list[SfUser] = field(default_factory=list)
    sf_accounts: list[SfAccount] = field(default_factory=list)
    sf_leads: list[SfLead] = field(default_factory=list)
    sf_contacts: list[SfContact] = field(default_factory=list)
    sf_opportunities: list[SfOpportunity] = field(default_factory=list)
    sf_opportunity_history: list[SfOpportunityHistory] = field(default_factory=list)
    sf_contact_roles: list[SfContactRole] = field(default_factory=list)
    sf_campaigns: list[SfCampaign] = field(default_factory=list)
    sf_campaign_members: list[SfCampaignMember] = field(default_factory=list)
    sf_tasks: list[SfTask] = field(default_factory=list)
    sf_events: list[SfEvent] = field(default_factory=list)
    sf_lead_history: list[SfLeadHistory] = field(default_factory=list)
    sf_conversion_rates: list[SfConversionRate] = field(default_factory=list)
    hs_contacts: list[HsContact] = field(default_factory=list)
    hs_companies: list[HsCompany] = field(default_factory=list)
    hs_deals: list[HsDeal] = field(default_factory=list)
    hs_form_submissions: list[HsFormSubmission] = field(default_factory=list)
    hs_email_events: list[HsEmailEvent] = field(default_factory=list)
    mk_leads: list[MkLead] = field(default_factory=list)
    mk_activities: list[MkActivity] = field(default_factory=list)
    mk_programs: list[MkProgram] = field(default_factory=list)
    ad_spend: list[AdSpendDay] = field(default_factory=list)
    campaign_mapping: list[CampaignMapping] = field(default_factory=list)
    fx_rates: list[FxRate] = field(default_factory=list)
    mql_targets: list[MqlTarget] = field(default_factory=list)
    content_calendar: list[ContentAsset] = field(default_factory=list)
    previous: PreviousExport = field(default_factory=PreviousExport)
