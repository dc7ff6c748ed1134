"""Marketo's records: leads (with the Salesforce sync ids), the activity log and programs with costs."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import catalog, clock
from .catalog import Program
from .clock import at_local, month_start
from .ids import NumericIds
from .marketing import MARKETO_LEAD_SOURCES, MARKETO_SCORING, marketing_created_at, vendor_mql_at
from .population import Person, Touch, World
from .records import AdSpendDay, ExportDrop, MkActivity, MkLead, MkProgram
from .sales import Lead, SalesBook

ACTIVITY_TYPES = {1: "Visit Webpage", 2: "Fill Out Form", 7: "Email Delivered", 8: "Email Bounced",
                  10: "Open Email", 11: "Click Email", 12: "New Lead", 13: "Change Data Value", 22: "Change Score",
                  32: "Merge Leads", 104: "Change Status in Progression"}
TOUCH_ACTIVITY = {"web_visit": 1, "form": 2, "email_delivered": 7, "email_bounce": 8, "email_open": 10,
                  "email_click": 11}
PROGRAM_TYPES = {"Content": ("Default", "Content"), "Webinar": ("Event with Webinar", "Webinar"),
                 "Event": ("Event", "Tradeshow"), "Email": ("Email", "Email Send"),
                 "Paid Search": ("Default", "Paid Search"), "Paid Social": ("Default", "Paid Social")}
LOG_ORDER = {12: 0, 1: 1, 2: 2, 13: 7, 104: 8, 22: 9}   # within one minute: new lead first, score changes last
SCORING_CAMPAIGN_ID = "5120"
NEW_LEAD_CAMPAIGN_ID = "5104"
PROGRESSION_CAMPAIGN_ID = "5133"
DUPLICATE_SHARE = 0.02
USER_AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)")


def merge_day() -> date:
    """Marketing operations merges the duplicate leads of the database three days after the weekly exports."""
    return (clock.PREVIOUS_EXPORT_AT + timedelta(days=3)).date()


class MarketoRenderer:
    def __init__(self, world: World, book: SalesBook, drop: ExportDrop, seed: int,
                 salesforce_lead_ids: dict[int, str], salesforce_contact_ids: dict[int, str],
                 spend: list[AdSpendDay]):
        self.world, self.book, self.drop, self.seed = world, book, drop, seed
        self.sf_lead_ids, self.sf_contact_ids = salesforce_lead_ids, salesforce_contact_ids
        self.spend = spend
        rng = random.Random(f"{seed}:marketo-ids")
        self.lead_ids = NumericIds(rng, 1_004_000 + rng.randrange(5000), 3)
        self.asset_ids: dict[tuple[str, str], str] = {}
        self.program_ids: dict[str, str] = {}
        self.activities: list[MkActivity] = []
        self.deals_of: dict[int, list] = defaultdict(list)
        for deal in book.deals:
            if deal.deleted_at is None:
                for role in deal.roles:
                    self.deals_of[role.contact.person.index].append(deal)

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "marketo", *parts)))

    def _asset_id(self, kind: str, name: str) -> str:
        key = (kind, name)
        if key not in self.asset_ids:
            base = {"form": 1000, "email": 4000, "page": 7000}[kind]
            self.asset_ids[key] = str(base + 1 + sum(1 for k in self.asset_ids if k[0] == kind))
        return self.asset_ids[key]

    def render(self) -> None:
        self._programs()
        people = [(created, p) for p in self.world.people if (created := self._created_at(p)) is not None]
        rendered = [(person, self._lead(person, created))
                    for created, person in sorted(people, key=lambda cp: (cp[0], cp[1].index))]
        self._merge_duplicates(rendered)
        self.activities.sort(key=lambda a: (a.occurred_at, int(a.lead_id), LOG_ORDER.get(a.type_id, 5)))
        for guid, activity in enumerate(self.activities, start=self._rng("guid").randrange(10**7, 2 * 10**7)):
            activity.guid = str(guid)
        self.drop.mk_activities.extend(self.activities)

    # ---------------------------------------------------------------- leads

    def _created_at(self, person: Person) -> datetime | None:
        """Marketing's own leads, plus every Salesforce lead or contact the sync brings over."""
        times = [marketing_created_at(person)]
        sales_created = [lead.created_at for lead in self.book.leads_of(person)]
        contact = self.book.contacts.get(person.index)
        if contact is not None:
            sales_created.append(contact.created_at)
        if sales_created and person.email is not None:
            lag = self._rng("sync", person.index).randint(3, 15)
            # Marketo went live with the simulated window: older Salesforce records sync in on day one.
            times.append(max(min(sales_created), clock.SIM_START) + timedelta(minutes=lag))
        present = [t for t in times if t is not None and t < clock.AS_OF]
        return min(present) if present else None

    def _status(self, person: Person, mql: datetime | None) -> str:
        deals = self.deals_of.get(person.index, [])
        if any(d.is_won for d in deals):
            return "Customer"
        if deals:
            return "Opportunity"
        leads = [lead for lead in self.book.leads_of(person) if not lead.is_duplicate]
        if leads:
            return leads[0].status_at(clock.AS_OF)        # Lead Status is synced with the Salesforce lead's Status
        return "MQL" if mql is not None else "Inquiry"

    def _lead(self, person: Person, created: datetime) -> MkLead:
        lead_id = self.lead_ids.new()
        touches = [t for t in person.touches if created <= t.at < clock.AS_OF]
        score = MARKETO_SCORING.changes(person, created, touches)
        mql = vendor_mql_at(person, MARKETO_SCORING, self.seed, "marketo")
        from_marketing = marketing_created_at(person) == created
        leads = [lead for lead in self.book.leads_of(person) if not lead.is_duplicate]
        sf_lead = self.sf_lead_ids.get(id(leads[0])) if leads else None
        status_changes = self._status_changes(person, created, leads[0] if leads else None)
        lead = MkLead(
            id=lead_id, email=person.typed_email if from_marketing else person.crm_email,
            first_name=person.first_name, last_name=person.last_name, company=person.account.name,
            title=person.title.name, country=person.market.name,
            lead_source=MARKETO_LEAD_SOURCES.get(person.channel, "Salesforce") if from_marketing else "Salesforce",
            lead_status=status_changes[-1][1] if status_changes else self._status(person, mql), lead_score=score[-1].total if score else 0,
            sfdc_lead_id=sf_lead, sfdc_contact_id=self.sf_contact_ids.get(person.index), created_at=created,
            updated_at=max([created] + [t.at for t in touches]))
        self.drop.mk_leads.append(lead)
        self._new_lead_activity(lead_id, person, created, from_marketing)
        for touch in touches:
            self._touch_activity(lead_id, person, touch)
        for change in score:
            self._add(lead_id, change.at, 22, SCORING_CAMPAIGN_ID, None, "Lead Score",
                      {"Change Value": f"{change.delta:+d}", "Old Value": change.total - change.delta,
                       "New Value": change.total, "Reason": change.reason})
        for at, new_status, old_status, reason, source in status_changes:
            self._add(lead_id, at, 13, None, None, "Lead Status",
                      {"New Value": new_status, "Old Value": old_status, "Reason": reason, "Source": source})
        return lead

    def _merge_duplicates(self, rendered: list[tuple[Person, MkLead]]) -> None:
        """A few people also downloaded the lead-scoring ebook under another address (before or after
        their lead was created), which made a duplicate lead that then visited the website; marketing
        operations merges each duplicate into the person's lead on `merge_day()`. Marketo deletes the losing
        lead: its activities stay, the winning lead gets a "Merge Leads" activity listing it in "Merge
        IDs", and the leads export no longer holds it."""
        start = at_local("Europe/Madrid", merge_day(), 11, 0)
        ebook = next(p for p in catalog.PROGRAMS if p.key == "ebook_lead_scoring")
        merges = 0
        for person, lead in rendered:
            rng = self._rng("duplicate", person.index)
            if person.email is None or lead.created_at >= start - timedelta(days=14) or rng.random() >= DUPLICATE_SHARE:
                continue
            merged_at = start + timedelta(minutes=3 * merges)
            merges += 1
            duplicate_id = self.lead_ids.new()
            created = lead.created_at + timedelta(days=rng.randint(-60, 30), minutes=rng.randint(0, 600))
            created = min(max(created, at_local("Europe/Madrid", ebook.start, 9, 0)), merged_at - timedelta(days=2))
            self._add(duplicate_id, created, 12, NEW_LEAD_CAMPAIGN_ID, None, None,
                      {"Source Type": "Web form fillout", "Form Name": ebook.form_name})
            self._add(duplicate_id, created, 2, None, self._asset_id("form", ebook.form_name), ebook.form_name,
                      {"Webpage ID": int(self._asset_id("page", ebook.page)), "Query Parameters": "",
                       "Referrer URL": "", "User Agent": rng.choice(USER_AGENTS)})
            minutes = int((merged_at - created).total_seconds() // 60)
            for offset in sorted(rng.sample(range(5, minutes - 5), rng.randint(1, 3))):
                page = rng.choice(("/pricing", "/product", "/customers"))
                self._add(duplicate_id, created + timedelta(minutes=offset), 1, None, self._asset_id("page", page),
                          f"www.smarketing-demo.com{page}",
                          {"Webpage URL": page, "Query Parameters": "", "Client IP Address": "",
                           "User Agent": rng.choice(USER_AGENTS)})
            self._add(lead.id, merged_at, 32, None, lead.id, f"{person.first_name} {person.last_name}",
                      {"Merge IDs": [int(duplicate_id)], "Merge Source": "Lead Database", "Merged in Sales": False,
                       "Master Updated": True})
            lead.updated_at = max(lead.updated_at, merged_at)

    # ---------------------------------------------------------------- activities

    def _add(self, lead_id: str, at: datetime, type_id: int, campaign_id: str | None, value_id: str | None,
             value: str | None, attributes: dict) -> None:
        self.activities.append(MkActivity("", lead_id, at, type_id, ACTIVITY_TYPES[type_id], campaign_id, value_id,
                                          value, attributes))

    def _status_changes(self, person: Person, created: datetime, sf_lead: Lead | None) -> list[tuple]:
        """Marketo's Lead Status changes after the lead exists, as (time, new, old, reason, source): the
        synced Salesforce lead's Status changes, which the sync brings over minutes later, and the
        lifecycle smart campaign's moves to Opportunity and Customer when the person's deal opens and
        is won. Old Value is Marketo's own previous status."""
        rng = self._rng("status", person.index)
        moves = []
        for change in sf_lead.status_changes if sf_lead is not None else ():
            moves.append((change.at, change.at + timedelta(minutes=rng.randint(1, 9)), change.new,
                          "Updated from Salesforce", "sfdc"))
        deals = self.deals_of.get(person.index, [])
        if deals:
            opened = min(d.created_at for d in deals)
            moves.append((opened, opened + timedelta(minutes=rng.randint(1, 9)), "Opportunity",
                          "Lifecycle.Opportunity Created: Change Data Value", "Smart Campaign"))
        won = [d.closed_at for d in deals if d.is_won and d.closed_at is not None]
        if won:
            moves.append((min(won), min(won) + timedelta(minutes=rng.randint(1, 9)), "Customer",
                          "Lifecycle.Closed Won: Change Data Value", "Smart Campaign"))
        status = sf_lead.status_at(created) if sf_lead is not None else None
        changes = []
        for happened, at, new, reason, source in sorted(moves, key=lambda m: m[1]):
            if happened < created or at >= clock.AS_OF or new == status:
                continue
            changes.append((at, new, status, reason, source))
            status = new
        return changes

    def _new_lead_activity(self, lead_id: str, person: Person, created: datetime, from_marketing: bool) -> None:
        if not from_marketing:
            attributes = {"Source Type": "Salesforce.com", "Lead Source": "Salesforce"}
        elif person.import_list is not None:
            attributes = {"Source Type": "List import", "List Name": person.import_list}
        else:
            first = person.forms()[0] if person.forms() else None
            attributes = {"Source Type": "Web form fillout", "Form Name": first.name if first else ""}
        self._add(lead_id, created, 12, NEW_LEAD_CAMPAIGN_ID, None, None, attributes)

    def _touch_activity(self, lead_id: str, person: Person, touch: Touch) -> None:
        type_id = TOUCH_ACTIVITY[touch.kind]
        rng = self._rng("touch", person.index, touch.at.isoformat(), touch.kind)
        agent = rng.choice(USER_AGENTS)
        if touch.kind == "form":
            query = touch.url.split("?", 1)[1] if touch.url and "?" in touch.url else ""
            self._add(lead_id, touch.at, 2, None, self._asset_id("form", touch.name), touch.name,
                      {"Webpage ID": int(self._asset_id("page", _path(touch.url))), "Query Parameters": query,
                       "Referrer URL": "", "User Agent": agent})
            self._progression(lead_id, person, touch)
        elif touch.kind == "web_visit":
            self._add(lead_id, touch.at, 1, None, self._asset_id("page", touch.name),
                      f"www.smarketing-demo.com{touch.name}",
                      {"Webpage URL": touch.name, "Query Parameters": "", "Client IP Address": "",
                       "User Agent": agent})
        else:
            email = f"{touch.name}.Email"
            attributes = {"Campaign Run ID": 0, "Choice Number": 0}
            if touch.kind == "email_click":
                attributes["Link"] = touch.url or ""
            if touch.kind in ("email_open", "email_click"):
                attributes["Device"] = rng.choice(("Desktop", "Mobile"))
            self._add(lead_id, touch.at, type_id, None, self._asset_id("email", touch.name), email, attributes)

    def _progression(self, lead_id: str, person: Person, touch: Touch) -> None:
        """Program membership moves: registered / filled out the form, and later attended."""
        program = touch.program
        if program is None or program.key not in self.program_ids:
            return
        new_status = {"Webinar": "Registered", "Event": "Registered"}.get(program.type, "Filled-out Form")
        self._add(lead_id, touch.at, 104, PROGRESSION_CAMPAIGN_ID, self.program_ids[program.key], program.name,
                  {"New Status": new_status, "Old Status": "Not in Program", "Success": new_status != "Registered",
                   "Reason": f"Filled out form {touch.name}", "Acquired By": True})
        if program.event_day and program.event_day < clock.AS_OF.date() and touch.at.date() <= program.event_day:
            if self._rng("attended", person.index, program.key).random() < 0.45:
                attended = at_local("Europe/Madrid", program.event_day, 17, 45)
                self._add(lead_id, attended, 104, PROGRESSION_CAMPAIGN_ID, self.program_ids[program.key],
                          program.name, {"New Status": "Attended", "Old Status": "Registered", "Success": True,
                                         "Reason": "Attended", "Acquired By": False})

    # ---------------------------------------------------------------- programs

    def _programs(self) -> None:
        monthly: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
        ad_key = {ad.platform_id: ad.key for ad in catalog.AD_CAMPAIGNS}
        for row in self.spend:
            monthly[ad_key[row.campaign_id]][month_start(row.day)] += row.cost
        programs = list(catalog.PROGRAMS) + list(catalog.paid_programs())
        next_id = 1000 + self._rng("programs").randrange(100)
        for program in sorted(programs, key=lambda p: (p.start, p.key)):
            next_id += self._rng("program", program.key).randint(1, 7)
            self.program_ids[program.key] = str(next_id)
            program_type, channel = PROGRAM_TYPES[program.type]
            created = at_local("Europe/Madrid", program.start - timedelta(days=14), 11, 0)
            costs = sorted(monthly[program.key].items()) or [(month_start(program.start), program.cost)]
            note = _cost_note(program)
            for month, cost in costs:
                self.drop.mk_programs.append(MkProgram(
                    id=str(next_id), name=program.name, type=program_type, channel=channel, cost_start_date=month,
                    cost=cost, cost_note=note, currency=program.currency, created_at=created))


def _cost_note(program: Program) -> str:
    return {"Content": "Writing and design", "Webinar": "Platform and promotion", "Event": "Sponsorship and booth",
            "Email": "Template and copywriting", "Paid Search": "Google Ads spend",
            "Paid Social": "LinkedIn Ads spend"}[program.type]


def _path(url: str | None) -> str:
    if not url:
        return "/"
    return url.split("?", 1)[0].replace(catalog.WEBSITE, "") or "/"


def render_marketo(world: World, book: SalesBook, drop: ExportDrop, seed: int, salesforce_lead_ids: dict[int, str],
                   salesforce_contact_ids: dict[int, str], spend: list[AdSpendDay]) -> None:
    MarketoRenderer(world, book, drop, seed, salesforce_lead_ids, salesforce_contact_ids, spend).render()
