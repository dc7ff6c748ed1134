"""HubSpot's records: contacts with HubSpot's own score and lifecycle dates, companies, form
submissions, marketing email events and, when sales also works in HubSpot, deals."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from . import catalog, clock
from .clock import whole_minute
from .ids import NumericIds, random_uuid
from .marketing import (
    HUBSPOT_SCORING, HUBSPOT_SOURCES, ScoreChange, form_kind, marketing_created_at, vendor_mql_at,
)
from .population import Person, Touch, World
from .records import ExportDrop, HsCompany, HsContact, HsDeal, HsEmailEvent, HsFormSubmission
from .sales import DISQUALIFIED, OPEN, QUALIFIED, RECYCLED, WORKING, Deal, Lead, SalesBook

LIFECYCLE = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
             "evangelist")
LEAD_STATUS = {OPEN: "NEW", WORKING: "IN_PROGRESS", QUALIFIED: "OPEN_DEAL", DISQUALIFIED: "UNQUALIFIED",
               RECYCLED: "BAD_TIMING"}
DEAL_STAGES = {"Prospecting": "appointmentscheduled", "Qualification": "qualifiedtobuy",
               "Proposal": "presentationscheduled", "Negotiation": "contractsent", "Closed Won": "closedwon",
               "Closed Lost": "closedlost"}
EMAIL_EVENT_TYPES = {"email_delivered": "DELIVERED", "email_open": "OPEN", "email_click": "CLICK",
                     "email_bounce": "BOUNCE"}
ORGANIC_ENGINES = ("google", "google", "google", "bing")


@dataclass(frozen=True)
class _ContactHistory:
    """What changes a contact over time: its lifecycle stage, score, activity and the synced lead."""
    created: datetime
    lead: Lead | None
    touches: list[Touch]
    score: list[ScoreChange]
    stage_events: list[tuple[datetime, str]]


class HubSpotRenderer:
    def __init__(self, world: World, book: SalesBook, drop: ExportDrop, seed: int, sales_in_hubspot: bool):
        self.world, self.book, self.drop, self.seed = world, book, drop, seed
        self.sales_in_hubspot = sales_in_hubspot
        rng = random.Random(f"{seed}:hubspot-ids")
        self.contact_ids = NumericIds(rng, 88_100_000_000 + rng.randrange(10**6), 40)
        self.company_ids = NumericIds(rng, 21_400_000_000 + rng.randrange(10**6), 90)
        self.deal_ids = NumericIds(rng, 16_900_000_000 + rng.randrange(10**6), 60)
        # HubSpot's UI exports name the owner ("Contact owner: Marta Gil"), not the owner id.
        self.owner_names = {m.key: f"{m.first_name} {m.last_name}" for m in catalog.TEAM}
        self.contact_of: dict[int, HsContact] = {}
        self.previous_contact_of: dict[int, HsContact] = {}
        self.company_of: dict[int, HsCompany] = {}
        self.deals_of: dict[int, list[Deal]] = {}
        for deal in book.deals:
            if deal.deleted_at is None:
                for role in deal.roles:
                    self.deals_of.setdefault(role.contact.person.index, []).append(deal)
        self.advocacy_of: dict[int, list[datetime]] = {}
        for person, touch in book.advocacy:
            self.advocacy_of.setdefault(person.index, []).append(touch.at)

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "hubspot", *parts)))

    def render(self) -> None:
        people = [(created, p) for p in self.world.people if (created := self._created_at(p)) is not None]
        for created, person in sorted(people, key=lambda cp: (cp[0], cp[1].index)):
            self._contact(person, created)
        self._companies()
        self._activity()
        if self.sales_in_hubspot:
            self._deals()

    # ---------------------------------------------------------------- contacts

    def _created_at(self, person: Person) -> datetime | None:
        times = [marketing_created_at(person)]
        if self.sales_in_hubspot:   # HubSpot keeps one contact per email: no duplicate lead records
            times += [lead.created_at for lead in self.book.leads_of(person) if not lead.is_duplicate]
            contact = self.book.contacts.get(person.index)
            times.append(contact.created_at if contact else None)
        present = [t for t in times if t is not None]
        return min(present) if present else None

    def _source(self, person: Person, created: datetime) -> tuple[str, str | None, str | None]:
        if person.kind != "marketing" or person.arrival_at != created:
            if person.forms() and person.forms()[0].at == created:
                return "DIRECT_TRAFFIC", catalog.WEBSITE.removeprefix("https://"), None
            return "OFFLINE", "CRM_UI", None
        channel = person.channel
        source = HUBSPOT_SOURCES[channel]
        if channel in ("event_import", "list_import"):
            return source, "IMPORT", person.import_list
        if channel == "organic_search":
            return source, self._rng("engine", person.index).choice(ORGANIC_ENGINES), "Unknown keywords (SSL)"
        if channel in ("paid_search", "paid_social"):
            return source, "google" if channel == "paid_search" else "LinkedIn", person.ad.utm_campaign
        if channel == "social_media":
            return source, self._rng("social", person.index).choice(("LinkedIn", "Twitter", "YouTube")), None
        if channel == "referral":
            return source, person.referrer, None
        if channel == "email":
            return source, "partner-newsletter", None
        if channel == "other_campaigns":
            return source, "revops-podcast", None
        return source, None, None

    def _stage_events(self, person: Person, created: datetime) -> list[tuple[datetime, str]]:
        """When HubSpot moved the lifecycle stage: its own rules, plus what the CRM syncs back."""
        rng = self._rng("lifecycle", person.index)
        lag = (lambda: timedelta(minutes=rng.randint(0, 4))) if self.sales_in_hubspot else (
            lambda: timedelta(minutes=rng.randint(5, 40)))
        forms = person.forms()
        first_is_signup = bool(forms) and forms[0].at == created and form_kind(forms[0].name) == "newsletter"
        imported = person.kind == "marketing" and person.import_list is not None and person.arrival_at == created
        events = [(created, "subscriber" if (imported or first_is_signup) else "lead")]
        first_lead_form = next((f.at for f in forms if form_kind(f.name) not in ("newsletter",)), None)
        if first_lead_form is not None:
            events.append((first_lead_form, "lead"))
        mql = vendor_mql_at(person, HUBSPOT_SCORING, self.seed, "hubspot")
        if mql is not None:
            events.append((mql, "marketingqualifiedlead"))
        qualified = [lead.qualified_at for lead in self.book.leads_of(person) if lead.qualified_at]
        if qualified:
            events.append((min(qualified) + lag(), "salesqualifiedlead"))
        deals = self.deals_of.get(person.index, [])
        if deals:
            events.append((min(max(d.created_at, self._role_added(d, person)) for d in deals) + lag(),
                           "opportunity"))
            won = [d.closed_at or datetime.combine(d.close_date, time(12, 0), UTC) for d in deals if d.is_won]
            if won:
                customer = min(won) + lag()
                events.append((customer, "customer"))
                advocacy = [at for at in self.advocacy_of.get(person.index, []) if at >= customer]
                if advocacy:
                    events.append((min(advocacy) + timedelta(minutes=rng.randint(1, 9)), "evangelist"))
        # Whatever the CRM knew before the contact existed reaches HubSpot when the contact is created.
        clamped = [(max(whole_minute(at), created), stage) for at, stage in events]
        return sorted(((at, stage) for at, stage in clamped if at < clock.AS_OF),
                      key=lambda e: (e[0], LIFECYCLE.index(e[1])))

    @staticmethod
    def _role_added(deal: Deal, person: Person) -> datetime:
        return next(r.added_at for r in deal.roles if r.contact.person is person)

    def _contact(self, person: Person, created: datetime) -> None:
        leads = [lead for lead in self.book.leads_of(person) if not lead.is_duplicate]
        lead = leads[0] if leads else None
        touches = [t for t in person.touches if t.at >= created]
        history = _ContactHistory(created, lead, touches, HUBSPOT_SCORING.changes(person, created, touches),
                                  self._stage_events(person, created))
        source, drill_1, drill_2 = self._source(person, created)
        rng = self._rng("contact", person.index)
        contact_id = self.contact_ids.new()
        merged = ()
        if rng.random() < 0.01:
            merged = tuple(str(int(contact_id) - rng.randint(10**4, 10**6)) for _ in range(rng.randint(1, 2)))
        fixed = dict(
            id=contact_id, first_name=person.first_name, last_name=person.last_name, email=person.email,
            phone=person.phone if rng.random() < 0.4 else None,
            company=person.account.name if person.email_kind != "personal" or rng.random() < 0.5 else None,
            job_title=person.title.name if rng.random() < 0.8 else None, country=person.market.name,
            source=source, source_drill_1=drill_1, source_drill_2=drill_2, company_id=None, created_at=created,
            merged_ids=merged)
        contact = self._contact_version(fixed, history, clock.AS_OF)
        self.contact_of[person.index] = contact
        self.drop.hs_contacts.append(contact)
        if created < clock.PREVIOUS_EXPORT_AT:
            previous = self._contact_version(fixed, history, clock.PREVIOUS_EXPORT_AT)
            self.previous_contact_of[person.index] = previous
            self.drop.previous.hs_contacts.append(previous)

    def _contact_version(self, fixed: dict, history: _ContactHistory, before: datetime) -> HsContact:
        """The contact as an export taken at `before` shows it: lifecycle stage and its dates, HubSpot
        score, the synced lead status and owner, and the last time any of them changed."""
        stage, dates = None, {}
        for at, new_stage in history.stage_events:
            if at < before and (stage is None or LIFECYCLE.index(new_stage) > LIFECYCLE.index(stage)):
                stage, dates[new_stage] = new_stage, at
        score = next((c.total for c in reversed(history.score) if c.at < before), 0)
        times = [history.created] + [t.at for t in history.touches if t.at < before] + list(dates.values())
        lead, lead_status, owner = history.lead, None, None
        if lead is not None and lead.created_at < before:
            status_changes = sorted((c for c in lead.status_changes if c.at < before), key=lambda c: c.at)
            owner_changes = sorted((c for c in lead.owner_changes if c.at < before), key=lambda c: c.at)
            status = status_changes[-1].new if status_changes else OPEN
            first_owner = lead.owner_changes[0].old if lead.owner_changes else lead.owner
            owner_key = owner_changes[-1].new if owner_changes else first_owner
            lead_status = LEAD_STATUS[status]
            owner = None if owner_key == "queue" else self.owner_names[owner_key]
            times += [lead.created_at] + [c.at for c in status_changes] + [c.at for c in owner_changes]
        return HsContact(**fixed, lifecycle_stage=stage, lead_status=lead_status, score=score, owner=owner,
                         modified_at=max(times), stage_dates=dates)

    # ---------------------------------------------------------------- companies

    def _companies(self) -> None:
        """HubSpot creates a company per email domain (never for free email providers or our own domain)."""
        by_account: dict[int, list[int]] = {}
        for person in self.world.people:
            if person.index not in self.contact_of or person.email_kind in ("personal", "internal"):
                continue
            if person.email_kind == "none" and not self.sales_in_hubspot:
                continue
            by_account.setdefault(person.account.index, []).append(person.index)
        accounts = {a.index: a for a in self.world.accounts}

        def first_created(item: tuple[int, list[int]]) -> tuple[datetime, int]:
            return min(self.contact_of[i].created_at for i in item[1]), item[0]

        for account_index, people in sorted(by_account.items(), key=first_created):
            account = accounts[account_index]
            contacts = [self.contact_of[i] for i in people]
            created = min(c.created_at for c in contacts)
            record = self.book.accounts.get(account_index)
            rng = self._rng("company", account_index)
            fixed = dict(
                id=self.company_ids.new(), name=account.name, domain=account.domain, country=account.market.name,
                industry=catalog.INDUSTRIES[account.industry] if rng.random() < 0.8 else None,
                employees=account.employees if rng.random() < 0.85 else None,
                annual_revenue=account.annual_revenue if rng.random() < 0.5 else None, created_at=created)
            company = self._company_version(fixed, record, contacts, clock.AS_OF)
            self.company_of[account_index] = company
            self.drop.hs_companies.append(company)
            earlier = [self.previous_contact_of[i] for i in people if i in self.previous_contact_of]
            for contact in contacts + earlier:
                contact.company_id = company.id
            if created < clock.PREVIOUS_EXPORT_AT:
                self.drop.previous.hs_companies.append(
                    self._company_version(fixed, record, earlier, clock.PREVIOUS_EXPORT_AT))

    def _company_version(self, fixed: dict, record, contacts: list[HsContact], before: datetime) -> HsCompany:
        """The company as an export taken at `before` shows it: the owner once the CRM account exists,
        modified whenever one of its contacts was."""
        times = [c.modified_at for c in contacts]
        owner = None
        if record is not None and record.created_at < before:
            owner = self.owner_names[record.owner]
            times.append(record.created_at)
        return HsCompany(**fixed, owner=owner, modified_at=max(times))

    # ---------------------------------------------------------------- forms and email events

    def _activity(self) -> None:
        rng = self._rng("activity-ids")
        submissions, email_events = [], []
        for person in self.world.people:
            contact = self.contact_of.get(person.index)
            if contact is None:
                continue
            for touch in person.touches:
                if touch.at < contact.created_at:
                    continue
                if touch.kind == "form":
                    submissions.append(HsFormSubmission(
                        conversion_id="", contact_id=contact.id, email=person.typed_email or "",
                        form_name=touch.name, page_url=touch.url or catalog.WEBSITE, submitted_at=touch.at))
                elif touch.kind in EMAIL_EVENT_TYPES and person.email:
                    email_events.append(HsEmailEvent(
                        event_id="", recipient=person.email, email_campaign=touch.name,
                        event_type=EMAIL_EVENT_TYPES[touch.kind], occurred_at=touch.at,
                        url=touch.url if touch.kind == "email_click" else None))
        submissions.sort(key=lambda s: (s.submitted_at, s.contact_id))
        email_events.sort(key=lambda e: (e.occurred_at, e.recipient, e.event_type))
        for submission in submissions:
            submission.conversion_id = random_uuid(rng)
        for event in email_events:
            event.event_id = random_uuid(rng)
        self.drop.hs_form_submissions.extend(submissions)
        self.drop.hs_email_events.extend(email_events)

    # ---------------------------------------------------------------- deals

    def _deals(self) -> None:
        """Deals as HubSpot exports them: current stage only, deleted deals gone, each in its account's
        currency (a multi-currency portal: EUR and USD)."""
        for deal in sorted(self.book.deals, key=lambda d: (d.created_at, d.account.account.index)):
            if deal.deleted_at is not None:
                continue
            if deal.is_closed:
                close_at = deal.steps[-1].at if deal.steps else datetime.combine(deal.close_date, time(0), UTC)
            else:
                close_at = datetime.combine(deal.close_date, time(0), UTC)
            company = self.company_of.get(deal.account.account.index)
            self.drop.hs_deals.append(HsDeal(
                id=self.deal_ids.new(), name=deal.name, pipeline="default", stage=DEAL_STAGES[deal.stage],
                amount=deal.amount, currency=deal.currency, close_at=close_at, created_at=deal.created_at,
                is_closed=deal.is_closed, is_won=deal.is_won, owner=self.owner_names[deal.owner],
                contact_ids=tuple(self.contact_of[r.contact.person.index].id for r in deal.roles),
                company_ids=(company.id,) if company else (), modified_at=deal.modified_at))


def render_hubspot(world: World, book: SalesBook, drop: ExportDrop, seed: int, sales_in_hubspot: bool) -> None:
    HubSpotRenderer(world, book, drop, seed, sales_in_hubspot).render()
