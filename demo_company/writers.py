"""Export files in each vendor's own format, with headers taken from the export contracts.

Salesforce: Data Export CSVs, one ``<Object>.csv`` per object, API field names,
``2026-03-04T10:15:00.000Z`` timestamps; ``Lead.csv`` carries a UTF-8 byte order mark. Lead and
LeadHistory are the full export of a week before the drop; ``salesforce/<date>/`` holds the Data
Loader "Export All" extract of what changed since (deleted leads with ``IsDeleted = true``).
Every file is RFC 4180 CSV (CRLF line ends, fields quoted when they need it), empty = null.
HubSpot: CRM UI exports with English property labels, ``2026-03-04 10:15`` timestamps; contacts and
companies are the full exports of a week before, plus a re-export of the records modified since,
made by a user whose HubSpot language is Spanish: Spanish labels, ``;`` between fields,
``04/03/2026 10:15`` timestamps, ``1.234,5`` numbers, UTF-8 with a byte order mark.
Marketo: bulk-extract CSVs with REST field names, ``2026-03-04T10:15:00Z`` timestamps.
Spend: Google Ads and LinkedIn Campaign Manager reports with their title lines above the header.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ingest.contracts import Contract, contract_for_file, contracts_for

from . import clock
from .records import ExportDrop

def export_day() -> str:
    """The day the exports were taken (ISO): file names and the incremental extract's folder carry it."""
    return clock.AS_OF.date().isoformat()


def hubspot_files() -> dict[str, str]:
    previous, today = clock.PREVIOUS_EXPORT_AT.date().isoformat(), export_day()
    return {
        "contacts": f"hubspot-crm-exports-all-contacts-{previous}.csv",
        "companies": f"hubspot-crm-exports-all-companies-{previous}.csv",
        "deals": f"hubspot-crm-exports-all-deals-{today}.csv",
        "form_submissions": f"hubspot-form-submissions-{today}.csv",
        "email_events": f"hubspot-marketing-email-events-{today}.csv",
    }


MARKETO_FILES = {"leads": "leads.csv", "activities": "activities.csv", "programs": "programs.csv"}
SPEND_FILES = {"google_ads": "google_ads_campaign_report.csv",
               "linkedin_ads": "linkedin_ads_campaign_performance.csv",
               "campaign_mapping": "campaign_mapping.csv",
               "fx_rates": "fx_rates.csv"}
def hubspot_incremental_files() -> dict[str, str]:
    """Saved views of the records modified in the last 7 days, exported by a Spanish-language user."""
    return {
        "contacts": f"hubspot-crm-exports-contacts-modified-last-7-days-{export_day()}.csv",
        "companies": f"hubspot-crm-exports-companies-modified-last-7-days-{export_day()}.csv",
    }


# The columns of those views, with the labels HubSpot's Spanish interface gives them (each one an
# alias in ingest/contracts.py). Merged Contact IDs is not in the view.
HUBSPOT_SPANISH_LABELS = {
    "contacts": {
        "hs_object_id": "ID de registro", "firstname": "Nombre", "lastname": "Apellidos", "email": "Correo",
        "phone": "Número de teléfono", "company": "Nombre de la empresa", "jobtitle": "Cargo",
        "country": "País/región", "lifecyclestage": "Etapa del ciclo de vida", "hs_lead_status": "Estado del lead",
        "hubspotscore": "Puntuación de HubSpot", "hs_analytics_source": "Fuente original",
        "hs_analytics_source_data_1": "Desglose 1 de la fuente original",
        "hs_analytics_source_data_2": "Desglose 2 de la fuente original",
        "hubspot_owner_id": "Propietario del contacto", "associatedcompanyid": "ID de empresa asociada",
        "createdate": "Fecha de creación", "lastmodifieddate": "Fecha de última modificación",
        "hs_lifecyclestage_subscriber_date": "Fecha en que se convirtió en suscriptor",
        "hs_lifecyclestage_lead_date": "Fecha en que se convirtió en lead",
        "hs_lifecyclestage_marketingqualifiedlead_date": "Fecha en que se convirtió en lead calificado para marketing",
        "hs_lifecyclestage_salesqualifiedlead_date": "Fecha en que se convirtió en lead calificado para ventas",
        "hs_lifecyclestage_opportunity_date": "Fecha en que se convirtió en oportunidad",
        "hs_lifecyclestage_customer_date": "Fecha en que se convirtió en cliente",
        "hs_lifecyclestage_evangelist_date": "Fecha en que se convirtió en promotor",
    },
    "companies": {
        "hs_object_id": "ID de registro", "name": "Nombre de la empresa", "domain": "Nombre de dominio de la empresa",
        "country": "País/región", "industry": "Sector", "numberofemployees": "Número de empleados",
        "annualrevenue": "Ingresos anuales", "hubspot_owner_id": "Propietario de la empresa",
        "createdate": "Fecha de creación", "hs_lastmodifieddate": "Fecha de última modificación",
    },
}
# Salesforce objects exported incrementally (Data Loader, SystemModstamp / CreatedDate since the last
# full export) into salesforce/<export day>/; the other objects are re-exported in full every week.
SALESFORCE_INCREMENTAL_OBJECTS = ("Lead", "LeadHistory")
# "Email" is both the recipient's and the email campaign's label in HubSpot's email-event export;
# the campaign column is written with its unambiguous label.
HUBSPOT_LABEL_OVERRIDES = {("email_events", "email_campaign"): "Email name"}
LEAD_CUSTOM_FIELDS = ("Disqualification_Reason__c",)
# Timestamp formats (strftime, also used by DuckDB's strftime in the bulk generator).
SF_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.000Z"
HS_TIMESTAMP = "%Y-%m-%d %H:%M"
MK_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


# --------------------------------------------------------------------------------------------
# Value formats
# --------------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def sf_timestamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime(SF_TIMESTAMP)


def iso_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def boolean(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def fixed(value: Decimal | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def hs_timestamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime(HS_TIMESTAMP)


def hs_number(value: Decimal | int | None) -> str:
    """HubSpot writes numbers without trailing zeros: 1234.5, 1200."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def es_timestamp(value: datetime | None) -> str:
    """HubSpot in Spanish: day first, 24-hour clock, UTC."""
    return "" if value is None else value.strftime("%d/%m/%Y %H:%M")


def es_number(value: Decimal | int | None) -> str:
    """HubSpot in Spanish: '.' between thousands, ',' before the decimals: 1.234,5 and 12.500.000."""
    text = hs_number(value)
    if not text:
        return ""
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    grouped = ".".join([whole, *groups])
    return sign + grouped + ("," + fraction if fraction else "")


def mk_timestamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime(MK_TIMESTAMP)


def us_date(value: date) -> str:
    return f"{value.month}/{value.day}/{value.year}"


# --------------------------------------------------------------------------------------------
# CSV writing
# --------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]], *, bom: bool = False,
              preamble: Iterable[list[str]] = (), delimiter: str = ",") -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for line in preamble:
            writer.writerow(line)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _contract(source: str, file_name: str, expected_object: str) -> Contract:
    contract = contract_for_file(source, file_name)
    if contract is None or contract.object != expected_object:
        raise ValueError(f"{source}/{file_name} would not be recognised as {expected_object}")
    return contract


class DropWriter:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.files: dict[str, int] = {}

    def _write(self, source: str, file_name: str, contract: Contract, labels: dict[str, str],
               records: Iterable, to_row: Callable[[object], dict[str, str]], extra: tuple[str, ...] = (),
               only: Iterable[str] | None = None, **options) -> None:
        """Write `records` to <source>/<file_name>; `only` restricts the columns (a saved view's)."""
        known = [c.name for c in contract.columns] + list(extra)
        columns = known if only is None else [name for name in known if name in set(only)]
        header = [labels.get(name, name) for name in columns]

        def ordered(record) -> list[str]:
            row = to_row(record)
            unknown = set(row) - set(known)
            if unknown:
                raise KeyError(f"{source}/{file_name}: no such column {sorted(unknown)}")
            return [row.get(name, "") for name in columns]

        rows = map(ordered, records)
        path = self.out_dir / source / file_name
        self.files[f"{source}/{file_name}"] = write_csv(path, header, rows, **options)

    # ---------------------------------------------------------------- Salesforce

    def salesforce(self, drop: ExportDrop) -> None:
        objects = {
            "Lead": (drop.sf_leads, _sf_lead), "Contact": (drop.sf_contacts, _sf_contact),
            "Account": (drop.sf_accounts, _sf_account), "Opportunity": (drop.sf_opportunities, _sf_opportunity),
            "OpportunityHistory": (drop.sf_opportunity_history, _sf_opportunity_history),
            "OpportunityContactRole": (drop.sf_contact_roles, _sf_contact_role),
            "Campaign": (drop.sf_campaigns, _sf_campaign), "CampaignMember": (drop.sf_campaign_members, _sf_member),
            "Task": (drop.sf_tasks, _sf_task), "Event": (drop.sf_events, _sf_event), "User": (drop.sf_users, _sf_user),
            "LeadHistory": (drop.sf_lead_history, _sf_lead_history),
            "DatedConversionRate": (drop.sf_conversion_rates, _sf_rate),
        }
        since = drop.previous.taken_at
        for contract in contracts_for("salesforce"):
            object_name = contract.file_patterns[0].removesuffix(".csv")
            records, to_row = objects[object_name]
            file_name = f"{object_name}.csv"
            _contract("salesforce", file_name, contract.object)
            extra = LEAD_CUSTOM_FIELDS if object_name == "Lead" else ()
            full, changed = records, []
            if since is not None and object_name in SALESFORCE_INCREMENTAL_OBJECTS:
                full, changed = _split_salesforce(object_name, drop, since)
            self._write("salesforce", file_name, contract, {}, full, to_row, extra, bom=object_name == "Lead")
            if since is not None and object_name in SALESFORCE_INCREMENTAL_OBJECTS:
                self._write("salesforce", f"{export_day()}/{file_name}", contract, {}, changed, to_row, extra)

    # ---------------------------------------------------------------- HubSpot

    def hubspot(self, drop: ExportDrop, with_deals: bool) -> None:
        objects = {
            "contacts": (drop.hs_contacts, _hs_contact), "companies": (drop.hs_companies, _hs_company),
            "deals": (drop.hs_deals, _hs_deal), "form_submissions": (drop.hs_form_submissions, _hs_submission),
            "email_events": (drop.hs_email_events, _hs_email_event),
        }
        since = drop.previous.taken_at
        for object_name, file_name in hubspot_files().items():
            if object_name == "deals" and not with_deals:
                continue
            contract = _contract("hubspot", file_name, object_name)
            labels = hubspot_labels(contract)
            records, to_row = objects[object_name]
            if since is None or object_name not in hubspot_incremental_files():
                self._write("hubspot", file_name, contract, labels, records, to_row)
                continue
            previous = {"contacts": drop.previous.hs_contacts, "companies": drop.previous.hs_companies}[object_name]
            self._write("hubspot", file_name, contract, labels, previous, to_row)
            changed = [r for r in records if r.modified_at >= since]
            spanish_file = hubspot_incremental_files()[object_name]
            spanish = _spanish_labels(_contract("hubspot", spanish_file, object_name))
            self._write("hubspot", spanish_file, contract, spanish, changed, lambda r, f=to_row: f(r, SPANISH),
                        only=spanish, delimiter=";", bom=True)

    # ---------------------------------------------------------------- Marketo

    def marketo(self, drop: ExportDrop) -> None:
        objects = {"leads": (drop.mk_leads, _mk_lead), "activities": (drop.mk_activities, _mk_activity),
                   "programs": (drop.mk_programs, _mk_program)}
        for object_name, file_name in MARKETO_FILES.items():
            contract = _contract("marketo", file_name, object_name)
            records, to_row = objects[object_name]
            self._write("marketo", file_name, contract, {}, records, to_row)

    # ---------------------------------------------------------------- Spend

    def spend(self, drop: ExportDrop) -> None:
        google = [r for r in drop.ad_spend if r.platform == "google_ads"]
        linkedin = [r for r in drop.ad_spend if r.platform == "linkedin_ads"]
        google_contract = _contract("spend", SPEND_FILES["google_ads"], "google_ads")
        first, last = min(r.day for r in google), max(r.day for r in google)
        preamble = [["Campaign report"], [f"{first:%B} {first.day}, {first.year} - {last:%B} {last.day}, {last.year}"]]
        self._write("spend", SPEND_FILES["google_ads"], google_contract, _first_aliases(google_contract), google,
                    _google_row, preamble=preamble)
        linkedin_contract = _contract("spend", SPEND_FILES["linkedin_ads"], "linkedin_ads")
        first, last = min(r.day for r in linkedin), max(r.day for r in linkedin)
        preamble = [["Campaign Performance Report"], [f"Report Start: {us_date(first)}"],
                    [f"Report End: {us_date(last)}"], [f"Date Generated: {us_date(clock.AS_OF.date())}, 12:00 AM"],
                    ["Account Name: Smarketing Demo"], ["Time Zone: (UTC) Coordinated Universal Time"]]
        self._write("spend", SPEND_FILES["linkedin_ads"], linkedin_contract, _first_aliases(linkedin_contract),
                    linkedin, _linkedin_row, preamble=preamble)
        mapping_contract = _contract("spend", SPEND_FILES["campaign_mapping"], "campaign_mapping")
        self._write("spend", SPEND_FILES["campaign_mapping"], mapping_contract, {}, drop.campaign_mapping,
                    _mapping_row)
        if drop.fx_rates:
            rates_contract = _contract("spend", SPEND_FILES["fx_rates"], "fx_rates")
            self._write("spend", SPEND_FILES["fx_rates"], rates_contract, {"valid_from": "date"}, drop.fx_rates,
                        _fx_rate_row)

    # ---------------------------------------------------------------- Targets (the company's own plan)

    def targets(self, drop: ExportDrop) -> None:
        contract = _contract("targets", "mql_targets.csv", "mql_targets")
        self._write("targets", "mql_targets.csv", contract, {}, drop.mql_targets, _mql_target_row,
                    only=("month", "region", "target_mqls"))

    # ---------------------------------------------------------------- Content (the company's own calendar)

    def content(self, drop: ExportDrop) -> None:
        contract = _contract("content", "content_calendar.csv", "content_calendar")
        self._write("content", "content_calendar.csv", contract, {}, drop.content_calendar, _content_row)

    def ground_truth(self, document: dict) -> None:
        path = self.out_dir / "_ground_truth" / "ground_truth.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        self.files["_ground_truth/ground_truth.json"] = len(document.get("persons", ()))


def hubspot_labels(contract: Contract) -> dict[str, str]:
    """The English labels a HubSpot UI export writes for the contract's columns."""
    return {c.name: HUBSPOT_LABEL_OVERRIDES.get((contract.object, c.name), c.aliases[0]) for c in contract.columns}


def _split_salesforce(object_name: str, drop: ExportDrop, since: datetime) -> tuple[list, list]:
    """(the full export taken at `since`, the incremental extract of what was created, changed or
    deleted after it)."""
    if object_name == "Lead":
        return drop.previous.sf_leads, [r for r in drop.sf_leads if r.modified_at >= since]
    history = drop.sf_lead_history
    return [r for r in history if r.created_at < since], [r for r in history if r.created_at >= since]


def _spanish_labels(contract: Contract) -> dict[str, str]:
    labels = HUBSPOT_SPANISH_LABELS[contract.object]
    for name, label in labels.items():
        if label not in contract.column(name).aliases:
            raise ValueError(
                f"{label!r} is not a label ingest/contracts.py accepts for hubspot {contract.object}.{name}")
    return labels


def _first_aliases(contract: Contract) -> dict[str, str]:
    return {c.name: c.aliases[0] for c in contract.columns if c.aliases}


# --------------------------------------------------------------------------------------------
# Row formats per object (keys are the contract's canonical column names)
# --------------------------------------------------------------------------------------------


def _sf_lead(r) -> dict[str, str]:
    return {"Id": r.id, "FirstName": r.first_name, "LastName": r.last_name, "Email": _text(r.email),
            "Phone": _text(r.phone), "Company": r.company, "Title": _text(r.title), "Country": r.country,
            "Industry": _text(r.industry), "NumberOfEmployees": _text(r.employees), "LeadSource": r.lead_source,
            "Status": r.status, "Rating": _text(r.rating), "OwnerId": r.owner_id,
            "IsConverted": boolean(r.is_converted), "ConvertedDate": iso_date(r.converted_date),
            "ConvertedContactId": _text(r.converted_contact_id), "ConvertedAccountId": _text(r.converted_account_id),
            "ConvertedOpportunityId": _text(r.converted_opportunity_id), "CreatedDate": sf_timestamp(r.created_at),
            "LastModifiedDate": sf_timestamp(r.modified_at), "IsDeleted": boolean(r.is_deleted),
            "SystemModstamp": sf_timestamp(r.modified_at),
            "Disqualification_Reason__c": _text(r.disqualification_reason)}


def _sf_contact(r) -> dict[str, str]:
    return {"Id": r.id, "AccountId": r.account_id, "FirstName": r.first_name, "LastName": r.last_name,
            "Email": _text(r.email), "Phone": _text(r.phone), "Title": _text(r.title),
            "MailingCountry": r.mailing_country, "LeadSource": _text(r.lead_source), "OwnerId": r.owner_id,
            "CreatedDate": sf_timestamp(r.created_at), "LastModifiedDate": sf_timestamp(r.modified_at),
            "IsDeleted": "false", "SystemModstamp": sf_timestamp(r.modified_at)}


def _sf_account(r) -> dict[str, str]:
    return {"Id": r.id, "Name": r.name, "Website": _text(r.website), "Industry": _text(r.industry), "Type": r.type,
            "BillingCountry": r.billing_country, "NumberOfEmployees": _text(r.employees),
            "AnnualRevenue": fixed(r.annual_revenue), "OwnerId": r.owner_id,
            "CreatedDate": sf_timestamp(r.created_at), "LastModifiedDate": sf_timestamp(r.modified_at),
            "IsDeleted": "false", "SystemModstamp": sf_timestamp(r.modified_at)}


def _sf_opportunity(r) -> dict[str, str]:
    return {"Id": r.id, "AccountId": r.account_id, "Name": r.name, "StageName": r.stage_name,
            "Amount": fixed(r.amount), "CurrencyIsoCode": r.currency, "Probability": str(r.probability),
            "CloseDate": iso_date(r.close_date), "IsClosed": boolean(r.is_closed), "IsWon": boolean(r.is_won),
            "Type": r.type, "LeadSource": _text(r.lead_source), "CampaignId": _text(r.campaign_id),
            "OwnerId": r.owner_id, "ForecastCategoryName": r.forecast_category,
            "CreatedDate": sf_timestamp(r.created_at), "LastModifiedDate": sf_timestamp(r.modified_at),
            "IsDeleted": boolean(r.is_deleted), "SystemModstamp": sf_timestamp(r.modified_at)}


def _sf_opportunity_history(r) -> dict[str, str]:
    return {"Id": r.id, "OpportunityId": r.opportunity_id, "StageName": r.stage_name, "Amount": fixed(r.amount),
            "CloseDate": iso_date(r.close_date), "Probability": str(r.probability),
            "ForecastCategory": r.forecast_category, "CreatedById": r.created_by_id,
            "CreatedDate": sf_timestamp(r.created_at), "IsDeleted": boolean(r.is_deleted),
            "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_contact_role(r) -> dict[str, str]:
    return {"Id": r.id, "OpportunityId": r.opportunity_id, "ContactId": r.contact_id, "Role": r.role,
            "IsPrimary": boolean(r.is_primary), "CreatedDate": sf_timestamp(r.created_at),
            "IsDeleted": boolean(r.is_deleted), "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_campaign(r) -> dict[str, str]:
    return {"Id": r.id, "Name": r.name, "Type": r.type, "Status": r.status, "StartDate": iso_date(r.start_date),
            "EndDate": iso_date(r.end_date), "BudgetedCost": fixed(r.budgeted_cost),
            "ActualCost": fixed(r.actual_cost), "ParentId": _text(r.parent_id), "IsActive": boolean(r.is_active),
            "CurrencyIsoCode": r.currency, "CreatedDate": sf_timestamp(r.created_at), "IsDeleted": "false",
            "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_member(r) -> dict[str, str]:
    return {"Id": r.id, "CampaignId": r.campaign_id, "LeadId": _text(r.lead_id), "ContactId": _text(r.contact_id),
            "Status": r.status, "HasResponded": boolean(r.has_responded),
            "FirstRespondedDate": iso_date(r.first_responded_date), "CreatedDate": sf_timestamp(r.created_at),
            "IsDeleted": "false", "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_task(r) -> dict[str, str]:
    return {"Id": r.id, "WhoId": r.who_id, "WhatId": _text(r.what_id), "OwnerId": r.owner_id,
            "Subject": r.subject, "Type": r.type, "TaskSubtype": r.subtype, "Status": r.status,
            "ActivityDate": iso_date(r.activity_date), "CompletedDateTime": sf_timestamp(r.completed_at),
            "CreatedDate": sf_timestamp(r.created_at), "IsDeleted": "false",
            "SystemModstamp": sf_timestamp(r.completed_at or r.created_at)}


def _sf_event(r) -> dict[str, str]:
    return {"Id": r.id, "WhoId": r.who_id, "WhatId": _text(r.what_id), "OwnerId": r.owner_id,
            "Subject": r.subject, "Type": r.type, "StartDateTime": sf_timestamp(r.start),
            "EndDateTime": sf_timestamp(r.end), "CreatedDate": sf_timestamp(r.created_at), "IsDeleted": "false",
            "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_user(r) -> dict[str, str]:
    return {"Id": r.id, "Username": r.username, "FirstName": r.first_name, "LastName": r.last_name,
            "Email": r.email, "Title": r.title, "Department": r.department, "UserRoleId": r.role_id,
            "TimeZoneSidKey": r.time_zone, "IsActive": boolean(r.is_active),
            "CreatedDate": sf_timestamp(r.created_at), "SystemModstamp": sf_timestamp(r.created_at)}


def _sf_lead_history(r) -> dict[str, str]:
    return {"Id": r.id, "LeadId": r.lead_id, "Field": r.field, "DataType": _text(r.data_type),
            "OldValue": _text(r.old_value), "NewValue": _text(r.new_value), "CreatedById": r.created_by_id,
            "CreatedDate": sf_timestamp(r.created_at), "IsDeleted": "false"}


def _sf_rate(r) -> dict[str, str]:
    entered = datetime(r.start_date.year, r.start_date.month, r.start_date.day, 7, 0, tzinfo=clock.AS_OF.tzinfo)
    return {"Id": r.id, "IsoCode": r.iso_code, "ConversionRate": fixed(r.rate, 6),
            "StartDate": iso_date(r.start_date), "NextStartDate": iso_date(r.next_start_date),
            "SystemModstamp": sf_timestamp(entered)}


@dataclass(frozen=True)
class HubSpotLocale:
    """How a HubSpot export writes times and numbers, by the exporting user's language."""
    timestamp: Callable[[datetime | None], str]
    number: Callable[[Decimal | int | None], str]


ENGLISH = HubSpotLocale(hs_timestamp, hs_number)
SPANISH = HubSpotLocale(es_timestamp, es_number)


def _hs_contact(r, locale: HubSpotLocale = ENGLISH) -> dict[str, str]:
    row = {"hs_object_id": r.id, "firstname": r.first_name, "lastname": r.last_name, "email": _text(r.email),
           "phone": _text(r.phone), "company": _text(r.company), "jobtitle": _text(r.job_title),
           "country": _text(r.country), "lifecyclestage": r.lifecycle_stage, "hs_lead_status": _text(r.lead_status),
           "hubspotscore": locale.number(r.score), "hs_analytics_source": r.source,
           "hs_analytics_source_data_1": _text(r.source_drill_1), "hs_analytics_source_data_2": _text(r.source_drill_2),
           "hubspot_owner_id": _text(r.owner), "associatedcompanyid": _text(r.company_id),
           "createdate": locale.timestamp(r.created_at), "lastmodifieddate": locale.timestamp(r.modified_at),
           "hs_merged_object_ids": ";".join(r.merged_ids)}
    for stage, at in r.stage_dates.items():
        row[f"hs_lifecyclestage_{stage}_date"] = locale.timestamp(at)
    return row


def _hs_company(r, locale: HubSpotLocale = ENGLISH) -> dict[str, str]:
    return {"hs_object_id": r.id, "name": r.name, "domain": r.domain, "country": _text(r.country),
            "industry": _text(r.industry), "numberofemployees": locale.number(r.employees),
            "annualrevenue": locale.number(r.annual_revenue), "hubspot_owner_id": _text(r.owner),
            "createdate": locale.timestamp(r.created_at), "hs_lastmodifieddate": locale.timestamp(r.modified_at)}


def _hs_deal(r) -> dict[str, str]:
    return {"hs_object_id": r.id, "dealname": r.name, "pipeline": r.pipeline, "dealstage": r.stage,
            "amount": hs_number(r.amount), "deal_currency_code": r.currency, "closedate": hs_timestamp(r.close_at),
            "createdate": hs_timestamp(r.created_at), "hs_is_closed": boolean(r.is_closed),
            "hs_is_closed_won": boolean(r.is_won), "hubspot_owner_id": _text(r.owner),
            "associated_contact_ids": ";".join(r.contact_ids), "associated_company_ids": ";".join(r.company_ids),
            "hs_lastmodifieddate": hs_timestamp(r.modified_at)}


def _hs_submission(r) -> dict[str, str]:
    return {"conversion_id": r.conversion_id, "contact_id": r.contact_id, "email": r.email,
            "form_name": r.form_name, "page_url": r.page_url, "submitted_at": hs_timestamp(r.submitted_at)}


def _hs_email_event(r) -> dict[str, str]:
    return {"event_id": r.event_id, "recipient": r.recipient, "email_campaign": r.email_campaign,
            "event_type": r.event_type, "occurred_at": hs_timestamp(r.occurred_at), "url": _text(r.url)}


def _mk_lead(r) -> dict[str, str]:
    return {"id": r.id, "email": _text(r.email), "firstName": r.first_name, "lastName": r.last_name,
            "company": _text(r.company), "title": _text(r.title), "country": _text(r.country),
            "leadSource": r.lead_source, "leadStatus": r.lead_status, "leadScore": str(r.lead_score),
            "sfdcLeadId": _text(r.sfdc_lead_id), "sfdcContactId": _text(r.sfdc_contact_id),
            "createdAt": mk_timestamp(r.created_at), "updatedAt": mk_timestamp(r.updated_at)}


def _mk_activity(r) -> dict[str, str]:
    return {"marketoGUID": r.guid, "leadId": r.lead_id, "activityDate": mk_timestamp(r.occurred_at),
            "activityTypeId": str(r.type_id), "activityTypeName": r.type_name, "campaignId": _text(r.campaign_id),
            "primaryAttributeValueId": _text(r.primary_attribute_value_id),
            "primaryAttributeValue": _text(r.primary_attribute_value),
            "attributes": json.dumps(r.attributes, ensure_ascii=False)}


def _mk_program(r) -> dict[str, str]:
    return {"id": r.id, "name": r.name, "type": r.type, "channel": r.channel,
            "costStartDate": iso_date(r.cost_start_date), "cost": fixed(r.cost), "costNote": r.cost_note,
            "currency": r.currency, "createdAt": mk_timestamp(r.created_at)}


def _google_row(r) -> dict[str, str]:
    return {"day": iso_date(r.day), "campaign": r.campaign, "campaign_id": r.campaign_id, "currency": r.currency,
            "cost": fixed(r.cost), "clicks": str(r.clicks), "impressions": str(r.impressions)}


def _linkedin_row(r) -> dict[str, str]:
    return {"start_date": us_date(r.day), "campaign_name": r.campaign, "campaign_id": r.campaign_id,
            "currency": r.currency, "total_spent": fixed(r.cost), "clicks": str(r.clicks),
            "impressions": str(r.impressions)}


def _mapping_row(r) -> dict[str, str]:
    return {"platform": r.platform, "ad_campaign": r.ad_campaign, "crm_campaign_id": _text(r.crm_campaign_id),
            "utm_campaign": r.utm_campaign, "channel": r.channel}


def _fx_rate_row(r) -> dict[str, str]:
    return {"valid_from": iso_date(r.valid_from), "base_currency": r.base_currency, "currency": r.currency,
            "rate": fixed(r.rate, 6)}


def _mql_target_row(r) -> dict[str, str]:
    return {"month": r.month.strftime("%Y-%m"), "region": _text(r.region), "target_mqls": str(r.target_mqls)}


def _content_row(r) -> dict[str, str]:
    return {"asset_name": r.asset_name, "campaign_name": r.campaign_name, "asset_type": r.asset_type, "url": r.url,
            "published_date": iso_date(r.published_date), "author": r.author, "author_team": r.author_team,
            "marketing_helpers": "; ".join(r.marketing_helpers), "sales_helpers": "; ".join(r.sales_helpers)}


def write_drop(out_dir: Path, drop: ExportDrop) -> DropWriter:
    writer = DropWriter(out_dir)
    if "salesforce" in drop.systems:
        writer.salesforce(drop)
    if "hubspot" in drop.systems:
        writer.hubspot(drop, with_deals="salesforce" not in drop.systems)
    if "marketo" in drop.systems:
        writer.marketo(drop)
    if "spend" in drop.systems:
        writer.spend(drop)
    if "targets" in drop.systems:
        writer.targets(drop)
    if "content" in drop.systems:
        writer.content(drop)
    return writer
