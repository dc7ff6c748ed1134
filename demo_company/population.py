"""The demo company's market: accounts, people and what each person does on the marketing side.

Nothing here belongs to a vendor yet: a person's touches (form fills, emails received, opened and
clicked, page visits) are rendered into HubSpot, Marketo or Salesforce records later, depending on
the systems of the profile.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from . import catalog, clock
from .catalog import AdCampaign, Market, Program, Title
from .clock import at_local, business_moment, next_month, whole_minute

# How marketing people first arrive, with their share.
ARRIVAL_CHANNELS = {
    "organic_search": 0.24, "paid_search": 0.13, "paid_social": 0.10, "social_media": 0.05, "referral": 0.06,
    "direct": 0.08, "email": 0.04, "other_campaigns": 0.03, "event_import": 0.14, "list_import": 0.24,
}
LIST_IMPORTS = (  # (import time in the catalog's calendar, list name: {before} = the year before, {quarter})
    (datetime(2025, 1, 8, 10, 12, tzinfo=UTC), "Legacy CRM contacts (2019-{before})"),
    (datetime(2025, 4, 22, 15, 40, tzinfo=UTC), "Partner co-marketing list - {quarter}"),
    (datetime(2025, 11, 5, 9, 3, tzinfo=UTC), "Partner co-marketing list - {quarter}"),
    (datetime(2026, 6, 10, 11, 27, tzinfo=UTC), "Partner co-marketing list - {quarter}"),
)
REFERRERS = ("g2.com", "capterra.com", "revopsclub.org", "partner.analyticsguild.es", "medium.com")
NURTURE_EMAILS = ((3, "Nurture 1 - Your funnel benchmarks"), (10, "Nurture 2 - Scoring that sales trusts"),
                  (17, "Nurture 3 - The SLA conversation"), (28, "Nurture 4 - See it on your own data"))


def list_imports() -> list[tuple[datetime, str]]:
    """The lists marketing imported, in the calendar in force."""
    imports = []
    for at, name in LIST_IMPORTS:
        at = clock.shifted(at)
        imports.append((at, name.format(before=at.year - 1, quarter=f"Q{(at.month - 1) // 3 + 1} {at.year}")))
    return imports


@dataclass
class Account:
    index: int
    name: str
    domain: str
    market: Market
    industry: str
    employees: int
    annual_revenue: Decimal
    kind: str = "prospect"            # prospect | competitor | internal
    people: list[Person] = field(default_factory=list)

    @property
    def segment(self) -> str:
        return "SMB" if self.employees <= 199 else "Mid-Market" if self.employees <= 999 else "Enterprise"


@dataclass
class Touch:
    at: datetime
    kind: str                  # form | email_delivered | email_open | email_click | email_bounce | web_visit
    name: str                  # form name, email name or page path
    program: Program | None = None
    url: str | None = None
    ad: AdCampaign | None = None


@dataclass
class Person:
    index: int
    first_name: str
    last_name: str
    email: str | None          # the address, lower case
    email_kind: str            # business | personal | competitor | internal | none
    account: Account
    title: Title
    phone: str
    kind: str                  # marketing | outbound | migrated
    fit: float
    engagement: float
    intent: float
    arrival_at: datetime
    channel: str
    typed_email: str | None = None     # as the person types it into forms
    crm_email: str | None = None       # as sales spelled it in the CRM
    ad: AdCampaign | None = None
    import_list: str | None = None
    import_program: Program | None = None
    referrer: str | None = None
    touches: list[Touch] = field(default_factory=list)

    @property
    def market(self) -> Market:
        return self.account.market

    def forms(self) -> list[Touch]:
        return [t for t in self.touches if t.kind == "form"]


@dataclass
class World:
    seed: int
    accounts: list[Account]
    people: list[Person]
    programs: tuple[Program, ...]


# --------------------------------------------------------------------------------------------
# Accounts and people
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def ascii_slug(text: str, separator: str = "") -> str:
    text = text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    text = text.replace("Ü", "Ue").replace("Ö", "Oe").replace("Ä", "Ae")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return separator.join(words)


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _account_name(rng: random.Random, market: Market, taken: set[str]) -> tuple[str, str]:
    for attempt in range(200):
        base = f"{rng.choice(market.company_heads)} {rng.choice(market.company_words)}"
        if attempt > 120:
            base += " " + rng.choice(("Norte", "Sur", "Global", "Digital", "Group", "Holding"))
        domain = f"{ascii_slug(base)}.{market.tld}"
        if domain not in taken:
            taken.add(domain)
            return base + rng.choice(market.company_suffixes), domain
    raise RuntimeError("ran out of company names")


def _employees(rng: random.Random) -> int:
    return max(3, min(25000, int(math.exp(rng.gauss(math.log(140), 1.35)))))


def make_accounts(rng: random.Random, count: int) -> list[Account]:
    taken: set[str] = set()
    accounts = []
    weights = {m: m.weight for m in catalog.MARKETS}
    for index in range(count):
        market = _weighted(rng, weights)
        name, domain = _account_name(rng, market, taken)
        employees = _employees(rng)
        revenue = Decimal(int(employees * rng.uniform(60_000, 220_000) / 1000) * 1000)
        accounts.append(Account(index, name, domain, market, rng.choice(list(catalog.INDUSTRIES)), employees,
                                revenue))
    us = catalog.MARKETS_BY_CODE["US"]
    es = catalog.MARKETS_BY_CODE["ES"]
    accounts.append(Account(count, catalog.COMPETITOR_NAME, catalog.COMPETITOR_DOMAIN, us, "Technology", 180,
                            Decimal("21000000"), kind="competitor"))
    accounts.append(Account(count + 1, catalog.COMPANY_NAME + " S.L.", catalog.COMPANY_DOMAIN, es, "Technology",
                            85, Decimal("9500000"), kind="internal"))
    return accounts


def _title(rng: random.Random, market: Market) -> Title:
    options = [t for t in catalog.TITLES if t.language in ("*", market.language)]
    return rng.choice(options)


def _phone(rng: random.Random, market: Market) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(9))
    return f"{market.phone_prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"


def _local_part(first: str, last: str, rng: random.Random) -> str:
    first_slug, last_slug = ascii_slug(first, "."), ascii_slug(last, ".")
    style = rng.random()
    if style < 0.70:
        return f"{first_slug}.{last_slug}"
    if style < 0.85:
        return f"{first_slug[0]}{last_slug.replace('.', '')}"
    return first_slug.replace(".", "")


def capitalised(email: str) -> str:
    """'ana.garcia@acme.es' -> 'Ana.Garcia@Acme.es', the way people and sales reps often type it."""
    local, domain = email.split("@", 1)
    local = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
    return f"{local}@{domain[:1].upper()}{domain[1:]}"


def _spellings(rng: random.Random, email: str | None) -> tuple[str | None, str | None]:
    if email is None:
        return None, None
    typed = capitalised(email) if rng.random() < 0.10 else email
    roll = rng.random()
    crm = capitalised(email) if roll < 0.18 else email + " " if roll < 0.20 else typed
    return typed, crm


def _arrival(rng: random.Random, market: Market) -> datetime:
    """A day in the simulated window, the business growing (later days more likely)."""
    span = (clock.AS_OF - clock.SIM_START).days
    while True:
        x = rng.random()
        if rng.random() < (1 + 0.9 * x) / 1.9:
            break
    day = (clock.SIM_START + timedelta(days=int(x * span))).date()
    if day.weekday() >= 5 and rng.random() < 0.7:
        day -= timedelta(days=day.weekday() - 4)
    return whole_minute(business_moment(market.timezone, day, rng))


def make_people(rng: random.Random, accounts: list[Account], count: int) -> list[Person]:
    prospects = [a for a in accounts if a.kind == "prospect"]
    competitor = next(a for a in accounts if a.kind == "competitor")
    internal = next(a for a in accounts if a.kind == "internal")
    # Larger accounts have more people in the funnel.
    account_weights = [math.log(a.employees + 10) ** 1.6 for a in prospects]
    migrated_accounts = prospects[: max(2, len(prospects) // 70)]
    migrated_count = min(count // 2, 2 * len(migrated_accounts))
    people: list[Person] = []
    used_emails: set[str] = set()
    for index in range(migrated_count):
        account = migrated_accounts[index % len(migrated_accounts)]
        people.append(_make_person(rng, index, account, "business", "migrated", used_emails))
    for index in range(migrated_count, count):
        roll = rng.random()
        if roll < 0.010:
            account, email_kind, kind = competitor, "competitor", "marketing"
        elif roll < 0.020:
            account, email_kind, kind = internal, "internal", "marketing"
        else:
            account = rng.choices(prospects, weights=account_weights)[0]
            kind = "outbound" if roll < 0.10 else "marketing"
            email_kind = "personal" if kind == "marketing" and rng.random() < 0.09 else "business"
            if kind == "outbound" and rng.random() < 0.04:
                email_kind = "none"
        people.append(_make_person(rng, index, account, email_kind, kind, used_emails))
    return people


def _make_person(rng: random.Random, index: int, account: Account, email_kind: str, kind: str,
                 used_emails: set[str]) -> Person:
    market = account.market
    first, last = rng.choice(market.first_names), rng.choice(market.last_names)
    local = _local_part(first, last, rng)
    domain = {"business": account.domain, "competitor": account.domain, "internal": account.domain,
              "personal": rng.choice(catalog.PERSONAL_DOMAINS), "none": None}[email_kind]
    email = None
    if domain is not None:
        email = f"{local}@{domain}"
        suffix = 2
        while email in used_emails:
            email = f"{local}{suffix}@{domain}"
            suffix += 1
        used_emails.add(email)
    title = _title(rng, market)
    size_fit = 1.0 if 50 <= account.employees <= 5000 else 0.55
    fit = min(1.0, (0.35 + 0.2 * title.seniority) * size_fit * (0.6 if email_kind == "personal" else 1.0)
              + rng.uniform(0, 0.25))
    engagement = rng.betavariate(1.3, 3.2)
    intent = rng.betavariate(1.1, 5.5)
    if email_kind == "competitor":
        engagement, intent = rng.uniform(0.75, 0.95), 0.0
    if email_kind == "internal":
        engagement, intent = rng.uniform(0.3, 0.6), 0.0
    typed, crm = _spellings(rng, email)
    person = Person(index=index, first_name=first, last_name=last, email=email, email_kind=email_kind,
                    account=account, title=title, phone=_phone(rng, market), kind=kind, fit=fit,
                    engagement=engagement, intent=intent, arrival_at=_arrival(rng, market), channel=kind,
                    typed_email=typed, crm_email=crm)
    if kind == "migrated":
        day = clock.shifted(date(2024, 1, 15)) + timedelta(days=rng.randrange(0, 300))
        person.arrival_at = whole_minute(business_moment(market.timezone, day, rng))
    account.people.append(person)
    return person


# --------------------------------------------------------------------------------------------
# Marketing journeys
# --------------------------------------------------------------------------------------------


def _programs_active(programs, day: date, market: str, types: tuple[str, ...]) -> list[Program]:
    return [p for p in programs if p.type in types and p.form_name and p.active(day) and p.targets(market)
            and (p.event_day is None or day <= p.event_day)]


def _utm(ad: AdCampaign | None, source: str | None = None, medium: str | None = None,
         campaign: str | None = None) -> str:
    if ad is not None:
        source, medium = ("google", "cpc") if ad.platform == "google_ads" else ("linkedin", "paid_social")
        campaign = ad.utm_campaign
    if not source:
        return ""
    return f"?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"


def _form(at: datetime, name: str, page: str, program: Program | None, query: str = "",
          ad: AdCampaign | None = None) -> Touch:
    return Touch(at, "form", name, program, f"{catalog.WEBSITE}{page}{query}", ad)


def _first_form(rng: random.Random, person: Person, programs) -> Touch | None:
    day, market, at = person.arrival_at.date(), person.market.code, person.arrival_at
    query = _utm(person.ad)
    if person.channel == "email":
        query = _utm(None, "partner-newsletter", "email", "partner-newsletter")
    offer = person.ad.offer if person.ad else _weighted(
        rng, {"content": 0.57, "webinar": 0.18, "newsletter": 0.19, "hand_raise": 0.06})
    if offer == "hand_raise" and person.ad is not None and rng.random() < 0.6:
        offer = "content"          # most clicks on a demo ad still only take the content offer
    if offer == "hand_raise" and person.email_kind not in ("competitor",):
        name = catalog.DEMO_REQUEST if rng.random() < 0.7 else catalog.CONTACT_SALES
        return _form(at, name, catalog.FORM_PAGES[name], None, query, person.ad)
    if offer == "newsletter":
        return _form(at, catalog.NEWSLETTER_SIGNUP, catalog.FORM_PAGES[catalog.NEWSLETTER_SIGNUP], None, query)
    kinds = ("Webinar",) if offer == "webinar" else ("Content",)
    options = _programs_active(programs, day, market, kinds) or _programs_active(programs, day, market,
                                                                                  ("Content",))
    if not options:
        return _form(at, catalog.NEWSLETTER_SIGNUP, catalog.FORM_PAGES[catalog.NEWSLETTER_SIGNUP], None, query)
    program = rng.choice(options)
    return _form(at, program.form_name, program.page, program, query, person.ad)


def _program(key: str) -> Program:
    return next(p for p in catalog.PROGRAMS if p.key == key)


def newsletter_schedule() -> tuple[tuple[datetime, str], ...]:
    """The monthly newsletter goes out on the first Tuesday at 09:30 Madrid time."""
    return _newsletter_schedule(clock.SIM_START, clock.AS_OF)


@lru_cache(maxsize=4)
def _newsletter_schedule(start: datetime, end: datetime) -> tuple[tuple[datetime, str], ...]:
    sends = []
    month = start.date().replace(day=1)
    while True:
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        sent = at_local("Europe/Madrid", first_tuesday, 9, 30)
        if sent >= end:
            return tuple(sends)
        sends.append((sent, f"Newsletter | {first_tuesday:%B %Y}"))
        month = next_month(month)


def _email_sends(person: Person, first_content: datetime | None) -> list[tuple[datetime, str, Program]]:
    newsletter, nurture = _program("email_newsletter"), _program("email_nurture")
    sends = [(sent, name, newsletter) for sent, name in newsletter_schedule() if sent > person.arrival_at]
    if first_content is not None:
        for days, name in NURTURE_EMAILS:
            sent = whole_minute(first_content + timedelta(days=days, hours=1))
            if sent < clock.AS_OF:
                sends.append((sent, name, nurture))
    return sorted(sends, key=lambda s: s[0])


def _email_touches(rng: random.Random, person: Person, sends) -> list[Touch]:
    touches: list[Touch] = []
    bounces = rng.random() < 0.02
    unsubscribe_rate = 0.004 + 0.01 * (1 - person.engagement)
    open_rate = 0.06 + 0.5 * person.engagement
    click_rate = 0.06 + 0.35 * person.engagement
    for sent, name, program in sends:
        slug = ascii_slug(name, "-")
        if bounces:
            touches.append(Touch(sent, "email_bounce", name, program))
            break
        touches.append(Touch(sent, "email_delivered", name, program))
        if rng.random() < open_rate:
            opened = whole_minute(sent + timedelta(minutes=int(math.exp(rng.gauss(math.log(180), 1.5)))))
            if opened >= clock.AS_OF:
                continue
            touches.append(Touch(opened, "email_open", name, program))
            if rng.random() < click_rate:
                clicked = opened if rng.random() < 0.45 else opened + timedelta(minutes=rng.randint(1, 6))
                if clicked < clock.AS_OF:
                    url = f"{catalog.WEBSITE}/blog/{slug}?utm_source=email&utm_medium=email&utm_campaign={slug}"
                    touches.append(Touch(clicked, "email_click", name, program, url))
        if rng.random() < unsubscribe_rate:
            break
    return touches


def _later_forms(rng: random.Random, person: Person, programs, clicks: list[Touch]) -> list[Touch]:
    """Further form fills: new content and webinars, events in the person's market, hand-raises."""
    forms = []
    start = person.arrival_at
    take_rate = (0.015 + 0.2 * person.engagement) * (0.5 if person.import_list else 1.0)
    for program in programs:
        if not program.form_name or not program.targets(person.market.code) or program.type == "Event":
            continue
        window_end = min(program.event_day or program.end, clock.AS_OF.date() - timedelta(days=1))
        window_start = max(program.start, start.date() + timedelta(days=1))
        if window_start > window_end or rng.random() >= take_rate:
            continue
        at = _moment_in(rng, person, window_start, window_end)
        in_window = [c for c in clicks if window_start <= c.at.date() <= window_end]
        if in_window and rng.random() < 0.35:
            at = rng.choice(in_window).at       # filled straight from an email click
        forms.append(_form(at, program.form_name, program.page, program))
    for program in programs:
        if program.type == "Event" and program.targets(person.market.code) and program.start > start.date():
            if rng.random() < 0.12 * person.engagement:
                day_before = min(program.event_day, clock.AS_OF.date()) - timedelta(days=1)
                forms.append(_form(_moment_in(rng, person, program.start, day_before), program.form_name,
                                   program.page, program))
    if rng.random() < person.intent * 0.35 and not any(
            f.name in catalog.HAND_RAISE_FORMS for f in forms + person.touches):
        at = whole_minute(start + timedelta(minutes=int(rng.expovariate(1 / (50 * 1440)))))
        if at < clock.AS_OF:
            name = catalog.DEMO_REQUEST if rng.random() < 0.72 else catalog.CONTACT_SALES
            forms.append(_form(at, name, catalog.FORM_PAGES[name], None))
    return forms


def _moment_in(rng: random.Random, person: Person, first: date, last: date) -> datetime:
    day = first + timedelta(days=int(min((last - first).days, rng.expovariate(1 / 18))))
    moment = whole_minute(business_moment(person.market.timezone, day, rng))
    return min(moment, clock.AS_OF - timedelta(minutes=1))


def _internal_tests(rng: random.Random, person: Person) -> list[Touch]:
    """Colleagues testing the website forms after releases, the demo form included."""
    forms = []
    for _ in range(rng.randint(2, 5)):
        at = whole_minute(person.arrival_at + timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 600)))
        if at < clock.AS_OF:
            name = rng.choice((catalog.DEMO_REQUEST, catalog.CONTACT_SALES, catalog.NEWSLETTER_SIGNUP))
            forms.append(_form(at, name, catalog.FORM_PAGES[name] + "?test=1", None))
    return forms


def _web_visits(rng: random.Random, person: Person, touches: list[Touch]) -> list[Touch]:
    """Page views (tracked by Marketo): the landing page of each form, pages after email clicks, browsing."""
    visits = []
    for touch in touches:
        if touch.kind == "form" and touch.url:
            visits.append(Touch(touch.at, "web_visit", touch.url.split("?")[0].replace(catalog.WEBSITE, ""),
                                touch.program, touch.url))
        elif touch.kind == "email_click" and touch.url:
            at = touch.at + timedelta(minutes=rng.choice((0, 0, 1)))
            visits.append(Touch(at, "web_visit", touch.url.split("?")[0].replace(catalog.WEBSITE, ""),
                                touch.program, touch.url))
    months = max(0.0, (clock.AS_OF - person.arrival_at).days / 30)
    for _ in range(int(rng.expovariate(1 / max(0.01, 0.5 * person.engagement * months)))):
        at = _moment_in(rng, person, person.arrival_at.date(), clock.AS_OF.date() - timedelta(days=1))
        page = rng.choice(("/pricing", "/product", "/customers", "/blog", "/integrations/salesforce",
                           "/integrations/hubspot"))
        visits.append(Touch(at, "web_visit", page, None, f"{catalog.WEBSITE}{page}"))
    return [v for v in visits if person.arrival_at <= v.at < clock.AS_OF]


def build_journey(rng: random.Random, person: Person, programs) -> None:
    """Decide how a marketing person arrives and everything they do until the as-of date."""
    if person.kind != "marketing":
        return
    channel = _weighted(rng, ARRIVAL_CHANNELS)
    if person.email_kind in ("internal", "competitor"):
        channel = "direct" if person.email_kind == "internal" else "organic_search"
    if channel in ("paid_search", "paid_social"):
        platform = "google_ads" if channel == "paid_search" else "linkedin_ads"
        ads = [a for a in catalog.AD_CAMPAIGNS if a.platform == platform and a.active(person.arrival_at.date())
               and person.market.code in a.markets]
        if ads:
            person.ad = rng.choice(ads)
        else:
            channel = "organic_search"
    person.channel = channel
    touches: list[Touch] = []
    if channel == "list_import":
        eligible = [(at, name) for at, name in list_imports() if at < clock.AS_OF]
        person.arrival_at, person.import_list = rng.choice(eligible)
    elif channel == "event_import":
        events = [p for p in programs if p.type == "Event" and p.targets(person.market.code)
                  and p.event_day + timedelta(days=2) < clock.AS_OF.date()]
        if events:
            event = rng.choice(events)
            person.arrival_at = at_local("Europe/Madrid", event.event_day + timedelta(days=2), 10, 5)
            person.import_list = f"{event.name.removeprefix('Event - ')} - badge scans"
            person.import_program = event
        else:
            person.channel = channel = "list_import"
            person.arrival_at, person.import_list = list_imports()[0]
    else:
        if channel == "referral":
            person.referrer = rng.choice(REFERRERS)
        first = _first_form(rng, person, programs)
        touches.append(first)
    if person.email_kind == "internal":
        touches.extend(_internal_tests(rng, person))
    first_content = next((t.at for t in touches if t.program is not None and t.program.type == "Content"), None)
    emails = _email_touches(rng, person, _email_sends(person, first_content))
    clicks = [t for t in emails if t.kind == "email_click"]
    person.touches = touches + emails
    if person.email_kind != "internal":
        person.touches.extend(_later_forms(rng, person, programs, clicks))
    if rng.random() < 0.004:
        at = _moment_in(rng, person, person.arrival_at.date() + timedelta(days=1),
                        clock.AS_OF.date() - timedelta(days=1))
        person.touches.append(_form(at, catalog.CUSTOMER_REFERRAL, catalog.FORM_PAGES[catalog.CUSTOMER_REFERRAL],
                                    None))
    person.touches.extend(_web_visits(rng, person, person.touches))
    person.touches = sorted((t for t in person.touches if person.arrival_at <= t.at < clock.AS_OF),
                            key=lambda t: (t.at, t.kind))


def build_world(people: int, seed: int) -> World:
    rng = random.Random(f"{seed}:world")
    accounts = make_accounts(rng, max(6, people // 4))
    population = make_people(rng, accounts, people)
    programs = catalog.PROGRAMS
    journeys = random.Random(f"{seed}:journeys")
    for person in population:
        build_journey(journeys, person, programs)
    return World(seed=seed, accounts=accounts, people=population, programs=programs)
