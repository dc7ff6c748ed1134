"""The demo company's fixed facts: markets, names, team, marketing programs and ad campaigns.

Smarketing Demo S.L. is a Madrid-based B2B software company (corporate currency EUR) selling a
revenue-analytics product in Spain, Mexico, Colombia, Argentina, the US, the UK and Germany.

The dated facts (``TEAM``, ``TEAM_BY_KEY``, ``CONTENT_TEAM``, ``PROGRAMS``, ``AD_CAMPAIGNS``) are written in the calendar
that ends on ``clock.CANONICAL_AS_OF`` and read through the calendar in force (``clock.as_of``): read
them as ``catalog.PROGRAMS`` when they are used, never copied at import. A name that carries a year
(an event, a yearly ebook) takes it from its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from . import clock

COMPANY_NAME = "Smarketing Demo"
COMPANY_DOMAIN = "smarketing-demo.com"
WEBSITE = "https://www.smarketing-demo.com"
COMPETITOR_NAME = "RivalMetrics"
COMPETITOR_DOMAIN = "rivalmetrics.io"
PERSONAL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "icloud.com")


@dataclass(frozen=True)
class Market:
    code: str
    name: str               # country name as the CRMs store it
    timezone: str
    currency: str           # deal currency
    tld: str
    weight: float           # share of accounts
    phone_prefix: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    company_heads: tuple[str, ...]
    company_words: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    language: str


_SPANISH_FIRST = ("Ana", "María", "Lucía", "Carmen", "Laura", "Marta", "Elena", "Paula", "Sara", "Cristina",
                  "Javier", "David", "Carlos", "Daniel", "Pablo", "Alejandro", "Sergio", "Jorge", "Álvaro",
                  "Miguel", "Raúl", "Irene", "Nuria", "Andrés", "Beatriz", "Rocío", "Íñigo", "Teresa")
_SPANISH_LAST = ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
                 "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
                 "Romero", "Navarro", "Torres", "Domínguez", "Gil", "Vázquez", "Serrano", "Ramos", "Blanco",
                 "Molina", "Ortega", "Castro", "Ortiz", "Iglesias", "Peña")
_LATAM_FIRST = ("Guadalupe", "Alejandra", "Fernanda", "Valentina", "Camila", "Mariana", "Diego", "Luis",
                "José", "Santiago", "Mateo", "Sebastián", "Felipe", "Martina", "Sofía", "Gabriela", "Ricardo",
                "Eduardo", "Ximena", "Juliana", "Andrés", "Carolina", "Nicolás", "Daniela", "Tomás")
_LATAM_LAST = ("Hernández", "López", "Ramírez", "Flores", "Torres", "Rivera", "Gómez", "Vargas", "Castillo",
               "Morales", "Reyes", "Cruz", "Ortiz", "Rojas", "Suárez", "Restrepo", "Ospina", "Londoño",
               "Fernández", "Pereyra", "Sosa", "Acosta", "Benítez", "Medina", "Aguilar", "Mendoza", "Quintero")

MARKETS = (
    Market("ES", "Spain", "Europe/Madrid", "EUR", "es", 0.30, "+34",
           _SPANISH_FIRST, _SPANISH_LAST,
           ("Grupo", "Soluciones", "Industrias", "Tecnologías", "Distribuciones", "Servicios", "Laboratorios",
            "Logística", "Construcciones", "Seguros", "Viajes", "Alimentación"),
           ("Alba", "Cierzo", "Nazarí", "Ebro", "Turia", "Atlántica", "Mediterránea", "Castellana", "Bética",
            "Duero", "Miño", "Levante", "Pirineo", "Ibérica", "Tajo", "Moncayo", "Almenara", "Gredos", "Teide",
            "Acme", "Cantábrica", "Sierra Nevada", "Guadiana", "Segura"),
           ("", " SL", " SA"), "es"),
    Market("MX", "Mexico", "America/Mexico_City", "USD", "com.mx", 0.12, "+52",
           _LATAM_FIRST, _LATAM_LAST,
           ("Grupo", "Comercializadora", "Servicios", "Tecnología", "Industrias", "Soluciones", "Distribuidora",
            "Corporativo", "Logística", "Farmacéutica"),
           ("Azteca", "Anáhuac", "del Bajío", "Sierra Madre", "Pacífico", "Tulum", "Norteña", "Jalisco",
            "Maya", "Cenote", "Querétaro", "Sonora", "Chapultepec", "Huasteca", "Yucateca", "Bravo"),
           ("", " SA de CV"), "es"),
    Market("CO", "Colombia", "America/Bogota", "USD", "com.co", 0.08, "+57",
           _LATAM_FIRST, _LATAM_LAST,
           ("Grupo", "Soluciones", "Comercial", "Inversiones", "Servicios", "Tecnología", "Distribuciones",
            "Logística"),
           ("Andina", "Cafetera", "Caribe", "Magdalena", "Antioquia", "Pacífica", "Llanos", "Cundinamarca",
            "Guajira", "Sabana", "Tayrona", "Quindío", "Cauca", "Boyacá"),
           ("", " SAS"), "es"),
    Market("AR", "Argentina", "America/Argentina/Buenos_Aires", "USD", "com.ar", 0.06, "+54",
           _LATAM_FIRST, _LATAM_LAST,
           ("Grupo", "Soluciones", "Compañía", "Servicios", "Tecnología", "Distribuidora", "Agro"),
           ("Pampa", "Austral", "del Plata", "Patagónica", "Cuyo", "Porteña", "Litoral", "Andes", "Riachuelo",
            "Tandil", "Iguazú", "Aconcagua"),
           ("", " SA", " SRL"), "es"),
    Market("US", "United States", "America/New_York", "USD", "com", 0.22, "+1",
           ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Ashley", "Ryan", "Megan",
            "Kevin", "Lauren", "Brian", "Rachel", "Jason", "Amanda", "Tyler", "Nicole", "Priya", "Wei",
            "Carlos", "Aisha", "Marcus", "Olivia"),
           ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
            "Taylor", "Thomas", "Moore", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
            "Walker", "Patel", "Nguyen", "Kim", "Chen", "Garcia", "Brooks"),
           ("Summit", "Northwind", "Bluebird", "Cascade", "Ironwood", "Lakeside", "Redwood", "Keystone",
            "Granite", "Harbor", "Pioneer", "Evergreen", "Silverline", "Beacon", "Clearwater", "Brightpath"),
           ("Analytics", "Software", "Logistics", "Health", "Labs", "Systems", "Financial", "Networks",
            "Robotics", "Media", "Insurance", "Retail", "Energy", "Foods"),
           (" Inc.", " LLC", ""), "en"),
    Market("UK", "United Kingdom", "Europe/London", "EUR", "co.uk", 0.12, "+44",
           ("Oliver", "Harry", "George", "Jack", "Charlotte", "Amelia", "Olivia", "Emily", "Sophie", "Thomas",
            "James", "William", "Grace", "Lucy", "Hannah", "Daniel", "Chloe", "Sam", "Isla", "Freddie"),
           ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Hughes",
            "Clarke"),
           ("Thames", "Pennine", "Albion", "Cotswold", "Brighton", "Highland", "Mersey", "Kestrel", "Windsor",
            "Severn", "Chiltern", "Solent", "Tyne", "Avon"),
           ("Digital", "Consulting", "Partners", "Systems", "Software", "Retail", "Insurance", "Logistics",
            "Health", "Energy", "Media", "Finance"),
           (" Ltd", " plc", ""), "en"),
    Market("DE", "Germany", "Europe/Berlin", "EUR", "de", 0.10, "+49",
           ("Lukas", "Leon", "Jonas", "Felix", "Maximilian", "Paul", "Anna", "Lena", "Lea", "Hannah", "Sophie",
            "Laura", "Julia", "Katharina", "Tobias", "Stefan", "Jan", "Sabine", "Jürgen", "Miriam"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
            "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
            "Schwarz", "Zimmermann"),
           ("Rhein", "Alpen", "Nord", "Spree", "Bayern", "Elbe", "Main", "Schwarzwald", "Hanse", "Isar",
            "Weser", "Ruhr", "Mosel", "Neckar"),
           ("Technik", "Logistik", "Software", "Systeme", "Versicherung", "Maschinenbau", "Handel", "Digital",
            "Energie", "Medien", "Pharma", "Bau"),
           (" GmbH", " AG", ""), "de"),
)
MARKETS_BY_CODE = {market.code: market for market in MARKETS}
# The sales region each market belongs to.
SALES_REGIONS = {"ES": "Europe", "UK": "Europe", "DE": "Europe", "US": "North America",
                 "MX": "Latin America", "CO": "Latin America", "AR": "Latin America"}
LATAM = ("MX", "CO", "AR")
EMEA = ("ES", "UK", "DE")

# Salesforce standard Industry picklist value -> HubSpot industry label.
INDUSTRIES = {
    "Technology": "Computer Software",
    "Finance": "Financial Services",
    "Retail": "Retail",
    "Manufacturing": "Machinery",
    "Healthcare": "Hospital & Health Care",
    "Transportation": "Logistics and Supply Chain",
    "Education": "Education Management",
    "Media": "Marketing and Advertising",
    "Consulting": "Management Consulting",
    "Telecommunications": "Telecommunications",
    "Energy": "Oil & Energy",
    "Insurance": "Insurance",
}


@dataclass(frozen=True)
class Title:
    name: str
    seniority: int   # 0 individual contributor .. 3 executive
    language: str    # "en", "es", "de" or "*" for any


TITLES = (
    Title("CMO", 3, "*"), Title("CEO", 3, "*"), Title("CFO", 3, "*"), Title("VP Marketing", 3, "en"),
    Title("Head of Demand Generation", 2, "en"), Title("Marketing Manager", 1, "*"),
    Title("Marketing Operations Manager", 1, "en"), Title("RevOps Lead", 2, "en"),
    Title("Sales Director", 2, "en"), Title("Growth Marketer", 0, "en"), Title("Data Analyst", 0, "en"),
    Title("Marketing Coordinator", 0, "en"), Title("Head of Sales Operations", 2, "en"),
    Title("Directora de Marketing", 3, "es"), Title("Director Comercial", 2, "es"),
    Title("Responsable de Marketing Digital", 1, "es"), Title("Gerente de Ventas", 2, "es"),
    Title("Analista de Datos", 0, "es"), Title("Coordinadora de Marketing", 0, "es"),
    Title("Jefe de Operaciones Comerciales", 2, "es"),
    Title("Leiter Marketing", 2, "de"), Title("Vertriebsleiter", 2, "de"), Title("Geschäftsführer", 3, "de"),
    Title("Marketing Referentin", 0, "de"), Title("Werkstudent Marketing", 0, "de"),
)


# --------------------------------------------------------------------------------------------
# The team (Salesforce users). Sales development reps and account executives cover markets.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamMember:
    key: str
    first_name: str
    last_name: str
    title: str
    department: str
    role: str
    timezone: str
    markets: tuple[str, ...] = ()
    joined: date = field(kw_only=True)
    left: date | None = None

    @property
    def email(self) -> str:
        local = f"{self.first_name}.{self.last_name}".lower()
        for accented, plain in (("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ñ", "n")):
            local = local.replace(accented, plain)
        return f"{local}@{COMPANY_DOMAIN}"


def team_for(role: str, market: str, on: date) -> list[TeamMember]:
    """Members with `role` covering `market` and employed on `on`."""
    return [m for m in _dated(clock.SHIFT)["TEAM"] if m.role == role and market in m.markets and m.joined <= on
            and (m.left is None or on < m.left)]


# --------------------------------------------------------------------------------------------
# Forms and marketing programs (Salesforce campaigns, Marketo programs).
# --------------------------------------------------------------------------------------------

DEMO_REQUEST = "Demo request"
CONTACT_SALES = "Contact sales"
NEWSLETTER_SIGNUP = "Newsletter signup"
CUSTOMER_REFERRAL = "Customer referral"
CASE_STUDY = "Case study participation"
HAND_RAISE_FORMS = (DEMO_REQUEST, CONTACT_SALES)
ADVOCACY_FORMS = (CUSTOMER_REFERRAL, CASE_STUDY)

FORM_PAGES = {
    DEMO_REQUEST: "/demo",
    CONTACT_SALES: "/contact-sales",
    NEWSLETTER_SIGNUP: "/blog",
    CUSTOMER_REFERRAL: "/customers/refer-a-friend",
    CASE_STUDY: "/customers/case-studies/participate",
}


@dataclass(frozen=True)
class Program:
    key: str
    name: str               # Salesforce campaign name, Marketo program name
    type: str               # Salesforce Campaign Type
    start: date
    end: date
    cost: Decimal           # total actual cost (paid programs: filled from ad spend)
    currency: str
    form_name: str | None = None
    page: str | None = None
    markets: tuple[str, ...] = ()   # empty = every market
    event_day: date | None = None   # webinar / event date

    def active(self, day: date) -> bool:
        return self.start <= day <= self.end

    def targets(self, market: str) -> bool:
        return not self.markets or market in self.markets


def _content(key, name, form, page, start, end, cost, markets=(), currency="EUR") -> Program:
    """`{year}` in the name, form and page is the year the content came out."""
    name, form, page = (text.format(year=start.year) for text in (name, form, page))
    return Program(key, name, "Content", start, end, Decimal(cost), currency, form, page, markets)


def _webinar(key, title, day, page, markets=(), cost="1200") -> Program:
    return Program(key, f"Webinar - {title}", "Webinar", day - timedelta(days=28), day + timedelta(days=45),
                   Decimal(cost), "EUR", f"Webinar registration: {title}", page, markets, day)


def _event(key, title, day, markets, cost, currency="EUR") -> Program:
    """`{year}` in the title is the year of the event."""
    title = title.format(year=day.year)
    return Program(key, f"Event - {title}", "Event", day - timedelta(days=42), day + timedelta(days=7),
                   Decimal(cost), currency, f"Event registration: {title}", "/events", markets, day)




@dataclass(frozen=True)
class AdCampaign:
    key: str
    platform: str           # google_ads | linkedin_ads
    name: str               # name in the ad platform
    platform_id: str
    currency: str
    utm_campaign: str
    channel: str            # paid_search | paid_social
    program_name: str       # the Salesforce campaign that carries its cost and members
    markets: tuple[str, ...]
    start: date
    end: date
    daily_budget: Decimal
    cost_per_click: Decimal
    click_through_rate: float
    offer: str              # hand_raise | content | webinar

    def active(self, day: date) -> bool:
        return self.start <= day <= self.end




def paid_programs() -> tuple[Program, ...]:
    """One Salesforce campaign per ad campaign; its actual cost is the ad spend."""
    types = {"paid_search": "Paid Search", "paid_social": "Paid Social"}
    return tuple(
        Program(ad.key, ad.program_name, types[ad.channel], ad.start, ad.end, Decimal("0"), ad.currency,
                markets=ad.markets)
        for ad in _dated(clock.SHIFT)["AD_CAMPAIGNS"]
    )


LEAD_DISQUALIFICATION_REASONS = (
    "No budget", "Not a fit - company too small", "No decision-making authority", "Already using a competitor",
    "Student / job seeker",
)
LEAD_RECYCLE_REASONS = ("Not ready - timing", "No response after 6 attempts", "Early research - nurture")


@lru_cache(maxsize=8)
def _dated(shift: timedelta) -> dict[str, tuple | dict]:
    """The team, programs and ad campaigns with their dates moved by `shift` (whole weeks)."""

    def day(year: int, month: int, dom: int) -> date:
        return date(year, month, dom) + shift

    hired = day(2023, 9, 4)
    team = (
        TeamMember("vp_sales", "Elena", "Castro", "VP Sales", "Sales", "Sales Leadership", "Europe/Madrid",
                   joined=hired),
        TeamMember("head_sdr", "Javier", "Ruiz", "Head of Sales Development", "Sales", "Sales Leadership",
                   "Europe/Madrid", joined=hired),
        TeamMember("marketing_ops", "Lucía", "Navarro", "Marketing Operations Manager", "Marketing", "Marketing",
                   "Europe/Madrid", joined=hired),
        TeamMember("integration", "Integration", "User", "Integration", "Marketing Operations", "System",
                   "Europe/Madrid", joined=day(2023, 6, 1)),
        TeamMember("sdr_es_1", "Pablo", "Ortega", "Sales Development Representative", "Sales", "SDR",
                   "Europe/Madrid", ("ES",), joined=hired),
        TeamMember("sdr_es_2", "Marta", "Gil", "Sales Development Representative", "Sales", "SDR",
                   "Europe/Madrid", ("ES",), left=day(2026, 2, 13), joined=hired),
        TeamMember("sdr_es_3", "Irene", "Molina", "Sales Development Representative", "Sales", "SDR",
                   "Europe/Madrid", ("ES",), joined=day(2026, 1, 12)),
        TeamMember("sdr_mx", "Diego", "Hernández", "Sales Development Representative", "Sales", "SDR",
                   "America/Mexico_City", ("MX",), joined=hired),
        TeamMember("sdr_co", "Valentina", "Rojas", "Sales Development Representative", "Sales", "SDR",
                   "America/Bogota", ("CO",), joined=hired),
        TeamMember("sdr_ar", "Martina", "Sosa", "Sales Development Representative", "Sales", "SDR",
                   "America/Argentina/Buenos_Aires", ("AR",), joined=hired),
        TeamMember("sdr_us_1", "Tyler", "Brooks", "Sales Development Representative", "Sales", "SDR",
                   "America/New_York", ("US",), joined=hired),
        TeamMember("sdr_us_2", "Megan", "Clark", "Sales Development Representative", "Sales", "SDR",
                   "America/New_York", ("US",), joined=hired),
        TeamMember("sdr_uk", "Sophie", "Hughes", "Sales Development Representative", "Sales", "SDR",
                   "Europe/London", ("UK",), joined=hired),
        TeamMember("sdr_de", "Jonas", "Becker", "Sales Development Representative", "Sales", "SDR",
                   "Europe/Berlin", ("DE",), joined=hired),
        TeamMember("ae_es", "Carlos", "Domínguez", "Account Executive", "Sales", "Account Executive",
                   "Europe/Madrid", ("ES",), joined=hired),
        TeamMember("ae_latam", "Fernanda", "Reyes", "Account Executive", "Sales", "Account Executive",
                   "America/Mexico_City", LATAM, joined=hired),
        TeamMember("ae_us", "James", "Walker", "Account Executive", "Sales", "Account Executive",
                   "America/New_York", ("US",), joined=hired),
        TeamMember("ae_uk", "Oliver", "Wright", "Account Executive", "Sales", "Account Executive",
                   "Europe/London", ("UK",), joined=hired),
        TeamMember("ae_de", "Hannah", "Wagner", "Account Executive", "Sales", "Account Executive",
                   "Europe/Berlin", ("DE",), joined=hired),
    )
    # Marketing people who write and design content but hold no CRM seat (not Salesforce users): with
    # the marketing operations manager, the marketing side of the content calendar's credits.
    content_team = (
        TeamMember("content_lead", "Sara", "Iglesias", "Content Marketing Manager", "Marketing", "Content",
                   "Europe/Madrid", joined=day(2024, 3, 4)),
        TeamMember("product_marketing", "Daniel", "Moreno", "Product Marketing Manager", "Marketing", "Content",
                   "Europe/Madrid", joined=hired),
        TeamMember("designer", "Nora", "Keller", "Brand Designer", "Marketing", "Content", "Europe/Berlin",
                   joined=hired, left=day(2026, 6, 30)),
        TeamMember("designer_2", "Paula", "Serrano", "Brand Designer", "Marketing", "Content", "Europe/Madrid",
                   joined=day(2026, 6, 1)),
    )
    programs = (
        _content("ebook_benchmarks_2025", "Ebook - B2B Funnel Benchmarks {year}",
                 "Ebook download: B2B Funnel Benchmarks {year}", "/resources/ebook-b2b-funnel-benchmarks-{year}",
                 day(2025, 1, 13), day(2025, 12, 31), "4200.00"),
        _content("whitepaper_attribution", "Whitepaper - Multi-touch Attribution Without the Hype",
                 "Whitepaper: Multi-touch attribution without the hype", "/resources/whitepaper-attribution",
                 day(2025, 4, 7), day(2026, 10, 31), "3500.00"),
        _content("guia_embudo", "Content - Guía del embudo B2B", "Descarga e-book: Guía del embudo B2B",
                 "/es/recursos/guia-embudo-b2b", day(2025, 6, 2), day(2026, 10, 31), "2600.00",
                 ("ES",) + LATAM),
        _content("ebook_lead_scoring", "Ebook - Lead Scoring Playbook", "Ebook download: Lead scoring playbook",
                 "/resources/ebook-lead-scoring-playbook", day(2025, 9, 8), day(2026, 10, 31), "3800.00"),
        _content("ebook_benchmarks_2026", "Ebook - B2B Funnel Benchmarks {year}",
                 "Ebook download: B2B Funnel Benchmarks {year}", "/resources/ebook-b2b-funnel-benchmarks-{year}",
                 day(2026, 1, 19), day(2026, 10, 31), "4500.00"),
        _content("whitepaper_revops_latam", "Whitepaper - RevOps in LATAM {year}", "Whitepaper: RevOps in LATAM {year}",
                 "/es/recursos/whitepaper-revops-latam-{year}", day(2026, 3, 2), day(2026, 10, 31), "3000.00",
                 LATAM, "USD"),
        _webinar("webinar_pipeline_reviews", "Pipeline Reviews That Work", day(2025, 3, 20),
                 "/webinars/pipeline-reviews"),
        _webinar("webinar_slas", "Marketing and Sales SLAs", day(2025, 6, 12), "/webinars/marketing-sales-slas"),
        _webinar("webinar_mql_to_revenue", "From MQL to Revenue", day(2025, 10, 16), "/webinars/mql-to-revenue"),
        _webinar("webinar_attribution_cfo", "Attribution for CFOs", day(2026, 2, 19), "/webinars/attribution-cfos"),
        _webinar("webinar_demo_day", "Product Demo Day", day(2026, 5, 21), "/webinars/product-demo-day"),
        _webinar("webinar_forecasting_latam", "Forecasting para equipos LATAM", day(2026, 9, 17),
                 "/es/webinars/forecasting-latam", ("ES",) + LATAM),
        _event("event_madrid_2025", "Madrid SaaS Summit {year}", day(2025, 5, 14), ("ES",), "18000.00"),
        _event("event_london_2025", "RevOps Summit London {year}", day(2025, 10, 8), ("UK",), "14500.00"),
        _event("event_cdmx_2026", "Mexico City B2B Marketing Forum {year}", day(2026, 3, 25), LATAM, "12000.00",
               "USD"),
        _event("event_madrid_2026", "Madrid SaaS Summit {year}", day(2026, 5, 13), ("ES",), "19500.00"),
        _event("event_dmexco_2026", "DMEXCO {year}", day(2026, 9, 16), ("DE",), "22000.00"),
        Program("email_newsletter", "Email - Monthly newsletter", "Email", day(2025, 1, 1), day(2026, 12, 31),
                Decimal("2400.00"), "EUR"),
        Program("email_nurture", "Email - Nurture: funnel series", "Email", day(2025, 2, 3), day(2026, 12, 31),
                Decimal("900.00"), "EUR"),
    )
    ad_campaigns = (
        AdCampaign("gads_es_brand", "google_ads", "ES_Search_Brand", "20417733158", "EUR", "es-search-brand",
                   "paid_search", "Paid Search - Brand (ES)", ("ES",), day(2025, 1, 1), day(2026, 10, 31),
                   Decimal("35"), Decimal("0.85"), 0.11, "hand_raise"),
        AdCampaign("gads_es_generic", "google_ads", "ES_Search_Generic_Embudo", "20417733161", "EUR",
                   "es-search-generic-embudo", "paid_search", "Paid Search - Generic (ES)", ("ES",),
                   day(2025, 2, 3), day(2026, 10, 31), Decimal("60"), Decimal("1.90"), 0.045, "content"),
        AdCampaign("gads_emea_generic", "google_ads", "EMEA_Search_Generic_Attribution", "20598124407", "EUR",
                   "emea-search-generic-attribution", "paid_search", "Paid Search - Generic (UK/DE)", ("UK", "DE"),
                   day(2025, 4, 7), day(2026, 10, 31), Decimal("70"), Decimal("3.10"), 0.038, "content"),
        AdCampaign("gads_us_generic", "google_ads", "US_Search_Generic_Attribution", "21044871932", "USD",
                   "us-search-generic-attribution", "paid_search", "Paid Search - Generic (US)", ("US",),
                   day(2025, 3, 3), day(2026, 10, 31), Decimal("110"), Decimal("4.60"), 0.035, "hand_raise"),
        AdCampaign("gads_latam_generic", "google_ads", "LATAM_Search_Generic_Embudo", "21187530046", "USD",
                   "latam-search-generic-embudo", "paid_search", "Paid Search - Generic (LATAM)", LATAM,
                   day(2025, 6, 2), day(2026, 10, 31), Decimal("40"), Decimal("0.55"), 0.052, "content"),
        AdCampaign("li_emea_ebook", "linkedin_ads", "EMEA | Sponsored Content | Ebook", "318845102", "EUR",
                   "emea-linkedin-ebook", "paid_social", "Paid Social - LinkedIn Ebook (EMEA)", ("ES", "UK", "DE"),
                   day(2025, 1, 20), day(2026, 10, 31), Decimal("55"), Decimal("6.20"), 0.0065, "content"),
        AdCampaign("li_latam_webinars", "linkedin_ads", "LATAM | Sponsored Content | Webinars", "321907355", "USD",
                   "latam-linkedin-webinars", "paid_social", "Paid Social - LinkedIn Webinars (LATAM)", LATAM,
                   day(2025, 5, 5), day(2026, 10, 31), Decimal("30"), Decimal("2.40"), 0.0071, "webinar"),
        AdCampaign("li_us_demo", "linkedin_ads", "US | Lead Gen | Demo", "324410981", "USD", "us-linkedin-demo",
                   "paid_social", "Paid Social - LinkedIn Demo (US)", ("US",), day(2025, 9, 1), day(2026, 10, 31),
                   Decimal("80"), Decimal("9.80"), 0.0058, "hand_raise"),
    )
    return {"TEAM": team, "TEAM_BY_KEY": {member.key: member for member in team}, "CONTENT_TEAM": content_team,
            "PROGRAMS": programs, "AD_CAMPAIGNS": ad_campaigns}


def __getattr__(name: str):
    if name in ("TEAM", "TEAM_BY_KEY", "CONTENT_TEAM", "PROGRAMS", "AD_CAMPAIGNS"):
        return _dated(clock.SHIFT)[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
