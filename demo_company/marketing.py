"""Marketing automation's own view of people: vendor scoring, vendor MQL and the handoff to sales.

HubSpot and Marketo each score people with their own rules (demographic fit plus behaviour), and
their MQL is what triggers the handoff to Salesforce. Those vendor rules deliberately differ from
the governed definitions in ``funnel_definitions.yml``: the warehouse recomputes MQL itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import catalog, clock
from .population import Person, Touch
from .sales import Handoff

HUBSPOT_MQL_SCORE = 45
MARKETO_MQL_SCORE = 60

SALESFORCE_LEAD_SOURCES = {
    "organic_search": "Web", "paid_search": "Paid Search", "paid_social": "Paid Social",
    "social_media": "Social Media", "referral": "Partner Referral", "direct": "Web", "email": "Email",
    "other_campaigns": "Other", "event_import": "Trade Show", "list_import": "Purchased List",
}
HUBSPOT_SOURCES = {
    "organic_search": "ORGANIC_SEARCH", "paid_search": "PAID_SEARCH", "paid_social": "PAID_SOCIAL",
    "social_media": "SOCIAL_MEDIA", "referral": "REFERRALS", "direct": "DIRECT_TRAFFIC",
    "email": "EMAIL_MARKETING", "other_campaigns": "OTHER_CAMPAIGNS", "event_import": "OFFLINE",
    "list_import": "OFFLINE",
}
MARKETO_LEAD_SOURCES = {
    "organic_search": "Website", "paid_search": "Paid Search", "paid_social": "Paid Social",
    "social_media": "Social", "referral": "Referral", "direct": "Website", "email": "Email",
    "other_campaigns": "Other", "event_import": "Trade Show", "list_import": "List Import",
}

def form_kind(form_name: str) -> str:
    """How marketing thinks of a form (its own taxonomy, not the governed classification)."""
    if form_name in catalog.HAND_RAISE_FORMS:
        return "hand_raise"
    if form_name == catalog.NEWSLETTER_SIGNUP:
        return "newsletter"
    if form_name in catalog.ADVOCACY_FORMS:
        return "advocacy"
    return {"Content": "content", "Webinar": "webinar", "Event": "event"}.get(
        next((p.type for p in catalog.PROGRAMS if p.form_name == form_name), None), "other")


@dataclass(frozen=True)
class ScoreChange:
    at: datetime
    delta: int
    total: int
    reason: str


@dataclass(frozen=True)
class ScoringModel:
    """A vendor's lead-scoring setup: demographic points once, behavioural points per activity."""
    senior_title: int
    large_company: int
    personal_email: int
    forms: dict[str, int]
    email_open: int
    email_click: int
    web_visit: int
    pricing_visit: int
    max_open_points: int | None
    threshold: int

    def fit_points(self, person: Person) -> list[tuple[int, str]]:
        points = []
        if person.title.seniority >= 2:
            points.append((self.senior_title, "Senior job title"))
        if person.account.employees >= 200 and person.email_kind == "business":
            points.append((self.large_company, "Company size 200+"))
        if person.email_kind == "personal":
            points.append((self.personal_email, "Free email domain"))
        return points

    def activity_points(self, touch: Touch) -> tuple[int, str] | None:
        if touch.kind == "form":
            return self.forms[form_kind(touch.name)], f"Filled out form: {touch.name}"
        if touch.kind == "email_open" and self.email_open:
            return self.email_open, "Opened email"
        if touch.kind == "email_click":
            return self.email_click, "Clicked email"
        if touch.kind == "web_visit" and self.web_visit:
            return (self.pricing_visit if touch.name == "/pricing" else self.web_visit), "Visited web page"
        return None

    def changes(self, person: Person, created_at: datetime, touches: list[Touch]) -> list[ScoreChange]:
        total, open_points, changes = 0, 0, []
        for delta, reason in self.fit_points(person):
            total += delta
            changes.append(ScoreChange(created_at, delta, total, reason))
        for touch in touches:
            points = self.activity_points(touch)
            if points is None:
                continue
            delta, reason = points
            if touch.kind == "email_open" and self.max_open_points is not None:
                delta = min(delta, self.max_open_points - open_points)
                open_points += delta
            if delta:
                total += delta
                changes.append(ScoreChange(touch.at, delta, total, reason))
        return changes

    def mql_trigger(self, person: Person, created_at: datetime, touches: list[Touch]) -> datetime | None:
        """First hand-raise form or first time the vendor score reaches the vendor threshold."""
        hand_raise = next((t.at for t in touches if t.kind == "form" and form_kind(t.name) == "hand_raise"), None)
        scored = next((c.at for c in self.changes(person, created_at, touches) if c.total >= self.threshold), None)
        candidates = [t for t in (hand_raise, scored) if t is not None]
        return min(candidates) if candidates else None


HUBSPOT_SCORING = ScoringModel(
    senior_title=10, large_company=10, personal_email=-10,
    forms={"hand_raise": 30, "content": 10, "webinar": 10, "newsletter": 3, "event": 8, "advocacy": 5, "other": 5},
    email_open=1, email_click=3, web_visit=0, pricing_visit=0, max_open_points=10, threshold=HUBSPOT_MQL_SCORE)

MARKETO_SCORING = ScoringModel(
    senior_title=15, large_company=10, personal_email=-20,
    forms={"hand_raise": 60, "content": 15, "webinar": 10, "newsletter": 5, "event": 10, "advocacy": 5, "other": 8},
    email_open=1, email_click=4, web_visit=1, pricing_visit=5, max_open_points=None, threshold=MARKETO_MQL_SCORE)


def marketing_created_at(person: Person) -> datetime | None:
    """When the person's record appears in marketing automation: arrival, or a later first form."""
    if person.kind == "marketing":
        return person.arrival_at
    forms = person.forms()
    return forms[0].at if forms else None


def vendor_mql_at(person: Person, model: ScoringModel, seed: int, system: str) -> datetime | None:
    """The vendor's MQL instant: the trigger, often plus a workflow's few minutes of delay."""
    created = marketing_created_at(person)
    if created is None:
        return None
    trigger = model.mql_trigger(person, created, person.touches)
    if trigger is None:
        return None
    delay = random.Random(f"{seed}:{system}-mql:{person.index}").choice((0, 0, 0, 1, 2, 3, 5, 9))
    mql = trigger + timedelta(minutes=delay)
    return mql if mql < clock.AS_OF else None


def automation_handoffs(people: list[Person], model: ScoringModel, seed: int, system: str) -> list[Handoff]:
    """Vendor MQLs synced to the CRM as new leads a few minutes later."""
    handoffs = []
    for person in people:
        if person.kind != "marketing":
            continue
        mql = vendor_mql_at(person, model, seed, system)
        if mql is None:
            continue
        synced = mql + timedelta(minutes=random.Random(f"{seed}:{system}-sync:{person.index}").randint(2, 12))
        if synced < clock.AS_OF:
            handoffs.append(Handoff(person, synced, synced, "marketing", SALESFORCE_LEAD_SOURCES[person.channel]))
    return handoffs


def web_to_lead_handoffs(people: list[Person]) -> list[Handoff]:
    """Without marketing automation, every website form creates a Salesforce lead (Web-to-Lead) owned by the
    nurture queue; a hand-raise or a third form routes it to an SDR."""
    handoffs = []
    for person in people:
        if person.kind != "marketing":
            continue
        forms = person.forms()
        if not forms:
            continue
        created = forms[0].at + timedelta(minutes=1)
        hand_raise = next((f.at for f in forms if form_kind(f.name) == "hand_raise"), None)
        third = forms[2].at if len(forms) >= 3 else None
        routing = [t for t in (hand_raise, third) if t is not None]
        routed = max(created, min(routing) + timedelta(minutes=1)) if routing else None
        if routed is not None and routed >= clock.AS_OF:
            routed = None
        if created < clock.AS_OF:
            handoffs.append(Handoff(person, created, routed, "web", SALESFORCE_LEAD_SOURCES.get(person.channel, "Web")))
    return handoffs
