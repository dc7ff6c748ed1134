"""What sales does with the people marketing hands over, independent of the CRM that records it.

A handoff becomes a lead that an SDR works (first touch after a log-normal delay, status changes,
qualification, disqualification or recycling), qualified leads are converted into a contact at an
account and an opportunity that an account executive takes through the stages to a close.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import catalog, clock
from .catalog import TeamMember
from .clock import at_local, business_moment, local_date, next_working_time, whole_minute
from .population import Account, Person, Touch

OPEN = "Open - Not Contacted"
WORKING = "Working - Contacted"
QUALIFIED = "Sales Qualified"
DISQUALIFIED = "Disqualified"
RECYCLED = "Recycled"
FINAL_STATUSES = (QUALIFIED, DISQUALIFIED)


def dedupe_day() -> date:
    """Sales cleans up duplicate leads once, in the week after the last full export."""
    return (clock.PREVIOUS_EXPORT_AT + timedelta(days=2)).date()


# Opportunity stages: (name, probability, forecast category)
OPEN_STAGES = (("Prospecting", 10, "Pipeline"), ("Qualification", 20, "Pipeline"), ("Proposal", 50, "Best Case"),
               ("Negotiation", 75, "Commit"))
WON = ("Closed Won", 100, "Closed")
LOST = ("Closed Lost", 0, "Omitted")
STAGE_INFO = {name: (probability, forecast) for name, probability, forecast in OPEN_STAGES + (WON, LOST)}
STAGE_DAYS = {"Prospecting": 14, "Qualification": 24, "Proposal": 28, "Negotiation": 21}  # median days in stage
CONTACT_ROLES = ("Economic Buyer", "Technical Buyer", "Evaluator", "Influencer", "Executive Sponsor",
                 "Business User")
PRODUCT = "Revenue Analytics Suite"


@dataclass
class Handoff:
    person: Person
    lead_created_at: datetime
    routed_at: datetime | None       # when an SDR owns it; None while it sits in the nurture queue
    origin: str                      # marketing | outbound | web
    lead_source: str
    created_by: str = "integration"  # team key of the record's creator


@dataclass
class StatusChange:
    at: datetime
    old: str
    new: str
    by: str
    reason: str | None = None


@dataclass
class OwnerChange:
    at: datetime
    old: str
    new: str
    by: str


@dataclass
class SalesTouch:
    at: datetime
    kind: str                        # call | email | meeting
    owner: str
    subject: str
    meeting_start: datetime | None = None


@dataclass
class AccountRecord:
    account: Account
    created_at: datetime
    owner: str
    created_by: str
    deals: list[Deal] = field(default_factory=list)


@dataclass
class ContactRecord:
    person: Person
    account: AccountRecord
    created_at: datetime
    created_by: str
    lead_source: str | None
    converted_from: Lead | None = None


@dataclass
class Lead:
    person: Person
    created_at: datetime
    created_by: str
    lead_source: str
    owner: str                       # team key, or "queue" for the marketing nurture queue
    status: str = OPEN
    status_changes: list[StatusChange] = field(default_factory=list)
    owner_changes: list[OwnerChange] = field(default_factory=list)
    touches: list[SalesTouch] = field(default_factory=list)
    reason: str | None = None
    qualified_at: datetime | None = None
    converted_at: datetime | None = None
    contact: ContactRecord | None = None
    converted_deal: Deal | None = None
    is_duplicate: bool = False
    modified_at: datetime | None = None
    merged_at: datetime | None = None        # a duplicate was merged into this lead
    deleted_at: datetime | None = None       # merged into another lead (or deleted): gone from the CRM

    def status_at(self, instant: datetime) -> str:
        status = OPEN
        for change in self.status_changes:
            if change.at <= instant:
                status = change.new
        return status

    def owner_at(self, instant: datetime) -> str:
        owner = self.owner_changes[0].old if self.owner_changes else self.owner
        for change in self.owner_changes:
            if change.at <= instant:
                owner = change.new
        return owner


@dataclass
class StageStep:
    stage: str
    at: datetime
    amount: Decimal
    close_date: date
    by: str


@dataclass
class Role:
    contact: ContactRecord
    role: str
    is_primary: bool
    added_at: datetime


@dataclass
class Deal:
    account: AccountRecord
    name: str
    type: str                        # New Business | Existing Business
    owner: str
    created_at: datetime
    currency: str
    amount: Decimal
    close_date: date
    stage: str
    steps: list[StageStep] = field(default_factory=list)   # empty for records migrated without history
    roles: list[Role] = field(default_factory=list)
    lead_source: str | None = None
    converted_from: Lead | None = None
    deleted_at: datetime | None = None
    migrated: bool = False

    @property
    def is_closed(self) -> bool:
        return self.stage in (WON[0], LOST[0])

    @property
    def is_won(self) -> bool:
        return self.stage == WON[0]

    @property
    def closed_at(self) -> datetime | None:
        """When the deal first reached its current closed stage (the close instant)."""
        if not self.is_closed:
            return None
        first = next((s.at for s in self.steps if s.stage == self.stage), None)
        return first

    @property
    def modified_at(self) -> datetime:
        times = [self.created_at] + [s.at for s in self.steps] + [r.added_at for r in self.roles]
        if self.deleted_at:
            times.append(self.deleted_at)
        return max(times)

    def open_at(self, instant: datetime) -> bool:
        if self.deleted_at is not None and self.deleted_at <= instant:
            return False
        if self.created_at > instant:
            return False
        stage = self.steps[0].stage if self.steps else self.stage
        for step in self.steps:
            if step.at <= instant:
                stage = step.stage
        return stage not in (WON[0], LOST[0])


@dataclass
class SalesBook:
    leads: list[Lead] = field(default_factory=list)
    contacts: dict[int, ContactRecord] = field(default_factory=dict)     # person index -> contact
    accounts: dict[int, AccountRecord] = field(default_factory=dict)     # account index -> account record
    deals: list[Deal] = field(default_factory=list)
    advocacy: list[tuple[Person, Touch]] = field(default_factory=list)
    _leads_by_person: dict[int, list[Lead]] = field(default_factory=dict)

    def add_lead(self, lead: Lead) -> None:
        self.leads.append(lead)
        self._leads_by_person.setdefault(lead.person.index, []).append(lead)

    def leads_of(self, person: Person) -> list[Lead]:
        return self._leads_by_person.get(person.index, [])


def _lognormal_minutes(rng: random.Random, median_minutes: float, sigma: float) -> timedelta:
    return timedelta(minutes=int(math.exp(rng.gauss(math.log(median_minutes), sigma))))


def _member(key: str) -> TeamMember:
    return catalog.TEAM_BY_KEY[key]


def _owner_for(role: str, market: str, on: date, rng: random.Random) -> str:
    options = catalog.team_for(role, market, on)
    if not options:
        options = catalog.team_for(role, "ES", on)
    return rng.choice(options).key


def _ae_for(account: Account) -> str:
    return {"ES": "ae_es", "MX": "ae_latam", "CO": "ae_latam", "AR": "ae_latam", "US": "ae_us", "UK": "ae_uk",
            "DE": "ae_de"}[account.market.code]


class SalesSimulation:
    """Works every handoff in time order and keeps the book of leads, contacts, accounts and deals."""

    def __init__(self, seed: int, people_by_account: dict[int, list[Person]], handed_off: set[int]):
        self.seed = seed
        self.book = SalesBook()
        self._people_by_account = people_by_account
        self._handed_off = handed_off

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "sales", *parts)))

    # ---------------------------------------------------------------- accounts and contacts

    def account_record(self, account: Account, at: datetime, created_by: str) -> AccountRecord:
        record = self.book.accounts.get(account.index)
        if record is None:
            record = AccountRecord(account, at, _ae_for(account), created_by)
            self.book.accounts[account.index] = record
        return record

    def contact_record(self, person: Person, at: datetime, created_by: str, lead_source: str | None,
                       converted_from: Lead | None = None) -> ContactRecord:
        contact = self.book.contacts.get(person.index)
        if contact is None:
            account = self.account_record(person.account, at, created_by)
            contact = ContactRecord(person, account, at, created_by, lead_source, converted_from)
            self.book.contacts[person.index] = contact
        return contact

    # ---------------------------------------------------------------- migrated customers

    def migrate_customers(self, people: list[Person]) -> None:
        """Customers won before the warehouse's history starts, loaded into the CRM without stage history."""
        for person in sorted((p for p in people if p.kind == "migrated"), key=lambda p: p.arrival_at):
            rng = self._rng("migrated", person.index)
            contact = self.contact_record(person, person.arrival_at, "integration", "Purchased List")
            account = contact.account
            if account.deals:
                deal = account.deals[0]
                deal.roles.append(Role(contact, rng.choice(CONTACT_ROLES), False,
                                       max(person.arrival_at, deal.created_at)))
                continue
            created = whole_minute(person.arrival_at + timedelta(days=rng.randint(10, 40)))
            close_date = local_date(_member(account.owner).timezone, created + timedelta(days=rng.randint(30, 90)))
            deal = Deal(account, f"{account.account.name} - {PRODUCT}", "New Business", account.owner, created,
                        account.account.market.currency, self._amount(rng, account.account), close_date, WON[0],
                        lead_source="Purchased List", migrated=True)
            deal.roles.append(Role(contact, "Decision Maker", True, created))
            account.deals.append(deal)
            self.book.deals.append(deal)

    # ---------------------------------------------------------------- leads

    def work(self, handoffs: list[Handoff]) -> SalesBook:
        for handoff in sorted(handoffs, key=lambda h: (h.lead_created_at, h.person.index)):
            if handoff.person.index in self.book.contacts:
                continue  # already a contact: marketing updates the contact, no new lead
            self._work_lead(handoff)
        self._reassign_departed_owner()
        self._expansions()
        self._merge_duplicates()
        return self.book

    def _work_lead(self, handoff: Handoff) -> None:
        person = handoff.person
        rng = self._rng("lead", person.index)
        if handoff.origin == "outbound":
            owner = handoff.created_by
        elif handoff.routed_at is None or handoff.routed_at > handoff.lead_created_at:
            owner = "queue"
        else:
            owner = _owner_for("SDR", person.market.code, handoff.lead_created_at.date(), rng)
        lead = Lead(person, handoff.lead_created_at, handoff.created_by, handoff.lead_source, owner)
        self.book.add_lead(lead)
        if rng.random() < 0.025:
            self._duplicate_lead(lead, rng)
        if handoff.routed_at is None:
            return
        if owner == "queue":
            sdr = _owner_for("SDR", person.market.code, handoff.routed_at.date(), rng)
            lead.owner_changes.append(OwnerChange(handoff.routed_at, "queue", sdr, "integration"))
            lead.owner = sdr
        median_delay = 20 if handoff.origin == "outbound" else 240
        self._sdr_pass(lead, handoff.routed_at, rng, first_pass=True, median_delay=median_delay)

    def _duplicate_lead(self, original: Lead, rng: random.Random) -> None:
        """An SDR types in the same person again (met at an event, a call list): a second lead record."""
        person = original.person
        created = whole_minute(original.created_at + timedelta(days=rng.randint(-30, 45), minutes=rng.randint(0, 600)))
        if created >= clock.AS_OF:
            return
        sdr = _owner_for("SDR", person.market.code, created.date(), rng)
        duplicate = Lead(person, created, sdr, "Other", sdr, is_duplicate=True)
        if created > original.created_at and rng.random() < 0.7:
            at = whole_minute(created + timedelta(days=rng.randint(1, 10)))
            if at < clock.AS_OF:
                duplicate.status_changes.append(StatusChange(at, OPEN, DISQUALIFIED, sdr, "Duplicate"))
                duplicate.status, duplicate.reason = DISQUALIFIED, "Duplicate"
        self.book.add_lead(duplicate)

    def _outcome(self, person: Person, rng: random.Random, first_pass: bool) -> str:
        if person.email_kind == "competitor":
            return "disqualified:Competitor"
        if person.email_kind == "internal":
            return "disqualified:Internal / test"
        if person.email_kind == "personal":
            weights = {"qualified": 0.14, "disqualified:Personal email - no company info": 0.62, "recycled": 0.12,
                       "working": 0.12}
        else:
            quality = 0.5 * person.fit + 0.5 * min(1.0, person.intent * 3)
            qualified = 0.12 + 0.55 * quality + (0.1 if not first_pass else 0)
            weights = {"qualified": qualified, "disqualified": 0.55 - 0.4 * quality, "recycled": 0.22,
                       "working": 0.08}
        outcome = rng.choices(list(weights), weights=list(weights.values()))[0]
        if outcome == "disqualified":
            outcome += ":" + rng.choice(catalog.LEAD_DISQUALIFICATION_REASONS)
        return outcome

    def _sdr_pass(self, lead: Lead, routed_at: datetime, rng: random.Random, first_pass: bool,
                  median_delay: int = 240) -> None:
        """One round of SDR work: first touch after a log-normal delay (minutes), follow-ups, a decision."""
        person = lead.person
        if first_pass and rng.random() < 0.05:
            new_owner = _owner_for("SDR", person.market.code, routed_at.date(), rng)
            if new_owner != lead.owner:
                routed_at = routed_at + timedelta(minutes=rng.randint(3, 90))    # reassigned by the SDR lead
                lead.owner_changes.append(OwnerChange(routed_at, lead.owner, new_owner, "head_sdr"))
                lead.owner = new_owner
        untouched = 0.18 if person.email_kind != "business" else 0.06
        if rng.random() < untouched:
            return
        sdr = _member(lead.owner)
        delay = _lognormal_minutes(rng, median_delay, 1.5 if median_delay > 60 else 0.8)
        first_touch = whole_minute(next_working_time(sdr.timezone, routed_at + delay, rng))
        if first_touch >= clock.AS_OF:
            return
        self._touch(lead, first_touch, rng, first=True)
        self._status(lead, first_touch, WORKING, lead.owner)
        outcome = self._outcome(person, rng, first_pass)
        decided = whole_minute(first_touch + _lognormal_minutes(rng, 4 * 1440, 0.9))
        follow_ups = rng.randint(1, 5)
        for i in range(follow_ups):
            planned = first_touch + (decided - first_touch) * (i + 1) / (follow_ups + 1)
            at = whole_minute(next_working_time(sdr.timezone, planned, rng))
            if at < clock.AS_OF:
                self._touch(lead, at, rng)
        if outcome == "working" or decided >= clock.AS_OF:
            return
        decided = whole_minute(next_working_time(sdr.timezone, decided, rng))
        if decided >= clock.AS_OF:
            return
        if outcome.startswith("disqualified"):
            reason = outcome.split(":", 1)[1]
            self._status(lead, decided, DISQUALIFIED, lead.owner, reason)
        elif outcome == "recycled":
            self._status(lead, decided, RECYCLED, lead.owner, rng.choice(catalog.LEAD_RECYCLE_REASONS))
            self._maybe_return(lead, decided, rng, first_pass)
        else:
            self._qualify(lead, decided, rng)

    def _maybe_return(self, lead: Lead, recycled_at: datetime, rng: random.Random, first_pass: bool) -> None:
        """Some recycled leads come back with a new demo request months later and are worked again."""
        person = lead.person
        if not first_pass or person.kind != "marketing" or rng.random() >= 0.35:
            return
        day = (recycled_at + timedelta(days=rng.randint(30, 150))).date()
        at = whole_minute(business_moment(person.market.timezone, day, rng))
        if at + timedelta(minutes=30) >= clock.AS_OF:
            return
        url = f"{catalog.WEBSITE}{catalog.FORM_PAGES[catalog.DEMO_REQUEST]}"
        person.touches.append(Touch(at, "form", catalog.DEMO_REQUEST, None, url))
        person.touches.append(Touch(at, "web_visit", catalog.FORM_PAGES[catalog.DEMO_REQUEST], None, url))
        person.touches.sort(key=lambda t: (t.at, t.kind))
        reopened = at + timedelta(minutes=rng.randint(3, 15))
        self._status(lead, reopened, OPEN, "integration")
        self._sdr_pass(lead, reopened, rng, first_pass=False)

    def _status(self, lead: Lead, at: datetime, new: str, by: str, reason: str | None = None) -> None:
        lead.status_changes.append(StatusChange(at, lead.status, new, by, reason))
        lead.status = new
        if reason is not None:
            lead.reason = reason

    def _touch(self, lead: Lead, at: datetime, rng: random.Random, first: bool = False) -> None:
        kind = rng.choices(("call", "email", "meeting"), weights=(0.5, 0.35, 0.15 if first else 0.1))[0]
        owner = lead.owner
        if kind == "meeting":
            start = whole_minute(next_working_time(_member(owner).timezone,
                                                   at + timedelta(days=rng.randint(1, 4)), rng))
            lead.touches.append(SalesTouch(at, kind, owner, "Discovery call", start))
        elif kind == "call":
            lead.touches.append(SalesTouch(at, kind, owner, rng.choice(("Call", "Call - left voicemail",
                                                                         "Call - connected"))))
        else:
            lead.touches.append(SalesTouch(at, kind, owner, rng.choice((
                "Email: Following up on your request", "Email: Quick question", "Email: Resources for your team"))))

    # ---------------------------------------------------------------- conversion and deals

    def _qualify(self, lead: Lead, at: datetime, rng: random.Random) -> None:
        lead.qualified_at = at
        roll = rng.random()
        if roll < 0.25:
            converted = at                                   # qualified by converting
        elif roll < 0.9:
            converted = whole_minute(next_working_time(_member(lead.owner).timezone,
                                                       at + _lognormal_minutes(rng, 1.5 * 1440, 0.8), rng))
        else:
            converted = None                                 # waiting for the account executive
        self._status(lead, at, QUALIFIED, lead.owner)
        if converted is None or converted >= clock.AS_OF:
            return
        self._convert(lead, converted, rng)

    def _convert(self, lead: Lead, at: datetime, rng: random.Random) -> None:
        person = lead.person
        lead.converted_at = at
        contact = self.contact_record(person, at, lead.owner, lead.lead_source, lead)
        lead.contact = contact
        account = contact.account
        open_deal = next((d for d in account.deals if d.open_at(at)), None)
        if open_deal is not None and rng.random() < 0.85:
            open_deal.roles.append(Role(contact, rng.choice(CONTACT_ROLES), False, at))
            return
        roll = rng.random()
        if roll < 0.08:                                      # converted without an opportunity; the AE adds one
            later = whole_minute(next_working_time(_member(account.owner).timezone,
                                                   at + timedelta(days=rng.randint(2, 20)), rng))
            if later < clock.AS_OF:
                self._new_deal(account, later, contact, rng, lead_source=lead.lead_source)
            return
        not_real = roll < 0.10
        deal = self._new_deal(account, at, contact, rng, lead_source=lead.lead_source, converted_from=lead,
                              with_committee=not not_real)
        lead.converted_deal = deal
        if not_real:
            self._delete(deal, rng)                          # not a real opportunity: removed by the AE
        elif roll < 0.14:
            duplicate = self._new_deal(account, at + timedelta(minutes=rng.randint(5, 120)), contact, rng,
                                       lead_source=lead.lead_source, with_committee=False)
            self._delete(duplicate, rng)                     # created twice by mistake

    def _delete(self, deal: Deal, rng: random.Random) -> None:
        deleted = deal.created_at + timedelta(hours=rng.randint(1, 96))
        deal.deleted_at = whole_minute(min(deleted, clock.AS_OF - timedelta(minutes=1)))
        deal.steps = [s for s in deal.steps if s.at <= deal.deleted_at]
        last = deal.steps[-1]
        deal.stage, deal.amount, deal.close_date = last.stage, last.amount, last.close_date

    def _amount(self, rng: random.Random, account: Account) -> Decimal:
        low, high = {"SMB": (7_000, 20_000), "Mid-Market": (22_000, 65_000),
                     "Enterprise": (70_000, 220_000)}[account.segment]
        amount = rng.uniform(low, high) * (1.1 if account.market.currency == "USD" else 1.0)
        return Decimal(int(amount / 100) * 100).quantize(Decimal("0.01"))

    def _new_deal(self, account: AccountRecord, created: datetime, primary: ContactRecord, rng: random.Random, *,
                  lead_source: str | None, converted_from: Lead | None = None, deal_type: str = "New Business",
                  amount: Decimal | None = None, with_committee: bool = True) -> Deal:
        owner = account.owner
        amount = amount if amount is not None else self._amount(rng, account.account)
        expected_days = 120 if account.account.segment == "Enterprise" else 75
        close_date = local_date(_member(owner).timezone, created + timedelta(days=expected_days))
        name = (f"{account.account.name} - {PRODUCT}" if deal_type == "New Business"
                else f"{account.account.name} - Expansion {created.year}")
        deal = Deal(account, name, deal_type, owner, created, account.account.market.currency, amount, close_date,
                    OPEN_STAGES[0][0], lead_source=lead_source, converted_from=converted_from)
        deal.steps.append(StageStep(OPEN_STAGES[0][0], created, amount, close_date, owner))
        deal.roles.append(Role(primary, rng.choice(("Decision Maker", "Economic Buyer", "Business User")), True,
                               created))
        self._progress(deal, rng)
        if with_committee:
            self._add_committee(deal, rng)
        account.deals.append(deal)
        self.book.deals.append(deal)
        return deal

    def _progress(self, deal: Deal, rng: random.Random) -> None:
        """Walk the deal through the stages; it stops wherever the as-of date finds it."""
        fit = deal.roles[0].contact.person.fit
        slow = 1.6 if deal.account.account.segment == "Enterprise" else 1.0
        lose = 0.2 + 0.2 * (1 - fit)
        zone = _member(deal.owner).timezone
        at, amount, close_date = deal.created_at, deal.amount, deal.close_date
        path = [name for name, _, _ in OPEN_STAGES]
        if rng.random() < 0.1:
            path.remove("Qualification")
        steps: list[StageStep] = []
        for current, following in zip(path, path[1:] + ["close"]):
            at = whole_minute(next_working_time(
                zone, at + _lognormal_minutes(rng, STAGE_DAYS[current] * slow * 1440, 0.6), rng))
            if rng.random() < lose:
                steps.append(self._closing_step(LOST[0], at, amount, zone, deal.owner))
                break
            if following == "close":
                steps.append(self._closing_step(WON[0], at, amount, zone, deal.owner))
                break
            if following == "Proposal":
                amount = (amount * Decimal(str(round(rng.uniform(0.9, 1.15), 2))) / 50).quantize(
                    Decimal("1"), ROUND_HALF_UP) * 50
            if following == "Negotiation":
                discount = Decimal(str(round(rng.uniform(0, 0.12), 3)))
                amount = (amount * (1 - discount)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            close_date = max(close_date, local_date(zone, at + timedelta(days=20)))
            steps.append(StageStep(following, at, amount, close_date, deal.owner))
        self._maybe_reopen(steps, rng, zone, deal.owner)
        for step in steps:
            if step.at >= clock.AS_OF:
                break
            deal.steps.append(step)
        last = deal.steps[-1]
        deal.stage, deal.amount, deal.close_date = last.stage, last.amount, last.close_date

    def _closing_step(self, stage: str, at: datetime, amount: Decimal, zone: str, owner: str) -> StageStep:
        return StageStep(stage, at, amount, local_date(zone, at), owner)

    def _maybe_reopen(self, steps: list[StageStep], rng: random.Random, zone: str, owner: str) -> None:
        """A few closed deals are reopened (a lost deal revived, a won deal amended) and closed again."""
        last = steps[-1]
        reopen = 0.06 if last.stage == LOST[0] else 0.04
        if rng.random() >= reopen:
            return
        reopened_at = whole_minute(next_working_time(zone, last.at + timedelta(days=rng.randint(2, 40)), rng))
        steps.append(StageStep("Negotiation", reopened_at, last.amount,
                               local_date(zone, reopened_at + timedelta(days=20)), owner))
        final = WON[0] if last.stage == WON[0] or rng.random() < 0.5 else LOST[0]
        closed_again = whole_minute(next_working_time(zone, reopened_at + timedelta(days=rng.randint(3, 25)), rng))
        steps.append(self._closing_step(final, closed_again, last.amount, zone, owner))

    def _add_committee(self, deal: Deal, rng: random.Random) -> None:
        """Account executives add more of the buying committee as contact roles."""
        if rng.random() >= 0.35:
            return
        account = deal.account.account
        candidates = [p for p in self._people_by_account.get(account.index, [])
                      if p.kind == "marketing" and p.index not in self._handed_off
                      and p.index not in self.book.contacts and p.email_kind == "business"]
        rng.shuffle(candidates)
        for person in candidates[: rng.choice((1, 1, 2, 3))]:
            added = whole_minute(next_working_time(_member(deal.owner).timezone,
                                                   deal.created_at + timedelta(days=rng.randint(0, 20)), rng))
            if added >= clock.AS_OF or not deal.open_at(added):
                continue
            contact = self.contact_record(person, added, deal.owner, None)
            deal.roles.append(Role(contact, rng.choice(CONTACT_ROLES), False, added))

    def _expansions(self) -> None:
        """Some customers buy more later: an Existing Business deal on the same contacts."""
        for deal in list(self.book.deals):
            if not deal.is_won or deal.type != "New Business" or deal.deleted_at is not None:
                continue
            rng = self._rng("expansion", deal.account.account.index)
            closed = deal.closed_at or at_local("Europe/Madrid", deal.close_date, 12, 0)
            created = whole_minute(next_working_time(_member(deal.owner).timezone,
                                                     closed + timedelta(days=rng.randint(90, 300)), rng))
            if rng.random() >= 0.3 or not clock.SIM_START <= created < clock.AS_OF:
                continue
            amount = (deal.amount * Decimal(str(round(rng.uniform(0.2, 0.4), 2)))).quantize(Decimal("0.01"))
            primary = next(r.contact for r in deal.roles if r.is_primary)
            self._new_deal(deal.account, created, primary, rng, lead_source="Existing Customer",
                           deal_type="Existing Business", amount=amount)

    def _merge_duplicates(self) -> None:
        """The head of sales development merges the duplicate leads nobody ever worked into the person's
        lead (Salesforce deletes the merged record; a converted lead cannot be merged into, so the
        duplicate is simply deleted). Duplicates an SDR already disqualified as such are left alone."""
        start = at_local(catalog.TEAM_BY_KEY["head_sdr"].timezone, dedupe_day(), 10, 0)
        duplicates = sorted((lead for lead in self.book.leads
                             if lead.is_duplicate and not lead.status_changes and lead.created_at < start),
                            key=lambda lead: (lead.created_at, lead.person.index))
        for i, duplicate in enumerate(duplicates):
            at = start + timedelta(minutes=2 * i)
            duplicate.deleted_at = at
            master = next(lead for lead in self.book.leads_of(duplicate.person) if not lead.is_duplicate)
            if master.converted_at is None or master.converted_at > at:
                master.merged_at = at

    def _reassign_departed_owner(self) -> None:
        """When an SDR leaves, the leads she was still working move to a colleague a few days later."""
        for member in catalog.TEAM:
            if member.role != "SDR" or member.left is None:
                continue
            moved_at = at_local(member.timezone, member.left + timedelta(days=3), 9, 12)
            successor = max((m for m in catalog.TEAM if m.role == "SDR" and m.markets == member.markets
                             and m.joined <= member.left and m.left is None), key=lambda m: m.joined).key
            for lead in self.book.leads:
                if (lead.owner_at(moved_at) == member.key and lead.created_at < moved_at
                        and lead.status_at(moved_at) not in FINAL_STATUSES):
                    lead.owner_changes.append(OwnerChange(moved_at, member.key, successor, "head_sdr"))
                    lead.owner_changes.sort(key=lambda c: c.at)
                    for touch in lead.touches:
                        if touch.at >= moved_at:
                            touch.owner = successor
                    for change in lead.status_changes:
                        if change.at >= moved_at and change.by == member.key:
                            change.by = successor
                    lead.owner = lead.owner_changes[-1].new

    # ---------------------------------------------------------------- advocacy

    def advocacy(self) -> None:
        """Happy customers refer a friend or join a case study some weeks after buying."""
        for deal in self.book.deals:
            if not deal.is_won or deal.deleted_at is not None:
                continue
            closed = deal.closed_at or at_local("Europe/Madrid", deal.close_date, 12, 0)
            for role in deal.roles:
                person = role.contact.person
                rng = self._rng("advocacy", person.index, deal.created_at.isoformat())
                if rng.random() >= (0.4 if role.is_primary else 0.15):
                    continue
                day = (max(closed, role.added_at) + timedelta(days=rng.randint(14, 240))).date()
                at = whole_minute(business_moment(person.market.timezone, day, rng))
                if not clock.SIM_START <= at < clock.AS_OF:
                    continue
                form = catalog.CUSTOMER_REFERRAL if rng.random() < 0.6 else catalog.CASE_STUDY
                url = f"{catalog.WEBSITE}{catalog.FORM_PAGES[form]}"
                touch = Touch(at, "form", form, None, url)
                person.touches.append(touch)
                person.touches.append(Touch(at, "web_visit", catalog.FORM_PAGES[form], None, url))
                person.touches.sort(key=lambda t: (t.at, t.kind))
                self.book.advocacy.append((person, touch))


def outbound_handoffs(people: list[Person], seed: int) -> list[Handoff]:
    """Prospects an SDR finds and types into the CRM: sales-sourced leads."""
    handoffs = []
    for person in people:
        if person.kind != "outbound":
            continue
        rng = random.Random(f"{seed}:outbound:{person.index}")
        sdr = _owner_for("SDR", person.market.code, person.arrival_at.date(), rng)
        created = whole_minute(next_working_time(_member(sdr).timezone, person.arrival_at, rng))
        if created >= clock.AS_OF:
            continue
        handoffs.append(Handoff(person, created, created, "outbound", "Outbound Prospecting", created_by=sdr))
    return handoffs


def simulate_sales(seed: int, people: list[Person], handoffs: list[Handoff]) -> SalesBook:
    by_account: dict[int, list[Person]] = {}
    for person in people:
        by_account.setdefault(person.account.index, []).append(person)
    simulation = SalesSimulation(seed, by_account, {h.person.index for h in handoffs})
    simulation.migrate_customers(people)
    book = simulation.work(handoffs)
    simulation.advocacy()
    return book
