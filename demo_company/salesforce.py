"""Salesforce's records of the sales book: users, campaigns, leads and their history, activities,
accounts, contacts, opportunities with stage history and contact roles, dated exchange rates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import catalog, clock
from .catalog import Program
from .clock import at_local, local_date, next_month, whole_minute
from .ids import SalesforceIds
from .population import Person, World, capitalised
from .records import (
    ExportDrop, SfAccount, SfCampaign, SfCampaignMember, SfContact, SfContactRole, SfConversionRate, SfEvent,
    SfLead, SfLeadHistory, SfOpportunity, SfOpportunityHistory, SfTask, SfUser,
)
from .sales import OPEN, STAGE_INFO, ContactRecord, Deal, Lead, SalesBook

QUEUE_NAME = "Marketing Nurture Queue"
INTEGRATION_NAMES = {"hubspot": ("HubSpot", "Integration"), "marketo": ("Marketo", "Sync"),
                     None: ("Web-to-Lead", "Automation")}
ROLE_NAMES = {"SDR": "Sales Development", "Account Executive": "Account Executive",
              "Sales Leadership": "VP Sales", "Marketing": "Marketing", "System": "System Integration"}


@dataclass
class _Member:
    program: Program
    person: Person
    at: datetime
    status: str


def _website(domain: str, style: int) -> str:
    return (f"https://www.{domain}", f"www.{domain}", domain, f"http://{domain}/")[style % 4]


class SalesforceRenderer:
    def __init__(self, world: World, book: SalesBook, drop: ExportDrop, seed: int, marketing_system: str | None,
                 ad_costs: dict[str, Decimal]):
        self.world, self.book, self.drop = world, book, drop
        self.seed = seed
        self.marketing_system = marketing_system
        self.ad_costs = ad_costs
        self.ids = SalesforceIds(random.Random(f"{seed}:salesforce-ids"))
        self.user_ids: dict[str, str] = {}
        self.user_names: dict[str, str] = {}
        self.campaign_ids: dict[str, str] = {}
        self.lead_ids: dict[int, str] = {}
        self.contact_ids: dict[int, str] = {}
        self.account_ids: dict[int, str] = {}
        self.deal_ids: dict[int, str] = {}

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "salesforce", *parts)))

    def render(self) -> None:
        self._users()
        self._campaigns()
        self._assign_ids()
        self._accounts()
        self._contacts()
        self._opportunities()
        self._leads()
        self._campaign_members()
        self._conversion_rates()

    # ---------------------------------------------------------------- users and campaigns

    def _users(self) -> None:
        role_ids = {role: self.ids.new("UserRole") for role in ROLE_NAMES}
        for member in catalog.TEAM:
            first, last = member.first_name, member.last_name
            if member.key == "integration":
                first, last = INTEGRATION_NAMES[self.marketing_system]
            email = f"{first}.{last}@{catalog.COMPANY_DOMAIN}".lower() if member.key == "integration" else member.email
            user_id = self.ids.new("User")
            self.user_ids[member.key] = user_id
            self.user_names[member.key] = f"{first} {last}"
            self.drop.sf_users.append(SfUser(
                id=user_id, username=email, first_name=first, last_name=last, email=email, title=member.title,
                department=member.department, role_id=role_ids[member.role], time_zone=member.timezone,
                is_active=member.left is None or member.left > clock.AS_OF.date(),
                created_at=at_local("Europe/Madrid", member.joined, 9, 0)))
        self.user_ids["queue"] = self.ids.new("Group")
        self.user_names["queue"] = QUEUE_NAME

    def _campaigns(self) -> None:
        programs = [p for p in catalog.PROGRAMS] + list(catalog.paid_programs())
        for program in sorted(programs, key=lambda p: (p.start, p.key)):
            cost = self.ad_costs.get(program.key, program.cost)
            status = ("Completed" if program.end < clock.AS_OF.date() else
                      "In Progress" if program.start <= clock.AS_OF.date() else "Planned")
            budget = (program.cost * Decimal("1.1")).quantize(Decimal("1")) if program.cost else (
                cost * Decimal("1.05")).quantize(Decimal("1"))
            campaign_id = self.ids.new("Campaign")
            self.campaign_ids[program.key] = campaign_id
            self.drop.sf_campaigns.append(SfCampaign(
                id=campaign_id, name=program.name, type=program.type, status=status, start_date=program.start,
                end_date=program.end, budgeted_cost=Decimal(budget).quantize(Decimal("0.01")),
                actual_cost=cost.quantize(Decimal("0.01")), parent_id=None, is_active=status != "Completed",
                currency=program.currency,
                created_at=at_local("Europe/Madrid", program.start - timedelta(days=10), 10, 30)))

    # ---------------------------------------------------------------- ids in creation order

    def _assign_ids(self) -> None:
        for record in sorted(self.book.accounts.values(), key=lambda a: (a.created_at, a.account.index)):
            self.account_ids[record.account.index] = self.ids.new("Account")
        for contact in sorted(self.book.contacts.values(), key=lambda c: (c.created_at, c.person.index)):
            self.contact_ids[contact.person.index] = self.ids.new("Contact")
        for lead in sorted(self.book.leads, key=lambda lead: (lead.created_at, lead.person.index)):
            self.lead_ids[id(lead)] = self.ids.new("Lead")
        for deal in sorted(self.book.deals, key=lambda d: (d.created_at, d.account.account.index)):
            self.deal_ids[id(deal)] = self.ids.new("Opportunity")

    # ---------------------------------------------------------------- accounts and contacts

    def _accounts(self) -> None:
        for record in sorted(self.book.accounts.values(), key=lambda a: (a.created_at, a.account.index)):
            account = record.account
            rng = self._rng("account", account.index)
            won = [d for d in record.deals if d.is_won and d.deleted_at is None]
            modified = max([record.created_at] + [d.modified_at for d in record.deals])
            self.drop.sf_accounts.append(SfAccount(
                id=self.account_ids[account.index], name=account.name,
                website=_website(account.domain, rng.randrange(4)) if rng.random() < 0.93 else None,
                industry=account.industry if rng.random() < 0.85 else None,
                type="Customer" if won else "Prospect", billing_country=account.market.name,
                employees=account.employees if rng.random() < 0.8 else None,
                annual_revenue=account.annual_revenue if rng.random() < 0.6 else None,
                owner_id=self.user_ids[record.owner], created_at=record.created_at, modified_at=modified))

    def _contacts(self) -> None:
        for contact in sorted(self.book.contacts.values(), key=lambda c: (c.created_at, c.person.index)):
            person = contact.person
            lead = contact.converted_from
            email = self._lead_email(lead) if lead is not None else person.crm_email
            self.drop.sf_contacts.append(SfContact(
                id=self.contact_ids[person.index], account_id=self.account_ids[contact.account.account.index],
                first_name=person.first_name, last_name=person.last_name, email=email, phone=person.phone,
                title=person.title.name, mailing_country=person.market.name, lead_source=contact.lead_source,
                owner_id=self.user_ids[contact.account.owner], created_at=contact.created_at,
                modified_at=contact.created_at))

    # ---------------------------------------------------------------- opportunities

    def _primary_campaign(self, deal: Deal) -> str | None:
        """Primary Campaign Source: the most recent campaign the primary contact responded to."""
        primary = next(r.contact.person for r in deal.roles if r.is_primary)
        touched = [m for m in self._memberships(primary) if m.at <= deal.created_at]
        return self.campaign_ids[touched[-1].program.key] if touched else None

    def _opportunities(self) -> None:
        for deal in sorted(self.book.deals, key=lambda d: (d.created_at, d.account.account.index)):
            deal_id = self.deal_ids[id(deal)]
            probability, forecast = STAGE_INFO[deal.stage]
            deleted = deal.deleted_at is not None
            self.drop.sf_opportunities.append(SfOpportunity(
                id=deal_id, account_id=self.account_ids[deal.account.account.index], name=deal.name,
                stage_name=deal.stage, amount=deal.amount, currency=deal.currency, probability=probability,
                close_date=deal.close_date, is_closed=deal.is_closed, is_won=deal.is_won, type=deal.type,
                lead_source=deal.lead_source, campaign_id=self._primary_campaign(deal),
                owner_id=self.user_ids[deal.owner], forecast_category=forecast, created_at=deal.created_at,
                modified_at=deal.modified_at, is_deleted=deleted))
            for step in deal.steps:
                probability, forecast = STAGE_INFO[step.stage]
                self.drop.sf_opportunity_history.append(SfOpportunityHistory(
                    id=self.ids.new("OpportunityHistory"), opportunity_id=deal_id, stage_name=step.stage,
                    amount=step.amount, close_date=step.close_date, probability=probability,
                    forecast_category=forecast, created_by_id=self.user_ids[step.by], created_at=step.at,
                    is_deleted=deleted))
            for role in deal.roles:
                self.drop.sf_contact_roles.append(SfContactRole(
                    id=self.ids.new("OpportunityContactRole"), opportunity_id=deal_id,
                    contact_id=self.contact_ids[role.contact.person.index], role=role.role,
                    is_primary=role.is_primary, created_at=role.added_at, is_deleted=deleted))

    # ---------------------------------------------------------------- leads, history, activities

    def _lead_email(self, lead: Lead) -> str | None:
        """Sales' spelling of the address: often capitalised, now and then with a stray space."""
        person = lead.person
        if lead.is_duplicate and person.email:
            return capitalised(person.email)
        return person.crm_email

    def _leads(self) -> None:
        for lead in sorted(self.book.leads, key=lambda lead: (lead.created_at, lead.person.index)):
            self._lead(lead)

    def _lead(self, lead: Lead) -> None:
        person, account = lead.person, lead.person.account
        rng = self._rng("lead", person.index, lead.created_at.isoformat())
        lead_id = self.lead_ids[id(lead)]
        rating = None if rng.random() < 0.5 else ("Hot" if person.intent > 0.3 else "Warm" if person.fit > 0.6
                                                   else "Cold")
        known_company = person.email_kind == "business" or rng.random() < 0.5
        phone = person.phone if rng.random() < 0.75 else None
        industry = account.industry if known_company and rng.random() < 0.7 else None
        employees = account.employees if known_company and rng.random() < 0.6 else None
        fixed = dict(
            id=lead_id, first_name=person.first_name, last_name=person.last_name, email=self._lead_email(lead),
            phone=phone, company=account.name if known_company else "[not provided]", title=person.title.name,
            country=person.market.name, industry=industry, employees=employees, lead_source=lead.lead_source,
            rating=rating, created_at=lead.created_at)
        self.drop.sf_leads.append(self._lead_version(lead, fixed, clock.AS_OF))
        if lead.created_at < clock.PREVIOUS_EXPORT_AT:
            self.drop.previous.sf_leads.append(self._lead_version(lead, fixed, clock.PREVIOUS_EXPORT_AT))
        self._history(lead_id, lead.created_at, "created", None, None, None, lead.created_by)
        events = sorted([(c.at, 0, c) for c in lead.owner_changes] + [(c.at, 1, c) for c in lead.status_changes],
                        key=lambda e: (e[0], e[1]))
        for _, kind, change in events:
            if kind == 0:
                self._history(lead_id, change.at, "Owner", "EntityId", self.user_ids[change.old],
                              self.user_ids[change.new], change.by)
                self._history(lead_id, change.at, "Owner", "Text", self.user_names[change.old],
                              self.user_names[change.new], change.by)
            else:
                self._history(lead_id, change.at, "Status", "DynamicEnum", change.old, change.new, change.by)
                if change.reason is not None:
                    self._history(lead_id, change.at, "Disqualification_Reason__c", "DynamicEnum", None,
                                  change.reason, change.by)
        if lead.merged_at is not None:
            self._history(lead_id, lead.merged_at, "leadMerged", None, None, None, "head_sdr")
        if lead.converted_at is not None:
            self._history(lead_id, lead.converted_at, "leadConverted", None, None, None,
                          lead.owner_at(lead.converted_at))
        for touch in lead.touches:
            self._activity(lead_id, touch)

    def _lead_version(self, lead: Lead, fixed: dict, before: datetime) -> SfLead:
        """The lead record as an export taken at `before` shows it: status, owner, conversion, deletion
        and the modification stamp of the changes made until then."""
        status_changes = sorted((c for c in lead.status_changes if c.at < before), key=lambda c: c.at)
        owner_changes = sorted((c for c in lead.owner_changes if c.at < before), key=lambda c: c.at)
        converted = lead.converted_at is not None and lead.converted_at < before
        deleted = lead.deleted_at is not None and lead.deleted_at < before
        merged = lead.merged_at is not None and lead.merged_at < before
        times = [lead.created_at] + [c.at for c in status_changes] + [c.at for c in owner_changes]
        times += [t for t, happened in ((lead.converted_at, converted), (lead.merged_at, merged),
                                        (lead.deleted_at, deleted)) if happened]
        first_owner = lead.owner_changes[0].old if lead.owner_changes else lead.owner
        owner = owner_changes[-1].new if owner_changes else first_owner
        reasons = [c.reason for c in status_changes if c.reason is not None]
        return SfLead(
            **fixed, status=status_changes[-1].new if status_changes else OPEN, owner_id=self.user_ids[owner],
            modified_at=max(times), disqualification_reason=reasons[-1] if reasons else None,
            is_converted=converted,
            converted_date=local_date(catalog.TEAM_BY_KEY[lead.owner_at(lead.converted_at)].timezone, lead.converted_at)
            if converted else None,
            converted_contact_id=self.contact_ids[lead.person.index] if converted else None,
            converted_account_id=self.account_ids[lead.person.account.index] if converted else None,
            converted_opportunity_id=self.deal_ids[id(lead.converted_deal)]
            if converted and lead.converted_deal else None,
            is_deleted=deleted)

    def _history(self, lead_id: str, at: datetime, field: str, data_type: str | None, old: str | None,
                 new: str | None, by: str) -> None:
        self.drop.sf_lead_history.append(SfLeadHistory(
            id=self.ids.new("LeadHistory"), lead_id=lead_id, field=field, data_type=data_type, old_value=old,
            new_value=new, created_by_id=self.user_ids[by], created_at=at))

    def _activity(self, who_id: str, touch) -> None:
        owner = self.user_ids[touch.owner]
        zone = catalog.TEAM_BY_KEY[touch.owner].timezone
        if touch.kind == "meeting":
            self.drop.sf_events.append(SfEvent(
                id=self.ids.new("Event"), who_id=who_id, what_id=None, owner_id=owner, subject=touch.subject,
                type="Meeting", start=touch.meeting_start, end=touch.meeting_start + timedelta(minutes=30),
                created_at=touch.at))
        else:
            kind = "Call" if touch.kind == "call" else "Email"
            self.drop.sf_tasks.append(SfTask(
                id=self.ids.new("Task"), who_id=who_id, what_id=None, owner_id=owner, subject=touch.subject,
                type=kind, subtype=kind, status="Completed", activity_date=local_date(zone, touch.at),
                completed_at=touch.at, created_at=touch.at))

    # ---------------------------------------------------------------- campaign members

    def _memberships(self, person: Person) -> list[_Member]:
        """Campaign responses of a person: form fills of programs, the ad that brought them, event scans."""
        members: dict[str, _Member] = {}
        if person.import_program is not None:
            members[person.import_program.key] = _Member(person.import_program, person, person.arrival_at,
                                                         "Attended")
        paid = {p.key: p for p in catalog.paid_programs()}
        for touch in person.forms():
            if touch.ad is not None and touch.ad.key not in members:
                members[touch.ad.key] = _Member(paid[touch.ad.key], person, touch.at, "Responded")
            program = touch.program
            if program is None or program.key in members:
                continue
            status = {"Webinar": "Registered", "Event": "Registered"}.get(program.type, "Responded")
            if program.event_day and program.event_day < clock.AS_OF.date():
                attended = self._rng("attended", person.index, program.key).random() < 0.45
                status = "Attended" if attended else status
            members[program.key] = _Member(program, person, touch.at, status)
        return sorted(members.values(), key=lambda m: (m.at, m.program.key))

    def _campaign_members(self) -> None:
        rows = []
        for person in self.world.people:
            leads = [lead for lead in self.book.leads_of(person) if not lead.is_duplicate]
            lead = leads[0] if leads else None
            contact: ContactRecord | None = self.book.contacts.get(person.index)
            if lead is None and contact is None:
                continue
            for member in self._memberships(person):
                row = self._member_row(member, lead, contact)
                if row is not None:
                    rows.append(row)
        for row in sorted(rows, key=lambda r: (r.created_at, r.campaign_id)):
            row.id = self.ids.new("CampaignMember")
            self.drop.sf_campaign_members.append(row)

    def _member_row(self, member: _Member, lead: Lead | None, contact: ContactRecord | None):
        sync_lag = timedelta(minutes=self._rng("member", member.person.index, member.program.key).randint(1, 20))
        lead_id = contact_id = None
        if lead is not None and (lead.converted_at is None or member.at < lead.converted_at):
            created = whole_minute(max(member.at, lead.created_at) + sync_lag)
            lead_id = self.lead_ids[id(lead)]
            if lead.converted_at is not None:
                created = min(created, lead.converted_at)
                contact_id = self.contact_ids[member.person.index]
        elif contact is not None and member.at >= contact.created_at:
            created = whole_minute(member.at + sync_lag)
            contact_id = self.contact_ids[member.person.index]
        else:
            return None
        if created >= clock.AS_OF:
            return None
        return SfCampaignMember(
            id="", campaign_id=self.campaign_ids[member.program.key], lead_id=lead_id, contact_id=contact_id,
            status=member.status, has_responded=True, first_responded_date=created.date(), created_at=created)

    # ---------------------------------------------------------------- exchange rates

    def _conversion_rates(self) -> None:
        rng = self._rng("rates")
        months = []
        month = clock.HISTORY_START
        while month <= clock.AS_OF.date():
            months.append(month)
            month = next_month(month)
        usd = 1.09
        for iso_code in ("EUR", "USD"):
            for i, start in enumerate(months):
                if iso_code == "EUR":
                    rate = Decimal("1.000000")
                else:
                    usd = min(1.15, max(1.05, usd + rng.gauss(0, 0.012)))
                    rate = Decimal(f"{usd:.6f}")
                self.drop.sf_conversion_rates.append(SfConversionRate(
                    id=self.ids.new("DatedConversionRate"), iso_code=iso_code, rate=rate, start_date=start,
                    next_start_date=months[i + 1] if i + 1 < len(months) else None))

