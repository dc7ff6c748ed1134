"""The demo company at scale: the same vendor exports, written set-based with DuckDB.

The detailed simulation (``simulate.py``) follows every person in Python: right for the 3,000-person
demo and its full ground truth, far too slow for a million people. This engine draws every person's
journey from hashes of (person, purpose, seed) in one DuckDB statement, derives each system's records
and activities from that table with ``unnest`` (no Python loop per row) and writes the files with
``COPY``, with the headers, file names and value formats of ``writers.py`` / ``ingest/contracts.py``.

The small things of the company (team, campaigns and programs, exchange rates, ad spend, the MQL plan)
come from a detailed simulation of ``DIMENSION_PEOPLE`` people and are written by ``write_drop``, so
owners, campaign ids and program names are the demo's own.

Per person: account (four people per account, by email domain; 4 % use a personal address),
market, arrival channel, and the simulation's own stage times: subscriber at creation, lead (80 %),
MQL (42 % of leads), SQL (72 %), opportunity (92 %, one deal each), closed 20-140 days later, won 38 %
(customer), evangelist (20 % of customers); nothing at or after the as-of instant. About 20 activities
per person: HubSpot or Marketo email events for the monthly newsletter and the lead nurture series,
form submissions, Salesforce tasks (SDR work; in the Salesforce-only profile the newsletter sends and
the nurture queue's automated email cadence are logged as tasks too), campaign members and Marketo web
visits. Salesforce holds the people marketing handed over (MQLs; every lead in the Salesforce-only
profile), 2 % of them twice (a later duplicate lead with the same email), so each such person is in
HubSpot or Marketo and in Salesforce.

Not written at scale: the previous week's full exports and the incremental extracts (one full export
per object), byte order marks, CRLF line ends (DuckDB writes LF), merges, deletions and owner changes.
``_ground_truth/ground_truth.json`` holds what the simulation table gives set-based: people per stage,
opportunities (open, won, lost), won amount per currency and the rows of every file.

Deterministic for a seed with the locked DuckDB version (its ``hash`` draws every value; the
insertion order of each table is kept when writing).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from ingest.contracts import quote_ident

from . import catalog, clock
from .ids import SALESFORCE_POD, SALESFORCE_PREFIXES, salesforce_checksum
from .marketing import HUBSPOT_SOURCES, MARKETO_LEAD_SOURCES, SALESFORCE_LEAD_SOURCES
from .marketo import ACTIVITY_TYPES
from .population import ARRIVAL_CHANNELS, NURTURE_EMAILS
from .profiles import PROFILES
from .records import ExportDrop
from .sales import LOST, OPEN_STAGES, WON
from .salesforce import INTEGRATION_NAMES
from .simulate import simulate
from .writers import (
    HS_TIMESTAMP,
    LEAD_CUSTOM_FIELDS,
    MARKETO_FILES,
    MK_TIMESTAMP,
    SF_TIMESTAMP,
    _contract,
    hubspot_files,
    hubspot_labels,
    write_drop,
)

# `smarketing generate` uses this engine above this many people (the detailed one up to it).
BULK_THRESHOLD = 20_000
DIMENSION_PEOPLE = 300
PEOPLE_PER_ACCOUNT = 4
STAGES = ("subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist")
HUBSPOT_LIFECYCLE = {"subscriber": "subscriber", "lead": "lead", "mql": "marketingqualifiedlead",
                     "sql": "salesqualifiedlead", "opportunity": "opportunity", "customer": "customer",
                     "evangelist": "evangelist"}
HUBSPOT_DEAL_STAGES = ("appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "contractsent")
TASK_KINDS = (("Call", "Call"), ("Call - connected", "Call"), ("Call - left voicemail", "Call"),
              ("Email: Quick question", "Email"), ("Email: Following up on your request", "Email"),
              ("Email: Resources for your team", "Email"))
WEB_PAGES = ("/product", "/pricing", "/customers", "/blog", "/integrations/salesforce")
PERSONAL_DOMAINS = catalog.PERSONAL_DOMAINS
DUPLICATE_LEAD_SHARE = 0.02
CADENCE_STEPS = 6
MEMORY_LIMIT = "2GB"      # DuckDB's; it spills to a folder in the drop beyond that (removed when done)


# --------------------------------------------------------------------------------------------
# SQL literals
# --------------------------------------------------------------------------------------------


def _lit(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_lit(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in value.items()) + "}"
    return "'" + str(value).replace("'", "''") + "'"


def _pick(weights: list[float], draw: str) -> str:
    """A 1-based index drawn with `weights` from the uniform `draw`."""
    total, bound, cases = sum(weights), 0.0, []
    for index, weight in enumerate(weights[:-1], start=1):
        bound += weight / total
        cases.append(f"when {draw} < {bound!r} then {index}")
    return f"(case {' '.join(cases)} else {len(weights)} end)"


def _sf_id(object_name: str, number: str) -> str:
    """An 18-character Salesforce id: prefix, pod, then `number` in lower-case base 36 (so the checksum
    only depends on the prefix)."""
    head = SALESFORCE_PREFIXES[object_name] + SALESFORCE_POD
    suffix = salesforce_checksum(head + "0" * 10)
    return f"('{head}' || lpad(lower(to_base({number}, 36)), 10, '0') || '{suffix}')"


def _case(expression: str, mapping: dict) -> str:
    """`mapping[expression]` in SQL."""
    return f"(case {expression} " + " ".join(f"when {_lit(k)} then {_lit(v)}" for k, v in mapping.items()) + " end)"


def _ts(fmt: str, column: str) -> str:
    return f"strftime({column}, '{fmt}')"


# --------------------------------------------------------------------------------------------
# The company's small things, from the detailed simulation
# --------------------------------------------------------------------------------------------


def _dimensions(seed: int, profile: str, people: int) -> ExportDrop:
    small = simulate(DIMENSION_PEOPLE, seed, profile).drop
    plan = [replace(t, target_mqls=max(1, round(t.target_mqls * people / 3000))) for t in small.mql_targets]
    return ExportDrop(profile=profile, systems=small.systems, sf_users=small.sf_users,
                      sf_campaigns=small.sf_campaigns, sf_conversion_rates=small.sf_conversion_rates,
                      mk_programs=small.mk_programs, ad_spend=small.ad_spend,
                      campaign_mapping=small.campaign_mapping, fx_rates=small.fx_rates, mql_targets=plan,
                      content_calendar=small.content_calendar)


def _team(drop: ExportDrop, marketing: str | None) -> dict[str, list]:
    """Per market (catalog order): SDR and account executive user ids (None without Salesforce) and names;
    the integration user that creates the leads marketing hands over."""
    by_name = {(u.first_name, u.last_name): u.id for u in drop.sf_users}
    team: dict[str, list] = {"sdr_ids": [], "sdr_names": [], "ae_ids": [], "ae_names": []}
    for market in catalog.MARKETS:
        for role, key in (("SDR", "sdr"), ("Account Executive", "ae")):
            members = [m for m in catalog.TEAM if m.role == role and market.code in m.markets and m.left is None]
            team[f"{key}_ids"].append([by_name.get((m.first_name, m.last_name)) for m in members])
            team[f"{key}_names"].append([f"{m.first_name} {m.last_name}" for m in members])
    team["integration"] = by_name.get(INTEGRATION_NAMES[marketing])
    return team


def _forms_by_month(drop: ExportDrop) -> list[list[dict]]:
    """For each month of the simulation (0 = its first), the forms of the programs running then, with
    their Salesforce campaign and Marketo program ids (null when the profile has no such system)."""
    campaigns = {c.name: c.id for c in drop.sf_campaigns}
    programs: dict[str, int] = {}
    for program in drop.mk_programs:
        programs.setdefault(program.name, int(program.id))
    months, month = [], date(clock.SIM_START.year, clock.SIM_START.month, 1)
    while month < clock.AS_OF.date():
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        forms = [{"form": p.form_name, "url": catalog.WEBSITE + p.page, "sf": campaigns.get(p.name),
                  "mk": programs.get(p.name), "program": p.name}
                 for p in catalog.PROGRAMS if p.form_name and p.start < following and p.end >= month]
        months.append(forms or [{"form": catalog.NEWSLETTER_SIGNUP, "url": catalog.WEBSITE + "/blog", "sf": None,
                                 "mk": None, "program": None}])
        month = following
    return months


# --------------------------------------------------------------------------------------------
# The simulation table
# --------------------------------------------------------------------------------------------

def _as_of_sql() -> str:
    return f"timestamp '{clock.AS_OF:%Y-%m-%d %H:%M:%S}'"


def _simulate_people(con: duckdb.DuckDBPyConnection, people: int, seed: int, team: dict) -> None:
    markets = catalog.MARKETS
    channels = list(ARRIVAL_CHANNELS)
    industries = list(catalog.INDUSTRIES)
    titles = [[t.name for t in catalog.TITLES if t.language in ("*", m.language)] for m in markets]
    span_minutes = int((clock.AS_OF - clock.SIM_START).total_seconds() // 60) - 24 * 60
    con.execute(f"create macro u(k, salt) as hash(k, salt, {int(seed)})::double / 18446744073709551616.0")
    con.execute(f"create macro h(k, salt) as (hash(k, salt, {int(seed)}) % 1000000007)::bigint")
    con.execute("create macro mins(x) as to_minutes(floor(x)::bigint)")
    con.execute("create macro slug(x) as lower(strip_accents(replace(replace(x, ' ', ''), '.', '')))")
    con.execute("create macro upto(x) as case when x < " + _as_of_sql() + " then x end")
    heads, words = _lit([list(m.company_heads) for m in markets]), _lit([list(m.company_words) for m in markets])
    n_accounts = -(-people // PEOPLE_PER_ACCOUNT)
    con.execute(f"""
        create table accounts as
        with drawn as (
            select a, {_pick([m.weight for m in markets], "u(a, 'market')")} as m from range({n_accounts}) t(a)
        ), parts as (
            select a, m,
                {heads}[m][1 + a % len({heads}[m])] as head,
                {words}[m][1 + (a // len({heads}[m])) % len({words}[m])] as word,
                a // (len({heads}[m]) * len({words}[m])) as round
            from drawn
        )
        select a, m,
            head || ' ' || word || case when round > 0 then ' ' || round::varchar else '' end
                || {_lit([list(m.company_suffixes) for m in markets])}[m][1 + h(a, 'suffix') % 2] as name,
            slug(head || word) || case when round > 0 then round::varchar else '' end || '.'
                || {_lit([m.tld for m in markets])}[m] as domain,
            {_lit(industries)}[1 + h(a, 'industry') % {len(industries)}] as industry,
            (5 + pow(u(a, 'employees'), 3) * 4000)::bigint as employees,
            ((5 + pow(u(a, 'employees'), 3) * 4000) * 95000 / 1000)::bigint * 1000 as annual_revenue,
            {_sf_id("Account", "a")} as sf_account_id,
            (21400000000 + a)::varchar as hs_company_id
        from parts
        order by a
    """)
    con.execute(f"""
        create table people as
        with base as (
            select i, i // {PEOPLE_PER_ACCOUNT} as a, i % {PEOPLE_PER_ACCOUNT} as j,
                {_pick(list(ARRIVAL_CHANNELS.values()), "u(i, 'channel')")} as ch,
                timestamp '{clock.SIM_START:%Y-%m-%d}' + mins(pow(u(i, 'created'), 0.8) * {span_minutes}) as created_at
            from range({people}) t(i)
        ), named as (
            select b.*, acc.m, acc.name as company, acc.domain, acc.industry, acc.employees, acc.sf_account_id,
                acc.hs_company_id,
                {_lit([list(m.first_names) for m in markets])}[acc.m][
                    1 + (h(b.a, 'first') + b.j) % len({_lit([list(m.first_names) for m in markets])}[acc.m])]
                    as first_name,
                {_lit([list(m.last_names) for m in markets])}[acc.m][
                    1 + h(b.i, 'last') % len({_lit([list(m.last_names) for m in markets])}[acc.m])] as last_name,
                u(b.i, 'personal') < 0.04 as is_personal
            from base b join accounts acc on acc.a = b.a
        ), lead as (
            select *, upto(case when u(i, 'lead') < 0.8
                                then created_at + mins(pow(u(i, 'lead_d'), 3) * 60 * 24 * 45) end) as lead_at
            from named
        ), mql as (
            select *, upto(case when u(i, 'mql') < 0.42
                                then lead_at + mins(pow(u(i, 'mql_d'), 2) * 60 * 24 * 60) end) as mql_at
            from lead
        ), sql_ as (
            select *, upto(case when u(i, 'sql') < 0.72
                                then mql_at + mins((1 + 9 * u(i, 'sql_d')) * 60 * 24) end) as sql_at,
                upto(mql_at + mins((0.2 + 2 * u(i, 'work_d')) * 60 * 24)) as worked_at
            from mql
        ), opp as (
            select *, upto(case when u(i, 'opp') < 0.92 then sql_at + mins(u(i, 'opp_d') * 60 * 24 * 3) end) as opp_at,
                upto(case when sql_at is null and u(i, 'disq') < 0.55
                          then worked_at + mins((2 + 12 * u(i, 'disq_d')) * 60 * 24) end) as disqualified_at
            from sql_
        ), closing as (
            select *, (opp_at + to_days((20 + 120 * u(i, 'close_d'))::integer))::date as close_date
            from opp
        ), won as (
            select *, close_date < date '{clock.AS_OF.date()}' as is_closed,
                close_date < date '{clock.AS_OF.date()}' and u(i, 'won') < 0.38 as is_won
            from closing
        )
        select *,
            case when is_won then close_date + interval 17 hour end as customer_at,
            upto(case when is_won and u(i, 'evangelist') < 0.2
                      then close_date + to_days((30 + 200 * u(i, 'evangelist_d'))::integer) end) as evangelist_at,
            sql_at is null and disqualified_at is null and worked_at is not null
                and worked_at + interval 30 day < {_as_of_sql()} and u(i, 'recycle') < 0.35 as is_recycled,
            case when is_personal
                 then slug(first_name) || slug(last_name) || i::varchar || '@'
                      || {_lit(list(PERSONAL_DOMAINS))}[1 + h(i, 'mailbox') % {len(PERSONAL_DOMAINS)}]
                 else slug(first_name) || '.' || slug(last_name) || '@' || domain end as email,
            {_lit([m.name for m in markets])}[m] as country,
            {_lit([m.currency for m in markets])}[m] as currency,
            {_lit([m.phone_prefix for m in markets])}[m] || ' ' || (100 + h(i, 'phone1') % 900)::varchar || ' '
                || lpad((h(i, 'phone2') % 1000000)::varchar, 6, '0') as phone,
            {_lit(titles)}[m][1 + h(i, 'title') % len({_lit(titles)}[m])] as title,
            ((50 + pow(u(i, 'amount'), 2) * 550) * (1 + employees / 2000.0))::bigint * 100 as amount,
            {_lit(team['sdr_ids'])}[m][1 + h(i, 'sdr') % len({_lit(team['sdr_ids'])}[m])] as sdr_id,
            {_lit(team['sdr_names'])}[m][1 + h(i, 'sdr') % len({_lit(team['sdr_names'])}[m])] as sdr_name,
            {_lit(team['ae_ids'])}[m][1 + h(i, 'ae') % len({_lit(team['ae_ids'])}[m])] as ae_id,
            {_lit(team['ae_names'])}[m][1 + h(i, 'ae') % len({_lit(team['ae_names'])}[m])] as ae_name,
            {_lit([HUBSPOT_SOURCES[c] for c in channels])}[ch] as hs_source,
            {_lit([SALESFORCE_LEAD_SOURCES[c] for c in channels])}[ch] as sf_lead_source,
            {_lit([MARKETO_LEAD_SOURCES[c] for c in channels])}[ch] as mk_lead_source,
            {_sf_id("Lead", "2 * i")} as sf_lead_id,
            {_sf_id("Contact", "i")} as sf_contact_id,
            {_sf_id("Opportunity", "i")} as sf_opportunity_id,
            (88100000000 + i)::varchar as hs_contact_id
        from won
        order by i
    """)


def _with_journeys(con: duckdb.DuckDBPyConnection, forms_by_month: list[list[dict]]) -> None:
    """Each person's email sends (newsletter every month after creation, the nurture series after
    becoming a lead) and form submissions, as lists on the people table (unnested by each writer)."""
    months = _lit(forms_by_month)
    names = _lit([name for _, name in NURTURE_EMAILS])
    con.execute(f"""create macro send_name(s) as case when s.nurture = 0 then 'Newsletter | ' || strftime(s.at, '%B %Y')
                                                     else {names}[s.nurture] end""")
    # What became of send n of person i: bounced (0.2 %), opened (30 %, within two days), clicked (6 %).
    con.execute("create macro send_draw(i, n, salt) as u(i * 64 + n, salt)")
    con.execute("create macro bounced(i, n) as send_draw(i, n, 'bounce') < 0.002")
    con.execute("create macro opened(i, n) as not bounced(i, n) and send_draw(i, n, 'open') < 0.3")
    con.execute("create macro clicked(i, n) as not bounced(i, n) and send_draw(i, n, 'open') < 0.06")
    con.execute("create macro opened_at(i, n, sent_at) as sent_at + mins(5 + send_draw(i, n, 'open_d') * 2880)")
    con.execute(f"""create macro send_slug(s) as case when s.nurture = 0 then 'newsletter-' || strftime(s.at, '%Y-%m')
                                                     else slug({names}[s.nurture]) end""")
    last_month = f"date_trunc('month', {_as_of_sql()} - interval 1 day)"
    con.execute(f"""
        create table journeys as
        select i,
            list_concat(
                list_transform(range(1, datediff('month', created_at, {last_month}) + 1),
                    k -> {{'at': date_trunc('month', created_at) + to_months(k) + interval 6 day + interval 510 minute,
                          'nurture': 0}}),
                list_filter(list_transform(range(1, {len(NURTURE_EMAILS) + 1}),
                    n -> {{'at': lead_at + to_days({_lit([day for day, _ in NURTURE_EMAILS])}[n]), 'nurture': n}}),
                    s -> s.at < {_as_of_sql()})
            ) as sends,
            list_filter([
                case when lead_at is not null then {{'at': lead_at, 'k': 0}} end,
                case when lead_at is null and ch <= 8 then {{'at': created_at, 'k': -1}} end,
                case when mql_at is not null and u(i, 'hand_raise') < 0.5 then {{'at': mql_at, 'k': -2}} end,
                case when lead_at is not null and u(i, 'more_forms') < 0.45
                     then {{'at': upto(lead_at + mins(u(i, 'form_2') * 60 * 24 * 120)), 'k': 1}} end,
                case when lead_at is not null and u(i, 'more_forms') < 0.15
                     then {{'at': upto(lead_at + mins(u(i, 'form_3') * 60 * 24 * 240)), 'k': 2}} end
            ], f -> f is not null and f.at is not null) as form_slots
        from people
        order by i
    """)
    con.execute(f"""
        create table forms as
        select i, f.k as k, f.at as submitted_at,
            case f.k when -1 then {_lit({"form": catalog.NEWSLETTER_SIGNUP, "url": catalog.WEBSITE + "/blog",
                                          "sf": None, "mk": None, "program": None})}
                     when -2 then {{'form': case when u(i, 'hand') < 0.7 then '{catalog.DEMO_REQUEST}'
                                                else '{catalog.CONTACT_SALES}' end,
                                   'url': '{catalog.WEBSITE}' || case when u(i, 'hand') < 0.7 then '/demo'
                                                                      else '/contact-sales' end,
                                   'sf': null::varchar, 'mk': null::integer, 'program': null::varchar}}
                     else {months}[1 + datediff('month', timestamp '{clock.SIM_START:%Y-%m-%d}', f.at)][
                         1 + (h(i, 'program') + f.k) % len({months}[1 + datediff('month',
                             timestamp '{clock.SIM_START:%Y-%m-%d}', f.at)])] end as form
        from (select i, unnest(form_slots) as f from journeys)
    """)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


class BulkWriter:
    """COPY statements with each contract's columns in order and the vendor's header labels."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out_dir: Path, files: dict[str, int]):
        self.con, self.out_dir, self.files = con, out_dir, files

    def copy(self, source: str, file_name: str, object_name: str, exprs: dict[str, str], from_sql: str,
             labels: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> None:
        contract = _contract(source, file_name, object_name)
        known = [c.name for c in contract.columns] + list(extra)
        unknown = set(exprs) - set(known)
        if unknown:
            raise KeyError(f"{source}/{file_name}: no such column {sorted(unknown)}")
        labels = labels or {}
        columns = ",\n".join(f"{exprs.get(name, 'null')} as {quote_ident(labels.get(name, name))}" for name in known)
        path = self.out_dir / source / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = self.con.execute(f"copy (select {columns}\nfrom {from_sql}) to {_lit(str(path))} "
                                f"(format csv, header true)").fetchall()[0][0]
        self.files[f"{source}/{file_name}"] = rows


def _sf(column: str) -> str:
    return _ts(SF_TIMESTAMP, column)


def _hs(column: str) -> str:
    return _ts(HS_TIMESTAMP, column)


def _mk(column: str) -> str:
    return _ts(MK_TIMESTAMP, column)


def _lead_status(open_status: str = "'Open - Not Contacted'") -> str:
    return ("case when sql_at is not null then 'Sales Qualified' when disqualified_at is not null then 'Disqualified' "
            "when is_recycled then 'Recycled' when worked_at is not null then 'Working - Contacted' "
            f"else {open_status} end")


def _write_salesforce(w: BulkWriter, team: dict, everyone_is_a_lead: bool) -> None:
    handed = "lead_at" if everyone_is_a_lead else "mql_at"
    created = "lead_at" if everyone_is_a_lead else "mql_at + interval 2 minute"
    owner = f"case when mql_at is not null then sdr_id else {_lit(team['integration'])} end"
    w.con.execute(f"""
        create temp view sf_leads as
        select *, {created} as lead_created_at, false as is_duplicate from people where {handed} is not null
    """)
    status = _lead_status()
    converted = "opp_at is not null"
    modified = "greatest(lead_created_at, worked_at, sql_at, disqualified_at, opp_at)"
    w.con.execute(f"""
        create temp view sf_lead_rows as
        select * exclude (dups), unnest(dups) as dup from (
            select *, case when u(i, 'duplicate') < {DUPLICATE_LEAD_SHARE}
                                and lead_created_at + interval 30 day < {_as_of_sql()} then [false, true]
                           else [false] end as dups
            from sf_leads)
    """)
    lead_id = f"case when dup then {_sf_id('Lead', '2 * i + 1')} else sf_lead_id end"
    w.copy("salesforce", "Lead.csv", "lead", {
        "Id": lead_id, "FirstName": "first_name", "LastName": "last_name",
        "Email": "case when dup then upper(email[1]) || email[2:] else email end", "Phone": "phone",
        "Company": "company", "Title": "title", "Country": "country", "Industry": "industry",
        "NumberOfEmployees": "employees", "LeadSource": "sf_lead_source",
        "Status": f"case when dup then 'Open - Not Contacted' else {status} end",
        "OwnerId": owner, "IsConverted": f"not dup and {converted}",
        "ConvertedDate": f"case when not dup then opp_at::date end",
        "ConvertedContactId": f"case when not dup and {converted} then sf_contact_id end",
        "ConvertedAccountId": f"case when not dup and {converted} then sf_account_id end",
        "ConvertedOpportunityId": f"case when not dup and {converted} then sf_opportunity_id end",
        "CreatedDate": _sf("case when dup then lead_created_at + interval 30 day else lead_created_at end"),
        "LastModifiedDate": _sf(f"case when dup then lead_created_at + interval 30 day else {modified} end"),
        "IsDeleted": "false",
        "SystemModstamp": _sf(f"case when dup then lead_created_at + interval 30 day else {modified} end"),
        "Disqualification_Reason__c": f"case when not dup and disqualified_at is not null then "
                                      f"{_lit(list(catalog.LEAD_DISQUALIFICATION_REASONS))}"
                                      f"[1 + h(i, 'reason') % {len(catalog.LEAD_DISQUALIFICATION_REASONS)}] end",
    }, "sf_lead_rows", extra=LEAD_CUSTOM_FIELDS)
    history = f"""(select *, unnest(list_filter([
            {{'k': 0, 'field': 'created', 'old': null::varchar, 'new': null::varchar, 'at': lead_created_at,
              'by': {_lit(team['integration'])}}},
            case when not dup and worked_at is not null then {{'k': 1, 'field': 'Status', 'old': 'Open - Not Contacted',
              'new': 'Working - Contacted', 'at': worked_at, 'by': sdr_id}} end,
            case when not dup and sql_at is not null then {{'k': 2, 'field': 'Status', 'old': 'Working - Contacted',
              'new': 'Sales Qualified', 'at': sql_at, 'by': sdr_id}} end,
            case when not dup and disqualified_at is not null then {{'k': 3, 'field': 'Status',
              'old': 'Working - Contacted', 'new': 'Disqualified', 'at': disqualified_at, 'by': sdr_id}} end,
            case when not dup and is_recycled then {{'k': 4, 'field': 'Status', 'old': 'Working - Contacted',
              'new': 'Recycled', 'at': worked_at + interval 30 day, 'by': sdr_id}} end,
            case when not dup and opp_at is not null then {{'k': 5, 'field': 'leadConverted', 'old': null,
              'new': null, 'at': opp_at, 'by': sdr_id}} end
        ], e -> e is not null)) as e from sf_lead_rows)"""
    w.copy("salesforce", "LeadHistory.csv", "lead_history", {
        "Id": _sf_id("LeadHistory", "16 * i + 8 * dup::integer + e.k"), "LeadId": lead_id, "Field": "e.field",
        "DataType": "case when e.field = 'Status' then 'DynamicEnum' end", "OldValue": "e.old",
        "NewValue": "e.new", "CreatedById": "e.by",
        "CreatedDate": _sf("case when dup and e.k = 0 then e.at + interval 30 day else e.at end"),
        "IsDeleted": "false",
    }, history)

    w.copy("salesforce", "Contact.csv", "contact", {
        "Id": "sf_contact_id", "AccountId": "sf_account_id", "FirstName": "first_name", "LastName": "last_name",
        "Email": "email", "Phone": "phone", "Title": "title", "MailingCountry": "country",
        "LeadSource": "sf_lead_source", "OwnerId": "ae_id", "CreatedDate": _sf("opp_at"),
        "LastModifiedDate": _sf("opp_at"), "IsDeleted": "false", "SystemModstamp": _sf("opp_at"),
    }, "people where opp_at is not null")
    w.copy("salesforce", "Account.csv", "account", {
        "Id": "sf_account_id", "Name": "name", "Website": "'www.' || domain", "Industry": "industry",
        "Type": "case when customers > 0 then 'Customer' else 'Prospect' end", "BillingCountry": "country",
        "NumberOfEmployees": "employees", "AnnualRevenue": "annual_revenue::decimal(18, 2)", "OwnerId": "ae_id",
        "CreatedDate": _sf("created_at"), "LastModifiedDate": _sf("modified_at"), "IsDeleted": "false",
        "SystemModstamp": _sf("modified_at"),
    }, """(select a.*, p.* from accounts a join (
            select a as account, min(opp_at) as created_at, max(coalesce(customer_at, opp_at)) as modified_at,
                count(customer_at) as customers, any_value(country order by i) as country,
                any_value(ae_id order by i) as ae_id
            from people where opp_at is not null group by a) p on p.account = a.a
          order by a.a)""")
    _write_opportunities(w)
    _write_sales_activities(w, everyone_is_a_lead, team)


def _opportunity_steps() -> str:
    """Each opportunity's stage steps: the open stages spread over its life, then the close."""
    fractions = (0.0, 0.2, 0.45, 0.75)
    steps = [f"{{'k': {k}, 'stage': {_lit(name)}, 'probability': {probability}, 'forecast': {_lit(forecast)}, "
             f"'at': opp_at + mins({fraction} * datediff('minute', opp_at, close_date::timestamp))}}"
             for k, ((name, probability, forecast), fraction) in enumerate(zip(OPEN_STAGES, fractions))]
    won, lost = (f"{{'k': 4, 'stage': {_lit(n)}, 'probability': {p}, 'forecast': {_lit(f)}, "
                 f"'at': close_date + interval 17 hour}}" for n, p, f in (WON, LOST))
    return (f"list_filter([{', '.join(steps)}, case when is_won then {won} when is_closed then {lost} end], "
            f"s -> s is not null and s.at < {_as_of_sql()})")


def _write_opportunities(w: BulkWriter) -> None:
    w.con.execute(f"""
        create temp table opportunities as
        select *, steps[len(steps)] as last_step from (
            select *, {_opportunity_steps()} as steps from people where opp_at is not null)
    """)
    w.copy("salesforce", "Opportunity.csv", "opportunity", {
        "Id": "sf_opportunity_id", "AccountId": "sf_account_id",
        "Name": "company || ' - Revenue Analytics Suite'", "StageName": "last_step.stage",
        "Amount": "amount::decimal(18, 2)", "CurrencyIsoCode": "currency", "Probability": "last_step.probability",
        "CloseDate": "close_date", "IsClosed": "is_closed", "IsWon": "is_won", "Type": "'New Business'",
        "LeadSource": "sf_lead_source", "OwnerId": "ae_id", "ForecastCategoryName": "last_step.forecast",
        "CreatedDate": _sf("opp_at"), "LastModifiedDate": _sf("last_step.at"), "IsDeleted": "false",
        "SystemModstamp": _sf("last_step.at"),
    }, "opportunities")
    w.copy("salesforce", "OpportunityHistory.csv", "opportunity_history", {
        "Id": _sf_id("OpportunityHistory", "8 * i + s.k"), "OpportunityId": "sf_opportunity_id",
        "StageName": "s.stage", "Amount": "amount::decimal(18, 2)", "CloseDate": "close_date",
        "Probability": "s.probability", "ForecastCategory": "s.forecast", "CreatedById": "ae_id",
        "CreatedDate": _sf("s.at"), "IsDeleted": "false", "SystemModstamp": _sf("s.at"),
    }, "(select *, unnest(steps) as s from opportunities)")
    w.copy("salesforce", "OpportunityContactRole.csv", "opportunity_contact_role", {
        "Id": _sf_id("OpportunityContactRole", "i"), "OpportunityId": "sf_opportunity_id",
        "ContactId": "sf_contact_id", "Role": "'Decision Maker'", "IsPrimary": "true", "CreatedDate": _sf("opp_at"),
        "IsDeleted": "false", "SystemModstamp": _sf("opp_at"),
    }, "opportunities")


def _write_sales_activities(w: BulkWriter, everyone_is_a_lead: bool, team: dict) -> None:
    """SDR tasks on the leads marketing hands over, a discovery meeting per SQL, campaign members for the
    forms of the people in Salesforce; without marketing automation the newsletter sends are tasks too."""
    who = "case when opp_at is not null then sf_contact_id else sf_lead_id end"
    kinds = _lit([{"subject": s, "type": t} for s, t in TASK_KINDS])
    work = (f"list_transform(range(2 + h(i, 'tasks') % 5), k -> {{'k': k, 'kind': {kinds}[1 + (h(i, 'task') + k) % "
            f"{len(TASK_KINDS)}], 'owner': sdr_id, 'at': worked_at + mins((k / (2 + h(i, 'tasks') % 5)) * "
            f"datediff('minute', worked_at, coalesce(sql_at, disqualified_at, least(worked_at + interval 21 day, "
            f"{_as_of_sql()} - interval 1 minute))))}})")
    logged = "[]"
    if everyone_is_a_lead:
        logged = (f"list_transform(j.sends, (s, n) -> {{'k': 100 + n, "
                  f"'kind': {{'subject': 'Email: ' || send_name(s), 'type': 'Email'}}, "
                  f"'owner': {_lit(team['integration'])}, 'at': s.at}})")
        # The nurture queue's automated cadence: six emails, five days apart, logged like the sends.
        cadence = (f"list_filter(list_transform(range({CADENCE_STEPS}), k -> {{'k': 200 + k, 'kind': {{'subject': "
                   f"'Email: Nurture cadence step ' || (k + 1)::varchar, 'type': 'Email'}}, "
                   f"'owner': {_lit(team['integration'])}, 'at': lead_at + to_days(3 + 5 * k::integer)}}), "
                   f"t -> t.at < {_as_of_sql()})")
        logged = f"list_concat({logged}, {cadence})"
    tasks = f"""(select p.*, unnest(list_concat(case when worked_at is not null then {work} else [] end, {logged})) as t
        from people p join journeys j using (i) where {'lead_at' if everyone_is_a_lead else 'mql_at'} is not null
        order by p.i)"""
    w.copy("salesforce", "Task.csv", "task", {
        "Id": _sf_id("Task", "1024 * i + t.k"), "WhoId": who, "OwnerId": "t.owner", "Subject": "t.kind.subject",
        "Type": "t.kind.type", "TaskSubtype": "t.kind.type", "Status": "'Completed'", "ActivityDate": "t.at::date",
        "CompletedDateTime": _sf("t.at"), "CreatedDate": _sf("t.at"), "IsDeleted": "false",
        "SystemModstamp": _sf("t.at"),
    }, tasks)
    w.copy("salesforce", "Event.csv", "event", {
        "Id": _sf_id("Event", "i"), "WhoId": who, "OwnerId": "sdr_id", "Subject": "'Discovery call'",
        "Type": "'Meeting'", "StartDateTime": _sf("sql_at - interval 1 hour"),
        "EndDateTime": _sf("sql_at - interval 30 minute"),
        "CreatedDate": _sf("worked_at"), "IsDeleted": "false", "SystemModstamp": _sf("worked_at"),
    }, "people where sql_at is not null")
    members = f"""(select p.*, f.k, f.submitted_at, f.form from people p join forms f using (i)
        where p.{'lead_at' if everyone_is_a_lead else 'mql_at'} is not null and f.form.sf is not null
        qualify row_number() over (partition by p.i, f.form.sf order by f.submitted_at) = 1
        order by p.i, f.submitted_at)"""
    w.copy("salesforce", "CampaignMember.csv", "campaign_member", {
        "Id": _sf_id("CampaignMember", "8 * i + k + 2"), "CampaignId": "form.sf",
        "LeadId": "sf_lead_id", "ContactId": "case when opp_at is not null then sf_contact_id end",
        "Status": "'Responded'", "HasResponded": "true", "FirstRespondedDate": "submitted_at::date",
        "CreatedDate": _sf("submitted_at"), "IsDeleted": "false", "SystemModstamp": _sf("submitted_at"),
    }, members)


def _email_events(kind_names: dict[str, str]) -> str:
    """Per send: delivered (or bounced, 0.2 %), opened (30 %), clicked (6 % of sends, after the open)."""
    return f"""(select *, unnest(list_filter([
            {{'e': 0, 'type': case when bounced(i, s.n) then {_lit(kind_names['bounce'])}
                                   else {_lit(kind_names['delivered'])} end, 'at': s.at}},
            case when opened(i, s.n) then
                {{'e': 1, 'type': {_lit(kind_names['open'])}, 'at': opened_at(i, s.n, s.at)}} end,
            case when clicked(i, s.n) then
                {{'e': 2, 'type': {_lit(kind_names['click'])}, 'at': opened_at(i, s.n, s.at) + interval 1 minute}} end
        ], e -> e is not null and e.at < {_as_of_sql()})) as e
        from (select p.i, p.email, p.hs_contact_id, unnest(list_transform(j.sends, (x, n) -> {{'n': n, 'at': x.at,
                     'name': send_name(x), 'slug': send_slug(x)}})) as s
              from people p join journeys j using (i) order by p.i))"""


def _write_hubspot(w: BulkWriter, with_deals: bool) -> None:
    def labelled(object_name: str) -> tuple[str, dict[str, str]]:
        file_name = hubspot_files()[object_name]
        return file_name, hubspot_labels(_contract("hubspot", file_name, object_name))

    stage_columns = {"subscriber": "created_at", "lead": "lead_at", "mql": "mql_at", "sql": "sql_at",
                     "opportunity": "opp_at", "customer": "customer_at", "evangelist": "evangelist_at"}
    lifecycle = "case " + " ".join(f"when {column} is not null then {_lit(HUBSPOT_LIFECYCLE[stage])}"
                                   for stage, column in reversed(stage_columns.items())) + " end"
    exprs = {f"hs_lifecyclestage_{HUBSPOT_LIFECYCLE[stage]}_date": _hs(column)
             for stage, column in stage_columns.items()}
    modified = "greatest(" + ", ".join(stage_columns.values()) + ")"
    status = {"'Open - Not Contacted'": "NEW", "'Working - Contacted'": "IN_PROGRESS", "'Sales Qualified'": "OPEN_DEAL",
              "'Disqualified'": "UNQUALIFIED", "'Recycled'": "BAD_TIMING"}
    lead_status = _lead_status()
    for sf_value, hs_value in status.items():
        lead_status = lead_status.replace(sf_value, _lit(hs_value))
    file_name, labels = labelled("contacts")
    w.copy("hubspot", file_name, "contacts", {
        **exprs, "hs_object_id": "hs_contact_id", "firstname": "first_name", "lastname": "last_name", "email": "email",
        "phone": "case when u(i, 'has_phone') < 0.6 then phone end", "company": "company", "jobtitle": "title",
        "country": "country", "lifecyclestage": lifecycle,
        "hs_lead_status": f"case when mql_at is not null then {lead_status} end",
        "hubspotscore": "h(i, 'score') % 40 + 20 * (mql_at is not null)::integer", "hs_analytics_source": "hs_source",
        "hubspot_owner_id": "case when mql_at is not null then sdr_name end",
        "associatedcompanyid": "case when not is_personal then hs_company_id end",
        "createdate": _hs("created_at"), "lastmodifieddate": _hs(modified),
    }, "people", labels)
    file_name, labels = labelled("companies")
    w.copy("hubspot", file_name, "companies", {
        "hs_object_id": "hs_company_id", "name": "name", "domain": "domain", "country": "country",
        "industry": _case("industry", catalog.INDUSTRIES),
        "numberofemployees": "employees", "annualrevenue": "annual_revenue",
        "hubspot_owner_id": "owner", "createdate": _hs("created_at"), "hs_lastmodifieddate": _hs("modified_at"),
    }, """(select a.*, p.* from accounts a join (
            select a as account, min(created_at) as created_at,
                max(greatest(created_at, mql_at, opp_at)) as modified_at, any_value(country order by i) as country,
                any_value(case when opp_at is not null then ae_name end order by i) as owner
            from people where not is_personal group by a) p on p.account = a.a
          order by a.a)""", labels)
    if with_deals:
        w.con.execute(f"""
            create temp table deals as
            select *, steps[len(steps)] as last_step from (
                select *, {_opportunity_steps()} as steps from people where opp_at is not null)
        """)
        stages = {name: hs for (name, _, _), hs in zip(OPEN_STAGES, HUBSPOT_DEAL_STAGES)}
        stages.update({WON[0]: "closedwon", LOST[0]: "closedlost"})
        file_name, labels = labelled("deals")
        w.copy("hubspot", file_name, "deals", {
            "hs_object_id": "(16900000000 + i)::varchar", "dealname": "company || ' - Revenue Analytics Suite'",
            "pipeline": "'default'", "dealstage": _case("last_step.stage", stages),
            "amount": "amount", "deal_currency_code": "currency", "closedate": _hs("close_date::timestamp"),
            "createdate": _hs("opp_at"), "hs_is_closed": "is_closed", "hs_is_closed_won": "is_won",
            "hubspot_owner_id": "ae_name", "associated_contact_ids": "hs_contact_id",
            "associated_company_ids": "case when not is_personal then hs_company_id end",
            "hs_lastmodifieddate": _hs("last_step.at"),
        }, "deals", labels)
    file_name, labels = labelled("form_submissions")
    w.copy("hubspot", file_name, "form_submissions", {
        "conversion_id": "md5(i::varchar || ':' || k::varchar || ':' || submitted_at::varchar)::uuid::varchar",
        "contact_id": "hs_contact_id", "email": "email", "form_name": "form.form", "page_url": "form.url",
        "submitted_at": _hs("submitted_at"),
    }, "(select p.hs_contact_id, p.email, f.* from people p join forms f using (i) order by f.i, f.submitted_at, f.k)",
        labels)
    file_name, labels = labelled("email_events")
    w.copy("hubspot", file_name, "email_events", {
        "event_id": "(i * 256 + s.n * 3 + e.e)::varchar", "recipient": "email", "email_campaign": "s.name",
        "event_type": "e.type", "occurred_at": _hs("e.at"),
        "url": f"case when e.e = 2 then '{catalog.WEBSITE}/blog?utm_source=hubspot&utm_medium=email&utm_campaign=' "
               "|| s.slug end",
    }, _email_events({"delivered": "DELIVERED", "open": "OPEN", "click": "CLICK", "bounce": "BOUNCE"}), labels)


def _activity(slot: str, type_id: int, at: str, campaign: str = "null", value_id: str = "null",
              value: str = "null", attributes: str = "'{}'") -> str:
    return (f"{{'slot': {slot}, 'type_id': {type_id}, 'at': {at}, 'campaign': {campaign}::bigint, "
            f"'value_id': {value_id}::bigint, 'value': {value}::varchar, 'attributes': {attributes}::varchar}}")


def _write_marketo(w: BulkWriter) -> None:
    w.copy("marketo", MARKETO_FILES["leads"], "leads", {
        "id": "1000000 + i", "email": "email", "firstName": "first_name", "lastName": "last_name",
        "company": "company", "title": "title", "country": "country", "leadSource": "mk_lead_source",
        "leadStatus": f"case when customer_at is not null then 'Customer' "
                      f"when mql_at is not null then {_lead_status()} else 'Nurture' end",
        "leadScore": "h(i, 'score') % 40 + 30 * (mql_at is not null)::integer",
        "sfdcLeadId": "case when mql_at is not null then sf_lead_id end",
        "sfdcContactId": "case when opp_at is not null then sf_contact_id end",
        "createdAt": _mk("created_at"), "updatedAt": _mk("greatest(created_at, mql_at, opp_at, customer_at)"),
    }, "people")
    email = "'{\"Campaign Run ID\": 0, \"Choice Number\": 0}'"
    sent = "send_name(s) || '.Email'"
    link = (f"'{{\"Link\": \"{catalog.WEBSITE}/blog?utm_source=email&utm_medium=email&utm_campaign=' "
            "|| send_slug(s) || '\"}'")
    sends = (
        "flatten(list_transform(j.sends, (s, n) -> list_filter(["
        + _activity("1 + 3 * n", 7, "s.at", value=sent, attributes=email).replace(
            "'type_id': 7", "'type_id': case when bounced(p.i, n) then 8 else 7 end")
        + ", case when opened(p.i, n) then "
        + _activity("2 + 3 * n", 10, "opened_at(p.i, n, s.at)", value=sent, attributes=email) + " end"
        + ", case when clicked(p.i, n) then "
        + _activity("3 + 3 * n", 11, "opened_at(p.i, n, s.at) + interval 1 minute", value=sent, attributes=link)
        + f" end], act -> act is not null and act.at < {_as_of_sql()})))")
    forms = ("flatten(list_transform(f.forms, x -> ["
             + _activity("200 + 2 * (x.k + 2)", 2, "x.submitted_at", value_id="x.form.mk", value="x.form.form",
                         attributes="'{\"Webpage URL\": \"' || x.form.url || '\", \"Query Parameters\": \"\"}'")
             + ", case when x.form.mk is not null then "
             + _activity("201 + 2 * (x.k + 2)", 104, "x.submitted_at", value_id="x.form.mk", value="x.form.program",
                         attributes="'{\"New Status\": \"Filled-out Form\", \"Old Status\": \"Not in Program\", "
                                    "\"Success\": true, \"Acquired By\": true}'") + " end]))")
    pages = _lit(list(WEB_PAGES))
    visits = ("list_transform(range(h(p.i, 'visits') % 3), v -> "
              + _activity("300 + v", 1, f"upto(p.created_at + mins(u(p.i * 8 + v, 'visit') * "
                                         f"datediff('minute', p.created_at, {_as_of_sql()})))",
                          value=f"'www.smarketing-demo.com' || {pages}[1 + (h(p.i, 'page') + v) % {len(WEB_PAGES)}]",
                          attributes=f"'{{\"Webpage URL\": \"' || {pages}[1 + (h(p.i, 'page') + v) % "
                                     f"{len(WEB_PAGES)}] || '\"}}'") + ")")
    new_lead = _activity("0", 12, "p.created_at", value="null",
                         attributes="'{\"Source Type\": \"' || case when p.ch >= 9 then 'List import' "
                                    "else 'Web form fillout' end || '\"}'")
    w.copy("marketo", MARKETO_FILES["activities"], "activities", {
        "marketoGUID": "(1024 * i + a.slot)::varchar", "leadId": "1000000 + i", "activityDate": _mk("a.at"),
        "activityTypeId": "a.type_id", "activityTypeName": _case("a.type_id", ACTIVITY_TYPES),
        "campaignId": "a.campaign", "primaryAttributeValueId": "a.value_id", "primaryAttributeValue": "a.value",
        "attributes": "a.attributes",
    }, f"""(select i, unnest(list_filter(list_concat([{new_lead}], {sends}, coalesce({forms}, []), {visits}),
                                        act -> act.at is not null)) as a
          from people p join journeys j using (i)
              left join (select i, list({{'k': k, 'submitted_at': submitted_at, 'form': form}} order by k) as forms
                         from forms group by i) f using (i)
          order by p.i)""")


# --------------------------------------------------------------------------------------------
# The drop and its ground truth
# --------------------------------------------------------------------------------------------


def _ground_truth(con: duckdb.DuckDBPyConnection, *, people: int, seed: int, profile: str,
                  files: dict[str, int]) -> dict:
    columns = ("created_at", "lead_at", "mql_at", "sql_at", "opp_at", "customer_at", "evangelist_at")
    counts = con.execute("select " + ", ".join(f"count({c})" for c in columns) + " from people").fetchall()[0]
    deals = con.execute("""
        select count(*), count(*) filter (not is_closed), count(*) filter (is_won),
            count(*) filter (is_closed and not is_won)
        from people where opp_at is not null""").fetchall()[0]
    won = con.execute("""select currency, count(*), sum(amount) from people where is_won
                         group by currency order by currency""").fetchall()
    return {
        "engine": "bulk",
        "seed": seed,
        "people": people,
        "profile": profile,
        "as_of": clock.AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "note": "people per stage by the simulation's own stage times (not the governed definitions); "
                "opportunities and won amounts as simulated; rows of every file written",
        "stage_counts": dict(zip(STAGES, counts)),
        "opportunities": dict(zip(("total", "open", "won", "lost"), deals)),
        "won_by_currency": {currency: {"deals": n, "amount": int(amount)} for currency, n, amount in won},
        "files": dict(sorted(files.items())),
    }


def generate_bulk(out_dir: Path, people: int, seed: int, profile: str) -> dict:
    """Write a `profile` company of `people` people to `out_dir` with its set-based ground truth."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    spec = PROFILES[profile]
    out_dir = Path(out_dir)
    dimensions = _dimensions(seed, profile, people)
    # Users, campaigns, programs, rates, spend and plan; the people's files (empty here) are replaced below.
    writer = write_drop(out_dir, dimensions)
    team = _team(dimensions, spec.marketing)
    with tempfile.TemporaryDirectory(prefix="_spill-", dir=out_dir) as spill, duckdb.connect() as con:
        con.execute(f"set threads = {os.cpu_count() or 1}")
        con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"set temp_directory = {_lit(spill)}")
        con.execute("set preserve_insertion_order = true")
        _simulate_people(con, people, seed, team)
        _with_journeys(con, _forms_by_month(dimensions))
        bulk = BulkWriter(con, out_dir, writer.files)
        if "salesforce" in spec.systems:
            _write_salesforce(bulk, team, everyone_is_a_lead=spec.marketing is None)
        if "hubspot" in spec.systems:
            _write_hubspot(bulk, with_deals=spec.sales == "hubspot")
        if "marketo" in spec.systems:
            _write_marketo(bulk)
        document = _ground_truth(con, people=people, seed=seed, profile=profile, files=writer.files)
    writer.ground_truth(document)
    return {"out_dir": str(out_dir), "profile": profile, "seed": seed, "people": people, "engine": "bulk",
            "as_of": document["as_of"], "files": dict(sorted(writer.files.items())),
            "stage_counts": document["stage_counts"],
            "opportunities": document["opportunities"]}
