"""Ground-truth oracle: the governed funnel computed in plain Python from the vendor records.

It reads the product's governed definitions file (``dbt_project/definitions/funnel_definitions.yml``)
and its channel seeds (``touch_channels.csv``, ``channel_teams.csv``), both passed in by the caller, and
applies the rules documented in ``dbt_project/definitions/README.md`` to the records of one export drop,
without looking at the written files or at any warehouse code, so the warehouse can be tested against it. It sees each
record once, as it is at the end of the simulation (the version an export drop's latest files hold);
the older versions of ``ExportDrop.previous`` and deleted records play no part in the funnel.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .catalog import MARKETS, SALES_REGIONS
from .records import ExportDrop

STAGES = ("subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist")
# HubSpot's lifecycle stages ("Became a ... date" properties) -> the funnel's stages.
HUBSPOT_LIFECYCLE_STAGES = {"subscriber": "subscriber", "lead": "lead", "marketingqualifiedlead": "mql",
                            "salesqualifiedlead": "sql", "opportunity": "opportunity", "customer": "customer",
                            "evangelist": "evangelist"}
RECONCILIATION_REASONS = ("agree", "different_day", "reported_only", "defined_only")
CENT = Decimal("0.01")
SCORE_DECIMALS = 4          # MQL scores (decayed) are rounded to this many decimals, then compared
MARKETO_CHANGE_SCORE = 22   # Marketo activity type "Change Score"; its "New Value" is the lead score after it
MARKETO_MERGE_LEADS = 32    # Marketo activity type "Merge Leads", on the winning lead; "Merge IDs" lists the losers
MARKETO_CHANGE_DATA_VALUE = 13   # Marketo "Change Data Value": a lead field changed (primary attribute: its name)
MARKETO_LEAD_STATUS_FIELD = "Lead Status"


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelVocabulary:
    """The product's channel seeds: touch_channels (match_on, lower match_value) -> channel, and every
    channel name of channel_teams."""
    by_value: dict[tuple[str, str], str]
    names: frozenset[str]


def load_channel_vocabulary(seeds_dir: Path) -> ChannelVocabulary:
    with open(Path(seeds_dir) / "touch_channels.csv", encoding="utf-8") as handle:
        by_value = {(row["match_on"], row["match_value"].lower()): row["channel"] for row in csv.DictReader(handle)}
    with open(Path(seeds_dir) / "channel_teams.csv", encoding="utf-8") as handle:
        names = frozenset(row["channel"] for row in csv.DictReader(handle))
    return ChannelVocabulary(by_value, names)


@dataclass(frozen=True)
class Definitions:
    version: str
    effective_from: date
    reporting_currency: str
    stages: tuple[str, ...]
    form_event_types: tuple[tuple[str, str], ...]       # (LIKE pattern, event type), first match wins
    email_event_types: dict[str, str]
    marketo_activity_types: dict[int, str]
    conversion_event_types: frozenset[str]
    crm_lead_record_counts: bool
    score_threshold: int
    engagement_weights: dict[str, int]
    hand_raiser_event_types: frozenset[str]
    excluded_domains: frozenset[str]
    qualifying_lead_statuses: frozenset[str]
    opportunity_created_qualifies: bool
    advocacy_form_names: frozenset[str]
    channels: ChannelVocabulary                         # the seeds spend is mapped to channels with
    reporting_timezone: str = "UTC"
    disqualified_lead_statuses: frozenset[str] = frozenset()
    recycled_lead_statuses: frozenset[str] = frozenset()
    reentry_stage: str | None = None
    version_starts: tuple[tuple[date, str], ...] = ()    # (effective_from, version) of every version, sorted
    excluded_domain_patterns: tuple[str, ...] = ()      # LIKE patterns on the email domain (exclusions *_patterns)
    score_half_life_days: float | None = None           # mql.score_decay.half_life_days; None = no decay
    fit_regions: frozenset[str] | None = None           # mql.fit.regions; None = any region
    source_score_threshold: float | None = None         # mql.source_score_threshold; None = off

    def version_on(self, day: date) -> str | None:
        """The version in force on `day`: the latest effective_from on or before it."""
        in_force = [name for start, name in self.version_starts if start <= day]
        return in_force[-1] if in_force else None


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def definitions_from_document(document: dict, on: date, channels: ChannelVocabulary) -> Definitions:
    """The version in force on `on`: the latest `effective_from` on or before that date."""
    in_force = [v for v in document["versions"] if _as_date(v["effective_from"]) <= on]
    if not in_force:
        raise ValueError(f"no funnel definition version is in force on {on}")
    version = max(in_force, key=lambda v: _as_date(v["effective_from"]))
    events = document["engagement_events"]
    mql = version["mql"]
    exclusions = mql["exclusions"] or {}
    excluded = [d for key, values in exclusions.items() if not key.endswith("_patterns") for d in values or []]
    patterns = [p for key, values in exclusions.items() if key.endswith("_patterns") for p in values or []]
    half_life = (mql.get("score_decay") or {}).get("half_life_days")
    fit_regions = (mql.get("fit") or {}).get("regions")
    return Definitions(
        version=str(version["version"]),
        effective_from=_as_date(version["effective_from"]),
        reporting_currency=document["reporting"]["currency"],
        stages=tuple(document["stages"]),
        form_event_types=tuple((r["pattern"], r["event_type"]) for r in events["form_event_types"]),
        email_event_types=dict(events["email_event_types"]),
        marketo_activity_types={int(k): v for k, v in events["marketo_activity_types"].items()},
        conversion_event_types=frozenset(version["lead"]["conversion_event_types"]),
        crm_lead_record_counts=bool(version["lead"]["crm_lead_record_counts"]),
        score_threshold=int(version["mql"]["score_threshold"]),
        engagement_weights={k: int(v) for k, v in version["mql"]["engagement_weights"].items()},
        hand_raiser_event_types=frozenset(version["mql"]["hand_raiser_event_types"]),
        excluded_domains=frozenset(d.lower() for d in excluded),
        qualifying_lead_statuses=frozenset(version["sql"]["qualifying_lead_statuses"]),
        opportunity_created_qualifies=bool(version["sql"]["opportunity_created_qualifies"]),
        advocacy_form_names=frozenset(version["evangelist"]["advocacy_form_names"]),
        channels=channels,
        reporting_timezone=document["reporting"].get("timezone") or "UTC",
        disqualified_lead_statuses=frozenset((version.get("handoff") or {}).get("disqualified_lead_statuses") or ()),
        recycled_lead_statuses=frozenset((version.get("handoff") or {}).get("recycled_lead_statuses") or ()),
        reentry_stage=(version.get("recycle") or {}).get("reentry_stage"),
        version_starts=tuple(sorted((_as_date(v["effective_from"]), str(v["version"])) for v in document["versions"])),
        excluded_domain_patterns=tuple(patterns),
        score_half_life_days=None if half_life is None else float(half_life),
        fit_regions=None if fit_regions is None else frozenset(fit_regions),
        source_score_threshold=None if mql.get("source_score_threshold") is None
        else float(mql["source_score_threshold"]),
    )


def load_definitions(on: date, definitions_file: Path, seeds_dir: Path) -> Definitions:
    """The rules in force on `on`, from the product's definitions file and channel seeds folder."""
    with open(definitions_file, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return definitions_from_document(document, on, load_channel_vocabulary(seeds_dir))


# --------------------------------------------------------------------------------------------
# Identity and classification
# --------------------------------------------------------------------------------------------


def normalise_email(email: str | None) -> str | None:
    """lower(trim(email)); an empty email is no email."""
    if email is None:
        return None
    normalised = email.strip().lower()
    return normalised or None


# The demo company's person-key secret. Person keys are HMAC-SHA256 under the warehouse's secret;
# the ground truth's keys are computed under this one, so a run with SMARKETING_KEY_SECRET set to
# it (as the tests do) gives the same keys.
DEMO_KEY_SECRET = "smarketing-demo-company-person-key-secret"


def keyed_hex(text: str) -> str:
    """HMAC-SHA256 of ``text`` under the demo company's secret, as lowercase hex."""
    return hmac.new(DEMO_KEY_SECRET.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def person_key(email: str | None, system_object: str, record_id: str) -> str:
    """The keyed hash of 'email:' || email, or of '<system>_<object>:' || id for a record without an email."""
    normalised = normalise_email(email)
    if normalised is not None:
        return keyed_hex("email:" + normalised)
    return keyed_hex(f"{system_object}:{record_id}")


def email_domain(email: str | None) -> str | None:
    normalised = normalise_email(email)
    if normalised is None or "@" not in normalised:
        return None
    return normalised.rsplit("@", 1)[1]


@lru_cache(maxsize=256)
def _like_regex(pattern: str) -> re.Pattern:
    parts = []
    for char in pattern:
        if char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def ilike(value: str, pattern: str) -> bool:
    """SQL `lower(value) like lower(pattern)`: % any run of characters, _ exactly one."""
    return _like_regex(pattern.lower()).fullmatch(value.lower()) is not None


def classify_form(form_name: str, definitions: Definitions) -> str | None:
    for pattern, event_type in definitions.form_event_types:
        if ilike(form_name, pattern):
            return event_type
    return None


# --------------------------------------------------------------------------------------------
# Canonical events and per-person facts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementEvent:
    person_key: str
    event_type: str
    occurred_at: datetime


@dataclass(frozen=True)
class FormSubmission:
    person_key: str
    form_name: str
    submitted_at: datetime


@dataclass
class OpportunityFact:
    opportunity_id: str
    created_at: datetime
    closed_at: datetime | None
    is_closed: bool
    is_won: bool
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    person_keys: list[str] = field(default_factory=list)
    primary_person_key: str | None = None
    amount_reporting: Decimal | None = None


@dataclass(frozen=True)
class StageEvent:
    """One row of the lifecycle history (definitions/README.md, Lifecycle events)."""
    person_key: str
    stage: str | None
    event_type: str                        # entry | recycle | disqualification
    entry_number: int
    occurred_at: datetime
    is_backfilled: bool = False


@dataclass
class PersonFunnel:
    person_key: str
    own: dict[str, datetime | None]
    stages: dict[str, datetime | None]
    excluded: bool = False
    mql_reason: str | None = None          # hand_raiser | score | source_score | None
    score_at_mql: float | None = None
    fits: bool = True                      # passes the MQL fit criteria
    source_scores: list[tuple[datetime, float]] = field(default_factory=list)   # source score changes
    sql_reason: str | None = None          # lead_status | opportunity | None
    events: list[EngagementEvent] = field(default_factory=list)
    stage_events: list[StageEvent] = field(default_factory=list)
    explanation: dict[str, object] = field(default_factory=dict)
    reported: dict[str, datetime | None] = field(default_factory=dict)
    reported_by_system: dict[tuple[str, str], datetime] = field(default_factory=dict)   # (stage, system)


@dataclass
class GroundTruth:
    definitions: Definitions
    persons: dict[str, PersonFunnel]
    opportunities: list[OpportunityFact]
    spend: list[SpendDay] = field(default_factory=list)
    regions: dict[str, str | None] = field(default_factory=dict)    # person_key -> sales region
    mql_targets: list = field(default_factory=list)                 # the drop's MqlTarget rows
    forms: list = field(default_factory=list)                       # every FormSubmission
    content_calendar: list = field(default_factory=list)            # the drop's ContentAsset rows

    def stage_counts(self) -> dict[str, int]:
        return {stage: sum(1 for p in self.persons.values() if p.stages[stage] is not None)
                for stage in self.definitions.stages}

    def definition_reconciliation(self) -> list[dict]:
        """Per stage and reason, the people whose reported and governed times agree (same day in the
        reporting time zone), differ in day, or exist on one side only."""
        zone = ZoneInfo(self.definitions.reporting_timezone)
        rows = []
        for stage in self.definitions.stages:
            counts = {reason: [0, 0, 0] for reason in RECONCILIATION_REASONS}   # people, earlier, later
            for p in self.persons.values():
                defined, reported = p.stages[stage], p.reported.get(stage)
                if defined is None and reported is None:
                    continue
                if reported is None:
                    reason = "defined_only"
                elif defined is None:
                    reason = "reported_only"
                elif reported.astimezone(zone).date() == defined.astimezone(zone).date():
                    reason = "agree"
                else:
                    reason = "different_day"
                counts[reason][0] += 1
                if defined is not None and reported is not None:
                    counts[reason][1] += reported < defined
                    counts[reason][2] += reported > defined
            rows += [{"stage_name": stage, "reconciliation_reason": reason, "people": c[0],
                      "reported_earlier_people": c[1], "reported_later_people": c[2]}
                     for reason, c in counts.items()]
        return rows

    def won_revenue_reporting(self) -> Decimal:
        return sum((o.amount_reporting for o in self.opportunities if o.is_won and o.amount_reporting is not None),
                   Decimal("0.00"))

    def spend_by_channel_month(self) -> dict[str, dict[str, Decimal]]:
        """Spend in the reporting currency per channel and month (YYYY-MM); None when a rate is missing."""
        totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
        for day in self.spend:
            totals[day.channel][day.day.strftime("%Y-%m")] += day.cost_reporting
        return {channel: dict(sorted(months.items())) for channel, months in sorted(totals.items())}

    def spend_by_source_currency(self) -> dict[str, dict[str, Decimal]]:
        """Spend in its own currency per cost source and currency."""
        totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
        for day in self.spend:
            totals[day.cost_source][day.currency] += day.cost
        return {source: dict(sorted(c.items())) for source, c in sorted(totals.items())}

    def won_revenue_by_currency(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for o in self.opportunities:
            if o.is_won and o.amount is not None and o.currency:
                totals[o.currency] += o.amount
        return dict(sorted(totals.items()))


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


class _Index:
    """Person keys of every record, and the ways records point at each other. Deleted records no longer
    exist: they make no person and nothing points at them."""

    def __init__(self, drop: ExportDrop):
        self.created: dict[str, list[datetime]] = defaultdict(list)
        self.emails: dict[str, str | None] = {}
        self.sf_lead_person: dict[str, str] = {}
        self.sf_contact_person: dict[str, str] = {}
        self.hs_contact_person: dict[str, str] = {}
        self.mk_lead_person: dict[str, str] = {}
        for lead in live_leads(drop):
            self.sf_lead_person[lead.id] = self._add(lead.email, "salesforce_lead", lead.id, lead.created_at)
        for contact in drop.sf_contacts:
            self.sf_contact_person[contact.id] = self._add(contact.email, "salesforce_contact", contact.id,
                                                           contact.created_at)
        for contact in drop.hs_contacts:
            self.hs_contact_person[contact.id] = self._add(contact.email, "hubspot_contact", contact.id,
                                                           contact.created_at)
        winners = marketo_lead_winners(drop)
        for lead in drop.mk_leads:
            if lead.id not in winners:
                self.mk_lead_person[lead.id] = self._add(lead.email, "marketo_lead", lead.id, lead.created_at)
        for merged_id, winner in winners.items():
            self.mk_lead_person[merged_id] = self.mk_lead_person[winner]

    def _add(self, email: str | None, system_object: str, record_id: str, created_at: datetime) -> str:
        key = person_key(email, system_object, record_id)
        self.created[key].append(created_at)
        self.emails.setdefault(key, normalise_email(email))
        return key

    def person_of_email(self, email: str) -> str:
        """The person of an event identified by email; known from the event alone if no record has it."""
        key = keyed_hex("email:" + normalise_email(email))
        self.created.setdefault(key, [])
        self.emails.setdefault(key, normalise_email(email))
        return key


def marketo_lead_winners(drop: ExportDrop) -> dict[str, str]:
    """Marketo lead id merged away -> the lead it now belongs to: the winning lead of the "Merge Leads"
    activity listing it, followed through later merges of that lead, when the last one is a lead of the
    export. A lead listing its own id is not merged away; an id caught in a cycle stays itself."""
    merged_into: dict[str, str] = {}
    for activity in drop.mk_activities:
        if activity.type_id == MARKETO_MERGE_LEADS:
            for merged_id in (activity.attributes or {}).get("Merge IDs") or []:
                if str(merged_id) != activity.lead_id:
                    merged_into[str(merged_id)] = activity.lead_id
    leads = {lead.id for lead in drop.mk_leads}
    winners: dict[str, str] = {}
    for merged_id in merged_into:
        seen, current = {merged_id}, merged_into[merged_id]
        while current in merged_into and current not in seen:
            seen.add(current)
            current = merged_into[current]
        if current in leads and current not in merged_into:
            winners[merged_id] = current
    return winners


def live_leads(drop: ExportDrop) -> list:
    """The Salesforce leads that still exist (a merged or deleted lead is gone, with its history)."""
    return [lead for lead in drop.sf_leads if not lead.is_deleted]


def _engagement(drop: ExportDrop, index: _Index, definitions: Definitions):
    events: list[EngagementEvent] = []
    forms: list[FormSubmission] = []
    for submission in drop.hs_form_submissions:
        if normalise_email(submission.email) is not None:
            key = index.person_of_email(submission.email)
        else:
            key = index.hs_contact_person[submission.contact_id]
        forms.append(FormSubmission(key, submission.form_name, submission.submitted_at))
        event_type = classify_form(submission.form_name, definitions)
        if event_type is not None:
            events.append(EngagementEvent(key, event_type, submission.submitted_at))
    for email_event in drop.hs_email_events:
        event_type = definitions.email_event_types.get(email_event.event_type)
        if event_type is not None:
            events.append(EngagementEvent(index.person_of_email(email_event.recipient), event_type,
                                          email_event.occurred_at))
    for activity in drop.mk_activities:
        key = index.mk_lead_person[activity.lead_id]
        if activity.type_id == 2:
            form_name = activity.primary_attribute_value or ""
            forms.append(FormSubmission(key, form_name, activity.occurred_at))
            event_type = classify_form(form_name, definitions)
        else:
            event_type = definitions.marketo_activity_types.get(activity.type_id)
        if event_type is not None:
            events.append(EngagementEvent(key, event_type, activity.occurred_at))
    events.sort(key=lambda e: (e.person_key, e.occurred_at, e.event_type))
    return events, forms


def decayed_score(events: list[EngagementEvent], at: datetime, definitions: Definitions,
                  after: datetime | None = None) -> float:
    """The engagement score at `at`: each event at or before it (and strictly after `after`) weighs its
    weight times 0.5 ** (days since the event / half-life), or its weight without decay. Rounded."""
    half_life = definitions.score_half_life_days
    total = 0.0
    for e in events:
        if e.occurred_at <= at and (after is None or e.occurred_at > after):
            weight = definitions.engagement_weights.get(e.event_type, 0)
            if half_life is not None:
                weight *= 0.5 ** ((at - e.occurred_at).total_seconds() / (half_life * 86400))
            total += weight
    return round(total, SCORE_DECIMALS)


def first_trigger(events: list[EngagementEvent], definitions: Definitions, *, fits: bool = True,
                  source_scores: list[tuple[datetime, float]] = (), after: datetime | None = None,
                  until: datetime | None = None) -> tuple[datetime | None, str | None]:
    """The first instant, among events strictly after `after` and at or before `until`, at which an MQL rule
    fires: a hand-raiser event; the decayed score of those events (same-instant events together) reaching the
    threshold, for people who fit; a source score change to a value reaching source_score_threshold, for people
    who fit. The score only falls between events (weights are non-negative), so event instants are the only
    candidates. Ties: hand_raiser, then score, then source_score."""
    def inside(t: datetime) -> bool:
        return (after is None or t > after) and (until is None or t <= until)

    window = [e for e in events if inside(e.occurred_at)]
    hand_raise = min((e.occurred_at for e in window if e.event_type in definitions.hand_raiser_event_types),
                     default=None)
    scored = source = None
    if fits:
        scored = next((t for t in sorted({e.occurred_at for e in window})
                       if decayed_score(window, t, definitions) >= definitions.score_threshold), None)
        if definitions.source_score_threshold is not None:
            source = min((t for t, value in source_scores
                          if inside(t) and value >= definitions.source_score_threshold), default=None)
    fired = [(t, order, reason) for order, (t, reason) in
             enumerate(((hand_raise, "hand_raiser"), (scored, "score"), (source, "source_score"))) if t is not None]
    if not fired:
        return None, None
    when, _, reason = min(fired)
    return when, reason


def _mql(events: list[EngagementEvent], definitions: Definitions, *, fits: bool = True,
         source_scores: list[tuple[datetime, float]] = ()) -> tuple[datetime | None, str | None, float | None]:
    """The person's first MQL trigger. Returns (time, reason, decayed score at that time)."""
    when, reason = first_trigger(events, definitions, fits=fits, source_scores=source_scores)
    if when is None:
        return None, None, None
    return when, reason, decayed_score(events, when, definitions)


def is_excluded(email: str | None, definitions: Definitions) -> bool:
    """Email domain in an excluded domain list, or matching a *_patterns LIKE pattern."""
    domain = email_domain(email)
    if domain is None:
        return False
    return domain in definitions.excluded_domains or any(
        ilike(domain, pattern) for pattern in definitions.excluded_domain_patterns)


def is_fit(region: str | None, definitions: Definitions) -> bool:
    return definitions.fit_regions is None or region in definitions.fit_regions


def source_score_changes(drop: ExportDrop, index: _Index) -> dict[str, list[tuple[datetime, float]]]:
    """Each person's Marketo lead score changes: (time, the score after the change)."""
    changes: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for activity in drop.mk_activities:
        value = (activity.attributes or {}).get("New Value")
        if activity.type_id == MARKETO_CHANGE_SCORE and value is not None:
            changes[index.mk_lead_person[activity.lead_id]].append((activity.occurred_at, float(value)))
    return changes


def marketo_sql_from_status(drop: ExportDrop, index: _Index, definitions: Definitions) -> dict[str, datetime]:
    """Marketo's own SQL date per person: the first "Change Data Value" of a lead's Lead Status field
    to a qualifying lead status."""
    first: dict[str, datetime] = {}
    for activity in drop.mk_activities:
        if (activity.type_id == MARKETO_CHANGE_DATA_VALUE
                and activity.primary_attribute_value == MARKETO_LEAD_STATUS_FIELD
                and (activity.attributes or {}).get("New Value") in definitions.qualifying_lead_statuses):
            key = index.mk_lead_person[activity.lead_id]
            first[key] = _earliest(first.get(key), activity.occurred_at)
    return first


def _rate(drop: ExportDrop, currency: str, on: date) -> Decimal | None:
    """The rate in force on `on`: from the plain rates file when the drop has one (its base currency
    at 1 from the file's first date), else from Salesforce DatedConversionRate."""
    if drop.fx_rates:
        base = drop.fx_rates[0].base_currency
        if currency == base:
            return Decimal(1) if min(r.valid_from for r in drop.fx_rates) <= on else None
        in_force = [r for r in drop.fx_rates if r.currency == currency and r.valid_from <= on]
        return max(in_force, key=lambda r: r.valid_from).rate if in_force else None
    for rate in drop.sf_conversion_rates:
        if (rate.iso_code == currency and rate.start_date <= on
                and (rate.next_start_date is None or on < rate.next_start_date)):
            return rate.rate
    return None


def amount_in_reporting_currency(amount: Decimal | None, currency: str | None, close_date: date | None,
                                 drop: ExportDrop, reporting_currency: str) -> Decimal | None:
    if amount is None:
        return None
    if currency is None or currency == reporting_currency:
        return amount.quantize(CENT, ROUND_HALF_UP)
    if close_date is None:
        return None
    rate_reporting = _rate(drop, reporting_currency, close_date)
    rate_currency = _rate(drop, currency, close_date)
    if rate_reporting is None or rate_currency is None:
        return None
    return (amount * rate_reporting / rate_currency).quantize(CENT, ROUND_HALF_UP)


def _salesforce_opportunities(drop: ExportDrop, index: _Index) -> list[OpportunityFact]:
    history_by_opportunity = defaultdict(list)
    for row in drop.sf_opportunity_history:
        if not row.is_deleted:
            history_by_opportunity[row.opportunity_id].append(row)
    people_on: dict[str, list[tuple[str, bool, datetime, str]]] = defaultdict(list)
    for role in drop.sf_contact_roles:
        if not role.is_deleted:
            people_on[role.opportunity_id].append(
                (index.sf_contact_person[role.contact_id], role.is_primary, role.created_at, role.id))
    converted_from: dict[str, list[str]] = defaultdict(list)
    for lead in live_leads(drop):
        if lead.converted_opportunity_id:
            converted_from[lead.converted_opportunity_id].append(index.sf_lead_person[lead.id])
    facts = []
    for opportunity in drop.sf_opportunities:
        if opportunity.is_deleted:
            continue
        closed_at = None
        if opportunity.is_closed:
            history = sorted(history_by_opportunity[opportunity.id], key=lambda h: (h.created_at, h.id))
            first_in_stage = next((h for h in history if h.stage_name == opportunity.stage_name), None)
            closed_at = (first_in_stage.created_at if first_in_stage is not None
                         else datetime.combine(opportunity.close_date, time(0, 0), UTC))
        roles = sorted(people_on[opportunity.id], key=lambda r: (not r[1], r[2], r[3]))
        keys = [r[0] for r in roles] + converted_from[opportunity.id]
        primary = roles[0][0] if roles else (converted_from[opportunity.id] or [None])[0]
        facts.append(OpportunityFact(
            opportunity_id=opportunity.id, created_at=opportunity.created_at, closed_at=closed_at,
            is_closed=opportunity.is_closed, is_won=opportunity.is_won, amount=opportunity.amount,
            currency=opportunity.currency, close_date=opportunity.close_date,
            person_keys=sorted(set(keys)), primary_person_key=primary))
    return facts


def _hubspot_opportunities(drop: ExportDrop, index: _Index, time_zone: str) -> list[OpportunityFact]:
    facts = []
    for deal in drop.hs_deals:
        keys = [index.hs_contact_person[c] for c in deal.contact_ids if c in index.hs_contact_person]
        facts.append(OpportunityFact(
            opportunity_id=deal.id, created_at=deal.created_at,
            closed_at=deal.close_at if deal.is_closed else None, is_closed=deal.is_closed, is_won=deal.is_won,
            amount=deal.amount, currency=deal.currency,
            close_date=deal.close_at.astimezone(ZoneInfo(time_zone)).date() if deal.close_at is not None else None,
            person_keys=sorted(set(keys)), primary_person_key=keys[0] if keys else None))
    return facts


# --------------------------------------------------------------------------------------------
# Marketing spend (definitions/README.md, Spend)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendDay:
    cost_source: str
    day: date
    campaign: str
    channel: str
    currency: str
    cost: Decimal
    cost_reporting: Decimal


def _channel(vocabulary: ChannelVocabulary, *candidates: tuple[str, str | None]) -> str:
    """The first candidate (match_on, value) the vocabulary knows, as a mapped value or a channel name."""
    by_value = vocabulary.by_value
    by_lower_name = {name.lower(): name for name in vocabulary.names}
    for match_on, value in candidates:
        if value is None:
            continue
        key = value.strip().lower()
        if (match_on, key) in by_value:
            return by_value[(match_on, key)]
        if key in by_lower_name:
            return by_lower_name[key]
    return "Unmapped"


def _in_reporting_currency(amount: Decimal, currency: str, on: date, drop: ExportDrop,
                           reporting_currency: str) -> Decimal | None:
    return amount_in_reporting_currency(amount, currency, on, drop, reporting_currency)


def marketing_spend(drop: ExportDrop, definitions: Definitions) -> list[SpendDay]:
    """Every cost once: ad platform spend (channel from the mapping, else its CRM campaign's type);
    Salesforce ActualCost of campaigns no mapped ad spend carries, split over StartDate..EndDate in
    whole cents (the last day takes the remainder); Marketo period costs of programs no Salesforce
    campaign mirrors by name. Each day converted at the rate in force that day, to cents."""
    channels = definitions.channels
    campaigns = {c.id: c for c in drop.sf_campaigns}
    mapping = {(m.platform, m.ad_campaign): m for m in drop.campaign_mapping}
    days: list[tuple[str, date, str, str, str, Decimal]] = []
    with_ad_spend: set[str] = set()
    for row in drop.ad_spend:
        m = mapping.get((row.platform, row.campaign_id)) or mapping.get((row.platform, row.campaign))
        crm = campaigns.get(m.crm_campaign_id) if m and m.crm_campaign_id else None
        if m and m.crm_campaign_id:
            with_ad_spend.add(m.crm_campaign_id)
        channel = _channel(channels, ("utm_medium", m.channel if m else None),
                           ("campaign_type", crm.type if crm else None))
        days.append((row.platform, row.day, crm.name if crm else row.campaign, channel, row.currency, row.cost))
    for campaign in drop.sf_campaigns:
        if campaign.id in with_ad_spend or not campaign.actual_cost:
            continue
        first = campaign.start_date or campaign.created_at.date()
        last = campaign.end_date if campaign.end_date and campaign.end_date >= first else first
        n = (last - first).days + 1
        daily = (campaign.actual_cost / n).quantize(Decimal("0.01"), ROUND_DOWN)
        channel = _channel(channels, ("campaign_type", campaign.type))
        for i in range(n):
            cost = daily if i < n - 1 else campaign.actual_cost - daily * (n - 1)
            days.append(("salesforce_campaign", first + timedelta(days=i), campaign.name, channel,
                         campaign.currency, cost))
    campaign_names = {c.name.strip().lower() for c in drop.sf_campaigns}
    for program in drop.mk_programs:
        if not program.cost or program.name.strip().lower() in campaign_names:
            continue
        days.append(("marketo_program", program.cost_start_date, program.name,
                     _channel(channels, ("marketo_program_channel", program.channel)), program.currency, program.cost))
    return [SpendDay(source, day, campaign, channel, currency, cost,
                     _in_reporting_currency(cost, currency, day, drop, definitions.reporting_currency))
            for source, day, campaign, channel, currency, cost in days]


def compute_ground_truth(drop: ExportDrop, definitions: Definitions) -> GroundTruth:
    index = _Index(drop)
    events, forms = _engagement(drop, index, definitions)
    events_by_person: dict[str, list[EngagementEvent]] = defaultdict(list)
    for e in events:
        events_by_person[e.person_key].append(e)

    rejections: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)   # (time, history id, type)
    for row in drop.sf_lead_history:
        if row.lead_id not in index.sf_lead_person or row.field != "Status":
            continue
        if row.new_value in definitions.disqualified_lead_statuses:
            rejections[index.sf_lead_person[row.lead_id]].append((row.created_at, row.id, "disqualification"))
        elif row.new_value in definitions.recycled_lead_statuses:
            rejections[index.sf_lead_person[row.lead_id]].append((row.created_at, row.id, "recycle"))

    sql_from_status: dict[str, datetime] = {}
    for row in drop.sf_lead_history:
        if row.lead_id not in index.sf_lead_person:
            continue                                    # history of a deleted lead
        if row.field == "Status" and row.new_value in definitions.qualifying_lead_statuses:
            key = index.sf_lead_person[row.lead_id]
            sql_from_status[key] = _earliest(sql_from_status.get(key), row.created_at)

    by_system: dict[str, dict[tuple[str, str], datetime]] = defaultdict(dict)   # person -> (stage, system)
    for contact in drop.hs_contacts:
        key = index.hs_contact_person[contact.id]
        for hubspot_stage, when in contact.stage_dates.items():
            stage = HUBSPOT_LIFECYCLE_STAGES[hubspot_stage]
            by_system[key][(stage, "hubspot")] = _earliest(by_system[key].get((stage, "hubspot")), when)
    for key, when in sql_from_status.items():
        by_system[key][("sql", "salesforce")] = when
    for key, when in marketo_sql_from_status(drop, index, definitions).items():
        by_system[key][("sql", "marketo")] = when
    reported: dict[str, dict[str, datetime]] = defaultdict(dict)
    for key, dates in by_system.items():
        for (stage, _), when in dates.items():
            reported[key][stage] = _earliest(reported[key].get(stage), when)

    lead_record_at: dict[str, datetime] = {}
    if definitions.crm_lead_record_counts:
        for lead in live_leads(drop):
            key = index.sf_lead_person[lead.id]
            lead_record_at[key] = _earliest(lead_record_at.get(key), lead.created_at)

    opportunities = (_salesforce_opportunities(drop, index)
                     + _hubspot_opportunities(drop, index, definitions.reporting_timezone))
    opportunity_at: dict[str, datetime] = {}
    customer_at: dict[str, datetime] = {}
    for o in opportunities:
        o.amount_reporting = amount_in_reporting_currency(o.amount, o.currency, o.close_date, drop,
                                                          definitions.reporting_currency)
        for key in o.person_keys:
            opportunity_at[key] = _earliest(opportunity_at.get(key), o.created_at)
            if o.is_won and o.closed_at is not None:
                customer_at[key] = _earliest(customer_at.get(key), o.closed_at)

    advocacy: dict[str, list[datetime]] = defaultdict(list)
    for submission in forms:
        if submission.form_name in definitions.advocacy_form_names:
            advocacy[submission.person_key].append(submission.submitted_at)

    regions = person_regions(drop, index)
    source_scores = source_score_changes(drop, index)
    persons = {}
    for key in sorted(index.created):
        person_events = events_by_person.get(key, [])
        excluded = is_excluded(index.emails.get(key), definitions)
        fits = is_fit(regions.get(key), definitions)
        lead_event = next((e.occurred_at for e in person_events
                           if e.event_type in definitions.conversion_event_types), None)
        mql_at, mql_reason, score = (None, None, None) if excluded else _mql(
            person_events, definitions, fits=fits, source_scores=source_scores.get(key, []))
        opportunity = opportunity_at.get(key)
        sql_status = sql_from_status.get(key)
        sql_opportunity = opportunity if definitions.opportunity_created_qualifies else None
        sql_at = _earliest(sql_status, sql_opportunity)
        customer = customer_at.get(key)
        evangelist = None
        if customer is not None:
            evangelist = min((t for t in advocacy.get(key, []) if t >= customer), default=None)
        own = {
            "subscriber": min(index.created[key]) if index.created[key] else None,
            "lead": _earliest(lead_event, lead_record_at.get(key)),
            "mql": mql_at,
            "sql": sql_at,
            "opportunity": opportunity,
            "customer": customer,
            "evangelist": evangelist,
        }
        person = PersonFunnel(
            person_key=key, own=own, stages=backfill(own, definitions.stages), excluded=excluded,
            mql_reason=mql_reason, score_at_mql=score, fits=fits, source_scores=source_scores.get(key, []),
            sql_reason=None if sql_at is None else ("lead_status" if sql_at == sql_status else "opportunity"),
            events=person_events)
        person.reported = dict(reported.get(key, {}))
        person.reported_by_system = dict(by_system.get(key, {}))
        person.stage_events = stage_events(person, sorted(rejections.get(key, [])), definitions)
        person.explanation = explanation(person, definitions)
        persons[key] = person
    opportunities.sort(key=lambda o: o.opportunity_id)
    return GroundTruth(definitions=definitions, persons=persons, opportunities=opportunities,
                       regions=regions, mql_targets=list(drop.mql_targets), forms=forms,
                       content_calendar=list(drop.content_calendar),
                       spend=marketing_spend(drop, definitions))


def _is_backfilled(person: PersonFunnel, stage: str) -> bool:
    own = person.own.get(stage)
    return own is None or own > person.stages[stage]




def reentries(person: PersonFunnel, recycles: list[datetime], definitions: Definitions) -> list[datetime]:
    """Re-entries into the re-entry stage: each recycle at or after the first entry starts a cycle that lasts
    until the next one; the person re-enters at the first instant in it (events strictly after the recycle, up to
    and including the next recycle's instant) at which an MQL rule fires on the cycle's events alone: a
    hand-raiser event, the decayed score since the recycle reaching the threshold, or a source score change
    reaching the source threshold (both for people who fit)."""
    stage = definitions.reentry_stage
    first = person.stages.get(stage) if stage else None
    if first is None or person.excluded:
        return []
    starts = sorted({r for r in recycles if r >= first})
    found = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else None
        when, _ = first_trigger(person.events, definitions, fits=person.fits, source_scores=person.source_scores,
                                after=start, until=end)
        if when is not None:
            found.append(when)
    return found


def stage_events(person: PersonFunnel, rejections: list[tuple[datetime, str, str]],
                 definitions: Definitions) -> list[StageEvent]:
    """First entries (governed, backfill flagged), re-entries after recycles, and recycles and
    disqualifications on the furthest stage entered at their instant, numbered per stage and type."""
    events = [StageEvent(person.person_key, stage, "entry", 1, at, _is_backfilled(person, stage))
              for stage, at in person.stages.items() if at is not None]
    recycles = [when for when, _, kind in rejections if kind == "recycle"]
    for number, when in enumerate(reentries(person, recycles, definitions), start=2):
        events.append(StageEvent(person.person_key, definitions.reentry_stage, "entry", number, when))
    counters: dict[tuple[str | None, str], int] = defaultdict(int)
    for when, _, kind in rejections:                    # sorted by time, then history id
        reached = [stage for stage in definitions.stages
                   if person.stages.get(stage) is not None and person.stages[stage] <= when]
        stage = reached[-1] if reached else None
        counters[(stage, kind)] += 1
        events.append(StageEvent(person.person_key, stage, kind, counters[(stage, kind)], when))
    return events


def explanation(person: PersonFunnel, definitions: Definitions) -> dict[str, object]:
    """Why and under which version the person is an MQL and an SQL (fct_funnel's mql_* and sql_* columns)."""
    zone = ZoneInfo(definitions.reporting_timezone)
    mql_at, sql_at = person.stages.get("mql"), person.stages.get("sql")
    mql_rule = sql_rule = None
    if mql_at is not None:
        mql_rule = "backfilled" if _is_backfilled(person, "mql") else {
            "hand_raiser": "hand_raiser", "score": "engagement_score",
            "source_score": "source_score"}[person.mql_reason]
    if sql_at is not None:
        sql_rule = "backfilled" if _is_backfilled(person, "sql") else {
            "lead_status": "qualifying_lead_status", "opportunity": "opportunity_created"}[person.sql_reason]
    return {
        "mql_rule": mql_rule,
        "mql_score": None if mql_at is None else decayed_score(person.events, mql_at, definitions),
        "mql_definition_version": None if mql_at is None else definitions.version_on(mql_at.astimezone(zone).date()),
        "sql_rule": sql_rule,
        "sql_definition_version": None if sql_at is None else definitions.version_on(sql_at.astimezone(zone).date()),
    }


def backfill(own: dict[str, datetime | None], stages: tuple[str, ...]) -> dict[str, datetime | None]:
    """Each stage's time is least(own time, next stage's time), from the last stage down."""
    result: dict[str, datetime | None] = {}
    later: datetime | None = None
    for stage in reversed(stages):
        later = _earliest(own.get(stage), later)
        result[stage] = later
    return {stage: result[stage] for stage in stages}


# --------------------------------------------------------------------------------------------
# ground_truth.json
# --------------------------------------------------------------------------------------------


def iso_utc(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(CENT, ROUND_HALF_UP))


def ground_truth_document(truth: GroundTruth, *, seed: int, people: int, profile: str, as_of: datetime) -> dict:
    return {
        "seed": seed,
        "people": people,
        "profile": profile,
        "definitions_version": truth.definitions.version,
        "reporting_currency": truth.definitions.reporting_currency,
        "as_of": iso_utc(as_of),
        "stage_counts": truth.stage_counts(),
        "persons": [
            {"person_key": p.person_key,
             **{f"became_{stage}_at": iso_utc(p.stages[stage]) for stage in truth.definitions.stages},
             **p.explanation,
             **{f"reported_{stage}_at": iso_utc(p.reported.get(stage)) for stage in truth.definitions.stages}}
            for p in truth.persons.values()
        ],
        "reported_stage_entries": [
            {"person_key": p.person_key, "stage_name": stage, "source_system": system, "reported_at": iso_utc(when)}
            for p in truth.persons.values() for (stage, system), when in sorted(p.reported_by_system.items())
        ],
        "definition_reconciliation": truth.definition_reconciliation(),
        "stage_events": [
            {"person_key": e.person_key, "stage_name": e.stage, "event_type": e.event_type,
             "entry_number": e.entry_number, "occurred_at": iso_utc(e.occurred_at), "is_backfilled": e.is_backfilled}
            for p in truth.persons.values() for e in p.stage_events
        ],
        "opportunities": [
            {"opportunity_id": o.opportunity_id, "person_key": o.primary_person_key, "person_keys": o.person_keys,
             "created_at": iso_utc(o.created_at), "closed_at": iso_utc(o.closed_at), "is_closed": o.is_closed,
             "is_won": o.is_won, "amount": _money(o.amount), "currency": o.currency,
             "amount_reporting": _money(o.amount_reporting)}
            for o in truth.opportunities
        ],
        "won_revenue_reporting": _money(truth.won_revenue_reporting()),
        "won_revenue_by_currency": {cur: _money(v) for cur, v in truth.won_revenue_by_currency().items()},
        "spend_by_channel_month": {channel: {month: _money(v) for month, v in months.items()}
                                   for channel, months in truth.spend_by_channel_month().items()},
        "spend_by_source_currency": {source: {cur: _money(v) for cur, v in by_currency.items()}
                                     for source, by_currency in truth.spend_by_source_currency().items()},
        "funnel_conversion": cohort_conversion(truth),
        "mql_targets": mql_targets_vs_actual(truth),
        "content_form_fills": content_form_fills(truth),
    }


# --------------------------------------------------------------------------------------------
# Regions and cohort conversion
# --------------------------------------------------------------------------------------------

REGION_OF_COUNTRY = {market.name.lower(): SALES_REGIONS[market.code] for market in MARKETS}


def person_regions(drop: ExportDrop, index: _Index) -> dict[str, str | None]:
    """Each person's sales region, from the country of their records: Salesforce contact, then
    Salesforce lead, then HubSpot contact, then Marketo lead, the most recently modified first; the
    first record with a country decides. No record with a country (or an unknown one): no region."""
    candidates: dict[str, list[tuple[int, float, str]]] = defaultdict(list)

    def add(key: str, priority: int, modified_at: datetime, country: str | None) -> None:
        if country is not None and country.strip():
            candidates[key].append((priority, -modified_at.timestamp(), country.strip()))

    for contact in drop.sf_contacts:
        add(index.sf_contact_person[contact.id], 1, contact.modified_at, contact.mailing_country)
    for lead in live_leads(drop):
        add(index.sf_lead_person[lead.id], 2, lead.modified_at, lead.country)
    for contact in drop.hs_contacts:
        add(index.hs_contact_person[contact.id], 3, contact.modified_at, contact.country)
    for lead in drop.mk_leads:
        add(index.mk_lead_person[lead.id], 4, lead.updated_at, lead.country)
    regions: dict[str, str | None] = {}
    for key in index.created:
        found = sorted(candidates.get(key, []))
        regions[key] = REGION_OF_COUNTRY.get(found[0][2].lower()) if found else None
    return regions


def reporting_month(instant: datetime, timezone: str) -> str:
    """First day (ISO) of the calendar month the instant falls in, in the reporting time zone."""
    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-01")


def cohort_conversion(truth: GroundTruth) -> list[dict]:
    """Stage-to-stage conversion by cohort: for each adjacent stage pair, the people who entered the
    earlier stage in a calendar month (reporting time zone) and how many of them reached the next
    stage (at any time), with the median days between the two; all people (dimension 'all') and
    by region (a null region for people without one)."""
    stages = truth.definitions.stages
    groups: dict[tuple, list[float | None]] = defaultdict(list)
    for person in truth.persons.values():
        slices = (("all", "all"), ("region", truth.regions.get(person.person_key)))
        for order, (earlier, later) in enumerate(zip(stages, stages[1:]), start=1):
            entered, reached = person.stages[earlier], person.stages[later]
            if entered is None:
                continue
            days = None if reached is None else (reached - entered).total_seconds() / 86400
            month = reporting_month(entered, truth.definitions.reporting_timezone)
            for name, value in slices:
                groups[(month, order, earlier, later, name, value)].append(days)
    rows = []
    for (month, order, earlier, later, name, value), days in groups.items():
        converted = [d for d in days if d is not None]
        rows.append({
            "cohort_month": month, "stage_pair_order": order, "from_stage": earlier, "to_stage": later,
            "dimension_name": name, "dimension_value": value,
            "entered_from": len(days), "converted": len(converted),
            "median_days_to_convert": statistics.median(converted) if converted else None,
        })
    return sorted(rows, key=lambda r: (r["cohort_month"], r["stage_pair_order"], r["dimension_name"],
                                       r["dimension_value"] or ""))


def mql_targets_vs_actual(truth: GroundTruth) -> list[dict]:
    """Governed MQLs per calendar month (reporting time zone) at each target's grain (all regions or one),
    plus every month with MQLs and no all-region target (target None)."""
    mql_months: dict[str, list[str | None]] = defaultdict(list)     # month -> the MQLs' regions
    for person in truth.persons.values():
        if person.stages["mql"] is not None:
            month = reporting_month(person.stages["mql"], truth.definitions.reporting_timezone)
            mql_months[month].append(truth.regions.get(person.person_key))
    rows = []
    for target in truth.mql_targets:
        month = target.month.strftime("%Y-%m-01")
        regions = mql_months.get(month, [])
        actual = len(regions) if target.region is None else sum(
            1 for r in regions if r is not None and r.lower() == target.region.lower())
        rows.append({"mql_month": month, "region": target.region, "actual_mqls": actual,
                     "target_mqls": target.target_mqls})
    targeted = {r["mql_month"] for r in rows if r["region"] is None}
    rows += [{"mql_month": month, "region": None, "actual_mqls": len(regions), "target_mqls": None}
             for month, regions in mql_months.items() if month not in targeted]
    return sorted(rows, key=lambda r: (r["mql_month"], r["region"] or ""))


def content_form_fills(truth: GroundTruth) -> list[dict]:
    """Per content calendar asset and calendar month (reporting time zone), the submissions of the form
    named as the asset and the distinct people who sent them. Every such submission is a touch of the
    asset, so these are at least part of what content impact counts for it (campaign responses add more)."""
    assets = {asset.asset_name for asset in truth.content_calendar}
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    submissions: Counter = Counter()
    for form in truth.forms:
        if form.form_name in assets:
            month = reporting_month(form.submitted_at, truth.definitions.reporting_timezone)
            people[(form.form_name, month)].add(form.person_key)
            submissions[(form.form_name, month)] += 1
    return [{"asset_name": name, "month": month, "submissions": submissions[(name, month)],
             "people": len(people[(name, month)])} for name, month in sorted(people)]
